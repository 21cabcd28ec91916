from datetime import date

import pytest

from denialdesk.domain import business_dates as bd

TODAY = date(2026, 12, 4)


@pytest.mark.parametrize(
    "value", [date(1900, 1, 1), date(2026, 12, 4), date(2028, 12, 4), date(1999, 6, 30)]
)
def test_dates_in_range_pass(value):
    assert bd.check(value, today=TODAY) == value


@pytest.mark.parametrize(
    "value", [date(1899, 12, 31), date(2028, 12, 5), date(9999, 12, 31), date(1, 1, 1)]
)
def test_dates_out_of_range_are_refused_without_echoing_them(value):
    with pytest.raises(bd.DateOutOfRange) as raised:
        bd.check(value, today=TODAY)
    assert str(raised.value) == "must be between 1900-01-01 and 2028-12-04"


def test_authorization_end_may_run_five_years():
    assert bd.check_authorization_end(date(2031, 12, 4), today=TODAY) == date(2031, 12, 4)
    with pytest.raises(bd.DateOutOfRange):
        bd.check_authorization_end(date(2031, 12, 5), today=TODAY)


def test_leap_day_moves_to_the_28th():
    assert bd.latest(date(2028, 2, 29)) == date(2030, 2, 28)


def test_without_today_the_hard_cap_still_leaves_room_for_deadlines():
    with pytest.raises(bd.DateOutOfRange):
        bd.check(date(9999, 12, 31), today=None)
    # Every deadline is counted in days from a business date: the cap leaves room for them.
    assert bd.HARD_LATEST.toordinal() + 10 * 366 < date.max.toordinal()
