"""835 (005010X221A1) writer: payments → one interchange, as text.

    write_835(payments, envelope=..., now=...) -> str

One transaction (ST/SE) per PaymentOut: its BPR payment, TRN trace, payer (N1*PR with REF*2U
and the technical contact PER*BL the guide requires) and payee (N1*PE with the NPI), then one
LX group holding the claim payments (CLP with claim-level CAS, NM1*QC, NM1*82, MOA, DTM), each
with its service lines (SVC, DTM*472, CAS, REF*6R, AMT*B6, LQ*HE), then PLB. Every amount is
checked before anything is written (x12-notes balancing):
line  SVC02 - SVC03 = sum of the line's CAS
claim CLP03 - CLP04 = sum of claim CAS + sum of line CAS, and CLP05 = sum of the PR amounts
file  BPR02 = sum of CLP04 - sum of PLB (a debit, BPR03 D, when that is negative)
so a file this writes always reads back with parse_835. The caller allocates the control
numbers and the trace number; dates come from the values, the interchange time from `now`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from denialdesk.domain.npi import is_valid_npi
from denialdesk.domain.x12.claim_out import text
from denialdesk.domain.x12.remit_model import Adjustment, ProviderAdjustment

VERSION = "005010X221A1"
ELEMENT, REPETITION, COMPONENT, TERMINATOR = "*", "^", ":", "~"
GROUPS = ("CO", "PR", "OA", "PI")
CLAIM_STATUSES = frozenset({"1", "2", "3", "4", "19", "20", "21", "22", "23", "25"})
MAX_CAS_TRIPLETS = 6
MAX_MOA_REMARKS = 5
# CLP06: the 835's claim filing indicators, a narrower list than the 837P's SBR09.
CLAIM_FILING_INDICATORS = frozenset(
    {"12", "13", "14", "15", "16", "17", "AM", "CH", "DS", "HM", "LM", "MA", "MB", "MC", "OF"}
    | {"TV", "VA", "WC", "ZZ"}
)
# SBR09 codes with no CLP06 twin: commercial and Blue plans answer as a PPO (12), the
# Federal Employees Program as another federal program, anything else as mutually defined.
_FILING_FROM_837 = {"CI": "12", "BL": "12", "FI": "OF", "11": "ZZ"}
ZERO, CENT = Decimal(0), Decimal("0.01")

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-./ ]*$")
_SENDER = re.compile(r"^[A-Za-z0-9]{1,15}$")
_CODE = re.compile(r"^[A-Z0-9]{1,8}$")


class RemitOutError(ValueError):
    """The values cannot make a valid 835; the message says which and why."""


@dataclass(frozen=True)
class RemitPayer:
    """The paying plan (1000A). `originator` is TRN03 and BPR10 ("1" + its tax id); `reference`
    the additional payer id of REF*2U (how importers recognise it), when it has one."""

    name: str
    originator: str
    reference: str | None = None
    address1: str = "PO BOX 1"
    city: str = "ANYTOWN"
    state: str = "PA"
    zip: str = "19101"
    contact_phone: str = "8005550100"
    # The payer's bank (ACH): a routing (DFI) number and an account.
    bank_routing: str = "011000015"
    bank_account: str = "123456789"


@dataclass(frozen=True)
class RemitPayee:
    """The provider paid (1000B): the billing provider's NPI and tax id."""

    name: str
    npi: str
    tax_id: str | None = None
    bank_routing: str = "021000021"
    bank_account: str = "987654321"


@dataclass(frozen=True)
class LineOut:
    code: str
    charge: Decimal
    paid: Decimal
    service_date: date
    units: Decimal = Decimal(1)
    modifiers: tuple[str, ...] = ()
    adjustments: tuple[Adjustment, ...] = ()
    remarks: tuple[str, ...] = ()  # LQ*HE remark codes (RARC)
    control: str | None = None  # REF*6R: the line as the claim numbered it
    allowed: Decimal | None = None  # AMT*B6


@dataclass(frozen=True)
class PatientOut:
    """NM1*QC. Every part is optional in the guide: an answer the payer writes without the
    claim at hand (an appeal decision) names the claim, not the patient."""

    last_name: str | None = None
    first_name: str | None = None
    member_id: str | None = None


@dataclass(frozen=True)
class ClaimOut:
    control_number: str  # CLP01: our CLM01
    status: str  # CLP02: 1/2/3 processed, 4 denied, 22 reversal, ...
    charge: Decimal
    paid: Decimal
    filing_indicator: str  # CLP06
    payer_claim_number: str  # CLP07
    lines: tuple[LineOut, ...] = ()
    adjustments: tuple[Adjustment, ...] = ()  # claim-level CAS
    remarks: tuple[str, ...] = ()  # MOA remark codes
    patient: PatientOut | None = None
    rendering_npi: str | None = None  # NM1*82
    facility: str | None = None  # CLP08: the place of service
    frequency: str | None = None  # CLP09
    statement_from: date | None = None  # DTM*232
    statement_to: date | None = None  # DTM*233
    received_on: date | None = None  # DTM*050

    @property
    def patient_responsibility(self) -> Decimal:
        """CLP05: what the PR adjustments at claim and line level add up to."""
        found = [a.amount for a in self.all_adjustments() if a.group == "PR"]
        return sum(found, ZERO)

    def all_adjustments(self) -> list[Adjustment]:
        return list(self.adjustments) + [a for line in self.lines for a in line.adjustments]


@dataclass(frozen=True)
class PaymentOut:
    """One transaction: one payment (or notice) of one payer to one payee."""

    trace_number: str  # TRN02
    paid_on: date  # BPR16
    payer: RemitPayer
    payee: RemitPayee
    claims: tuple[ClaimOut, ...]
    produced_on: date | None = None  # DTM*405; the payment date when None
    method: str = "ACH"  # ACH or CHK when money moves; a zero payment is always NON
    provider_adjustments: tuple[ProviderAdjustment, ...] = ()

    @property
    def amount(self) -> Decimal:
        paid = sum((claim.paid for claim in self.claims), ZERO)
        return paid - sum((p.amount for p in self.provider_adjustments), ZERO)


@dataclass(frozen=True)
class RemitEnvelope:
    sender_id: str  # ISA06 / GS02: the payer's
    receiver_id: str  # ISA08 / GS03: the submitter the 837P came from
    interchange_control: int  # ISA13 / IEA02
    group_control: int  # GS06 / GE02
    production: bool = False  # ISA15 P, else T


def filing_indicator_for(sbr09: str) -> str:
    """The CLP06 a payer answers a claim billed with SBR09 `sbr09` with."""
    code = _FILING_FROM_837.get(sbr09, sbr09)
    return code if code in CLAIM_FILING_INDICATORS else "ZZ"


def write_835(payments: Sequence[PaymentOut], *, envelope: RemitEnvelope, now: datetime) -> str:
    _check_envelope(payments, envelope)
    isa13 = f"{envelope.interchange_control:09d}"
    day, time = now.strftime("%Y%m%d"), now.strftime("%H%M")
    sender, receiver = envelope.sender_id, envelope.receiver_id
    segments = [
        f"ISA*00*{'':10}*00*{'':10}*ZZ*{sender:15}*ZZ*{receiver:15}*{day[2:]}*{time}"
        f"*{REPETITION}*00501*{isa13}*0*{'P' if envelope.production else 'T'}*{COMPONENT}",
        _join("GS", "HP", sender, receiver, day, time, str(envelope.group_control), "X", VERSION),
    ]
    for number, payment in enumerate(payments, start=1):
        segments += _transaction(f"{number:04d}", payment)
    segments.append(_join("GE", str(len(payments)), str(envelope.group_control)))
    segments.append(_join("IEA", "1", isa13))
    return "".join(segment + TERMINATOR + "\n" for segment in segments)


def _check_envelope(payments: Sequence[PaymentOut], envelope: RemitEnvelope) -> None:
    if not payments:
        raise RemitOutError("an interchange needs at least one payment")
    for name, number in (("ISA13", envelope.interchange_control), ("GS06", envelope.group_control)):
        if not 1 <= number <= 999_999_999:
            raise RemitOutError(f"{name} control number {number} is not 1–999999999")
    for name, value in (("sender", envelope.sender_id), ("receiver", envelope.receiver_id)):
        if not _SENDER.match(value):
            raise RemitOutError(f"{name} id {value!r} must be 1–15 letters or digits")


def _transaction(st02: str, payment: PaymentOut) -> list[str]:
    if not payment.claims and not payment.provider_adjustments:
        raise RemitOutError(f"payment {payment.trace_number} pays no claim")
    trace = _ident(payment.trace_number, 50, "trace number")
    payer, payee = payment.payer, payment.payee
    originator = _ident(payer.originator, 10, "payer originator (TRN03)")
    if not is_valid_npi(payee.npi):
        raise RemitOutError(f"payee NPI {payee.npi!r} is not valid")
    body = [
        _join("ST", "835", st02),
        _bpr(payment, originator),
        _join("TRN", "1", trace, originator),
        _join("DTM", "405", _date(payment.produced_on or payment.paid_on)),
        _join("N1", "PR", _name(payer.name, 60, "payer name")),
        _join("N3", text(payer.address1, 55)),
        _join("N4", text(payer.city, 30), text(payer.state, 2), _digits(payer.zip)),
    ]
    if payer.reference:
        body.append(_join("REF", "2U", _ident(payer.reference, 50, "payer id (REF*2U)")))
    body += [
        _join("PER", "BL", "PROVIDER SERVICES", "TE", _digits(payer.contact_phone)),
        _join("N1", "PE", _name(payee.name, 60, "payee name"), "XX", payee.npi),
    ]
    if payee.tax_id:
        body.append(_join("REF", "TJ", _digits(payee.tax_id)))
    if payment.claims:
        body.append(_join("LX", "1"))
    for claim in payment.claims:
        body += _claim(claim)
    body += _plb(payee.npi, payment.provider_adjustments)
    body.append(_join("SE", str(len(body) + 1), st02))
    return body


def _bpr(payment: PaymentOut, originator: str) -> str:
    amount = payment.amount
    flag = "D" if amount < 0 else "C"  # D: the provider owes the payer
    day = _date(payment.paid_on)
    if amount == 0:
        # H: notification only, no money moves (every claim denied, or a wash).
        return _join("BPR", "H", "0", "C", "NON", *[""] * 11, day)
    if payment.method == "CHK":
        return _join("BPR", "I", _amount(abs(amount)), flag, "CHK", *[""] * 11, day)
    if payment.method != "ACH":
        raise RemitOutError(f"payment method {payment.method!r} is not ACH or CHK")
    payer, payee = payment.payer, payment.payee
    return _join(
        "BPR", "I", _amount(abs(amount)), flag, "ACH", "CCP",
        "01", _digits(payer.bank_routing), "DA", _digits(payer.bank_account), originator, "",
        "01", _digits(payee.bank_routing), "DA", _digits(payee.bank_account), day,
    )  # fmt: skip


def _claim(claim: ClaimOut) -> list[str]:
    control = _ident(claim.control_number, 38, "claim control number (CLP01)")
    if claim.status not in CLAIM_STATUSES:
        raise RemitOutError(f"claim {control}: CLP02 {claim.status!r} is not a claim status")
    _check_claim_balance(claim)
    responsibility = claim.patient_responsibility
    segments = [
        _join(
            "CLP",
            control,
            claim.status,
            _amount(claim.charge),
            _amount(claim.paid),
            _amount(responsibility) if responsibility else "",
            _filing(claim.filing_indicator),
            _ident(claim.payer_claim_number, 50, "payer claim number (CLP07)"),
            claim.facility or "",
            claim.frequency or "",
        ),
        *_cas(claim.adjustments),
        _patient(claim.patient),
    ]
    if claim.rendering_npi:
        if not is_valid_npi(claim.rendering_npi):
            raise RemitOutError(f"claim {control}: rendering NPI is not valid")
        segments.append(_join("NM1", "82", "1", "", "", "", "", "", "XX", claim.rendering_npi))
    if claim.remarks:
        if len(claim.remarks) > MAX_MOA_REMARKS:
            raise RemitOutError(f"claim {control}: MOA carries at most five remarks")
        segments.append(_join("MOA", "", "", *(_code(r, "remark") for r in claim.remarks)))
    for qualifier, day in (
        ("232", claim.statement_from),
        ("233", claim.statement_to),
        ("050", claim.received_on),
    ):
        if day is not None:
            segments.append(_join("DTM", qualifier, _date(day)))
    for line in claim.lines:
        segments += _line(line)
    return segments


def _check_claim_balance(claim: ClaimOut) -> None:
    for line in claim.lines:
        adjusted = sum((a.amount for a in line.adjustments), ZERO)
        if _cents(line.charge) - _cents(line.paid) != _cents(adjusted):
            raise RemitOutError(
                f"claim {claim.control_number}: line {line.code} does not balance "
                f"(charge {line.charge} - paid {line.paid} != adjustments {adjusted})"
            )
    adjusted = sum((a.amount for a in claim.all_adjustments()), ZERO)
    if _cents(claim.charge) - _cents(claim.paid) != _cents(adjusted):
        raise RemitOutError(
            f"claim {claim.control_number} does not balance "
            f"(charge {claim.charge} - paid {claim.paid} != adjustments {adjusted})"
        )


def _patient(patient: PatientOut | None) -> str:
    patient = patient or PatientOut()
    last = text(patient.last_name, 60) if patient.last_name else ""
    first = text(patient.first_name, 35) if patient.first_name else ""
    member = _ident(patient.member_id, 80, "member id") if patient.member_id else ""
    return _join("NM1", "QC", "1", last, first, "", "", "", "MI" if member else "", member)


def _line(line: LineOut) -> list[str]:
    code = _code(line.code, "procedure code")
    modifiers = [_code(m, "modifier") for m in line.modifiers]
    if len(modifiers) > 4:
        raise RemitOutError(f"line {code}: at most four modifiers")
    segments = [
        _join(
            "SVC",
            _join("HC", code, *modifiers, separator=COMPONENT),
            _amount(line.charge),
            _amount(line.paid),
            "",
            _number(line.units),
        ),
        _join("DTM", "472", _date(line.service_date)),
        *_cas(line.adjustments),
    ]
    if line.control:
        segments.append(_join("REF", "6R", _ident(line.control, 50, "line control (REF*6R)")))
    if line.allowed is not None:
        segments.append(_join("AMT", "B6", _amount(line.allowed)))
    segments += [_join("LQ", "HE", _code(remark, "remark")) for remark in line.remarks]
    return segments


def _cas(adjustments: Iterable[Adjustment]) -> list[str]:
    """One CAS per group, in the guide's order, six reasons at most per segment."""
    by_group: dict[str, list[Adjustment]] = {}
    for adjustment in adjustments:
        if adjustment.group not in GROUPS:
            raise RemitOutError(f"adjustment group {adjustment.group!r} is not CO, PR, OA or PI")
        _code(adjustment.carc, "adjustment reason (CARC)")
        by_group.setdefault(adjustment.group, []).append(adjustment)
    segments = []
    for group in GROUPS:
        found = by_group.get(group, [])
        for start in range(0, len(found), MAX_CAS_TRIPLETS):
            triplets: list[str] = []
            for a in found[start : start + MAX_CAS_TRIPLETS]:
                quantity = _number(a.quantity) if a.quantity is not None else ""
                triplets += [a.carc, _amount(a.amount), quantity]
            segments.append(_join("CAS", group, *triplets))
    return segments


def _plb(npi: str, adjustments: Sequence[ProviderAdjustment]) -> list[str]:
    segments = []
    for adjustment in adjustments:
        reason = _code(adjustment.reason, "provider adjustment reason")
        reference = adjustment.reference and _ident(adjustment.reference, 50, "PLB reference")
        identifier = _join(reason, reference or "", separator=COMPONENT)
        segments.append(
            _join(
                "PLB",
                adjustment.provider_id or npi,
                _date(adjustment.fiscal_period_end),
                identifier,
                _amount(adjustment.amount),
            )
        )
    return segments


def _ident(value: str, max_len: int, what: str) -> str:
    value = value.strip()
    if len(value) > max_len or not _ID.match(value):
        raise RemitOutError(f"{what}: letters, digits, - . / and spaces, {max_len} max")
    return value


def _code(value: str, what: str) -> str:
    if not _CODE.match(value):
        raise RemitOutError(f"{what} {value!r} is not a code")
    return value


def _filing(value: str) -> str:
    if value not in CLAIM_FILING_INDICATORS:
        raise RemitOutError(f"claim filing indicator (CLP06) {value!r} is not an 835 code")
    return value


def _name(value: str, max_len: int, what: str) -> str:
    cleaned = text(value, max_len)
    if not cleaned:
        raise RemitOutError(f"{what} has no letters or digits")
    return cleaned


def _join(*elements: str, separator: str = ELEMENT) -> str:
    values = list(elements)
    while values and values[-1] == "":  # X12 drops trailing empty elements and components
        values.pop()
    return separator.join(values)


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT)


def _amount(value: Decimal) -> str:
    """X12 type R: no needless zeros ("140", "12.5"), never "-0"."""
    cents = _cents(value)
    if cents == 0:
        return "0"
    return format(cents.normalize(), "f")


def _number(value: Decimal) -> str:
    return "0" if value == 0 else format(value.normalize(), "f")


def _digits(value: str) -> str:
    return "".join(char for char in value if char.isdigit())


def _date(day: date) -> str:
    return day.strftime("%Y%m%d")
