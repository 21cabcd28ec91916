"""domain/task_clock.py: SLA days, escalation, priority as a deadline nears."""

from __future__ import annotations

from datetime import UTC, date, datetime

from denialdesk.domain.task_clock import (
    DEFAULT_SLA_DAYS,
    escalated,
    nearer_deadline,
    sla_days,
    sla_due,
    start_of,
)


def test_sla_per_kind_with_a_default():
    assert (sla_days("scrub_findings"), sla_days("work_denial")) == (1, 3)
    assert (sla_days("obtain_authorization"), sla_days("payer_follow_up")) == (2, 2)
    assert sla_days("something_new") == DEFAULT_SLA_DAYS
    opened = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
    assert sla_due("send_appeal", opened) == datetime(2026, 3, 12, 15, 0, tzinfo=UTC)


def test_a_business_date_fires_at_the_start_of_its_day_in_utc():
    assert start_of(date(2026, 3, 10)) == datetime(2026, 3, 10, tzinfo=UTC)


def test_escalation_raises_even_a_task_without_dollars_and_says_so_once():
    assert escalated(0.0, "").score == 10.0
    raised = escalated(84.0, "$120 · 20 days left")
    assert (raised.score, raised.reason) == (136.0, "escalated · $120 · 20 days left")
    assert escalated(raised.score, raised.reason).reason == raised.reason


def test_a_nearing_deadline_raises_priority_and_never_lowers_it():
    kwargs = dict(amount="120.00", category="coding", deadline=date(2026, 4, 1), what="appeal")
    far = nearer_deadline(current=0.0, today=date(2026, 3, 18), **kwargs)
    near = nearer_deadline(current=0.0, today=date(2026, 3, 29), **kwargs)
    assert near.score > far.score
    assert (far.reason, near.reason) == ("$120 · appeal 14 days left", "$120 · appeal 3 days left")
    late = nearer_deadline(current=0.0, today=date(2026, 4, 2), **kwargs)
    assert late.reason == "$120 · appeal 1 day past due"
    assert nearer_deadline(current=999.0, today=date(2026, 3, 18), **kwargs).score == 999.0
