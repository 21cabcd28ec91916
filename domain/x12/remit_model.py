"""What an 835 (005010X221A1) says, as values: file → transactions → claim payments → lines.

Money is Decimal exactly as sent (reversals carry negative amounts); dates are `date`;
collections are tuples. The parser builds these once and nothing downstream changes them.
They are deliberately not `frozen`: a frozen dataclass sets each field through
object.__setattr__, which made building 10,000 claims a third slower (bench/bench_835.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

REVERSAL = "22"  # CLP02: reversal of a previous payment


@dataclass(slots=True)
class Adjustment:
    """One CAS reason triplet: group (CO/PR/OA/PI), CARC, amount and optional quantity."""

    group: str
    carc: str
    amount: Decimal
    quantity: Decimal | None = None


@dataclass(slots=True)
class ServiceLine:
    """SVC loop (2110). `code` is the adjudicated procedure; `billed_code` is SVC06 when the
    payer paid a different code than the one billed."""

    qualifier: str
    code: str
    modifiers: tuple[str, ...]
    charge: Decimal
    paid: Decimal
    units: Decimal
    service_from: date | None
    service_to: date | None
    adjustments: tuple[Adjustment, ...] = ()
    remarks: tuple[str, ...] = ()
    revenue_code: str | None = None
    billed_code: str | None = None
    control_number: str | None = None
    allowed: Decimal | None = None
    segment_number: int = 0

    @property
    def service_date(self) -> date | None:
        return self.service_from


@dataclass(slots=True)
class ClaimPayment:
    """CLP loop (2100) with its lines. `remarks` are the claim-level RARCs (MOA/MIA)."""

    control_number: str
    status_code: str
    charge: Decimal
    paid: Decimal
    patient_responsibility: Decimal | None
    filing_indicator: str
    payer_claim_number: str | None
    frequency: str | None = None
    statement_from: date | None = None
    statement_to: date | None = None
    received: date | None = None
    rendering_npi: str | None = None
    adjustments: tuple[Adjustment, ...] = ()
    remarks: tuple[str, ...] = ()
    lines: tuple[ServiceLine, ...] = ()
    segment_number: int = 0

    @property
    def is_reversal(self) -> bool:
        return self.status_code == REVERSAL

    def all_adjustments(self) -> tuple[Adjustment, ...]:
        """Claim-level then line-level adjustments, in file order."""
        return self.adjustments + tuple(a for line in self.lines for a in line.adjustments)


@dataclass(slots=True)
class Payer:
    name: str
    # REF*2U when sent, else the N1*PR identifier: what the payer calls itself in remittances.
    id: str | None


@dataclass(slots=True)
class Payee:
    name: str
    npi: str | None
    tax_id: str | None


@dataclass(slots=True)
class ProviderAdjustment:
    """One PLB reason/amount pair. A positive amount reduces the payment (e.g. a recoupment),
    a negative one adds to it (e.g. interest, L6)."""

    provider_id: str
    fiscal_period_end: date
    reason: str
    reference: str | None
    amount: Decimal


@dataclass(slots=True)
class Transaction:
    """One ST/SE: one payment (BPR) identified by its trace (TRN03 originator, TRN02 number)."""

    control_number: str
    handling_code: str
    # BPR02, negative when BPR03 says debit (the provider owes the payer).
    amount: Decimal
    method: str
    payment_date: date
    trace_number: str
    originator: str
    payer: Payer
    payee: Payee
    claims: tuple[ClaimPayment, ...]
    provider_adjustments: tuple[ProviderAdjustment, ...] = ()
    production_date: date | None = None
    segment_number: int = 0


@dataclass(slots=True)
class RemittanceFile:
    sender_id: str
    receiver_id: str
    control_number: str
    transactions: tuple[Transaction, ...]

    @property
    def trace_numbers(self) -> list[str]:
        return [t.trace_number for t in self.transactions]

    @property
    def amount(self) -> Decimal:
        return sum((t.amount for t in self.transactions), Decimal(0))

    @property
    def claims(self) -> list[ClaimPayment]:
        return [c for t in self.transactions for c in t.claims]
