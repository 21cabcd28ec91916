"""One open task per claim, whatever path the claim took (the harness checks it after every
test; here the check itself is tested, and a long story is checked step by step)."""

from __future__ import annotations

import asyncio

from claim_fakes import CLEAN, FakeStore, blocked, outcome
from temporalio.testing import ActivityEnvironment

from denialdesk.contracts.claim import TaskClose, TaskSpec


def test_the_fake_store_notices_a_second_open_task():
    store = FakeStore()
    fakes = {fn.__temporal_activity_definition.name: fn for fn in store.activities()}
    env = ActivityEnvironment()

    def run(fn, arg):
        return asyncio.run(env.run(fn, arg))

    spec = TaskSpec(key="claim-demo-1:1", workflow_id="claim-demo-1", claim_id=1, kind="x")
    first = run(fakes["open_task"], spec)
    assert run(fakes["open_task"], spec) == first  # an upsert, not a second task
    run(fakes["open_task"], TaskSpec(**{**spec.__dict__, "key": "claim-demo-1:2"}))
    assert len(store.violations) == 1
    run(fakes["close_task"], TaskClose("claim-demo-1:1", "done"))
    run(fakes["open_task"], TaskSpec(**{**spec.__dict__, "key": "claim-demo-1:3"}))
    assert len(store.violations) == 2  # :2 is still open


def test_one_open_task_at_every_step_of_a_long_story(wf):
    async def check(claim):
        state = await claim.state()
        rows = claim.store.open_tasks()
        assert len(rows) <= 1
        assert [r.spec.key for r in rows] == ([state.open_task.key] if state.open_task else [])

    async def body(claim):
        claim.store.scrubs[1] = blocked("X")
        await claim.start()
        await claim.until_task("scrub_findings")
        await check(claim)
        await claim.correct(2)
        await claim.until_event("submitted")
        await check(claim)
        await claim.pay(1, outcome("denied"))
        await claim.until_task("work_denial")
        await check(claim)
        await claim.decide("appeal", level=1, letter_id=1)
        await claim.until_task("send_appeal")
        await check(claim)
        await claim.pay(2, outcome("denied"))  # the payer answers before the appeal is sent
        await claim.until_task("work_denial", count=2)
        await check(claim)
        claim.store.scrubs[3] = blocked("Y")
        await claim.decide("resubmit", claim_version=3)
        await claim.until_task("scrub_findings", count=2)
        await check(claim)
        claim.store.scrubs[4] = CLEAN
        await claim.correct(4)
        await claim.until_event("resubmitted")
        await check(claim)

    store = wf.claim(body)
    assert [(r.spec.kind, r.status) for r in store.tasks.values()] == [
        ("scrub_findings", "done"),
        ("work_denial", "done"),
        ("send_appeal", "cancelled"),
        ("work_denial", "done"),
        ("scrub_findings", "done"),
    ]
