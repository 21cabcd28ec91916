"""Codes that need, or must not have, other codes the same day: add-ons and bundles."""

from __future__ import annotations

from collections.abc import Iterator

from denialdesk.domain.claim import ServiceLine
from denialdesk.domain.codes.em import EM_CODES
from denialdesk.domain.codes.modifiers import DISTINCT_SERVICE_MODIFIERS
from denialdesk.domain.codes.procedures import (
    ADD_ON_EXCLUDED,
    ADD_ON_PRIMARIES,
    PSYCHOTHERAPY_ADD_ONS,
    PSYCHOTHERAPY_CODES,
)
from denialdesk.domain.scrub_rules.base import (
    Finding,
    ScrubContext,
    code_of,
    day_text,
    modifiers_of,
    named,
)

_NEEDS = {
    **dict.fromkeys(
        PSYCHOTHERAPY_ADD_ONS,
        "an E/M visit (such as 99213 or 99214) on the same claim and date",
    ),
    "90840": "90839 (crisis psychotherapy, first 60 minutes) on the same date",
    "90785": "90791, 90792, 90832–90838 or 90853 on the same date (never an E/M alone, "
    "never crisis codes)",
}

_FAMILY = frozenset({"90846", "90847"})
# (codes, finding code, what to bill instead): at most one line of these per provider and day.
# Payers pay the first and deny the rest (CO-97 bundled, CO-236 not billable with that code the
# same day, B15), and no modifier changes that: the codes measure the day's total time or work.
_ONE_A_DAY: tuple[tuple[frozenset[str], str, str], ...] = (
    (
        PSYCHOTHERAPY_CODES,
        "psychotherapy_once_per_day",
        "one psychotherapy code a day: bill the day's total time on one line",
    ),
    (
        PSYCHOTHERAPY_ADD_ONS,
        "add_on_once_per_em",
        "one psychotherapy add-on per E/M visit: bill the total psychotherapy time on one add-on",
    ),
    (
        EM_CODES,
        "em_once_per_day",
        "one E/M visit a day: bill the level the day's total work supports",
    ),
    (
        _FAMILY,
        "family_once_per_day",
        "family psychotherapy with (90847) and without (90846) the patient is one service a "
        "day: bill the one that was provided for the day's time",
    ),
)
_EVALUATIONS = frozenset({"90791", "90792"})
_SESSIONS = PSYCHOTHERAPY_CODES | PSYCHOTHERAPY_ADD_ONS
# (code, codes it may not share a day with, what to do instead). National Correct Coding
# edits; a distinct-service modifier (59, XE, XS, XP, XU) on either line says they were
# separate encounters and lifts the edit.
_SAME_DAY: tuple[tuple[str, frozenset[str], str], ...] = (
    ("90791", frozenset({"90792"}), "bill one diagnostic evaluation a day"),
    *(
        (evaluation, _SESSIONS | EM_CODES, "the evaluation includes the session that day")
        for evaluation in _EVALUATIONS
    ),
    (
        "90839",
        _EVALUATIONS | _SESSIONS | {"90846", "90847", "90853"},
        "crisis psychotherapy is not billed with other psychiatric services the same day",
    ),
    *(
        (
            em,
            PSYCHOTHERAPY_CODES,
            "with an E/M visit, bill psychotherapy as the add-on 90833/90836/90838",
        )
        for em in sorted(EM_CODES)
    ),
)


def add_ons(ctx: ScrubContext) -> Iterator[Finding]:
    for number, line in ctx.lines:
        code = code_of(line)
        others = ctx.codes_on(line.service_date, besides=number)
        primaries = ADD_ON_PRIMARIES.get(code)
        if primaries is not None and not others & primaries:
            need = _NEEDS.get(code, "its primary code on the same date")
            yield Finding(
                "add_on_without_primary",
                f"Line {number}: add-on {named(code)} needs {need}.",
                number,
            )
        excluded = sorted(others & ADD_ON_EXCLUDED.get(code, frozenset()))
        if excluded:
            yield Finding(
                "add_on_excluded",
                f"Line {number}: add-on {code} is never billed with {', '.join(excluded)} on "
                f"{day_text(line.service_date)}.",
                number,
            )


def same_day(ctx: ScrubContext) -> Iterator[Finding]:
    lines = list(ctx.lines)
    for number, line in lines:
        code = code_of(line)
        for first, conflicts, advice in _SAME_DAY:
            if code != first:
                continue
            for other_number, other in lines:
                if (
                    other_number != number
                    and other.service_date == line.service_date
                    and ctx.same_provider(line, other)
                    and code_of(other) in conflicts
                    and not (modifiers_of(line) | modifiers_of(other)) & DISTINCT_SERVICE_MODIFIERS
                ):
                    yield Finding(
                        "same_day_conflict",
                        f"Line {other_number}: {named(code_of(other))} is billed on "
                        f"{day_text(line.service_date)} with {code} (line {number}); "
                        f"{advice}.",
                        other_number,
                    )


def once_a_day(ctx: ScrubContext) -> Iterator[Finding]:
    first: dict[tuple, tuple[int, ServiceLine]] = {}
    for number, line in ctx.lines:
        code = code_of(line)
        for codes, finding_code, advice in _ONE_A_DAY:
            if code not in codes:
                continue
            rendering = ctx.claim_input.rendering_for(line).npi
            key = (finding_code, line.service_date, rendering)
            if key not in first:
                first[key] = (number, line)
                continue
            kept_number, kept = first[key]
            if _same_line(kept, line):
                continue  # an exact repeat: duplicate_line says so
            yield Finding(
                finding_code,
                f"Line {number}: {named(code)} is billed on {day_text(line.service_date)} by "
                f"the provider who billed {code_of(kept)} (line {kept_number}); {advice}.",
                number,
            )


def _same_line(first: ServiceLine, second: ServiceLine) -> bool:
    return code_of(first) == code_of(second) and modifiers_of(first) == modifiers_of(second)
