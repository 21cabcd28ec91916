"""What a rule sees (the claim and its context) and what it says (findings)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from denialdesk.domain.claim import Authorization, ClaimInput, ServiceLine
from denialdesk.domain.codes.procedures import describe_procedure, normalize_procedure


@dataclass(frozen=True)
class Finding:
    """One problem on a claim, worded for the specialist who will fix it.

    `code` is a stable identifier (tests, reports, routing); `line` is the 1-based service
    line or None for the whole claim; a blocking finding holds the claim from submission.
    """

    code: str
    message: str
    line: int | None = None
    blocking: bool = True

    @property
    def authorization(self) -> bool:
        """Authorization findings hold the claim for an authorization, not for a correction."""
        return self.code.startswith("auth_")


@dataclass(frozen=True)
class ScrubContext:
    claim_input: ClaimInput
    today: date
    # Authorizations on file for the patient and payer, to point at one worth attaching.
    on_file: Sequence[Authorization] = ()
    # Visits this calendar year already billed or scheduled, when the caller counted them.
    visits_this_year: int | None = None
    # Date of the last remittance, for payers that count a corrected claim's window from it.
    last_remit_date: date | None = None

    @property
    def lines(self) -> Iterator[tuple[int, ServiceLine]]:
        return enumerate(self.claim_input.claim.lines, start=1)

    def codes_on(self, day: date, *, besides: int) -> set[str]:
        """Procedure codes billed on `day` other than on line `besides`, counting only the
        lines of that line's rendering provider, since pairing and bundling edits are per
        provider (a psychiatrist's E/M does not carry a therapist's add-on)."""
        claim_input = self.claim_input
        npi = claim_input.rendering_for(claim_input.claim.lines[besides - 1]).npi
        return {
            code_of(line)
            for number, line in self.lines
            if line.service_date == day
            and number != besides
            and claim_input.rendering_for(line).npi == npi
        }

    def same_provider(self, first: ServiceLine, second: ServiceLine) -> bool:
        rendering = self.claim_input.rendering_for
        return rendering(first).npi == rendering(second).npi


def code_of(line: ServiceLine) -> str:
    return normalize_procedure(line.code)


def modifiers_of(line: ServiceLine) -> set[str]:
    return {modifier.strip().upper() for modifier in line.modifiers}


def named(code: str) -> str:
    """'90834 (Psychotherapy, 45 minutes (38–52))' — a code with what it means."""
    return f"{code} ({describe_procedure(code)})"


def day_text(day: date) -> str:
    return day.strftime("%m/%d/%Y")
