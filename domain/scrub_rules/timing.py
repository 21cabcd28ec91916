"""Time rules: psychotherapy minutes match the code, crisis and family sessions long enough."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date

from denialdesk.domain.codes.procedures import (
    PSYCHOTHERAPY_ADD_ONS,
    PSYCHOTHERAPY_CODES,
    crisis_add_on_units,
    procedure,
    psychotherapy_code_for,
)
from denialdesk.domain.scrub_rules.base import Finding, ScrubContext, code_of, day_text, named

_FAMILY = frozenset({"90846", "90847"})


def _minutes_missing(number: int, code: str) -> Finding:
    # Not blocking: practice systems do not always send minutes, but the note must show them.
    return Finding(
        "minutes_missing",
        f"Line {number}: no session minutes recorded for {named(code)}; the note must "
        "document the time that supports the code.",
        number,
        blocking=False,
    )


def psychotherapy_time(ctx: ScrubContext) -> Iterator[Finding]:
    for number, line in ctx.lines:
        code = code_of(line)
        add_on = code in PSYCHOTHERAPY_ADD_ONS
        if code not in PSYCHOTHERAPY_CODES and not add_on:
            continue
        if line.minutes is None:
            yield _minutes_missing(number, code)
            continue
        fits = psychotherapy_code_for(line.minutes, add_on=add_on)
        if fits is None:
            yield Finding(
                "psychotherapy_too_short",
                f"Line {number}: {line.minutes} minutes of psychotherapy is not billable; "
                "the shortest code (90832/90833) needs 16 minutes.",
                number,
            )
        elif fits != code:
            yield Finding(
                "psychotherapy_time_mismatch",
                f"Line {number}: {line.minutes} minutes supports {named(fits)}, not {code}.",
                number,
            )


def family_time(ctx: ScrubContext) -> Iterator[Finding]:
    for number, line in ctx.lines:
        code = code_of(line)
        if code not in _FAMILY:
            continue
        if line.minutes is None:
            yield _minutes_missing(number, code)
            continue
        found = procedure(code)
        least = found.min_minutes if found else None
        if least is not None and line.minutes < least:
            yield Finding(
                "family_too_short",
                f"Line {number}: family psychotherapy {code} needs at least {least} minutes "
                f"(a 50-minute session past its midpoint); {line.minutes} were recorded.",
                number,
            )


def crisis_time(ctx: ScrubContext) -> Iterator[Finding]:
    """90839 covers 30–74 minutes once a day; 90840 adds each 30 minutes beyond 74."""
    by_day: dict[date, list[tuple[int, str, int | None, int]]] = defaultdict(list)
    for number, line in ctx.lines:
        code = code_of(line)
        if code in ("90839", "90840"):
            by_day[line.service_date].append((number, code, line.minutes, int(line.units)))
    for day, lines in by_day.items():
        first = [entry for entry in lines if entry[1] == "90839"]
        yield from _first_hour(first, day)
        extra = [entry for entry in lines if entry[1] == "90840"]
        if not extra or not first or any(minutes is None for _, _, minutes, _ in first):
            continue  # without 90839 (the add-on rule says so) or its time, nothing to weigh
        total = sum(minutes for _, _, minutes, _ in lines if minutes is not None)
        allowed = crisis_add_on_units(total)
        billed = sum(units for *_, units in extra)
        if billed > allowed:
            yield Finding(
                "crisis_add_on_time",
                f"Line {extra[0][0]}: {total} minutes of crisis psychotherapy on "
                f"{day_text(day)} supports {allowed} unit(s) of 90840 (each 30 minutes "
                f"beyond 74); {billed} are billed.",
                extra[0][0],
            )


def _first_hour(first: list[tuple[int, str, int | None, int]], day: date) -> Iterator[Finding]:
    if sum(units for *_, units in first) > 1:
        yield Finding(
            "crisis_once_per_day",
            f"Line {first[-1][0]}: 90839 (crisis psychotherapy, first 60 minutes) is billed "
            f"once a day; {day_text(day)} has it more than once. Bill the extra time as 90840.",
            first[-1][0],
        )
    for number, code, minutes, _ in first:
        if minutes is None:
            yield _minutes_missing(number, code)
        elif minutes < 30:
            yield Finding(
                "crisis_too_short",
                f"Line {number}: crisis psychotherapy under 30 minutes ({minutes}) is not "
                "90839; bill it as 90832 (or 90833 with an E/M visit).",
                number,
            )
