"""OPEN_TASK / CLOSE_TASK: the task row as a projection, upserted by key and routed to a queue."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import factories
import pytest
from claim_data import new_claim, world
from sqlmodel import func, select
from temporalio.exceptions import ApplicationError

from denialdesk.contracts import claim as contracts
from denialdesk.store.db import session_scope
from denialdesk.store.models import Queue, Task
from denialdesk.store.tasks_projection import route


@pytest.fixture
def setting(engine):
    """A claim in a practice with a default queue and two routed ones."""
    with session_scope(engine) as session:
        w = world(session)
        claim = new_claim(session, w)
        auth = Queue(
            practice_id=w.practice.id,
            name="Authorizations",
            routing={"kinds": ["work_denial"], "categories": ["authorization"]},
        )
        scrub = Queue(
            practice_id=w.practice.id, name="Scrub", routing={"kinds": ["scrub_findings"]}
        )
        session.add_all([auth, scrub])
        session.flush()
        return w, claim, auth, scrub


def spec(claim_id: int, seq: int = 1, **changes) -> contracts.TaskSpec:
    workflow_id = f"claim-test-{claim_id}"
    values = {
        "key": contracts.task_key(workflow_id, seq),
        "workflow_id": workflow_id,
        "claim_id": claim_id,
        "kind": "work_denial",
        "category": "authorization",
        "recommended_action": "obtain_retro_authorization",
        "amount": "180.00",
        "due_at": "2026-05-01",
        "priority": 151.2,
        "priority_reason": "$180 · 30 days left",
        "detail": {},
    }
    return contracts.TaskSpec(**(values | changes))


def task(engine, task_id: int) -> Task:
    with session_scope(engine) as session:
        return session.get(Task, task_id)


def test_open_is_idempotent_by_key_and_routes_by_kind_and_category(engine, acts, setting):
    w, claim, auth, _ = setting
    task_id = acts.open_task(spec(claim.id))
    assert acts.open_task(spec(claim.id)) == task_id  # a retry
    row = task(engine, task_id)
    assert row.queue_id == auth.id and row.practice_id == w.practice.id
    assert (row.status, row.version, row.amount) == ("open", 1, Decimal("180.00"))
    assert row.due_at == date(2026, 5, 1) and row.priority_reason == "$180 · 30 days left"
    with session_scope(engine) as session:
        assert session.exec(select(func.count()).select_from(Task)).one() == 1


def test_unrouted_work_goes_to_the_default_queue(engine, acts, setting):
    w, claim, _, scrub = setting
    denial = task(engine, acts.open_task(spec(claim.id, category="coding")))
    findings = task(engine, acts.open_task(spec(claim.id, 2, kind="scrub_findings")))
    assert denial.queue_id == w.queue.id
    assert findings.queue_id == scrub.id


def test_an_update_keeps_the_assignee_unless_the_kind_changes(engine, acts, setting):
    w, claim, auth, _ = setting
    task_id = acts.open_task(spec(claim.id))
    with session_scope(engine) as session:
        row = session.get(Task, task_id)
        row.assignee_id = _user_id(session, w)
        session.add(row)
    acts.open_task(spec(claim.id, priority=300.0, priority_reason="$180 · 2 days left"))
    row = task(engine, task_id)
    assert row.assignee_id is not None and row.priority == 300.0 and row.version == 2
    acts.open_task(spec(claim.id, kind="send_appeal", category="authorization"))
    row = task(engine, task_id)
    assert row.assignee_id is None and row.kind == "send_appeal" and row.version == 3
    assert row.queue_id == w.queue.id  # the authorization queue takes work_denial only


def test_a_reroute_names_the_queue_and_a_foreign_queue_is_ignored(engine, acts, setting):
    w, claim, auth, scrub = setting
    with session_scope(engine) as session:
        foreign = world(session).queue.id
    task_id = acts.open_task(spec(claim.id, detail={"queue_id": scrub.id}))
    assert task(engine, task_id).queue_id == scrub.id
    acts.open_task(spec(claim.id, detail={"queue_id": foreign}))
    assert task(engine, task_id).queue_id == auth.id  # routed as if nothing was named


def test_close_once(engine, acts, setting):
    _, claim, _, _ = setting
    task_id = acts.open_task(spec(claim.id))
    close = contracts.TaskClose(key=spec(claim.id).key, status="done")
    acts.close_task(close)
    acts.close_task(close)
    acts.close_task(contracts.TaskClose(key="never-opened:1", status="cancelled"))
    row = task(engine, task_id)
    assert (row.status, row.version) == ("done", 2) and row.closed_at is not None
    with pytest.raises(ApplicationError):
        acts.close_task(contracts.TaskClose(key=close.key, status="open"))


def test_route_prefers_the_most_specific_queue():
    broad = Queue(id=1, practice_id=1, name="a", routing={"kinds": ["work_denial"]})
    narrow = Queue(
        id=2,
        practice_id=1,
        name="b",
        routing={"kinds": ["work_denial"], "categories": ["coding"]},
    )
    default = Queue(id=3, practice_id=1, name="c", is_default=True)
    queues = [default, broad, narrow]
    assert route(queues, "work_denial", "coding") is narrow
    assert route(queues, "work_denial", "eligibility") is broad
    assert route(queues, "payer_follow_up", None) is default
    assert route([broad], "payer_follow_up", None) is None


def _user_id(session, w) -> int:
    return factories.user(session, role="specialist", practices=[w.practice]).id
