"""Appeals: the payer reads an appeal packet and overturns its denial, or upholds it, with a
probability that depends on the evidence.

A packet is the small JSON file the practice's appeal leaves in the outbox's appeals folder:

    {"control_number": str, "payer_claim_number": str | null, "payer_id": str, "level": int,
     "category": str, "carcs": [str], "letter_id": int | null, "no_letter_reason": str | null,
     "enclosures": [str], "sent_on": "YYYY-MM-DD"}

What moves the odds, as with real payers: a letter (without one an appeal rarely succeeds);
for medical necessity and benefit limits, the records; for an authorization denial, an
authorization the payer has on file for the service (or a retro-authorization enclosed); for
timely filing, proof of the original submission; for eligibility, proof of coverage. A claim
rejected as unprocessable (MA130) has no appeal rights and is always upheld.

The answer is a claim payment for the lines the appeal was about (those denied): overturned,
they are paid at the fee schedule with the patient's share (CLP02 1, the same payer claim
number); upheld, they come back denied with their original reasons and remark N10 (a review
decided it), MA01 too when another level remains (CLP02 4).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from random import Random

from denialdesk.domain.carc import carc as carc_info
from denialdesk.domain.x12.claim_in import ReceivedLine
from denialdesk.domain.x12.remit_out import ClaimOut, LineOut
from denialdesk.simulator.adjudicator import DENIED, terms_for
from denialdesk.simulator.book import PayerBook
from denialdesk.simulator.ledger import AppealRecord, Ledger, LedgerEntry
from denialdesk.simulator.pricing import PatientCosts, price

ANSWER_DAYS = (20, 45)
ZERO = Decimal(0)
NOT_APPEALABLE = "MA130"
# Words in an enclosure's description that make it evidence of a kind.
RECORDS = ("record", "note", "treatment plan", "assessment", "chart", "documentation", "testing")
PROOF_OF_FILING = ("proof", "timely", "submission", "acceptance", "999", "277", "clearinghouse")
AUTHORIZATION = ("authoriz", "approval", "precert", "referral")
COVERAGE = ("eligib", "coverage", "insurance card", "enrollment")

# (with the evidence the category needs, a letter without it, no letter at all)
ODDS: dict[str, tuple[float, float, float]] = {
    "medical_necessity": (0.65, 0.15, 0.05),
    "benefit_limit": (0.45, 0.12, 0.04),
    "authorization": (0.80, 0.10, 0.05),
    "timely_filing": (0.75, 0.03, 0.02),
    "eligibility": (0.55, 0.08, 0.03),
    "missing_info": (0.55, 0.20, 0.05),
    "coding": (0.35, 0.15, 0.05),
    "credentialing": (0.40, 0.10, 0.03),
    "duplicate": (0.30, 0.10, 0.03),
    "other": (0.40, 0.15, 0.05),
}
LATER_LEVEL = 0.85  # a second look decides a little less often for the provider


@dataclass(frozen=True)
class AppealPacket:
    control_number: str
    payer_id: str
    level: int
    category: str
    sent_on: date
    payer_claim_number: str | None = None
    carcs: tuple[str, ...] = ()
    letter_id: int | None = None
    no_letter_reason: str | None = None
    enclosures: tuple[str, ...] = field(default_factory=tuple)

    @classmethod
    def from_json(cls, data: dict) -> AppealPacket:
        """The packet as the outbox holds it; a missing or mistyped field raises ValueError."""
        try:
            return cls(
                control_number=_text(data["control_number"]),
                payer_id=_text(data["payer_id"]),
                level=int(data["level"]),
                category=_text(data.get("category") or "other"),
                sent_on=date.fromisoformat(data["sent_on"]),
                payer_claim_number=data.get("payer_claim_number") or None,
                carcs=tuple(str(c) for c in data.get("carcs") or ()),
                letter_id=data.get("letter_id"),
                no_letter_reason=data.get("no_letter_reason"),
                enclosures=tuple(str(e) for e in data.get("enclosures") or ()),
            )
        except (KeyError, TypeError) as error:
            raise ValueError(f"appeal packet field missing or mistyped: {error}") from None

    def encloses(self, words: tuple[str, ...]) -> bool:
        return any(word in item.lower() for item in self.enclosures for word in words)


@dataclass(frozen=True)
class AppealDecision:
    overturned: bool
    probability: float
    answered_on: date
    payment: ClaimOut  # the 835 claim payment that answers the appeal
    entry: LedgerEntry  # the claim as the payer holds it now


def find_appealed(ledger: Ledger, packet: AppealPacket) -> LedgerEntry | None:
    return ledger.find(packet.payer_id, packet.payer_claim_number, packet.control_number)


def decide_appeal(
    packet: AppealPacket,
    ledger_entry: LedgerEntry | None,
    book: PayerBook,
    rng: Random,
    *,
    today: date | None = None,
    ledger: Ledger | None = None,
) -> AppealDecision | None:
    """None when there is nothing to decide: the payer has no such claim, or none of its
    lines is denied any more."""
    entry = ledger_entry
    if entry is None or entry.voided:
        return None
    appealed = [line for line in entry.result.lines if _denied(line)]
    if not appealed and not entry.result.adjustments:
        return None
    probability = overturn_probability(packet, entry, book)
    overturned = rng.random() < probability
    lag = timedelta(days=rng.randint(*ANSWER_DAYS))
    answered_on = packet.sent_on + lag
    if today is not None:
        answered_on = max(packet.sent_on, min(today, answered_on))
    terms = terms_for(book, entry)
    if overturned and appealed:
        ledger = ledger if ledger is not None else Ledger(instance="T")
        costs = PatientCosts(terms, ledger, entry.member)
        lines = tuple(price(_as_received(line), costs) for line in appealed)
        status = entry.result.status if entry.result.status != DENIED else "1"
        remarks: tuple[str, ...] = ()
    else:
        overturned = False
        lines = tuple(appealed)
        status, remarks = DENIED, ("N10",)
        if any(level.level > packet.level for level in terms.as_payer().appeal_levels):
            remarks += ("MA01",)
    payment = dataclasses.replace(
        entry.result,
        status=status,
        charge=sum((line.charge for line in lines), ZERO) if lines else entry.result.charge,
        paid=sum((line.paid for line in lines), ZERO),
        lines=lines,
        adjustments=() if lines else entry.result.adjustments,
        remarks=remarks if lines else entry.result.remarks[:4] + ("N10",),
        received_on=packet.sent_on,
    )
    record = AppealRecord(
        packet.level, packet.sent_on, answered_on, overturned, packet.category, probability
    )
    updated = dataclasses.replace(
        entry,
        result=_merged(entry.result, lines) if overturned else entry.result,
        appeals=[*entry.appeals, record],
    )
    return AppealDecision(overturned, probability, answered_on, payment, updated)


def overturn_probability(packet: AppealPacket, entry: LedgerEntry, book: PayerBook) -> float:
    if NOT_APPEALABLE in entry.result.remarks:
        return 0.0
    category = packet.category if packet.category in ODDS else "other"
    with_evidence, letter_only, no_letter = ODDS[category]
    if packet.letter_id is None:
        odds = no_letter
    elif _has_evidence(packet, entry, book):
        odds = with_evidence
    else:
        odds = letter_only
    return odds * (LATER_LEVEL if packet.level > 1 else 1.0)


def _has_evidence(packet: AppealPacket, entry: LedgerEntry, book: PayerBook) -> bool:
    category = packet.category
    if category in ("medical_necessity", "benefit_limit", "missing_info", "coding", "other"):
        return packet.encloses(RECORDS)
    if category == "authorization":
        return _authorized_on_file(entry, book) or packet.encloses(AUTHORIZATION)
    if category == "timely_filing":
        return packet.encloses(PROOF_OF_FILING)
    if category == "eligibility":
        return packet.encloses(COVERAGE)
    return bool(packet.enclosures)


def _authorized_on_file(entry: LedgerEntry, book: PayerBook) -> bool:
    """Every denied line has an authorization on file for its code and date (the denial was
    the payer's mistake, or the number was missing from the claim)."""
    on_file = [a for a in book.of(entry.payer_id).authorizations if a.member == entry.member]
    denied = [line for line in entry.result.lines if _denied(line)]
    return bool(denied) and all(
        any(a.covers(line.code, line.service_date) for a in on_file) for line in denied
    )


def _denied(line: LineOut) -> bool:
    """A line the payer denied: a denial reason (not CO-45, PR-1/2/3 or other non-denials)."""
    return line.allowed is None and any(carc_info(a.carc).is_denial for a in line.adjustments)


def _as_received(line: LineOut) -> ReceivedLine:
    return ReceivedLine(
        number=int(line.control or 0),
        code=line.code,
        charge=line.charge,
        units=line.units,
        place_of_service="",
        service_date=line.service_date,
        dx_pointers=(1,),
        modifiers=line.modifiers,
    )


def _merged(result: ClaimOut, paid: tuple[LineOut, ...]) -> ClaimOut:
    by_control = {line.control: line for line in paid}
    lines = tuple(by_control.get(line.control, line) for line in result.lines)
    return dataclasses.replace(
        result,
        status=result.status if result.status != DENIED else "1",
        paid=sum((line.paid for line in lines), ZERO),
        lines=lines,
    )


def _text(value) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("appeal packet: a text field is empty")
    return value.strip()
