"""The simulator's ledger: every claim it adjudicated, by payer claim number, as JSON.

An entry holds the claim as the payer now sees it (the last answer merged with the appeals
it overturned), so a replacement, a void or an appeal finds the original and what was paid,
and the payer's counters (visits paid this year, deductible met, authorization units drawn)
are counted from it. Entries name the member by its book key only, and the answers they keep
carry no patient: nothing here is a member id or a name.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from pydantic import TypeAdapter

from denialdesk.domain.x12.remit_out import ClaimOut, LineOut

ZERO = Decimal(0)


@dataclass
class AppealRecord:
    level: int
    sent_on: date
    answered_on: date
    overturned: bool
    category: str
    probability: float


@dataclass
class LedgerEntry:
    payer_claim_number: str
    control_number: str
    payer_id: str
    payer_key: str  # the PayerTerms that adjudicated it
    billing_npi: str
    member: str  # PayerBook.member_key
    received_on: date
    answered_on: date
    frequency: str
    result: ClaimOut  # without its patient
    # line control (REF*6R) -> the authorization number the payer counted the line under
    authorizations: dict[str, str] = field(default_factory=dict)
    source: str | None = None  # the outbox file the claim came in (named by control number)
    payee_name: str = ""  # the billing provider (2010AA), who the 835 pays
    payee_tax_id: str | None = None
    voided: bool = False
    appeals: list[AppealRecord] = field(default_factory=list)

    def allowed_lines(self) -> Iterator[LineOut]:
        """Lines the payer allowed (paid, or put on the patient): they count as services."""
        if self.voided:
            return
        yield from (line for line in self.result.lines if line.allowed is not None)


@dataclass
class Ledger:
    instance: str  # random per ledger: trace numbers stay unique if the state is reset
    sequence: int = 0  # payer claim numbers and trace numbers
    interchange: int = 0  # ISA13 of the 835s written
    entries: dict[str, LedgerEntry] = field(default_factory=dict)  # by payer claim number
    # sender:ISA13 of every 837P taken: a file sent again is a duplicate, not a new claim.
    interchanges: list[str] = field(default_factory=list)

    def next_payer_claim_number(self, answered_on: date) -> str:
        """The number the next new entry gets (Julian date and sequence, like an ICN)."""
        return f"{answered_on:%y%j}{self.sequence + 1:08d}"

    def record(self, entry: LedgerEntry) -> None:
        if entry.payer_claim_number not in self.entries:
            self.sequence += 1
        self.entries[entry.payer_claim_number] = entry

    def next_trace(self) -> str:
        self.sequence += 1
        return f"{self.instance}{self.sequence:08d}"

    def next_interchange(self) -> int:
        self.interchange = self.interchange % 999_999_999 + 1
        return self.interchange

    def find(
        self, payer_id: str, payer_claim_number: str | None, control_number: str | None = None
    ) -> LedgerEntry | None:
        """The claim the payer holds under this number (else, when given, the latest one
        with this control number), not voided."""
        entry = self.entries.get(payer_claim_number or "")
        if entry is not None and entry.payer_id == payer_id and not entry.voided:
            return entry
        if control_number is None:
            return None
        found = [
            e
            for e in self.entries.values()
            if e.control_number == control_number and e.payer_id == payer_id and not e.voided
        ]
        return max(found, key=lambda e: e.answered_on) if found else None

    def _member_entries(self, payer_id: str, member: str, besides: str | None):
        for entry in self.entries.values():
            if (
                entry.payer_id == payer_id
                and entry.member == member
                and entry.payer_claim_number != besides
            ):
                yield entry

    def visit_days(self, payer_id: str, member: str, year: int, besides: str | None) -> set[date]:
        return {
            line.service_date
            for entry in self._member_entries(payer_id, member, besides)
            for line in entry.allowed_lines()
            if line.service_date.year == year
        }

    def deductible_applied(self, payer_id: str, member: str, year: int, besides: str | None):
        return sum(
            (
                a.amount
                for entry in self._member_entries(payer_id, member, besides)
                for line in entry.allowed_lines()
                if line.service_date.year == year
                for a in line.adjustments
                if a.group == "PR" and a.carc == "1"
            ),
            ZERO,
        )

    def authorization_used(
        self, payer_id: str, member: str, number: str, unit_type: str, besides: str | None
    ) -> Decimal:
        """Visits (distinct days), days or units the payer paid under the authorization."""
        days: set[date] = set()
        units = ZERO
        for entry in self._member_entries(payer_id, member, besides):
            for line in entry.allowed_lines():
                if entry.authorizations.get(line.control or "") == number:
                    days.add(line.service_date)
                    units += line.units
        return units if unit_type == "units" else Decimal(len(days))

    def to_json(self) -> bytes:
        return _ADAPTER.dump_json(self, indent=1)

    @classmethod
    def from_json(cls, data: bytes | str) -> Ledger:
        return _ADAPTER.validate_json(data)


_ADAPTER = TypeAdapter(Ledger)
