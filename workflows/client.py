"""Typed helpers the API, web and relay use to talk to ClaimWorkflow.

They hide Temporal's shapes behind the product's words: a refused decision or correction is a
DecisionConflict (HTTP 409) or DecisionInvalid (422), and a workflow that does not answer within
UPDATE_TIMEOUT is a WorkflowTimeout (503). The client passed in carries the encrypted data
converter (app/temporal.py), so nothing here sees or logs claim data.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio.client import (
    Client,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from denialdesk.contracts.claim import (
    CLAIM_WORKFLOW,
    CONFLICT,
    CORRECT_UPDATE,
    DECIDE_UPDATE,
    INVALID,
    PAYMENT_SIGNAL,
    STATE_QUERY,
    ClaimStart,
    ClaimState,
    Correction,
    Decision,
    claim_workflow_id,
    decision_update_id,
)

UPDATE_TIMEOUT = timedelta(seconds=10)


class DecisionConflict(Exception):
    """The workflow refused: the task is no longer the claim's open task, or the state moved on."""


class DecisionInvalid(Exception):
    """The workflow refused the input: a field the action needs is missing or wrong."""


class WorkflowTimeout(Exception):
    """The workflow did not answer in time (no worker, or a worker far behind)."""


async def start_claim(client: Client, practice_slug: str, claim_id: int, task_queue: str) -> str:
    """Start the claim's workflow; starting it again is a no-op. Returns the workflow id."""
    workflow_id = claim_workflow_id(practice_slug, claim_id)
    await client.start_workflow(
        CLAIM_WORKFLOW,
        ClaimStart(claim_id=claim_id, practice_slug=practice_slug),
        id=workflow_id,
        task_queue=task_queue,
        # A retried POST /claims, or a payment relayed first, must not fail or start twice.
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
    )
    return workflow_id


async def signal_payment(
    client: Client, practice_slug: str, claim_id: int, claim_payment_id: int, task_queue: str
) -> str:
    """Deliver one claim payment (signal_with_start: the workflow is started if it is not
    running). The workflow ignores an id it already applied, so the relay may send again."""
    workflow_id = claim_workflow_id(practice_slug, claim_id)
    await client.start_workflow(
        CLAIM_WORKFLOW,
        ClaimStart(claim_id=claim_id, practice_slug=practice_slug),
        id=workflow_id,
        task_queue=task_queue,
        start_signal=PAYMENT_SIGNAL,
        start_signal_args=[claim_payment_id],
    )
    return workflow_id


async def correct_claim(client: Client, workflow_id: str, correction: Correction) -> None:
    """Tell the workflow a new claim version is stored (PATCH /claims/{id})."""
    await execute_update(
        client,
        workflow_id,
        CORRECT_UPDATE,
        correction,
        # Deterministic, so a retried PATCH is the same Update rather than a stale second one.
        update_id=f"correct-v{correction.version}",
    )


async def decide(client: Client, workflow_id: str, decision: Decision, task_version: int) -> None:
    """Hand a person's decision on a task to the workflow; returns once it is accepted."""
    await execute_update(
        client,
        workflow_id,
        DECIDE_UPDATE,
        decision,
        update_id=decision_update_id(decision.task_id, task_version),
    )


async def claim_state(client: Client, workflow_id: str) -> ClaimState:
    handle = client.get_workflow_handle(workflow_id)
    try:
        return await handle.query(STATE_QUERY, result_type=ClaimState, rpc_timeout=UPDATE_TIMEOUT)
    except RPCError as exc:
        if exc.status in (RPCStatusCode.DEADLINE_EXCEEDED, RPCStatusCode.CANCELLED):
            raise WorkflowTimeout(f"workflow {workflow_id} did not answer the query") from exc
        raise


async def execute_update(
    client: Client, workflow_id: str, name: str, arg: object, update_id: str
) -> None:
    """Run an Update; refusals become DecisionConflict/DecisionInvalid, silence WorkflowTimeout."""
    handle = client.get_workflow_handle(workflow_id)
    try:
        async with asyncio.timeout(UPDATE_TIMEOUT.total_seconds()):
            await handle.execute_update(name, arg, id=update_id, rpc_timeout=UPDATE_TIMEOUT)
    except (TimeoutError, WorkflowUpdateRPCTimeoutOrCancelledError) as exc:
        raise WorkflowTimeout(f"workflow {workflow_id} did not answer {name} in time") from exc
    except WorkflowUpdateFailedError as exc:
        cause = exc.cause
        if isinstance(cause, ApplicationError) and cause.type == CONFLICT:
            raise DecisionConflict(cause.message) from exc
        if isinstance(cause, ApplicationError) and cause.type == INVALID:
            raise DecisionInvalid(cause.message) from exc
        raise
