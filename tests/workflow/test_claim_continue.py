"""Continue-as-new: forced after every input, the claim carries on as if nothing happened."""

from __future__ import annotations

from claim_fakes import outcome

from denialdesk.contracts.claim import ClaimState


def test_continue_as_new_keeps_the_state_and_loses_no_input(wf):
    async def body(claim):
        await claim.start(ClaimState(continue_as_new_every=1))
        await claim.until_event("submitted")
        await claim.pay(81, outcome("denied", max_level=2))
        await claim.until_task("work_denial")
        await claim.decide("appeal", level=1, letter_id=4)  # validated on the carried task
        await claim.until_task("send_appeal")
        await claim.decide("sent")
        await claim.until_event("appealed")

        # A burst while runs hand over: repeats of an applied id and of a queued one.
        for payment_id in (82, 81, 82):
            await claim.pay(
                payment_id, outcome("denied", max_level=2) if payment_id == 82 else None
            )
        await claim.until_task("work_denial", count=2)
        # appeal_level survived the hand-overs: level 2 is the next one, not level 1.
        await claim.decide("appeal", level=2, letter_id=5)
        await claim.until_task("send_appeal", count=2)
        await claim.decide("sent")
        await claim.until_event("appealed", count=2)
        await claim.pay(83, outcome("paid"))
        await claim.pay(81)
        state = await claim.until_event("paid")
        assert state.applied_payment_ids == [81, 82, 83]
        assert state.status_before_payment == {81: "submitted", 82: "appealed", 83: "appealed"}
        assert (state.appeal_level, state.task_seq, state.continue_as_new_every) == (2, 4, 1)

    store = wf.claim(body)
    runs = list(dict.fromkeys(store.run_ids))
    # Mostly one run per input; inputs that arrive while a run is busy are drained by that run
    # before it continues, so the exact count depends on timing.
    assert len(runs) >= 4
    assert [store.applied(p) for p in (81, 82, 83)] == [1, 1, 1]
    # Keys kept counting across runs: every event and task row is a new one, in order.
    keys = list(store.events)
    assert keys == [f"{store.workflow_id}:e{n}" for n in range(1, len(keys) + 1)]
    assert [row.spec.key for row in store.tasks.values()] == [
        f"{store.workflow_id}:{n}" for n in range(1, 5)
    ]
    assert store.event_kinds() == [
        "submitted",
        "denied",
        "appeal_decided",
        "appealed",
        "denied",
        "appeal_decided",
        "appealed",
        "paid",
    ]
