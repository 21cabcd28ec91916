"""Coverage on the date of service, authorizations, visit limits and timely filing."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from denialdesk.domain.claim import Authorization, ServiceLine
from denialdesk.domain.deadlines import corrected_claim_deadline, timely_filing_deadline
from denialdesk.domain.scrub_rules.base import Finding, ScrubContext, code_of, day_text, named


def coverage_dates(ctx: ScrubContext) -> Iterator[Finding]:
    coverage = ctx.claim_input.coverage
    for number, line in ctx.lines:
        if not coverage.active_on(line.service_date):
            yield Finding(
                "coverage_inactive",
                f"Line {number}: the patient's {ctx.claim_input.payer.name} coverage was not "
                f"in effect on {day_text(line.service_date)}; check eligibility or bill the "
                "coverage in effect that day.",
                number,
            )


def authorization(ctx: ScrubContext) -> Iterator[Finding]:
    """Lines whose codes the payer authorizes need an attached authorization that covers the
    code and the date and still has room once scheduled visits are counted."""
    required = ctx.claim_input.payer.rules.auth_required_codes
    needing = [(n, line) for n, line in ctx.lines if code_of(line) in required]
    if not needing:
        return
    attached = ctx.claim_input.authorization
    if attached is None:
        for number, line in needing:
            yield Finding(
                "auth_missing",
                f"Line {number}: {ctx.claim_input.payer.name} requires an authorization for "
                f"{named(code_of(line))}; none is attached. " + _on_file_hint(ctx, line),
                number,
            )
        return
    counted: list[ServiceLine] = []
    for number, line in needing:
        code, day = code_of(line), line.service_date
        if not attached.covers_code(code):
            yield Finding(
                "auth_code_not_covered",
                f"Line {number}: authorization {attached.number} covers "
                f"{', '.join(sorted(attached.codes))}, not {code}.",
                number,
            )
        elif day < attached.start:
            yield Finding(
                "auth_not_started",
                f"Line {number}: authorization {attached.number} starts "
                f"{day_text(attached.start)}, after the date of service {day_text(day)}.",
                number,
            )
        elif day > attached.end:
            yield Finding(
                "auth_expired",
                f"Line {number}: authorization {attached.number} ended "
                f"{day_text(attached.end)}, before the date of service {day_text(day)}.",
                number,
            )
        else:
            counted.append(line)
    yield from _exhausted(attached, counted)


def _exhausted(attached: Authorization, counted: list[ServiceLine]) -> Iterator[Finding]:
    if not counted:
        return
    if attached.unit_type == "units":
        needed = sum((line.units for line in counted), Decimal(0))
    else:  # visits and days: each distinct date counts once
        needed = Decimal(len({line.service_date for line in counted}))
    if needed > attached.remaining:
        kind = attached.unit_type
        yield Finding(
            "auth_exhausted",
            f"Authorization {attached.number} has {max(attached.remaining, 0)} {kind} left "
            f"({attached.approved} approved, {attached.used} used, {attached.scheduled} "
            f"scheduled); this claim needs {needed}. Request more {kind} before submitting.",
        )


def _on_file_hint(ctx: ScrubContext, line: ServiceLine) -> str:
    for candidate in ctx.on_file:
        if candidate.covers_code(code_of(line)) and candidate.covers_date(line.service_date):
            return f"Authorization {candidate.number} on file covers it: attach it."
    return "Obtain one (or a retro-authorization) from the payer."


def visit_limit(ctx: ScrubContext) -> Iterator[Finding]:
    limit = ctx.claim_input.payer.rules.visit_limit_per_year
    if limit is None or ctx.visits_this_year is None:
        return
    visits = ctx.visits_this_year + len({line.service_date for _, line in ctx.lines})
    if visits > limit:
        # A warning: the plan may allow more with authorization, and parity may apply.
        yield Finding(
            "visit_limit_reached",
            f"{ctx.claim_input.payer.name} allows {limit} visits a year; with this claim the "
            f"patient reaches {visits} (billed and scheduled). Expect a benefit-limit denial "
            "unless an authorization or exception applies.",
            blocking=False,
        )


def timely_filing(ctx: ScrubContext) -> Iterator[Finding]:
    claim_input = ctx.claim_input
    if claim_input.claim.frequency == "8":
        return  # a void withdraws a claim; no filing limit applies to it
    corrected = claim_input.claim.frequency == "7"
    for number, line in ctx.lines:
        if corrected:
            deadline = corrected_claim_deadline(
                line.service_date, claim_input.payer, ctx.last_remit_date
            )
        else:
            deadline = timely_filing_deadline(line.service_date, claim_input.payer)
        if ctx.today > deadline:
            yield Finding(
                "timely_filing_passed",
                f"Line {number}: {claim_input.payer.name}'s filing limit for "
                f"{day_text(line.service_date)} ended {day_text(deadline)}. Submit only with "
                "proof of an earlier timely submission; otherwise write it off.",
                number,
            )
