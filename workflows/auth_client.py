"""Typed helpers the API and CLI use to talk to AuthorizationWorkflow.

Errors are the claim client's: a refused extension is DecisionConflict (409) or DecisionInvalid
(422), no answer within UPDATE_TIMEOUT is WorkflowTimeout (503).
"""

from __future__ import annotations

from temporalio.client import (
    Client,
)
from temporalio.common import WorkflowIDConflictPolicy

from denialdesk.contracts.authorization import (
    AUTH_STATE_QUERY,
    AUTH_WORKFLOW,
    EXTEND_UPDATE,
    RENEWED_UPDATE,
    USAGE_CHANGED_SIGNAL,
    AuthStart,
    AuthState,
    Extension,
    Renewal,
    auth_workflow_id,
)
from denialdesk.workflows.client import UPDATE_TIMEOUT, execute_update


async def start_authorization(
    client: Client, practice_slug: str, authorization_id: int, task_queue: str
) -> str:
    """Start the authorization's workflow; starting it again is a no-op. Returns its id."""
    workflow_id = auth_workflow_id(practice_slug, authorization_id)
    await client.start_workflow(
        AUTH_WORKFLOW,
        AuthStart(authorization_id=authorization_id, practice_slug=practice_slug),
        id=workflow_id,
        task_queue=task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
    )
    return workflow_id


async def usage_changed(client: Client, workflow_id: str) -> None:
    """Scheduled visits or claims under the authorization changed: the workflow recounts."""
    await client.get_workflow_handle(workflow_id).signal(USAGE_CHANGED_SIGNAL)


async def extend(client: Client, workflow_id: str, extension: Extension) -> None:
    # Deterministic: a retried PATCH is the same Update, not a second one.
    update_id = f"extend-{extension.end_date}-{extension.approved}"
    await execute_update(client, workflow_id, EXTEND_UPDATE, extension, update_id)


async def renewed(client: Client, workflow_id: str, renewal: Renewal) -> None:
    """The authorization was renewed by `renewal.authorization_id` (stored): its renewal task
    closes and no other opens."""
    update_id = f"renewed-{renewal.authorization_id}"
    await execute_update(client, workflow_id, RENEWED_UPDATE, renewal, update_id)


async def authorization_state(client: Client, workflow_id: str) -> AuthState:
    handle = client.get_workflow_handle(workflow_id)
    return await handle.query(AUTH_STATE_QUERY, result_type=AuthState, rpc_timeout=UPDATE_TIMEOUT)
