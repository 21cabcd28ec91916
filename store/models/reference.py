"""The billing company's reference data: practices, payers and providers."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from denialdesk.store.types import JSONType, Money


class Practice(SQLModel, table=True):
    """A tenant: every other row belongs, directly or through a parent, to one practice."""

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, index=True, max_length=40)
    legal_name: str = Field(max_length=120)
    kind: str = Field(default="psychiatry", max_length=40)  # psychiatry | therapy | substance_use
    npi: str = Field(max_length=10)  # type-2 (organization) NPI, billing provider
    tax_id: str = Field(max_length=9)
    address1: str = Field(max_length=55)
    address2: str | None = Field(default=None, max_length=55)
    city: str = Field(max_length=30)
    state: str = Field(max_length=2)
    zip: str = Field(max_length=9)
    phone: str | None = Field(default=None, max_length=15)
    taxonomy: str = Field(max_length=10)
    time_zone: str = Field(default="America/New_York", max_length=40)
    # Write-offs above this amount need a supervisor (SPEC section 1, role table).
    write_off_threshold: Decimal = Field(default=Decimal("100.00"), sa_type=Money)
    # 42 CFR Part 2 program: disclosures of its records are audited.
    part2_program: bool = False
    # Authorization renewal: a task this many days before the end date (a payer's
    # rules.renewal_notice_days wins), and when remaining units fall to the threshold.
    renewal_notice_days: int = 14
    renewal_threshold: int = 2


class Payer(SQLModel, table=True):
    """A payer as contracted by one practice: its rules differ from practice to practice."""

    __table_args__ = (UniqueConstraint("practice_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    practice_id: int = Field(foreign_key="practice.id", index=True)
    name: str = Field(max_length=60)
    payer_id: str = Field(max_length=80)  # X12 payer id for NM1*PR in the 837P
    # Identifiers the payer uses in its 835s (TRN03, REF*2U) to recognise it on import.
    remittance_ids: list[str] = Field(default_factory=list, sa_column=Column(JSONType))
    plan_type: str = Field(max_length=20)  # domain.codes.PLAN_TYPES
    filing_indicator: str = Field(max_length=2)  # SBR09: MB, MC, HM, CI, BL, ...
    correction_method: str = Field(max_length=20)  # replacement_7 | new_claim | reopening
    # [{"level": 1, "name": "...", "window_days": 120, "address": "..."}]
    appeal_levels: list[dict] = Field(default_factory=list, sa_column=Column(JSONType))
    timely_filing_days: int = 365
    processing_days: int = 30
    address1: str | None = Field(default=None, max_length=55)
    city: str | None = Field(default=None, max_length=30)
    state: str | None = Field(default=None, max_length=2)
    zip: str | None = Field(default=None, max_length=9)
    # {"auth_required_codes": [...], "visit_limit_per_year": 20,
    #  "telehealth": {"places_of_service": ["02", "10"], "modifier": "95",
    #                 "in_person_place": false},  # true: the in-person POS (11) + modifier
    #  "credentials_allowed": {"90837": ["MD", ...]}, "renewal_notice_days": 14,
    #  "programs": {"H0004": "mental_health"}}  # or substance_use, when the line has no HF/HE
    rules: dict = Field(default_factory=dict, sa_column=Column(JSONType))


class Provider(SQLModel, table=True):
    """A rendering clinician (type-1 NPI) working for a practice."""

    __table_args__ = (UniqueConstraint("practice_id", "npi"),)

    id: int | None = Field(default=None, primary_key=True)
    practice_id: int = Field(foreign_key="practice.id", index=True)
    npi: str = Field(max_length=10)
    first_name: str = Field(max_length=35)
    last_name: str = Field(max_length=60)
    credential: str = Field(max_length=10)  # MD, DO, NP, PA, PhD, PsyD, LCSW, LPC, LMFT, ...
    taxonomy: str = Field(max_length=10)
