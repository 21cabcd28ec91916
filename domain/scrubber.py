"""Claim scrubbing before submission: every behavioral-health coding rule of scrub_rules/ and
the payer's own settings, run over one claim. Findings describe; they never change the claim.

Blocking findings hold the claim (`scrub_findings` task); those whose `authorization` is true
hold it for an authorization instead (`obtain_authorization` task).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date

from denialdesk.domain.claim import Authorization, ClaimInput
from denialdesk.domain.scrub_rules import coverage, diagnoses, lines, pairing, payer, timing
from denialdesk.domain.scrub_rules.base import Finding, ScrubContext

__all__ = ["RULES", "Finding", "ScrubContext", "blocking", "scrub"]

Rule = Callable[[ScrubContext], Iterable[Finding]]

RULES: tuple[Rule, ...] = (
    lines.claim_shape,
    lines.line_basics,
    lines.service_dates,
    lines.duplicates,
    timing.psychotherapy_time,
    timing.crisis_time,
    timing.family_time,
    pairing.add_ons,
    pairing.same_day,
    pairing.once_a_day,
    diagnoses.diagnosis_codes,
    diagnoses.pointers,
    diagnoses.treated_first,
    payer.telehealth,
    payer.credentials,
    payer.identifiers,
    coverage.coverage_dates,
    coverage.authorization,
    coverage.visit_limit,
    coverage.timely_filing,
)


def scrub(
    claim_input: ClaimInput,
    *,
    today: date,
    on_file: Sequence[Authorization] = (),
    visits_this_year: int | None = None,
    last_remit_date: date | None = None,
) -> list[Finding]:
    """All findings for the claim, claim-level first, then by line."""
    ctx = ScrubContext(
        claim_input=claim_input,
        today=today,
        on_file=tuple(on_file),
        visits_this_year=visits_this_year,
        last_remit_date=last_remit_date,
    )
    found = [finding for rule in RULES for finding in rule(ctx)]
    # Stable sort: within a line the rules' order (basics before subtleties) is kept.
    return sorted(found, key=lambda f: -1 if f.line is None else f.line)


def blocking(findings: Iterable[Finding]) -> list[Finding]:
    return [finding for finding in findings if finding.blocking]
