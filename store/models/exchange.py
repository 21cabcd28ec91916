"""What crosses to the outside: 837P submissions, X12 control numbers, the payment outbox."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from denialdesk.store.types import UTCDateTime, utcnow


class ControlCounter(SQLModel, table=True):
    """A named counter (ISA13, GS06, ST02): incremented in the sending transaction, so a
    control number is never handed out twice, across processes and restarts."""

    __tablename__ = "control_counter"

    name: str = Field(primary_key=True, max_length=20)
    value: int = 0


class Submission(SQLModel, table=True):
    """One claim version sent in one 837P interchange: the proof of timely filing."""

    __table_args__ = (UniqueConstraint("claim_id", "claim_version", "frequency"),)

    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claim.id", index=True)
    claim_version: int
    frequency: str = Field(max_length=1)
    interchange_control: int = Field(unique=True)  # ISA13
    file_name: str = Field(max_length=80)  # named by control number, never by patient
    submitted_on: date  # business date of the submission
    content: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class PaymentOutbox(SQLModel, table=True):
    """A claim payment still to be signalled to its workflow (written with the remittance,
    in the same transaction; the relay marks it sent once Temporal accepted the signal)."""

    __tablename__ = "payment_outbox"
    __table_args__ = (UniqueConstraint("claim_payment_id", "workflow_id"),)

    id: int | None = Field(default=None, primary_key=True)
    claim_payment_id: int = Field(foreign_key="claim_payment.id", index=True)
    claim_id: int = Field(foreign_key="claim.id", index=True)
    workflow_id: str = Field(max_length=80)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    attempts: int = 0
    last_error: str | None = Field(default=None, max_length=200)
