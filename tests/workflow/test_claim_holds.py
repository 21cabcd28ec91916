"""Scrub and authorization holds, their release by a correction, and the first submission."""

from __future__ import annotations

import pytest
from claim_fakes import CLEAN, blocked, needs_auth

from denialdesk.contracts.claim import SCRUB_CLAIM, SUBMIT_CLAIM
from denialdesk.workflows.client import DecisionConflict, start_claim


def test_a_clean_claim_is_scrubbed_and_submitted_as_frequency_1(wf):
    async def body(claim):
        await claim.start()
        state = await claim.until_event("submitted")
        assert (state.status, state.hold_reason, state.submitted_version) == ("submitted", None, 1)
        assert state.open_task is None
        # Starting again (a retried POST /claims) is the same workflow, not a second one.
        again = await start_claim(claim.client, "demo", claim.claim_id, claim.task_queue)
        assert again == claim.workflow_id

    store = wf.claim(body)
    assert store.names() == [SCRUB_CLAIM, SUBMIT_CLAIM, "record_status"]
    scrub = store.calls[0][1]
    assert scrub.version == 1 and f"claim-demo-{scrub.claim_id}" == store.workflow_id
    assert len(scrub.today) == 10  # ISO date of workflow time
    assert [(s.version, s.frequency) for s in store.submissions] == [(1, "1")]
    [event] = store.events.values()
    assert (event.status, event.event_kind, event.closed) == ("submitted", "submitted", False)
    assert event.key == f"{store.workflow_id}:e1"
    assert store.tasks == {}


def test_blocking_findings_hold_the_claim_until_a_correction_scrubs_clean(wf):
    async def body(claim):
        claim.store.scrubs[1] = blocked("DX_POINTER_MISSING", "TIME_UNDER_16")
        claim.store.scrubs[2] = blocked("TIME_UNDER_16")
        await claim.start()
        held = await claim.until_task("scrub_findings")
        assert (held.status, held.hold_reason) == ("on_hold", "scrub")
        assert claim.store.submissions == []
        first_task = held.open_task

        await claim.correct(2)  # still one finding: held again, under a new task
        again = await claim.until_task("scrub_findings", count=2)
        assert again.open_task.key != first_task.key
        assert claim.store.tasks[first_task.key].status == "done"

        with pytest.raises(DecisionConflict, match="stale"):
            await claim.correct(1)
        claim.store.scrubs[3] = CLEAN
        await claim.correct(3)
        state = await claim.until_event("submitted")
        assert (state.status, state.hold_reason, state.version) == ("submitted", None, 3)
        assert state.open_task is None

    store = wf.claim(body)
    assert [(s.version, s.frequency) for s in store.submissions] == [(3, "1")]
    assert [call.version for name, call in store.calls if name == SCRUB_CLAIM] == [1, 2, 3]
    rows = list(store.tasks.values())
    assert [(r.spec.kind, r.status) for r in rows] == [("scrub_findings", "done")] * 2
    assert rows[0].spec.detail["finding_codes"] == ["DX_POINTER_MISSING", "TIME_UNDER_16"]
    assert [r.spec.key for r in rows] == [f"{store.workflow_id}:1", f"{store.workflow_id}:2"]
    assert store.event_kinds() == [
        "on_hold",
        "corrected",
        "on_hold",
        "corrected",
        "submitted",
    ]
    hold = next(iter(store.events.values()))
    assert (hold.status, hold.hold_reason) == ("on_hold", "scrub")


def test_an_authorization_problem_holds_until_one_is_attached(wf):
    async def body(claim):
        claim.store.scrubs[1] = needs_auth("expired")
        await claim.start()
        held = await claim.until_task("obtain_authorization")
        assert (held.status, held.hold_reason) == ("on_hold", "authorization")
        assert claim.store.submissions == []
        await claim.correct(2)  # the API attached an authorization: version 2
        state = await claim.until_event("submitted")
        assert (state.status, state.hold_reason) == ("submitted", None)

    store = wf.claim(body)
    [row] = store.tasks.values()
    assert (row.spec.kind, row.status, row.spec.detail["problem"]) == (
        "obtain_authorization",
        "done",
        "expired",
    )
    assert [(s.version, s.frequency) for s in store.submissions] == [(2, "1")]


def test_blocking_findings_come_before_the_authorization_check(wf):
    async def body(claim):
        from denialdesk.contracts.claim import ScrubOutcome

        claim.store.scrubs[1] = ScrubOutcome(
            blocking=1, warnings=0, authorization_problem="missing", finding_codes=["X"]
        )
        await claim.start()
        state = await claim.until_task("scrub_findings")
        assert state.hold_reason == "scrub"

    wf.claim(body)


def test_a_correction_without_an_open_task_is_a_conflict(wf):
    async def body(claim):
        await claim.start()
        await claim.until_event("submitted")
        with pytest.raises(DecisionConflict, match="no open"):
            await claim.correct(2)
        assert (await claim.state()).version == 1

    wf.claim(body)
