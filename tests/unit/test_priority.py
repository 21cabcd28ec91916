"""Task priority: dollars × overturn prior × deadline factor, and the reason shown for it."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from denialdesk.domain.priority import (
    OVERTURN_PRIORS,
    PAST_DUE_FACTOR,
    deadline_factor,
    priority,
)

TODAY = date(2024, 5, 1)


def test_reason_names_dollars_and_days_left():
    result = priority(
        amount=Decimal("1240.00"),
        category="coding",
        deadline=TODAY + timedelta(days=9),
        today=TODAY,
    )
    assert result.reason == "$1,240 · 9 days left"
    assert result.days_left == 9
    assert result.score == pytest.approx(1240 * 0.7 * (1 + 2 / (9 / 7 + 1)), abs=0.01)


@pytest.mark.parametrize(
    ("days", "text"),
    [(1, "1 day left"), (0, "due today"), (-1, "1 day past due"), (-5, "5 days past due")],
)
def test_deadline_wording(days, text):
    result = priority(
        amount=Decimal("80.50"), category=None, deadline=TODAY + timedelta(days=days), today=TODAY
    )
    assert result.reason == f"$80.50 · {text}"


def test_no_deadline_is_factor_one():
    result = priority(amount=Decimal("100"), category="duplicate", deadline=None, today=TODAY)
    assert result.score == pytest.approx(20.0)
    assert result.reason == "$100 · no deadline"
    assert result.days_left is None


def test_the_factor_rises_as_the_deadline_nears_and_is_highest_past_due():
    factors = [deadline_factor(days) for days in (90, 30, 7, 1, 0)]
    assert factors == sorted(factors)
    assert factors[-1] == pytest.approx(3.0)
    assert deadline_factor(7) == pytest.approx(2.0)
    assert deadline_factor(-1) == PAST_DUE_FACTOR > factors[-1]


def test_a_small_denial_near_its_deadline_outranks_a_larger_distant_one():
    near = priority(
        amount=Decimal("300"), category="coding", deadline=TODAY + timedelta(2), today=TODAY
    )
    far = priority(
        amount=Decimal("500"), category="coding", deadline=TODAY + timedelta(120), today=TODAY
    )
    assert near.score > far.score


def test_category_priors_order_and_unknown_categories():
    assert OVERTURN_PRIORS["missing_info"] > OVERTURN_PRIORS["duplicate"]
    unknown = priority(amount=Decimal("10"), category="made_up", deadline=None, today=TODAY)
    other = priority(amount=Decimal("10"), category="other", deadline=None, today=TODAY)
    assert unknown.score == other.score == pytest.approx(4.0)


def test_negative_amounts_count_as_nothing_at_stake():
    result = priority(amount=Decimal("-25"), category="coding", deadline=None, today=TODAY)
    assert result.score == 0
    assert result.reason.startswith("$0 ·")
