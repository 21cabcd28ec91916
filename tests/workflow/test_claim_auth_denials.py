"""Authorization denials through the claim workflow: CO-197's retro-authorization path ends in a
paid resubmission, and a repeated CO-197 carries where the one request lives (issue 6 item 3;
the store side is tests/activities/test_authorization_requests.py)."""

from __future__ import annotations

import dataclasses

from claim_fakes import outcome

RETRO = dict(category="authorization", action="obtain_retro_authorization")


def test_co197_records_the_retro_authorization_then_resubmits_and_is_paid(wf):
    async def body(claim):
        await claim.start()
        await claim.until_event("submitted")
        await claim.pay(
            1, dataclasses.replace(outcome("denied", **RETRO), task_detail={"request": "raise"})
        )
        state = await claim.until_task("work_denial")
        row = claim.store.tasks[state.open_task.key]
        assert row.spec.recommended_action == "obtain_retro_authorization"
        assert row.spec.detail["request"] == "raise"
        # The API stored version 2 with the retro-authorization attached (PATCH authorization_id).
        await claim.correct(2)
        await claim.until_event("corrected")
        await claim.decide("resubmit", claim_version=2)
        await claim.until_event("resubmitted")
        await claim.pay(2, outcome("paid"))
        state = await claim.until_event("paid")
        assert state.status == "paid" and state.open_task is None

    store = wf.claim(body)
    assert [(s.version, s.frequency) for s in store.submissions] == [(1, "1"), (2, "7")]
    assert store.event_kinds() == [
        "submitted",
        "denied",
        "corrected",
        "resubmit_decided",
        "resubmitted",
        "paid",
    ]


def test_a_repeated_co197_task_points_to_the_first_request(wf):
    async def body(claim):
        await claim.start()
        await claim.until_event("submitted")
        repeat = dataclasses.replace(
            outcome(
                "denied",
                **RETRO,
                priority_reason="$120 · 20 days left · request raised on claim 41",
            ),
            task_detail={"request": "raised_elsewhere", "request_on_claim": 41},
        )
        await claim.pay(1, repeat)
        state = await claim.until_task("work_denial")
        row = claim.store.tasks[state.open_task.key]
        assert row.spec.detail["request_on_claim"] == 41
        assert row.spec.detail["claim_payment_id"] == 1  # the workflow's own detail kept
        assert row.spec.priority_reason.endswith("request raised on claim 41")

    store = wf.claim(body)
    assert len(store.tasks) == 1  # one task for the claim, not a request of its own
