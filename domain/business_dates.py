"""The range a business date may take (service, payment, scheduled, pend and authorization
dates), checked where data comes in: the API, the CLI and the 835 parser.

Out of range is never a real fact here: a service date in 9999 is a typo or an attack, and
once stored it breaks the date arithmetic of every deadline and timer downstream (9999-12-31
plus one day overflows). `today` is passed in: the caller owns the clock.
"""

from __future__ import annotations

from datetime import date

EARLIEST = date(1900, 1, 1)
# Service and payment dates: a claim may be entered ahead for a scheduled visit, a payer may
# post-date a payment; years beyond that are mistakes.
YEARS_AHEAD = 2
# An authorization may run longer than a claim is ahead (multi-year treatment plans), but
# not without bound.
AUTHORIZATION_YEARS_AHEAD = 5
# With no today to hand (a stored row being read): far enough for every real date, near
# enough that adding any deadline in days stays a valid date.
HARD_LATEST = date(2199, 12, 31)


class DateOutOfRange(ValueError):
    """A business date outside its range; the message gives the range, not the value."""


def years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return day.replace(year=day.year + years, day=28)


def latest(today: date | None, years: int = YEARS_AHEAD) -> date:
    return years_after(today, years) if today is not None else HARD_LATEST


def check(value: date, *, today: date | None, years: int = YEARS_AHEAD) -> date:
    """`value` when it lies in [EARLIEST, today + years], else DateOutOfRange."""
    last = latest(today, years)
    if not EARLIEST <= value <= last:
        raise DateOutOfRange(f"must be between {EARLIEST.isoformat()} and {last.isoformat()}")
    return value


def check_authorization_end(value: date, *, today: date | None) -> date:
    return check(value, today=today, years=AUTHORIZATION_YEARS_AHEAD)
