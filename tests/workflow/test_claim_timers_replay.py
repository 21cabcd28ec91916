"""A recorded history with the clock's timers replays; the histories from before the clock
(histories/*.json, no patch marker) replay too, in test_claim_replay.py.

Re-record after a deliberate, versioned change with
    DENIALDESK_RECORD_HISTORIES=1 .venv/bin/pytest tests/workflow/test_claim_timers_replay.py
(histories/clock/, kept apart so test_claim_replay.py's re-recording leaves them alone).
"""

from __future__ import annotations

import dataclasses
import json
import os
from datetime import timedelta

import pytest
from claim_fakes import CLEAN, outcome
from conftest import HISTORIES, KEY_RING
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from denialdesk.app.codec import data_converter
from denialdesk.workflows.claim import ClaimWorkflow

CLOCK_HISTORIES = HISTORIES / "clock"
RECORD = os.environ.get("DENIALDESK_RECORD_HISTORIES") == "1"


async def silent_payer_denial_reminders_pend_release(claim) -> None:
    claim.store.scrubs[1] = dataclasses.replace(CLEAN, processing_days=20, charge="150.00")
    await claim.start()
    await claim.until_event("submitted")
    await claim.sleep(21)
    await claim.until_task("payer_follow_up")
    await claim.decide("sent")
    await claim.until_event("followed_up")
    due = (await claim.today() + timedelta(days=20)).isoformat()
    await claim.pay(1, dataclasses.replace(outcome("denied"), due_at=due, deadline_kind="appeal"))
    await claim.until_task("work_denial")
    await claim.pend((await claim.today() + timedelta(days=2)).isoformat())
    await claim.until(lambda s: s.open_task.pended_until is not None)
    await claim.sleep(3)
    await claim.until_event("task_returned")
    await claim.assign(5)
    await claim.until(lambda s: s.open_task.idle_due_at is not None)
    await claim.sleep(4)
    await claim.until_event("task_released")
    await claim.until_event("escalated")
    await claim.sleep(4)
    await claim.until_event("deadline_reminder")
    await claim.decide("appeal", level=1, letter_id=3)
    await claim.until_task("send_appeal")


def saved() -> list[WorkflowHistory]:
    found = []
    for path in sorted(CLOCK_HISTORIES.glob("*.json")):
        data = json.loads(path.read_text())
        found.append(WorkflowHistory.from_json(data["workflow_id"], data["history"]))
    return found


@pytest.mark.skipif(not RECORD, reason="set DENIALDESK_RECORD_HISTORIES=1 to re-record")
def test_record_the_clock_history(clock_wf):
    store = clock_wf.claim(silent_payer_denial_reminders_pend_release)
    CLOCK_HISTORIES.mkdir(exist_ok=True)
    handle = clock_wf.client.get_workflow_handle(store.workflow_id)
    history = clock_wf.run(handle.fetch_history())
    data = {"workflow_id": store.workflow_id, "history": json.loads(history.to_json())}
    path = CLOCK_HISTORIES / "silent_payer_denial_reminders_pend_release.json"
    path.write_text(json.dumps(data, indent=1) + "\n")


def test_the_clock_scenario_runs_every_timer(clock_wf):
    store = clock_wf.claim(silent_payer_denial_reminders_pend_release)
    kinds = store.event_kinds()
    for kind in ("payer_silent", "task_returned", "task_released", "escalated"):
        assert kinds.count(kind) == 1, kind
    assert [e.detail for e in store.events_of("deadline_reminder")] == [
        "appeal deadline in 14 days"
    ]


def test_the_recorded_clock_history_replays(clock_wf):
    histories = saved()
    assert len(histories) == 1
    text = histories[0].to_json()
    assert text.count("EVENT_TYPE_TIMER_FIRED") >= 4  # the timers did fire in it
    replayer = Replayer(workflows=[ClaimWorkflow], data_converter=data_converter(KEY_RING))
    clock_wf.run(replayer.replay_workflow(histories[0]))
