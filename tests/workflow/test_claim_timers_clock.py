"""The task clock: SLA escalation, pend return, idle release (issue 6, SPEC section 3).

Runs on a test server of the module's own (`clock_wf`) and skips days with `claim.sleep`.
"""

from __future__ import annotations

from datetime import timedelta

from claim_fakes import outcome

from denialdesk.contracts.claim import ESCALATE_TASK, RELEASE_TASK, RETURN_TASK, TASK_CLOCK


async def denied(claim) -> str:
    await claim.start()
    await claim.until_event("submitted")
    await claim.pay(1, outcome("denied"))
    return (await claim.until_task("work_denial")).open_task.key


def test_an_untouched_task_escalates_once_past_its_sla(clock_wf):
    async def body(claim):
        key = await denied(claim)
        await claim.sleep(2)
        assert not claim.store.tasks[key].escalated  # work_denial: 3 days
        await claim.sleep(1.5)
        state = await claim.until_event("escalated")
        assert state.open_task.escalated
        row = claim.store.tasks[key]
        assert row.escalated and row.spec.priority == 84.0 * 1.5 + 10
        assert row.spec.priority_reason == "escalated · $120.00 · 20 days left"
        await claim.sleep(7)  # no second escalation of the same task

    store = clock_wf.claim(body)
    assert store.event_kinds().count("escalated") == 1
    assert store.names().count(ESCALATE_TASK) == 1


def test_an_assignment_restarts_the_sla(clock_wf):
    async def body(claim):
        key = await denied(claim)
        await claim.sleep(2)
        await claim.assign(5)  # touched: the SLA runs 3 days from now
        await claim.until(lambda s: s.open_task.assigned_at is not None)
        await claim.sleep(1.5)
        assert "escalated" not in claim.store.event_kinds()
        assert claim.store.tasks[key].sla_due_at is not None

    clock_wf.claim(body)


def test_a_pended_task_returns_on_its_date_and_its_sla_waits(clock_wf):
    async def body(claim):
        key = await denied(claim)
        until = (await claim.today() + timedelta(days=5)).isoformat()
        await claim.pend(until)
        await claim.until(lambda s: s.open_task.pended_until == until)
        await claim.sleep(4)
        assert claim.store.tasks[key].status == "pended"
        assert "escalated" not in claim.store.event_kinds()  # no SLA while pended
        await claim.sleep(2)
        state = await claim.until_event("task_returned")
        assert state.open_task.pended_until is None
        assert claim.store.tasks[key].status == "open"

    store = clock_wf.claim(body)
    [returned] = store.events_of("task_returned")
    task_id = next(iter(store.tasks.values())).id
    assert returned.detail.startswith(f"task {task_id} pended until 20")
    assert store.names().count(RETURN_TASK) == 1 and store.names().count(TASK_CLOCK) == 1
    assert "escalated" not in store.event_kinds()


def test_an_idle_assignment_goes_back_to_the_queue(clock_wf):
    async def body(claim):
        key = await denied(claim)
        await claim.assign(5)
        await claim.until(lambda s: s.open_task.idle_due_at is not None)
        await claim.sleep(2.2)
        await claim.until_event("task_released")
        row = claim.store.tasks[key]
        assert (row.assignee_id, row.assigned_at, row.status) == (None, None, "open")

    store = clock_wf.claim(body)
    [release] = [arg for name, arg in store.calls if name == RELEASE_TASK]
    assert release.assigned_at is not None
    assert store.events_of("task_released")[0].detail.endswith("idle for 2 days")


def test_a_newer_assignment_is_not_released_by_the_old_timer(clock_wf):
    async def body(claim):
        key = await denied(claim)
        await claim.assign(5)
        await claim.until(lambda s: s.open_task.idle_due_at is not None)
        await claim.sleep(1)
        await claim.assign(6)  # re-assigned a day later: its own two days
        await claim.until(lambda s: s.open_task.assigned_at == claim.store.tasks[key].assigned_at)
        await claim.sleep(1.5)
        assert claim.store.tasks[key].assignee_id == 6
        await claim.sleep(1)
        await claim.until_event("task_released")

    store = clock_wf.claim(body)
    assert store.names().count(RELEASE_TASK) == 1
