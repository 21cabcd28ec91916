"""Deadline timers: appeal-window reminders, timely filing on hold, payer silence (issue 6).

Time is skipped with `claim.sleep(days)` on a test server of this module's own (`clock_wf`);
dates are counted from that server's clock, so the tests hold wherever earlier ones left it.
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from claim_fakes import CLEAN, blocked, outcome

from denialdesk.contracts.claim import ScrubOutcome


def test_an_appeal_window_reminds_at_14_and_3_days_and_says_when_it_passed(clock_wf):
    async def body(claim):
        await claim.start()
        await claim.until_event("submitted")
        deadline = await claim.today() + timedelta(days=30)
        denial = dataclasses.replace(
            outcome("denied"), due_at=deadline.isoformat(), deadline_kind="appeal"
        )
        await claim.pay(1, denial)
        state = await claim.until_task("work_denial")
        assert (state.deadline_on, state.deadline_kind) == (deadline.isoformat(), "appeal")
        key = state.open_task.key

        await claim.sleep(17)  # past the day 14 days before the deadline
        await claim.until_event("deadline_reminder")
        row = claim.store.tasks[key]
        assert row.spec.priority_reason == "$120 · appeal 14 days left"
        first = row.spec.priority
        assert first >= 84.0 * 1.5 + 10  # escalated meanwhile (3-day SLA): never lowered

        await claim.sleep(11)
        await claim.until_event("deadline_reminder", count=2)
        assert claim.store.tasks[key].spec.priority_reason == "$120 · appeal 3 days left"
        assert claim.store.tasks[key].spec.priority >= first
        await claim.sleep(4)
        await claim.until_event("deadline_passed")
        assert claim.store.tasks[key].spec.priority_reason == "$120 · appeal 1 day past due"
        assert claim.store.tasks[key].spec.due_at == deadline.isoformat()

    store = clock_wf.claim(body)
    details = [e.detail for e in store.events.values() if e.event_kind.startswith("deadline")]
    assert details == [
        "appeal deadline in 14 days",
        "appeal deadline in 3 days",
        "appeal deadline passed",
    ]
    # One task all along: reminders update it in place, they never open another.
    assert [row.spec.kind for row in store.tasks.values()] == ["work_denial"]


def test_a_claim_on_hold_past_timely_filing_gets_an_event_and_a_past_due_task(clock_wf):
    async def body(claim):
        filing = await claim.today() + timedelta(days=10)
        claim.store.scrubs[1] = dataclasses.replace(
            blocked("TIME_UNDER_16"), timely_filing_on=filing.isoformat(), charge="200.00"
        )
        await claim.start()
        state = await claim.until_task("scrub_findings")
        assert state.deadline_kind == "timely_filing"
        row = claim.store.tasks[state.open_task.key]
        # 10 days left: the 14-day reminder's day has gone and is not given late.
        assert (row.spec.due_at, row.spec.amount) == (filing.isoformat(), "200.00")
        assert row.spec.priority_reason == "$200 · 10 days left"

        await claim.sleep(12)
        await claim.until_event("deadline_passed")
        assert row.spec.priority_reason == "$200 · timely filing 1 day past due"
        assert row.spec.priority == round(200 * 0.4 * 4.0, 2)  # PAST_DUE_FACTOR

    store = clock_wf.claim(body)
    kinds = store.event_kinds()
    assert kinds.count("deadline_reminder") == 1  # the 3-day one only
    assert [e.detail for e in store.events_of("deadline_passed")] == [
        "timely filing deadline passed"
    ]


def test_a_corrected_claim_keeps_the_denials_deadline_while_held_again(clock_wf):
    async def body(claim):
        await claim.start()
        await claim.until_event("submitted")
        due = (await claim.today() + timedelta(days=60)).isoformat()
        await claim.pay(
            1, dataclasses.replace(outcome("denied"), due_at=due, deadline_kind="corrected_claim")
        )
        await claim.until_task("work_denial")
        claim.store.scrubs[2] = dataclasses.replace(
            blocked("DX_POINTER_MISSING"), timely_filing_on="2099-01-01"
        )
        await claim.correct(2)
        await claim.decide("resubmit", claim_version=2)
        state = await claim.until_task("scrub_findings")
        assert (state.deadline_on, state.deadline_kind) == (due, "corrected_claim")
        assert claim.store.tasks[state.open_task.key].spec.due_at == due

    clock_wf.claim(body)


def test_payer_silence_past_its_processing_days_opens_a_follow_up(clock_wf):
    async def body(claim):
        claim.store.scrubs[1] = dataclasses.replace(CLEAN, processing_days=30, charge="90.00")
        await claim.start()
        state = await claim.until_event("submitted")
        submitted = await claim.today()
        assert state.follow_up_on == (submitted + timedelta(days=30)).isoformat()

        await claim.sleep(29)
        assert claim.store.tasks == {}  # not yet
        await claim.sleep(2)
        state = await claim.until_task("payer_follow_up")
        row = claim.store.tasks[state.open_task.key]
        assert row.spec.detail == {"processing_days": 30, "status": "submitted"}
        assert row.spec.priority_reason == "$90 · payer silent 30 days"

        await claim.decide("sent")  # someone called the payer: wait another 30 days
        state = await claim.until_event("followed_up")
        assert state.open_task is None and state.status == "submitted"
        assert state.follow_up_on == (await claim.today() + timedelta(days=30)).isoformat()
        await claim.pay(2, outcome("paid"))
        state = await claim.until_event("paid")
        assert state.follow_up_on is None and state.deadline_on is None

    store = clock_wf.claim(body)
    assert store.event_kinds().count("payer_silent") == 1
    assert [r.status for r in store.tasks.values()] == ["done"]


def test_a_payment_in_time_means_no_follow_up(clock_wf):
    async def body(claim):
        claim.store.scrubs[1] = ScrubOutcome(blocking=0, warnings=0, processing_days=30)
        await claim.start()
        await claim.until_event("submitted")
        await claim.sleep(10)
        await claim.pay(1, outcome("denied"))
        state = await claim.until_task("work_denial")
        assert state.follow_up_on is None
        await claim.sleep(25)
        await claim.until_event("escalated")  # the clock still runs for the denial's task

    store = clock_wf.claim(body)
    assert "payer_silent" not in store.event_kinds()
