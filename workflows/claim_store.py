"""The store side of ClaimWorkflow: tasks, events and the activity call they share.

Idempotency keys come from counters in ClaimState (event_seq, task_seq): a retried activity,
or a replay, writes the same row again rather than a second one.
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy

from denialdesk.contracts.claim import (
    CLOSE_TASK,
    DATA_ERROR,
    OPEN_TASK,
    RECORD_STATUS,
    ClaimState,
    OpenTask,
    StatusChange,
    TaskClose,
    TaskSpec,
    task_key,
)
from denialdesk.domain.task_clock import sla_due

ACTIVITY_TIMEOUT = timedelta(seconds=30)
# Store and clearinghouse hiccups heal by retrying (forever, backing off to a minute); a
# "DataError" means the stored data itself is wrong, and retrying cannot fix that.
ACTIVITY_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=1),
    non_retryable_error_types=[DATA_ERROR],
)

CLOSED_STATUSES = frozenset({"paid", "written_off", "patient_responsibility", "voided"})


class ClaimStore:
    _claim_id: int
    _state: ClaimState

    # --- the store: tasks and events ----------------------------------------------------------

    async def _open_task(self, spec: TaskSpec) -> None:
        # One open task per claim: whatever is still open is closed before the next opens.
        await self._close_task("cancelled")
        self._state.task_seq += 1
        wid = workflow.info().workflow_id
        spec = dataclasses.replace(
            spec,
            key=task_key(wid, self._state.task_seq),
            workflow_id=wid,
            claim_id=self._claim_id,
            # The SLA runs from the moment the task opens (the row shows when it escalates).
            sla_due_at=sla_due(spec.kind, workflow.now()).isoformat(),
        )
        await self._upsert_task(spec)

    async def _upsert_task(self, spec: TaskSpec) -> None:
        task_id: int = await self._call(OPEN_TASK, spec, int)
        before = self._state.open_task
        task = OpenTask(key=spec.key, task_id=task_id, kind=spec.kind, sla_due_at=spec.sla_due_at)
        if before is not None and before.key == spec.key:
            # The same task updated (reroute, reminder): its clock runs on.
            task = dataclasses.replace(before, task_id=task_id, kind=spec.kind)
        self._state.open_task = task
        self._state.open_task_spec = spec

    async def _close_task(self, status: str) -> None:
        task = self._state.open_task
        if task is None:
            return
        self._state.open_task = None
        self._state.open_task_spec = None
        await self._call(CLOSE_TASK, TaskClose(key=task.key, status=status))

    async def _set_status(
        self,
        status: str,
        event_kind: str,
        detail: str,
        *,
        hold_reason: str | None = None,
        user_id: int | None = None,
    ) -> None:
        state = self._state
        state.status, state.hold_reason = status, hold_reason
        state.event_seq += 1
        await self._call(
            RECORD_STATUS,
            StatusChange(
                claim_id=self._claim_id,
                status=status,
                hold_reason=hold_reason,
                event_kind=event_kind,
                detail=detail,
                key=f"{workflow.info().workflow_id}:e{state.event_seq}",
                closed=status in CLOSED_STATUSES,
                user_id=user_id,
            ),
        )

    async def _event(self, kind: str, detail: str, user_id: int | None = None) -> None:
        """A timeline event that leaves the status as it is."""
        state = self._state
        await self._set_status(
            state.status, kind, detail, hold_reason=state.hold_reason, user_id=user_id
        )

    # --- plumbing -----------------------------------------------------------------------------

    @staticmethod
    def _today() -> str:
        # The business day the workflow acts on: workflow time, so replays see the same day.
        return workflow.now().date().isoformat()

    @staticmethod
    async def _call(name: str, arg: Any, result_type: type | None = None) -> Any:
        return await workflow.execute_activity(
            name,
            arg,
            result_type=result_type,
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            retry_policy=ACTIVITY_RETRY,
        )
