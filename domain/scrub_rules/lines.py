"""Line basics: well-formed codes, modifiers, places, units and charges; no duplicates."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from denialdesk.domain.claim import TelehealthRule
from denialdesk.domain.codes.modifiers import MODIFIERS, X_MODIFIERS, is_modifier_format
from denialdesk.domain.codes.places import is_place_of_service
from denialdesk.domain.codes.procedures import (
    Kind,
    Unit,
    is_procedure_format,
    procedure,
    units_for_minutes,
)
from denialdesk.domain.scrub_rules.base import (
    Finding,
    ScrubContext,
    code_of,
    day_text,
    modifiers_of,
    named,
)

MAX_LINES = 50  # an 837P claim carries at most 50 service lines
MAX_MODIFIERS = 4
# One unit per line: a session, a visit or a day, whatever its length.
_ONE_UNIT_KINDS = frozenset(
    {
        Kind.DIAGNOSTIC,
        Kind.PSYCHOTHERAPY,
        Kind.PSYCHOTHERAPY_ADD_ON,
        Kind.CRISIS,
        Kind.FAMILY,
        Kind.GROUP,
        Kind.INTERACTIVE_COMPLEXITY,
        Kind.EVALUATION_MANAGEMENT,
    }
)


def claim_shape(ctx: ScrubContext) -> Iterator[Finding]:
    claim = ctx.claim_input.claim
    if not claim.lines:
        yield Finding("no_lines", "The claim has no service lines.")
    elif len(claim.lines) > MAX_LINES:
        yield Finding(
            "too_many_lines",
            f"The claim has {len(claim.lines)} service lines; a claim carries at most "
            f"{MAX_LINES}. Split it into several claims.",
        )
    if claim.frequency not in ("1", "7", "8"):
        yield Finding(
            "frequency_invalid",
            f"Claim frequency {claim.frequency!r} is not 1 (original), 7 (replacement) "
            "or 8 (void).",
        )
    elif claim.frequency in ("7", "8") and not (claim.payer_claim_number or "").strip():
        yield Finding(
            "payer_claim_number_missing",
            "A replacement or void claim needs the payer's claim number from the remittance.",
        )
    if claim.frequency == "7" and ctx.claim_input.payer.correction_method == "reopening":
        yield Finding(
            "replacement_not_accepted",
            f"{ctx.claim_input.payer.name} takes no replacement claims for processed "
            "professional claims; request a reopening (or a redetermination) instead.",
        )


def line_basics(ctx: ScrubContext) -> Iterator[Finding]:
    for number, line in ctx.lines:
        code = code_of(line)
        if not is_procedure_format(code):
            yield Finding(
                "procedure_code_invalid",
                f"Line {number}: {line.code!r} is not a CPT or HCPCS code.",
                number,
            )
        yield from _modifiers(number, line.modifiers, ctx.claim_input.payer.rules.telehealth)
        yield from _distinct_service(number, line.modifiers)
        if not is_place_of_service(line.place_of_service):
            yield Finding(
                "place_of_service_invalid",
                f"Line {number}: place of service {line.place_of_service!r} is not a CMS "
                "place-of-service code.",
                number,
            )
        if line.charge <= 0:
            yield Finding(
                "charge_invalid",
                f"Line {number}: the charge must be more than $0.00 (it is ${line.charge}).",
                number,
            )
        yield from _units(number, line.units, code, line.minutes)


def _modifiers(
    number: int, modifiers: tuple[str, ...], telehealth: TelehealthRule
) -> Iterator[Finding]:
    if len(modifiers) > MAX_MODIFIERS:
        yield Finding(
            "too_many_modifiers",
            f"Line {number}: {len(modifiers)} modifiers; a line carries at most {MAX_MODIFIERS}.",
            number,
        )
    for raw in modifiers:
        modifier = raw.strip().upper()
        if not is_modifier_format(modifier):
            yield Finding(
                "modifier_invalid",
                f"Line {number}: {raw!r} is not a modifier (two letters or digits).",
                number,
            )
        elif (
            (known := MODIFIERS.get(modifier)) is not None
            and known.obsolete
            # A payer whose telehealth rule still names GT is billed GT: its rule wins.
            and modifier != telehealth.modifier
        ):
            yield Finding(
                "modifier_obsolete",
                f"Line {number}: modifier {modifier} ({known.description}) is no longer "
                f"accepted; use {known.use_instead} or the payer's telehealth modifier.",
                number,
            )


def _distinct_service(number: int, modifiers: tuple[str, ...]) -> Iterator[Finding]:
    """59 with one of its X{EPSU} subsets on the same line: the X modifier is the precise one
    and says it all; payers answer both with a denial (CO-4)."""
    given = {modifier.strip().upper() for modifier in modifiers}
    if "59" not in given:
        return
    for x in sorted(given & X_MODIFIERS):
        yield Finding(
            "modifier_59_with_x",
            f"Line {number}: modifiers 59 and {x} together; use {x}, not both.",
            number,
        )


def _units(number: int, units: Decimal, code: str, minutes: int | None) -> Iterator[Finding]:
    if units <= 0:
        yield Finding("units_invalid", f"Line {number}: units must be at least 1.", number)
        return
    found = procedure(code)
    if found is None:
        return
    if (found.kind in _ONE_UNIT_KINDS and found.unit is Unit.SERVICE) or found.unit is Unit.DAY:
        if units != 1:
            per = "a day" if found.unit is Unit.DAY else "a session"
            yield Finding(
                "units_mismatch",
                f"Line {number}: {named(code)} is billed once {per}; units must be 1, "
                f"not {units}. Bill other days on their own lines.",
                number,
            )
    elif found.unit is Unit.MINUTES_15 and minutes is not None:
        # The midpoint rule: a 15-minute unit counts once 8 minutes of it are done.
        expected = units_for_minutes(minutes, found.unit)
        if expected == 0:
            yield Finding(
                "units_mismatch",
                f"Line {number}: {minutes} minutes is under the 8 needed for one unit of {code}.",
                number,
            )
        elif units != expected:
            yield Finding(
                "units_mismatch",
                f"Line {number}: {minutes} minutes of {named(code)} is {expected} unit(s) of "
                f"15 minutes, not {units}.",
                number,
            )


def duplicates(ctx: ScrubContext) -> Iterator[Finding]:
    seen: dict[tuple, int] = {}
    for number, line in ctx.lines:
        rendering = ctx.claim_input.rendering_for(line).npi
        key = (line.service_date, code_of(line), tuple(sorted(modifiers_of(line))), rendering)
        if key in seen:
            yield Finding(
                "duplicate_line",
                f"Line {number} repeats line {seen[key]}: {code_of(line)} on "
                f"{day_text(line.service_date)} by the same provider with the same modifiers. "
                "Remove it, or add its units to the first line.",
                number,
            )
        else:
            seen[key] = number


def service_dates(ctx: ScrubContext) -> Iterator[Finding]:
    for number, line in ctx.lines:
        if line.service_date > ctx.today:
            yield Finding(
                "service_date_future",
                f"Line {number}: the date of service {day_text(line.service_date)} has not "
                "happened yet.",
                number,
            )
