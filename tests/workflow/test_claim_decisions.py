"""A person's decision on the work_denial task, and the validators' refusals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from claim_fakes import CLEAN, blocked, outcome

from denialdesk.contracts.claim import Decision
from denialdesk.workflows import client as claims
from denialdesk.workflows.client import DecisionConflict, DecisionInvalid, WorkflowTimeout


async def denied(claim, payment_id=61, **fields):
    await claim.start()
    await claim.until_event("submitted")
    await claim.pay(payment_id, outcome("denied", **fields))
    return await claim.until_task("work_denial")


def test_resubmit_as_replacement_scrubs_that_version_and_sends_frequency_7(wf):
    async def body(claim):
        await denied(claim, method="replacement_7")
        claim.store.scrubs[2] = blocked("MODIFIER_95_MISSING")
        await claim.decide("resubmit", claim_version=2)
        held = await claim.until_task("scrub_findings")  # the corrected version has findings
        assert (held.status, held.hold_reason, held.frequency) == ("on_hold", "scrub", "7")
        claim.store.scrubs[3] = CLEAN
        await claim.correct(3)
        state = await claim.until_event("resubmitted")
        assert (state.status, state.submitted_version, state.open_task) == ("resubmitted", 3, None)

    store = wf.claim(body)
    assert [(s.version, s.frequency) for s in store.submissions] == [(1, "1"), (3, "7")]
    assert [(r.spec.kind, r.status) for r in store.tasks.values()] == [
        ("work_denial", "done"),
        ("scrub_findings", "done"),
    ]
    decided = store.events[f"{store.workflow_id}:e3"]
    assert (decided.event_kind, decided.user_id) == ("resubmit_decided", 3)


def test_resubmit_as_new_claim_sends_frequency_1(wf):
    async def body(claim):
        await denied(claim, category="coding", action="correct_and_resubmit", method="new_claim")
        await claim.decide("resubmit", claim_version=2)
        state = await claim.until_event("resubmitted")
        assert (state.status, state.frequency, state.version) == ("resubmitted", "1", 2)

    store = wf.claim(body)
    assert [(s.version, s.frequency) for s in store.submissions] == [(1, "1"), (2, "1")]


def test_resubmit_to_medicare_b_is_a_reopening_task_then_sent(wf):
    async def body(claim):
        await denied(claim, method="reopening")
        await claim.decide("resubmit", claim_version=1, note="wrong units")
        state = await claim.until_task("reopening")
        assert state.status == "denied"
        await claim.decide("sent")
        state = await claim.until_event("resubmitted")
        assert (state.status, state.open_task) == ("resubmitted", None)

    store = wf.claim(body)
    assert len(store.submissions) == 1  # a reopening is a request, not an 837
    denial, reopening = store.tasks.values()
    assert (reopening.spec.kind, reopening.status) == ("reopening", "done")
    # It continues the denial: same category, amount and deadline.
    assert (reopening.spec.category, reopening.spec.due_at) == (
        denial.spec.category,
        denial.spec.due_at,
    )
    assert reopening.spec.detail["claim_version"] == 1


def test_appeal_level_1_then_a_second_denial_appeals_level_2(wf):
    async def body(claim):
        await denied(claim, max_level=2)
        with pytest.raises(DecisionInvalid, match="level must be 1"):
            await claim.decide("appeal", level=2, letter_id=9)
        with pytest.raises(DecisionInvalid, match="letter_id or no_letter_reason"):
            await claim.decide("appeal", level=1)
        with pytest.raises(DecisionInvalid, match="level is required"):
            await claim.decide("appeal", letter_id=9)
        await claim.decide("appeal", level=1, letter_id=9, enclosures=["medical records"])
        state = await claim.until_task("send_appeal")
        assert (state.status, state.appeal_level) == ("denied", 1)
        await claim.decide("sent")
        state = await claim.until_event("appealed")
        assert (state.status, state.open_task) == ("appealed", None)

        await claim.pay(62, outcome("denied", max_level=2))  # upheld at level 1
        await claim.until_task("work_denial", count=2)
        await claim.decide("appeal", level=2, no_letter_reason="payer form only")
        await claim.until_task("send_appeal", count=2)
        await claim.decide("sent")
        await claim.until_event("appealed", count=2)

        await claim.pay(63, outcome("denied", max_level=2))  # upheld at level 2: none left
        await claim.until_task("work_denial", count=3)
        with pytest.raises(DecisionInvalid, match="exceeds"):
            await claim.decide("appeal", level=3, letter_id=10)

    store = wf.claim(body)
    payments = [arg for name, arg in store.calls if name == "apply_payment"]
    assert [p.appeal_level for p in payments] == [0, 1, 2]
    appeals = [r for r in store.tasks.values() if r.spec.kind == "send_appeal"]
    assert [r.spec.detail["level"] for r in appeals] == [1, 2]
    assert appeals[0].spec.detail["letter_id"] == 9
    assert appeals[1].spec.detail["no_letter_reason"] == "payer form only"
    # Each sent appeal left its packet for the payer, with what the decision said went along.
    packets = [arg for name, arg in store.calls if name == "send_appeal_packet"]
    assert [(p.level, p.letter_id, p.no_letter_reason) for p in packets] == [
        (1, 9, None),
        (2, None, "payer form only"),
    ]
    assert packets[0].enclosures == ["medical records"]
    assert packets[0].category == appeals[0].spec.category


def test_write_off_needs_a_reason_and_closes_the_claim(wf):
    async def body(claim):
        await denied(claim)
        for reason in (None, "  "):
            with pytest.raises(DecisionInvalid, match="reason"):
                await claim.decide("write_off", reason=reason)
        await claim.decide("write_off", reason="below the appeal threshold")
        state = await claim.until_event("written_off")
        assert (state.status, state.open_task) == ("written_off", None)

    store = wf.claim(body)
    event = list(store.events.values())[-1]
    assert (event.closed, event.detail) == (True, "reason: below the appeal threshold")


def test_bill_patient_closes_as_patient_responsibility(wf):
    async def body(claim):
        await denied(claim)
        with pytest.raises(DecisionInvalid, match="amount"):
            await claim.decide("bill_patient", amount="forty")
        await claim.decide("bill_patient", amount="40.00")
        state = await claim.until_event("patient_responsibility")
        assert state.status == "patient_responsibility"

    store = wf.claim(body)
    assert list(store.events.values())[-1].closed is True
    assert [row.status for row in store.tasks.values()] == ["done"]


def test_reroute_reopens_the_same_task_in_another_queue(wf):
    async def body(claim):
        state = await denied(claim)
        task = state.open_task
        with pytest.raises(DecisionInvalid, match="queue_id"):
            await claim.decide("reroute")
        await claim.decide("reroute", queue_id=5)
        state = await claim.until_event("rerouted")
        assert state.open_task == task  # same key, same row
        # The rerouted task is decided like any other (a new task version, a new Update).
        await claim.decide("appeal", level=1, letter_id=8)
        await claim.until_task("send_appeal")

    store = wf.claim(body)
    row, appeal = store.tasks.values()
    assert (row.upserts, row.status) == (2, "done")
    assert row.spec.detail["queue_id"] == 5
    assert (row.spec.category, row.spec.priority) == ("medical_necessity", 84.0)  # kept whole
    assert "queue_id" not in appeal.spec.detail  # the next task is routed by its own kind


def test_decisions_that_do_not_fit_are_conflicts(wf):
    async def body(claim):
        first = (await denied(claim, payment_id=71)).open_task
        with pytest.raises(DecisionConflict, match="not the claim's open task"):
            await claim.decide("write_off", task_id=first.task_id + 99, reason="x")
        with pytest.raises(DecisionConflict, match="does not fit"):
            await claim.decide("sent")
        with pytest.raises(DecisionInvalid, match="unknown action"):
            await claim.decide("shrug")
        with pytest.raises(DecisionInvalid, match="claim_version"):
            await claim.decide("resubmit")
        await claim.pay(72, outcome("denied"))  # a new denial: the first task is gone
        await claim.until_task("work_denial", count=2)
        with pytest.raises(DecisionConflict, match="not the claim's open task"):
            await claim.decide("write_off", task_id=first.task_id, reason="x")
        # Refusals changed nothing: the second task is still open and decidable.
        await claim.decide("write_off", reason="x")
        await claim.until_event("written_off")

    store = wf.claim(body)
    assert store.event_kinds() == ["submitted", "denied", "denied", "written_off"]


def test_a_workflow_that_does_not_answer_is_a_timeout(wf, monkeypatch):
    monkeypatch.setattr(claims, "UPDATE_TIMEOUT", timedelta(seconds=1))

    async def body():
        # No worker polls this queue, so the Update is never taken.
        wid = await claims.start_claim(wf.client, "demo", 990001, "nobody-polls-this")
        with pytest.raises(WorkflowTimeout):
            await claims.decide(wf.client, wid, Decision(task_id=1, action="sent"), 1)
        await wf.client.get_workflow_handle(wid).terminate()

    wf.run(body())
