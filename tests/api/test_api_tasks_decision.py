"""POST /tasks/{id}/decision: who may decide, stale versions, thresholds, the workflow's word."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest
import work_data
from desk import Desk, desk_fixture  # noqa: F401 (the `desk` fixture)
from temporalio.client import WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError
from temporalio.exceptions import ApplicationError

from denialdesk.contracts.claim import CONFLICT, DECIDE_UPDATE, INVALID, decision_update_id
from denialdesk.store.db import session_scope
from denialdesk.store.models import ClaimVersion, Letter, Practice


@pytest.fixture
def task(desk: Desk):
    """A denial task of a claim with two versions, assigned to the specialist ($80 at stake)."""
    with session_scope(desk.engine) as session:
        claim = work_data.claim(session, desk.home, version=2)
        for number in (1, 2):
            session.add(ClaimVersion(claim_id=claim.id, version=number, total_charge=Decimal(180)))
        letter = Letter(claim_id=claim.id, version=1, kind="authorization", content=b"docx")
        session.add(letter)
        session.get(Practice, desk.home.practice.id).write_off_threshold = Decimal("50.00")
        row = work_data.task(
            session,
            desk.home.practice,
            claim_id=claim.id,
            assignee_id=desk.users["specialist"],
            amount=Decimal("80.00"),
            version=3,
        )
        session.flush()
        return SimpleNamespace(
            id=row.id, workflow_id=row.workflow_id, version=row.version, letter_id=letter.id
        )


def _decide(desk: Desk, task, who: str, **body):
    payload = {"note": "", "version": task.version} | body
    return desk.call("POST", f"/tasks/{task.id}/decision", who, json=payload)


def test_resubmit_reaches_the_workflow_once_with_ids(desk: Desk, task):
    response = _decide(desk, task, "specialist", action="resubmit", resubmit={"claim_version": 2})
    assert response.status_code == 200, response.text
    ((workflow_id, name, decision, update_id),) = desk.temporal.updates
    assert (workflow_id, name) == (task.workflow_id, DECIDE_UPDATE)
    assert update_id == decision_update_id(task.id, task.version)
    assert (decision.task_id, decision.action, decision.claim_version) == (task.id, "resubmit", 2)
    assert decision.user_id == desk.users["specialist"]


def test_who_may_decide(desk: Desk, task):
    body = {"action": "appeal", "appeal": {"level": 1, "no_letter_reason": "faxed"}}
    assert _decide(desk, task, "specialist2", **body).status_code == 403  # not theirs
    assert _decide(desk, task, "integration", **body).status_code == 403
    assert _decide(desk, task, "outsider", **body).status_code == 404
    assert _decide(desk, task, "supervisor", **body).status_code == 200
    assert desk.temporal.updates[0][2].no_letter_reason == "faxed"


def test_stale_version_is_409_and_nothing_is_sent(desk: Desk, task):
    response = _decide(desk, task, "specialist", action="sent", version=task.version - 1)
    assert response.status_code == 409 and "version" in response.json()["detail"]
    assert desk.temporal.updates == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"action": "resubmit"}, "resubmit"),
        ({"action": "resubmit", "resubmit": {"claim_version": 7}}, "resubmit.claim_version"),
        ({"action": "appeal", "appeal": {"level": 1}}, "letter_id or no_letter_reason"),
        ({"action": "appeal", "appeal": {"level": 1, "letter_id": 10**6}}, "appeal.letter_id"),
        ({"action": "reroute", "reroute": {"queue": "nope"}}, "reroute.queue"),
        (
            {"action": "appeal", "appeal": {"level": 1, "letter_id": 1, "enclosures": [""]}},
            "enclosures",
        ),
        ({"action": "bill_patient", "bill_patient": {"amount": "-3"}}, "amount"),
        ({"action": "dance"}, "action"),
    ],
)
def test_bad_input_is_422_naming_the_field(desk: Desk, task, body, field):
    response = _decide(desk, task, "specialist", **body)
    assert response.status_code == 422 and field in str(response.json()["detail"])
    assert desk.temporal.updates == []


def test_appeal_with_the_claims_letter_and_reroute_by_name(desk: Desk, task):
    appeal = {"level": 2, "letter_id": task.letter_id, "enclosures": ["medical records"]}
    assert _decide(desk, task, "specialist", action="appeal", appeal=appeal).status_code == 200
    assert desk.temporal.updates[0][2].enclosures == ["medical records"]
    with session_scope(desk.engine) as session:
        queue = work_data.queue(session, desk.home.practice)
    body = {"action": "reroute", "reroute": {"queue": queue.name}}
    assert _decide(desk, task, "specialist", **body).status_code == 200
    assert [u[2].letter_id for u in desk.temporal.updates] == [task.letter_id, None]
    assert desk.temporal.updates[1][2].queue_id == queue.id


def test_write_off_above_the_threshold_needs_a_supervisor(desk: Desk, task):
    body = {"action": "write_off", "write_off": {"reason": "small balance"}}
    refused = _decide(desk, task, "specialist", **body)
    assert refused.status_code == 403 and "write_off_above_threshold" in refused.json()["detail"]
    assert _decide(desk, task, "supervisor", **body).status_code == 200
    with session_scope(desk.engine) as session:
        session.get(Practice, desk.home.practice.id).write_off_threshold = Decimal("500.00")
    assert _decide(desk, task, "specialist", **body).status_code == 200
    assert [u[2].reason for u in desk.temporal.updates] == ["small balance"] * 2


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (WorkflowUpdateFailedError(ApplicationError("not the open task", type=CONFLICT)), 409),
        (WorkflowUpdateFailedError(ApplicationError("level 3 does not exist", type=INVALID)), 422),
        (WorkflowUpdateRPCTimeoutOrCancelledError(), 503),
    ],
)
def test_the_workflows_refusal(desk: Desk, task, error, code):
    desk.temporal.update_error = error
    response = _decide(desk, task, "specialist", action="bill_patient")
    assert response.status_code == code
    if code != 503:
        assert response.json()["detail"] in ("not the open task", "level 3 does not exist")


def test_no_temporal_is_503(desk: Desk, task):
    desk.client.app.state.temporal = None
    desk.client.app.state.temporal_connect = None
    response = _decide(desk, task, "specialist", action="sent")
    assert response.status_code == 503


@pytest.mark.parametrize("queue", [10**30, 0, "", "q" * 61])
def test_out_of_range_queue_is_422_not_500(desk: Desk, task, queue):
    response = _decide(desk, task, "specialist", action="reroute", reroute={"queue": queue})
    assert response.status_code == 422 and "queue" in str(response.json()["detail"])


def test_applying_a_held_payment_needs_a_supervisor_dismissing_does_not(desk: Desk, task):
    assert _decide(desk, task, "specialist", action="apply").status_code == 403
    assert desk.temporal.updates == []
    assert _decide(desk, task, "specialist", action="dismiss").status_code == 200
    assert _decide(desk, task, "supervisor", action="apply").status_code == 200
    assert [decision.action for _, _, decision, _ in desk.temporal.updates] == [
        "dismiss",
        "apply",
    ]
