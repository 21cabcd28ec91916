"""Authorization arithmetic: remaining units, when a renewal is due, which visit is uncovered.

Pure functions over dates and counts, shared by the store (what GET shows), the activities
(what the workflow is told) and AuthorizationWorkflow (when it acts); `today` is always given.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from denialdesk.domain.codes.procedures import session_units

UNIT_TYPES = ("visits", "units", "days")
DEFAULT_NOTICE_DAYS = 14
DEFAULT_THRESHOLD = 2


def remaining(approved: int, used: int, scheduled: int) -> int:
    return approved - used - scheduled


def units_per_visit(unit_type: str, codes: Iterable[str]) -> int:
    """What one scheduled visit will draw: 1 on a visits or days authorization; on a units
    one, a session of its code in the code's units (60-minute H0004 = 4), the largest when it
    names several codes (the renewal opens early rather than late), 1 when it names none."""
    if unit_type != "units":
        return 1
    return max((session_units(code) for code in codes), default=1)


def notice_days(practice_days: int | None, payer_rules: dict | None) -> int:
    """The payer's rule wins when set: some payers want renewals filed earlier than others."""
    rule = (payer_rules or {}).get("renewal_notice_days")
    if isinstance(rule, int) and not isinstance(rule, bool) and rule >= 0:
        return rule
    return DEFAULT_NOTICE_DAYS if practice_days is None else practice_days


def notice_date(end_date: date, days: int) -> date:
    return end_date - timedelta(days=days)


def first_uncovered(
    visits: Iterable[date],
    *,
    today: date,
    capacity: int,
    end_date: date,
    per_visit: int = 1,
) -> date | None:
    """The first future visit the authorization cannot pay for: past its end date, or beyond
    the `capacity` units left after what claims already used (`per_visit` units a visit)."""
    upcoming = sorted(v for v in visits if v >= today)
    for index, visit in enumerate(upcoming):
        if visit > end_date or (index + 1) * per_visit > capacity:
            return visit
    return None


def renewal_reason(
    *,
    today: date,
    end_date: date,
    days: int,
    remaining_units: int,
    threshold: int,
    uncovered: date | None,
) -> str | None:
    """Why a renewal is needed now (units | schedule | end_date), or None.

    Units first: running out stops billing before the calendar does."""
    if remaining_units <= threshold:
        return "units"
    if uncovered is not None:
        return "schedule"
    if today >= notice_date(end_date, days):
        return "end_date"
    return None


def renewal_due(*, end_date: date, uncovered: date | None) -> date:
    """The day the renewal must be filed by: before the first uncovered visit, else the end."""
    if uncovered is not None:
        return min(end_date, uncovered - timedelta(days=1))
    return end_date
