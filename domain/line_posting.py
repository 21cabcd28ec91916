"""Which of our claim's lines each line of a payment pays (835 SVC loop → 837P LX).

By the line control number first: the 837P sends each line's REF*6R (x12/claim_out.py) and the
payer returns it with the line's payment, so two lines of the same code on the same day (two
90837 sessions, a repeated H0004) each get their own money. A payer that returns no REF*6R (or
one we did not send) is matched by code and date of service, then by code alone, each of our
lines taken once, in order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from denialdesk.domain.x12.claim_out import line_control


@dataclass(frozen=True)
class OurLine:
    number: int  # line_number, sent as LX01 and REF*6R
    code: str
    service_date: date


@dataclass(frozen=True)
class PaidLine:
    control: str | None  # REF*6R of the SVC loop
    code: str
    service_date: date | None


def post_lines(ours: Sequence[OurLine], paid: Sequence[PaidLine]) -> list[int | None]:
    """For each paid line, in order, the number of our line it pays, or None (no line of ours
    fits: a code the payer changed, or more paid lines than ours)."""
    by_control = {line_control(line.number): line for line in ours}
    taken: set[int] = set()
    posted: list[int | None] = [None] * len(paid)
    for index, line in enumerate(paid):  # named lines first, so a guess never takes theirs
        mine = by_control.get(line.control or "")
        if mine is not None and mine.number not in taken:
            posted[index] = mine.number
            taken.add(mine.number)
    for fits in (_same_code_and_date, _same_code):
        for index, line in enumerate(paid):
            if posted[index] is not None:
                continue
            mine = next((o for o in ours if o.number not in taken and fits(o, line)), None)
            if mine is not None:
                posted[index] = mine.number
                taken.add(mine.number)
    return posted


def _same_code_and_date(ours: OurLine, paid: PaidLine) -> bool:
    return ours.code == paid.code and ours.service_date == paid.service_date


def _same_code(ours: OurLine, paid: PaidLine) -> bool:
    return ours.code == paid.code
