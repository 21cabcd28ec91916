"""A small driver for one claim workflow in the tests: start it, wait for what it did, pay,
correct, decide, and play the worklist's part (assign, pend) and the clock's (skip days)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from claim_fakes import PRACTICE, FakeStore, TaskRow
from temporalio.client import Client, WorkflowHandle
from temporalio.service import RPCError, RPCStatusCode
from temporalio.worker import Worker

from denialdesk.contracts.claim import (
    STATE_QUERY,
    TASK_CHANGED_SIGNAL,
    ClaimStart,
    ClaimState,
    Correction,
    Decision,
    PaymentOutcome,
    TaskChange,
)
from denialdesk.workflows import client as claims
from denialdesk.workflows.claim import ClaimWorkflow


class ClaimDriver:
    """One claim workflow on its own task queue, driven through workflows/client.py."""

    def __init__(self, client: Client, store: FakeStore, claim_id: int) -> None:
        self.client, self.store, self.claim_id = client, store, claim_id
        self.task_queue = f"claims-{uuid.uuid4().hex[:8]}"
        self.workflow_id = ""
        self._task_versions: dict[int, int] = {}
        self.env: Any = None  # the WorkflowEnvironment, set by the harness (for sleep)

    def worker(self) -> Worker:
        return Worker(
            self.client,
            task_queue=self.task_queue,
            workflows=[ClaimWorkflow],
            activities=self.store.activities(),
        )

    @property
    def handle(self) -> WorkflowHandle:
        return self.client.get_workflow_handle(self.workflow_id)

    async def start(self, state: ClaimState | None = None) -> None:
        if state is None:
            self.workflow_id = await claims.start_claim(
                self.client, PRACTICE, self.claim_id, self.task_queue
            )
            self.store.workflow_id = self.workflow_id
            return
        # Tests that need a low continue-as-new threshold pass the first state themselves.
        handle = await self.client.start_workflow(
            ClaimWorkflow.run,
            ClaimStart(self.claim_id, PRACTICE, state),
            id=f"claim-{PRACTICE}-{self.claim_id}",
            task_queue=self.task_queue,
        )
        self.workflow_id = self.store.workflow_id = handle.id

    async def state(self) -> ClaimState:
        return await claims.claim_state(self.client, self.workflow_id)

    async def until(
        self, predicate: Callable[[ClaimState], bool], timeout: float = 10
    ) -> ClaimState:
        """Poll the state query until `predicate` holds; fail with the last state seen."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            try:
                state = await self.handle.query(
                    STATE_QUERY, result_type=ClaimState, rpc_timeout=timedelta(seconds=1)
                )
            except RPCError as exc:
                # The time-skipping server can leave a query unanswered when the run it was
                # routed to continues as new meanwhile; ask the next run.
                if exc.status not in (RPCStatusCode.DEADLINE_EXCEEDED, RPCStatusCode.CANCELLED):
                    raise
                continue
            if predicate(state):
                return state
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"state never matched; last: {state}")
            await asyncio.sleep(0.02)  # polling interval, not a wait for something to happen

    async def until_event(self, kind: str, count: int = 1) -> ClaimState:
        """Wait for the `count`th event of `kind`: the last step of the transitions that end
        with an event, so the store is complete when this returns."""
        return await self.until(lambda _: self.store.event_kinds().count(kind) >= count)

    async def until_task(self, kind: str, count: int = 1) -> ClaimState:
        """Wait until the `count`th task of `kind` is the workflow's open task (the last step
        of every transition that opens one)."""

        def opened(state: ClaimState) -> bool:
            kinds = [row.spec.kind for row in self.store.tasks.values()]
            return (
                state.open_task is not None
                and state.open_task.kind == kind
                and kinds.count(kind) >= count
            )

        return await self.until(opened)

    async def pay(self, claim_payment_id: int, result: PaymentOutcome | None = None) -> None:
        if result is not None:
            self.store.payments[claim_payment_id] = result
        await claims.signal_payment(
            self.client, PRACTICE, self.claim_id, claim_payment_id, self.task_queue
        )

    async def sleep(self, days: float) -> None:
        """Skip time on the test server: the claim's timers fire on the way."""
        await self.env.sleep(timedelta(days=days))

    async def today(self):
        return (await self.env.get_current_time()).date()

    def row(self) -> TaskRow:
        [row] = [r for r in self.store.tasks.values() if r.status in ("open", "pended")]
        return row

    async def assign(self, user_id: int | None) -> None:
        """What POST /tasks/{id}/assign does: write the row, then signal the workflow."""
        row = self.row()
        now = (await self.env.get_current_time()).isoformat() if user_id else None
        row.assignee_id, row.assigned_at = user_id, now
        await self.handle.signal(
            TASK_CHANGED_SIGNAL, TaskChange(row.id, "assigned" if user_id else "released")
        )

    async def pend(self, until: str) -> None:
        row = self.row()
        row.status, row.pended_until = "pended", until
        await self.handle.signal(TASK_CHANGED_SIGNAL, TaskChange(row.id, "pended"))

    async def correct(self, version: int) -> None:
        await claims.correct_claim(self.client, self.workflow_id, Correction(version, user_id=3))

    async def decide(self, action: str, task_id: int | None = None, **fields: Any) -> None:
        if task_id is None:
            # until() rides out a query the time-skipping server leaves unanswered.
            task_id = (await self.until(lambda s: s.open_task is not None)).open_task.task_id
        # A new task version per decision, as the API bumps it on every write to the row.
        version = self._task_versions.get(task_id, 0) + 1
        self._task_versions[task_id] = version
        decision = Decision(task_id=task_id, action=action, user_id=3, **fields)
        await claims.decide(self.client, self.workflow_id, decision, version)
