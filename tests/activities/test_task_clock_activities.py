"""The task clock's activities on SQLite and PostgreSQL: read, escalate, return, release."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import factories
import pytest
from claim_data import new_claim, world

from denialdesk.contracts import claim as contracts
from denialdesk.store import tasks as store_tasks
from denialdesk.store.db import session_scope
from denialdesk.store.models import Task

SLA = datetime(2026, 4, 3, 9, 30, tzinfo=UTC)


@pytest.fixture
def opened(engine, acts):
    """An open work_denial task of a claim, and a specialist of its practice."""
    with session_scope(engine) as session:
        w = world(session)
        claim = new_claim(session, w)
        user_id = factories.user(session, role="specialist", practices=[w.practice]).id
    key = contracts.task_key(f"claim-test-{claim.id}", 1)
    spec = contracts.TaskSpec(
        key=key,
        workflow_id=f"claim-test-{claim.id}",
        claim_id=claim.id,
        kind="work_denial",
        amount="120.00",
        priority=84.0,
        priority_reason="$120 · 20 days left",
        sla_due_at=SLA.isoformat(),
    )
    task_id = acts.open_task(spec)
    return key, task_id, user_id


def row(engine, task_id: int) -> Task:
    with session_scope(engine) as session:
        return session.get(Task, task_id)


def test_open_task_records_the_sla_and_the_clock_reads_the_row(engine, acts, opened):
    key, task_id, user_id = opened
    assert row(engine, task_id).sla_due_at == SLA
    facts = acts.task_clock(contracts.TaskClockRequest(key))
    assert facts == contracts.TaskClockFacts(status="open")
    with session_scope(engine) as session:
        store_tasks.assign(session, task_id=task_id, assignee_id=user_id, version=1)
    restarted = SLA + timedelta(days=1)
    facts = acts.task_clock(contracts.TaskClockRequest(key, restarted.isoformat()))
    assert (facts.status, facts.assignee_id) == ("open", user_id)
    assert datetime.fromisoformat(facts.assigned_at) == row(engine, task_id).assigned_at
    after = row(engine, task_id)
    # The restarted SLA is the workflow's bookkeeping: the person's copy is not made stale.
    assert (after.sla_due_at, after.version) == (restarted, 2)
    missing = acts.task_clock(contracts.TaskClockRequest("claim-test-0:9"))
    assert missing.status == "missing"


def test_escalation_flags_and_raises_once(engine, acts, opened):
    key, task_id, _ = opened
    escalation = contracts.TaskEscalation(key, 136.0, "escalated · $120 · 20 days left")
    acts.escalate_task(escalation)
    acts.escalate_task(escalation)  # a retry
    after = row(engine, task_id)
    assert (after.escalated, after.priority, after.version) == (True, 136.0, 2)
    assert after.priority_reason == "escalated · $120 · 20 days left"


def test_a_pended_task_returns_once(engine, acts, opened):
    key, task_id, _ = opened
    with session_scope(engine) as session:
        store_tasks.pend(
            session, task_id=task_id, until=date(2026, 4, 10), reason="waiting on notes", version=1
        )
    request = contracts.TaskClockRequest(key, SLA.isoformat())
    assert acts.return_pended_task(request) is True
    assert acts.return_pended_task(request) is False  # already back
    after = row(engine, task_id)
    assert (after.status, after.pended_until, after.pend_reason) == ("open", None, None)
    assert after.version == 3


def test_only_the_idle_assignment_is_released(engine, acts, opened):
    key, task_id, user_id = opened
    with session_scope(engine) as session:
        store_tasks.assign(session, task_id=task_id, assignee_id=user_id, version=1)
    first = row(engine, task_id).assigned_at
    stale = contracts.TaskRelease(key, (first - timedelta(seconds=1)).isoformat())
    assert acts.release_idle_task(stale) is False  # a newer assignment than the timer's
    assert row(engine, task_id).assignee_id == user_id
    assert acts.release_idle_task(contracts.TaskRelease(key, first.isoformat())) is True
    after = row(engine, task_id)
    assert (after.assignee_id, after.assigned_at, after.version) == (None, None, 3)
    assert acts.release_idle_task(contracts.TaskRelease(key, first.isoformat())) is False
