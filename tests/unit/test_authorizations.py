"""Authorization arithmetic: notice days, the first uncovered visit, why a renewal is due."""

from __future__ import annotations

from datetime import date

from denialdesk.domain import authorizations as auth

END = date(2026, 6, 30)
TODAY = date(2026, 5, 1)


def test_the_payer_rule_wins_over_the_practice_setting_and_14_is_the_default():
    assert auth.notice_days(10, {"renewal_notice_days": 21}) == 21
    assert auth.notice_days(10, {}) == 10
    assert auth.notice_days(None, None) == 14
    assert auth.notice_days(10, {"renewal_notice_days": "soon"}) == 10


def test_a_visit_beyond_the_units_left_is_the_first_uncovered():
    visits = [date(2026, 5, 20), date(2026, 5, 6), date(2026, 4, 1), date(2026, 5, 13)]
    # The April visit is past; two units left cover May 6 and 13, not May 20.
    assert auth.first_uncovered(visits, today=TODAY, capacity=2, end_date=END) == date(2026, 5, 20)
    assert auth.first_uncovered(visits, today=TODAY, capacity=3, end_date=END) is None


def test_a_visit_after_the_end_date_is_uncovered_whatever_the_units():
    visits = [date(2026, 6, 29), date(2026, 7, 2)]
    assert auth.first_uncovered(visits, today=TODAY, capacity=10, end_date=END) == date(2026, 7, 2)


def test_renewal_reasons_in_order_units_schedule_end_date():
    common = {"end_date": END, "days": 14, "threshold": 2}
    assert auth.renewal_reason(today=TODAY, remaining_units=2, uncovered=None, **common) == "units"
    uncovered = date(2026, 6, 1)
    assert (
        auth.renewal_reason(today=TODAY, remaining_units=5, uncovered=uncovered, **common)
        == "schedule"
    )
    assert auth.renewal_reason(today=TODAY, remaining_units=5, uncovered=None, **common) is None
    notice = date(2026, 6, 16)
    assert auth.notice_date(END, 14) == notice
    assert auth.renewal_reason(today=notice, remaining_units=5, uncovered=None, **common) == (
        "end_date"
    )


def test_the_renewal_is_due_the_day_before_the_first_uncovered_visit():
    assert auth.renewal_due(end_date=END, uncovered=date(2026, 6, 1)) == date(2026, 5, 31)
    assert auth.renewal_due(end_date=END, uncovered=date(2026, 7, 9)) == END
    assert auth.renewal_due(end_date=END, uncovered=None) == END
    assert auth.remaining(10, 3, 4) == 3


def test_a_units_authorization_weighs_each_visit_by_its_codes_session():
    # H0004 is billed per 15 minutes: a 60-minute session is 4 units, not 1.
    assert auth.units_per_visit("units", ["H0004"]) == 4
    assert auth.units_per_visit("units", ["90837"]) == 1  # one unit a session
    assert auth.units_per_visit("units", ["90837", "H0004"]) == 4  # the larger draw
    assert auth.units_per_visit("units", []) == 1
    assert auth.units_per_visit("visits", ["H0004"]) == 1
    assert auth.units_per_visit("days", ["H0015"]) == 1


def test_the_first_uncovered_visit_counts_units_per_visit():
    # 40 approved, 32 used: 8 units cover two 60-minute H0004 visits, not the third.
    visits = [date(2026, 5, 6), date(2026, 5, 13), date(2026, 5, 20)]
    found = auth.first_uncovered(visits, today=TODAY, capacity=8, end_date=END, per_visit=4)
    assert found == date(2026, 5, 20)
    assert auth.first_uncovered(visits, today=TODAY, capacity=12, end_date=END, per_visit=4) is None
