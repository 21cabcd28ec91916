"""Saved histories replay against today's ClaimWorkflow, and histories hold no clear PHI.

Regenerate the histories after a deliberate, versioned workflow change with
    DENIALDESK_RECORD_HISTORIES=1 .venv/bin/pytest tests/workflow/test_claim_replay.py
(they are encrypted with the fixed test key ring of histories/key.txt, never a real key).
"""

from __future__ import annotations

import json
import os
import re

import pytest
from claim_scenarios import MARKERS, SCENARIOS, denial_appeal_reroute_resubmit
from conftest import HISTORIES, KEY_RING
from history_payloads import payloads
from temporalio import workflow
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer, UnsandboxedWorkflowRunner
from temporalio.workflow import NondeterminismError

from denialdesk.app.codec import ENCODING, EncryptionCodec, data_converter
from denialdesk.contracts.claim import CLAIM_WORKFLOW, ClaimStart
from denialdesk.workflows.claim import ClaimWorkflow

RECORD = os.environ.get("DENIALDESK_RECORD_HISTORIES") == "1"


def saved_histories() -> list[WorkflowHistory]:
    histories = []
    for path in sorted(HISTORIES.glob("*.json")):
        saved = json.loads(path.read_text())
        histories.append(WorkflowHistory.from_json(saved["workflow_id"], saved["history"]))
    return histories


@pytest.mark.skipif(not RECORD, reason="set DENIALDESK_RECORD_HISTORIES=1 to re-record")
def test_record_histories(wf):
    for old in HISTORIES.glob("*.json"):
        old.unlink()
    for name, scenario in SCENARIOS.items():
        store = wf.claim(scenario)
        for n, run_id in enumerate(dict.fromkeys(store.run_ids), start=1):
            handle = wf.client.get_workflow_handle(store.workflow_id, run_id=run_id)
            history = wf.run(handle.fetch_history())
            saved = {"workflow_id": store.workflow_id, "history": json.loads(history.to_json())}
            (HISTORIES / f"{name}.run{n}.json").write_text(json.dumps(saved, indent=1) + "\n")


def test_saved_histories_replay_on_the_current_workflow(wf):
    histories = saved_histories()
    # Four scenarios, the continue-as-new one in several runs.
    assert len(histories) >= 5
    replayer = Replayer(workflows=[ClaimWorkflow], data_converter=data_converter(KEY_RING))
    for history in histories:
        wf.run(replayer.replay_workflow(history))


@workflow.defn(name=CLAIM_WORKFLOW)
class ChangedClaimWorkflow(ClaimWorkflow):
    """ClaimWorkflow with one more step before the scrub: the kind of change that would break
    claims in flight, which the replay test must catch."""

    @workflow.run
    async def run(self, start: ClaimStart) -> None:
        await self._event("checked", "an extra step")
        await super().run(start)


def test_replay_catches_a_change_that_would_break_running_claims(wf):
    replayer = Replayer(
        workflows=[ChangedClaimWorkflow],
        data_converter=data_converter(KEY_RING),
        # The changed class lives in this test module, which the sandbox would re-import.
        workflow_runner=UnsandboxedWorkflowRunner(),
    )
    with pytest.raises(NondeterminismError):
        wf.run(replayer.replay_workflow(saved_histories()[0]))


def _is_patch_bookkeeping(event) -> bool:
    if event.HasField("marker_recorded_event_attributes"):
        return event.marker_recorded_event_attributes.marker_name == "core_patch"
    if event.HasField("upsert_workflow_search_attributes_event_attributes"):
        fields = event.upsert_workflow_search_attributes_event_attributes.search_attributes
        return set(fields.indexed_fields) == {"TemporalChangeVersion"}
    return False


def test_the_server_sees_no_clear_phi_in_a_claim_history(wf):
    store = wf.claim(denial_appeal_reroute_resubmit)
    raw = wf.run(wf.client.get_workflow_handle(store.workflow_id).fetch_history())
    # workflow.patched writes the patch id in a marker and the TemporalChangeVersion search
    # attribute, outside the codec: SDK bookkeeping naming only our patch, checked apart.
    patching = [e for e in raw.events if _is_patch_bookkeeping(e)]
    bookkeeping = b"".join(p.data for e in patching for p in payloads(e))
    assert bookkeeping.count(b"claim-clock-v1") >= 2 and b"appeal-packet" in bookkeeping
    # Nothing else in it: only our patch ids and the SDK's own JSON keys.
    rest = re.sub(
        rb'"(claim-clock-v1|appeal-packet|id|deprecated)"|false|true|[\[\]{}:,]', b"", bookkeeping
    )
    assert rest == b""
    found = [p for e in raw.events if e not in patching for p in payloads(e)]
    assert len(found) > 20
    text = raw.to_json()
    for marker in MARKERS:
        assert marker not in text
        assert all(marker.encode() not in p.data for p in found)
    assert {p.metadata["encoding"] for p in found} == {ENCODING}

    # The markers did travel through the history: decrypted, they are there. So the test above
    # would fail if the codec were missing.
    clear = wf.run(EncryptionCodec(KEY_RING).decode(found))
    decrypted = b"".join(p.data for p in clear)
    assert all(marker.encode() in decrypted for marker in MARKERS)
