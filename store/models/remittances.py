"""835 remittances as imported: one row per transaction, its claim payments and adjustments."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Column, Index, text
from sqlmodel import Field, SQLModel

from denialdesk.store.types import JSONType, Money, UTCDateTime, utcnow


class Remittance(SQLModel, table=True):
    """One ST/SE 835 transaction; (payer identifier, trace number, practice) makes imports
    idempotent. The practice is the one the file is for (store/remittances.py): one
    practice's import never makes another's file a duplicate."""

    # coalesce: an import whose practice cannot be told (NULL) is still one per trace, which
    # a plain unique constraint would not hold (NULLs are distinct).
    __table_args__ = (
        Index(
            "uq_remittance_trace",
            "payer_identifier",
            "trace_number",
            text("coalesce(practice_id, 0)"),
            unique=True,
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    payer_identifier: str = Field(max_length=80)  # TRN03 (or REF*2U when TRN03 is absent)
    trace_number: str = Field(max_length=80)  # TRN02
    payer_name: str = Field(max_length=60)
    # Every way the file names its payer (TRN03, REF*2U, N1*PR N104): one must be the
    # claim's payer's before a payment is applied.
    payer_ids: list[str] = Field(default_factory=list, sa_column=Column(JSONType))
    practice_id: int | None = Field(default=None, foreign_key="practice.id", index=True)
    amount: Decimal = Field(sa_type=Money)  # BPR02
    payment_date: date | None = None  # BPR16
    method: str | None = Field(default=None, max_length=3)  # BPR04: ACH, CHK, NON
    provider_adjustments: list[dict] = Field(default_factory=list, sa_column=Column(JSONType))
    imported_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    imported_by: int | None = Field(default=None, foreign_key="user.id")


class ClaimPayment(SQLModel, table=True):
    """A CLP loop; claim_id is null when it matched none of our claims."""

    __tablename__ = "claim_payment"

    id: int | None = Field(default=None, primary_key=True)
    remittance_id: int = Field(foreign_key="remittance.id", index=True)
    claim_id: int | None = Field(default=None, foreign_key="claim.id", index=True)
    practice_id: int | None = Field(default=None, foreign_key="practice.id", index=True)
    control_number: str = Field(max_length=38)  # CLP01
    status_code: str = Field(max_length=2)  # CLP02
    charge: Decimal = Field(sa_type=Money)
    paid: Decimal = Field(sa_type=Money)
    patient_responsibility: Decimal | None = Field(default=None, sa_type=Money)
    payer_claim_number: str | None = Field(default=None, max_length=50)  # CLP07
    result: str = Field(max_length=20)  # paid | partially_paid | denied | reversal
    denial_category: str | None = Field(default=None, max_length=20)
    # Why the claim's workflow held it instead of applying it (a review_payment task);
    # held payments count in no total.
    held_reason: str | None = Field(default=None, max_length=300)


class PaymentLine(SQLModel, table=True):
    """An SVC loop of a claim payment."""

    __tablename__ = "payment_line"

    id: int | None = Field(default=None, primary_key=True)
    claim_payment_id: int = Field(foreign_key="claim_payment.id", index=True)
    code: str = Field(max_length=48)
    modifiers: list[str] = Field(default_factory=list, sa_column=Column(JSONType))
    service_date: date | None = None
    service_date_end: date | None = None
    charge: Decimal = Field(sa_type=Money)
    paid: Decimal = Field(sa_type=Money)
    units: Decimal | None = Field(default=None, sa_type=Money)
    line_control: str | None = Field(default=None, max_length=50)  # REF*6R, as returned
    # The line of ours it pays (domain/line_posting.py); None for an unmatched claim or line.
    service_line_id: int | None = Field(default=None, foreign_key="service_line.id", index=True)


class PaymentAdjustment(SQLModel, table=True):
    """One CAS triplet, at claim level (line id null) or line level."""

    __tablename__ = "payment_adjustment"

    id: int | None = Field(default=None, primary_key=True)
    claim_payment_id: int = Field(foreign_key="claim_payment.id", index=True)
    payment_line_id: int | None = Field(default=None, foreign_key="payment_line.id")
    group: str = Field(max_length=2)  # CO | PR | OA | PI
    carc: str = Field(max_length=5)
    amount: Decimal = Field(sa_type=Money)
    quantity: Decimal | None = Field(default=None, sa_type=Money)


class PaymentRemark(SQLModel, table=True):
    """A RARC from LQ (line) or MOA/MIA (claim)."""

    __tablename__ = "payment_remark"

    id: int | None = Field(default=None, primary_key=True)
    claim_payment_id: int = Field(foreign_key="claim_payment.id", index=True)
    payment_line_id: int | None = Field(default=None, foreign_key="payment_line.id")
    code: str = Field(max_length=10)
    source: str = Field(max_length=3)  # LQ | MOA | MIA
