"""Payments: paid, partially paid, denied, reversals, and exactly-once application."""

from __future__ import annotations

from claim_fakes import outcome

from denialdesk.contracts.claim import APPLY_PAYMENT


def test_a_paid_claim_is_closed(wf):
    async def body(claim):
        await claim.start()
        await claim.until_event("submitted")
        await claim.pay(501, outcome("paid"))
        state = await claim.until_event("paid")
        assert (state.status, state.last_result, state.applied_payment_ids) == (
            "paid",
            "paid",
            [501],
        )
        assert state.status_before_payment == {501: "submitted"}
        assert state.open_task is None

    store = wf.claim(body)
    paid = list(store.events.values())[-1]
    assert (paid.status, paid.closed) == ("paid", True)
    request = next(arg for name, arg in store.calls if name == APPLY_PAYMENT)
    assert (request.claim_payment_id, request.appeal_level) == (501, 0)
    assert store.tasks == {}


def test_partially_paid_and_denied_open_one_work_denial_task_from_the_outcome(wf):
    async def body(claim):
        await claim.start()
        await claim.until_event("submitted")
        await claim.pay(
            11, outcome("partially_paid", category="coding", action="correct_and_resubmit")
        )
        state = await claim.until_task("work_denial")
        assert (state.status, state.last_result) == ("partially_paid", "partially_paid")
        assert (state.resubmit_method, state.max_appeal_level) == ("replacement_7", 2)
        # A later denial of the same claim replaces the task: still one open.
        await claim.pay(12, outcome("denied", category="authorization", action="appeal"))
        state = await claim.until_task("work_denial", count=2)
        assert state.status == "denied"
        assert state.status_before_payment == {11: "submitted", 12: "partially_paid"}

    store = wf.claim(body)
    first, second = store.tasks.values()
    assert first.status == "cancelled" and second.status == "open"
    spec = first.spec
    assert (spec.kind, spec.category, spec.recommended_action) == (
        "work_denial",
        "coding",
        "correct_and_resubmit",
    )
    assert (spec.amount, spec.due_at, spec.priority, spec.priority_reason) == (
        "120.00",
        "2027-01-15",
        84.0,
        "$120.00 · 20 days left",
    )
    assert spec.detail["claim_payment_id"] == 11
    assert (spec.claim_id, spec.workflow_id) == (
        int(store.workflow_id.split("-")[-1]),
        store.workflow_id,
    )
    assert second.spec.category == "authorization"
    assert store.event_kinds() == ["submitted", "partially_paid", "denied"]


def test_the_same_payment_signalled_twice_is_applied_once(wf):
    async def body(claim):
        await claim.start()
        await claim.until_event("submitted")
        claim.store.payments[21] = outcome("denied")
        # Twice back to back (both may be queued at once), then again after it was applied.
        await claim.pay(21)
        await claim.pay(21)
        await claim.until_task("work_denial")
        await claim.pay(21)
        await claim.pay(22, outcome("paid"))  # a later payment proves the repeat was seen
        state = await claim.until_event("paid")
        assert state.applied_payment_ids == [21, 22]

    store = wf.claim(body)
    assert store.applied(21) == 1 and store.applied(22) == 1
    assert store.event_kinds().count("denied") == 1


def test_a_reversal_returns_a_paid_claim_to_its_status_before_that_payment(wf):
    async def body(claim):
        await claim.start()
        await claim.until_event("submitted")
        await claim.pay(31, outcome("paid"))
        await claim.until_event("paid")
        await claim.pay(32, outcome("reversal", reverses=31))
        state = await claim.until_event("reopened")
        assert state.status == "submitted"
        assert state.applied_payment_ids == [31, 32]
        assert state.status_before_payment[32] == "paid"

    store = wf.claim(body)
    reopened = list(store.events.values())[-1]
    assert (reopened.status, reopened.event_kind, reopened.closed) == (
        "submitted",
        "reopened",
        False,
    )


def test_a_reversed_denial_cancels_its_task_and_waits_for_the_payer_again(wf):
    async def body(claim):
        await claim.start()
        await claim.until_event("submitted")
        await claim.pay(41, outcome("denied"))
        await claim.until_task("work_denial")
        await claim.pay(42, outcome("reversal", reverses=41))
        await claim.until_event("reopened")
        state = await claim.state()
        assert (state.status, state.open_task) == ("submitted", None)
        # The reversal found the claim back with the payer: a new payment applies as usual.
        await claim.pay(43, outcome("paid"))
        await claim.until_event("paid")

    store = wf.claim(body)
    [row] = store.tasks.values()
    assert row.status == "cancelled"


def test_a_reversal_of_an_unknown_payment_returns_to_submitted(wf):
    async def body(claim):
        await claim.start()
        await claim.until_event("submitted")
        await claim.pay(51, outcome("paid"))
        await claim.until_event("paid")
        await claim.pay(52, outcome("reversal", reverses=None))
        state = await claim.until_event("reopened")
        assert state.status == "submitted"

    wf.claim(body)


def test_a_payment_for_a_claim_without_a_running_workflow_starts_it(wf):
    async def body(claim):
        # signal_with_start: the relay does not know whether the workflow runs; here it does
        # not, so the payment starts it and waits in its inbox until the claim is submitted.
        await claim.pay(91, outcome("paid"))
        claim.workflow_id = claim.store.workflow_id = f"claim-demo-{claim.claim_id}"
        state = await claim.until_event("paid")
        assert state.applied_payment_ids == [91]

    store = wf.claim(body)
    assert store.event_kinds() == ["submitted", "paid"]
    assert store.applied(91) == 1


def test_reversing_the_payment_after_a_denial_returns_to_denied_with_a_task(wf):
    async def body(claim):
        await claim.start()
        await claim.until_event("submitted")
        await claim.pay(61, outcome("denied"))
        await claim.until_task("work_denial")
        await claim.pay(62, outcome("paid"))  # closes the denial's task
        await claim.until_event("paid")
        await claim.pay(63, outcome("reversal", reverses=62, priority_reason="reversed"))
        state = await claim.until_task("work_denial", count=2)
        assert state.status == "denied"

    store = wf.claim(body)
    first, second = store.tasks.values()
    assert (first.status, second.status) == ("cancelled", "open")
    assert second.spec.detail["claim_payment_id"] == 63
    assert store.event_kinds()[-1] == "reopened"


def test_reversing_a_denial_of_a_paid_claim_closes_it_again(wf):
    async def body(claim):
        await claim.start()
        await claim.until_event("submitted")
        await claim.pay(71, outcome("paid"))
        await claim.until_event("paid")
        await claim.pay(72, outcome("denied"))  # a recoupment after payment
        await claim.until_task("work_denial")
        await claim.pay(73, outcome("reversal", reverses=72))
        state = await claim.until_event("reopened")
        assert (state.status, state.open_task) == ("paid", None)

    store = wf.claim(body)
    assert [row.status for row in store.tasks.values()] == ["cancelled"]
    assert list(store.events.values())[-1].closed is True
