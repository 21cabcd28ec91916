"""Moments of the history: office hours in the practice's time zone, stored in UTC.

People act on weekdays between 8:30 and 17:30 local time; the practice system's batches and
the payers' files arrive early in the morning. All of it is drawn from the practice's
random.Random, so the same seed gives the same moments.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

OPENS, CLOSES = 8 * 60 + 30, 17 * 60 + 30  # minutes after midnight


class Clock:
    def __init__(self, rng: random.Random, time_zone: str) -> None:
        self.rng = rng
        self.zone = ZoneInfo(time_zone)

    def at(self, day: date, minute: int) -> datetime:
        """`minute` after local midnight of `day`, in UTC."""
        local = datetime.combine(day, time(minute // 60, minute % 60), self.zone)
        return local.astimezone(UTC)

    def office(self, day: date, earliest: int = OPENS) -> datetime:
        """A moment in office hours of `day` (moved to the next weekday on a weekend)."""
        day = weekday_on_or_after(day)
        earliest = min(max(earliest, OPENS), CLOSES - 1)
        return self.at(day, self.rng.randint(earliest, CLOSES - 1))

    def after(self, moment: datetime, days: tuple[int, int]) -> datetime:
        """A moment in office hours `days` (fewest, most) weekdays after `moment`; on the same
        day it is later than `moment`."""
        local = moment.astimezone(self.zone)
        count = self.rng.randint(*days)
        day = add_weekdays(local.date(), count)
        earliest = local.hour * 60 + local.minute + 5 if day == local.date() else OPENS
        if earliest >= CLOSES - 1:  # too late today: first thing on the next weekday
            day, earliest = add_weekdays(day, 1), OPENS
        return self.office(day, earliest)

    def morning(self, day: date) -> datetime:
        """Early morning of `day`: when a nightly batch or an 835 download lands."""
        return self.at(day, self.rng.randint(6 * 60, 8 * 60))


def seconds(moment: datetime, count: int) -> datetime:
    return moment + timedelta(seconds=count)


def weekday_on_or_after(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def add_weekdays(day: date, count: int) -> date:
    day = weekday_on_or_after(day)
    for _ in range(count):
        day = weekday_on_or_after(day + timedelta(days=1))
    return day


def next_pay_day(day: date, weekdays: tuple[int, ...]) -> date:
    while day.weekday() not in weekdays:
        day += timedelta(days=1)
    return day
