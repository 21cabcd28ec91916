"""No bad value strands a claim: an activity's DataError becomes a task and the workflow waits
for the fix (fix_data), and a payment that makes no sense is held for review (review_payment)
instead of being applied; the task it displaced comes back afterwards."""

from __future__ import annotations

import dataclasses

from claim_fakes import held, outcome

from denialdesk.contracts.claim import APPLY_PAYMENT, SCRUB_CLAIM, SUBMIT_CLAIM


def test_a_data_error_at_submit_holds_the_claim_with_a_fix_data_task(wf):
    async def body(claim):
        claim.store.data_errors[(SUBMIT_CLAIM, 1)] = (
            "the 837P cannot be written: authorization number: letters, digits, - . / and "
            "spaces, 50 max",
            "authorization number",
        )
        await claim.start()
        state = await claim.until_task("fix_data")
        assert (state.status, state.hold_reason) == ("on_hold", "data")
        row = claim.row()
        assert row.spec.detail["field"] == "authorization number"
        assert row.spec.detail["step"] == "submit"
        assert "cannot be written" in row.spec.detail["reason"]
        assert claim.store.submissions == []
        await claim.correct(2)  # the corrected claim goes out
        state = await claim.until_event("submitted")
        assert (state.status, state.hold_reason, state.open_task) == ("submitted", None, None)

    store = wf.claim(body)
    assert [(s.version, s.frequency) for s in store.submissions] == [(2, "1")]
    [task] = store.tasks.values()
    assert (task.spec.kind, task.status) == ("fix_data", "done")


def test_a_data_error_at_scrub_is_retried_by_decision_once_the_settings_are_fixed(wf):
    async def body(claim):
        claim.store.data_errors[(SCRUB_CLAIM, 1)] = ("OverflowError: date value out of range", "")
        await claim.start()
        await claim.until_task("fix_data")
        await claim.decide("retry")
        state = await claim.until_event("submitted")
        assert state.status == "submitted"

    store = wf.claim(body)
    assert [name for name, _ in store.calls if name in (SCRUB_CLAIM, SUBMIT_CLAIM)] == [
        SCRUB_CLAIM,
        SCRUB_CLAIM,
        SUBMIT_CLAIM,
    ]
    assert "retry" in store.event_kinds()


def test_a_held_payment_waits_for_review_and_the_denial_task_comes_back(wf):
    async def body(claim):
        await claim.start()
        await claim.until_event("submitted")
        await claim.pay(31, outcome("denied"))
        denied = await claim.until_task("work_denial")
        await claim.pay(32, held("payments would total 1000120.00, more than the charge 120.00"))
        state = await claim.until_task("review_payment")
        assert state.status == "denied"  # nothing applied: the claim is where it was
        review = claim.row()
        assert review.spec.detail == {
            "claim_payment_id": 32,
            "reason": "payments would total 1000120.00, more than the charge 120.00",
        }
        await claim.pay(32)  # the relay again: held once, never applied twice
        await claim.decide("dismiss")
        back = await claim.until_task("work_denial", count=2)
        assert back.status == "denied" and back.open_task.key != denied.open_task.key
        assert claim.row().spec.category == "medical_necessity"

    store = wf.claim(body)
    assert store.applied(32) == 1
    assert store.event_kinds().count("payment_held") == 1
    assert "payment_dismissed" in store.event_kinds()


def test_a_reviewed_payment_applied_anyway_answers_the_claim(wf):
    async def body(claim):
        await claim.start()
        await claim.until_event("submitted")
        claim.store.payments[-41] = outcome("paid")
        await claim.pay(41, held("the remittance's payer (OTHER9) is not the claim's payer"))
        await claim.until_task("review_payment")
        await claim.decide("apply")
        state = await claim.until_event("paid")
        assert state.status == "paid" and state.open_task is None

    store = wf.claim(body)
    forced = [arg.force for name, arg in store.calls if name == APPLY_PAYMENT]
    assert forced == [False, True]


def test_a_payment_the_activity_cannot_read_is_held_not_failed(wf):
    async def body(claim):
        await claim.start()
        await claim.until_event("submitted")
        claim.store.data_errors[(APPLY_PAYMENT, 51)] = (
            "OverflowError: date value out of range",
            "",
        )
        await claim.pay(51, outcome("paid"))
        state = await claim.until_task("review_payment")
        assert state.status == "submitted"
        assert claim.row().spec.detail["reason"].startswith("cannot be applied: OverflowError")

    wf.claim(body)


def test_a_pending_answer_is_recorded_and_the_claim_keeps_waiting(wf):
    async def body(claim):
        await claim.start()
        await claim.until_event("submitted")
        pending = dataclasses.replace(outcome("paid"), result="pending")
        await claim.pay(61, pending)
        state = await claim.until_event("payer_pending")
        assert (state.status, state.open_task) == ("submitted", None)
        await claim.pay(62, outcome("paid"))
        assert (await claim.until_event("paid")).status == "paid"

    wf.claim(body)
