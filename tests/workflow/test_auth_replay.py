"""Saved AuthorizationWorkflow histories replay against today's workflow, and hold no clear
authorization data.

Regenerate after a deliberate, versioned workflow change with
    DENIALDESK_RECORD_HISTORIES=1 .venv/bin/pytest tests/workflow/test_auth_replay.py
(encrypted with the fixed test key ring of histories/key.txt, never a real key). They live in
histories/auth/ so the claim replay test, which globs histories/*.json, does not see them.
"""

from __future__ import annotations

import json
import os

import pytest
from auth_fakes import own_time_skipping_server, run_auth  # noqa: F401 (the `wf` fixture)
from auth_scenarios import SCENARIOS
from conftest import HISTORIES, KEY_RING
from history_payloads import payloads
from temporalio import workflow
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer, UnsandboxedWorkflowRunner
from temporalio.workflow import NondeterminismError

from denialdesk.app.codec import ENCODING, data_converter
from denialdesk.contracts.authorization import (
    AUTH_WORKFLOW,
    CLOSE_AUTH_TASK,
    AuthStart,
    AuthTaskClose,
)
from denialdesk.workflows.authorization import AuthorizationWorkflow

RECORD = os.environ.get("DENIALDESK_RECORD_HISTORIES") == "1"
AUTH_HISTORIES = HISTORIES / "auth"


def saved_histories() -> list[WorkflowHistory]:
    histories = []
    for path in sorted(AUTH_HISTORIES.glob("*.json")):
        saved = json.loads(path.read_text())
        histories.append(WorkflowHistory.from_json(saved["workflow_id"], saved["history"]))
    return histories


@pytest.mark.skipif(not RECORD, reason="set DENIALDESK_RECORD_HISTORIES=1 to re-record")
def test_record_histories(wf):
    AUTH_HISTORIES.mkdir(exist_ok=True)
    for old in AUTH_HISTORIES.glob("*.json"):
        old.unlink()
    for name, scenario in SCENARIOS.items():
        store = run_auth(wf, scenario)
        for n, run_id in enumerate(dict.fromkeys(store.run_ids), start=1):
            handle = wf.client.get_workflow_handle(store.workflow_id, run_id=run_id)
            history = wf.run(handle.fetch_history())
            saved = {"workflow_id": store.workflow_id, "history": json.loads(history.to_json())}
            (AUTH_HISTORIES / f"{name}.run{n}.json").write_text(json.dumps(saved, indent=1) + "\n")


def test_saved_histories_replay_on_the_current_workflow(wf):
    histories = saved_histories()
    assert len(histories) >= 5  # four scenarios, the continue-as-new one in several runs
    replayer = Replayer(workflows=[AuthorizationWorkflow], data_converter=data_converter(KEY_RING))
    for history in histories:
        wf.run(replayer.replay_workflow(history))


@workflow.defn(name=AUTH_WORKFLOW)
class ChangedAuthorizationWorkflow(AuthorizationWorkflow):
    """Closes a task before reading the counts: a change that would break workflows in flight."""

    @workflow.run
    async def run(self, start: AuthStart) -> None:
        await self._call(CLOSE_AUTH_TASK, AuthTaskClose("auth-x:0", "done"))
        await super().run(start)


def test_replay_catches_a_change_that_would_break_running_authorizations(wf):
    replayer = Replayer(
        workflows=[ChangedAuthorizationWorkflow],
        data_converter=data_converter(KEY_RING),
        workflow_runner=UnsandboxedWorkflowRunner(),
    )
    with pytest.raises(NondeterminismError):
        wf.run(replayer.replay_workflow(saved_histories()[0]))


def test_histories_carry_only_encryptedpayloads():
    histories = saved_histories()
    found = [p for h in histories for event in h.events for p in payloads(event)]
    assert len(found) > 50
    assert {p.metadata["encoding"] for p in found} == {ENCODING}
    # Counts and dates travel only inside the encrypted payloads.
    assert all(b"renew_authorization" not in p.data and b"end_date" not in p.data for p in found)
