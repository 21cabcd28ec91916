"""The validators' rules as plain functions: refusals carry the type the API maps to HTTP."""

from __future__ import annotations

import pytest
from temporalio.exceptions import ApplicationError

from denialdesk.contracts.claim import (
    CONFLICT,
    INVALID,
    ClaimState,
    Correction,
    Decision,
    OpenTask,
)
from denialdesk.workflows.claim_rules import check_correction, check_decision


def state(kind: str | None = "work_denial", **fields) -> ClaimState:
    task = OpenTask(key="claim-demo-1:1", task_id=10, kind=kind) if kind else None
    return ClaimState(open_task=task, **{"version": 2, "max_appeal_level": 2, **fields})


def test_a_decision_waits_for_a_queued_payment():
    with pytest.raises(ApplicationError, match="payment") as refused:
        check_decision(state(), Decision(10, "write_off", reason="x"), False, True)
    assert refused.value.type == CONFLICT


@pytest.mark.parametrize(
    ("claim", "decision", "pending", "error_type", "words"),
    [
        (state(None), Decision(10, "write_off", reason="x"), False, CONFLICT, "not the"),
        (state(), Decision(11, "write_off", reason="x"), False, CONFLICT, "not the"),
        (state(), Decision(10, "write_off", reason="x"), True, CONFLICT, "already"),
        (state(), Decision(10, "sent"), False, CONFLICT, "does not fit"),
        (state("scrub_findings"), Decision(10, "appeal", level=1), False, CONFLICT, "fit"),
        (state(), Decision(10, "resubmit", claim_version=1), False, CONFLICT, "stale"),
        (state(), Decision(10, "resubmit"), False, INVALID, "claim_version"),
        (state(), Decision(10, "appeal", level=1), False, INVALID, "letter"),
        (
            state(appeal_level=2),
            Decision(10, "appeal", level=3, letter_id=1),
            False,
            INVALID,
            "exceeds",
        ),
        (state(), Decision(10, "bill_patient", amount="-5"), False, INVALID, "positive"),
        (state(), Decision(10, "bill_patient", amount="NaN"), False, INVALID, "positive"),
        (state(), Decision(10, "teleport"), False, INVALID, "unknown action"),
    ],
)
def test_refusals(claim, decision, pending, error_type, words):
    with pytest.raises(ApplicationError, match=words) as refused:
        check_decision(claim, decision, pending)
    assert refused.value.type == error_type and refused.value.non_retryable


@pytest.mark.parametrize(
    "decision",
    [
        Decision(10, "resubmit", claim_version=2),
        Decision(10, "resubmit", claim_version=5),  # stored by the API, not yet corrected
        Decision(10, "appeal", level=1, no_letter_reason="payer portal form"),
        Decision(10, "bill_patient"),
        Decision(10, "bill_patient", amount="12.50"),
        Decision(10, "reroute", queue_id=4),
    ],
)
def test_accepted(decision):
    check_decision(state(), decision, False)


def test_corrections_only_while_a_correctable_task_is_open_and_only_newer():
    check_correction(state("obtain_authorization"), Correction(3), 0)
    for claim, correction, pending in [
        (state("send_appeal"), Correction(3), 0),
        (state(None), Correction(3), 0),
        (state(), Correction(2), 0),
        (state(), Correction(3), 3),  # version 3 already queued
    ]:
        with pytest.raises(ApplicationError) as refused:
            check_correction(claim, correction, pending)
        assert refused.value.type == CONFLICT
