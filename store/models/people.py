"""Patients and what pays for their care: coverages and authorizations (all PHI)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from denialdesk.store.types import JSONType


class Patient(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    practice_id: int = Field(foreign_key="practice.id", index=True)
    first_name: str = Field(max_length=35)
    last_name: str = Field(max_length=60)
    birth_date: date
    sex: str = Field(max_length=1)  # F | M | U
    address1: str = Field(max_length=55)
    address2: str | None = Field(default=None, max_length=55)
    city: str = Field(max_length=30)
    state: str = Field(max_length=2)
    zip: str = Field(max_length=9)


class Coverage(SQLModel, table=True):
    """A patient's insurance with one payer; the subscriber fields are set when not the patient."""

    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    payer_id: int = Field(foreign_key="payer.id", index=True)
    order: str = Field(default="primary", max_length=10)  # primary | secondary | tertiary
    member_id: str = Field(max_length=80)
    group_number: str | None = Field(default=None, max_length=50)
    relationship: str = Field(default="self", max_length=10)  # self | spouse | child | other
    subscriber_first_name: str | None = Field(default=None, max_length=35)
    subscriber_last_name: str | None = Field(default=None, max_length=60)
    subscriber_birth_date: date | None = None
    subscriber_sex: str | None = Field(default=None, max_length=1)
    subscriber_address1: str | None = Field(default=None, max_length=55)
    subscriber_city: str | None = Field(default=None, max_length=30)
    subscriber_state: str | None = Field(default=None, max_length=2)
    subscriber_zip: str | None = Field(default=None, max_length=9)
    effective_from: date
    effective_to: date | None = None


class Authorization(SQLModel, table=True):
    """A payer's approval of services; used and scheduled counts are kept by its workflow."""

    id: int | None = Field(default=None, primary_key=True)
    practice_id: int = Field(foreign_key="practice.id", index=True)
    coverage_id: int = Field(foreign_key="coverage.id", index=True)
    number: str = Field(max_length=50)
    codes: list[str] = Field(default_factory=list, sa_column=Column(JSONType))
    unit_type: str = Field(default="visits", max_length=10)  # visits | units | days
    approved: int
    used: int = 0
    scheduled: int = 0
    start_date: date
    end_date: date
    status: str = Field(default="active", max_length=10)  # active | expired | exhausted

    @property
    def remaining(self) -> int:
        return self.approved - self.used - self.scheduled


class ScheduledVisit(SQLModel, table=True):
    """A visit on the practice's schedule that will draw on an authorization once billed."""

    __tablename__ = "scheduled_visit"
    __table_args__ = (UniqueConstraint("authorization_id", "visit_date"),)

    id: int | None = Field(default=None, primary_key=True)
    authorization_id: int = Field(foreign_key="authorization.id", index=True)
    visit_date: date


class AuthorizationUse(SQLModel, table=True):
    """Units a submitted claim drew from an authorization; released when the claim is voided,
    so `used` can always be recounted from these rows."""

    __tablename__ = "authorization_use"
    __table_args__ = (UniqueConstraint("authorization_id", "claim_id", "service_date"),)

    id: int | None = Field(default=None, primary_key=True)
    authorization_id: int = Field(foreign_key="authorization.id", index=True)
    claim_id: int = Field(foreign_key="claim.id", index=True)
    service_date: date
    units: int = 1
    released: bool = False
