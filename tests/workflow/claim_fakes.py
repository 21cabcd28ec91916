"""In-memory stand-ins for the claim activities, and a small driver for one claim workflow.

The fakes register under the real activity names (contracts.py), record every call, and keep
a tiny projection of the store (events by key, tasks by key) with the same upsert semantics
the real activities promise, so the tests can assert on what the store would hold.
"""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from temporalio import activity
from temporalio.client import Client, WorkflowHandle
from temporalio.service import RPCError, RPCStatusCode
from temporalio.worker import Worker

from denialdesk.workflows import client as claims
from denialdesk.workflows.claim import ClaimWorkflow
from denialdesk.workflows.contracts import (
    APPLY_PAYMENT,
    CLOSE_TASK,
    ESCALATE_TASK,
    OPEN_TASK,
    RECORD_STATUS,
    RELEASE_TASK,
    RETURN_TASK,
    SCRUB_CLAIM,
    STATE_QUERY,
    SUBMIT_CLAIM,
    TASK_CHANGED_SIGNAL,
    TASK_CLOCK,
    ClaimStart,
    ClaimState,
    Correction,
    Decision,
    PaymentOutcome,
    PaymentRequest,
    ScrubOutcome,
    ScrubRequest,
    StatusChange,
    SubmitOutcome,
    SubmitRequest,
    TaskChange,
    TaskClockFacts,
    TaskClockRequest,
    TaskClose,
    TaskEscalation,
    TaskRelease,
    TaskSpec,
)

CLEAN = ScrubOutcome(blocking=0, warnings=1)
PRACTICE = "demo"


def blocked(*codes: str) -> ScrubOutcome:
    return ScrubOutcome(blocking=len(codes), warnings=0, finding_codes=list(codes))


def needs_auth(problem: str = "missing") -> ScrubOutcome:
    return ScrubOutcome(blocking=0, warnings=0, authorization_problem=problem)


def outcome(
    result: str,
    *,
    category: str | None = "medical_necessity",
    action: str = "appeal",
    method: str = "replacement_7",
    max_level: int = 2,
    reverses: int | None = None,
    priority_reason: str = "$120.00 · 20 days left",
) -> PaymentOutcome:
    paid = result in ("paid", "reversal")
    return PaymentOutcome(
        result=result,
        category=None if paid else category,
        action="none" if paid else action,
        appealable=not paid,
        amount_at_stake="0.00" if paid else "120.00",
        due_at=None if paid else "2027-01-15",
        deadline_kind=None if paid else "appeal_window",
        priority=0.0 if paid else 84.0,
        priority_reason="" if paid else priority_reason,
        resubmit_method=method,
        max_appeal_level=max_level,
        reverses_payment_id=reverses,
    )


@dataclasses.dataclass
class TaskRow:
    id: int
    spec: TaskSpec
    status: str = "open"  # open | pended | done | cancelled
    upserts: int = 1
    # What people did (store/tasks.py) and the task clock wrote (store/task_clock.py).
    assignee_id: int | None = None
    assigned_at: str | None = None
    pended_until: str | None = None
    escalated: bool = False
    sla_due_at: str | None = None


class FakeStore:
    """What the activities would have written, plus every call in order."""

    def __init__(self) -> None:
        self.scrubs: dict[int, ScrubOutcome] = {}  # claim version -> outcome (default CLEAN)
        self.payments: dict[int, PaymentOutcome] = {}  # claim payment id -> outcome
        self.calls: list[tuple[str, Any]] = []
        self.events: dict[str, StatusChange] = {}  # by idempotency key, in insertion order
        self.tasks: dict[str, TaskRow] = {}
        self.submissions: list[SubmitRequest] = []
        self.violations: list[str] = []  # a second open task for one workflow
        self._next_task_id = 100
        self.workflow_id = ""  # set when the driver starts the claim
        self.run_ids: list[str] = []  # the run of each call (continue-as-new starts a new one)

    def activities(self) -> list[Callable]:
        @activity.defn(name=SCRUB_CLAIM)
        async def scrub(request: ScrubRequest) -> ScrubOutcome:
            self._record(SCRUB_CLAIM, request)
            return self.scrubs.get(request.version, CLEAN)

        @activity.defn(name=SUBMIT_CLAIM)
        async def submit(request: SubmitRequest) -> SubmitOutcome:
            self._record(SUBMIT_CLAIM, request)
            self.submissions.append(request)
            return SubmitOutcome(len(self.submissions), f"837-{len(self.submissions)}.txt")

        @activity.defn(name=RECORD_STATUS)
        async def record_status(change: StatusChange) -> None:
            self._record(RECORD_STATUS, change)
            self.events.setdefault(change.key, change)

        @activity.defn(name=OPEN_TASK)
        async def open_task(spec: TaskSpec) -> int:
            self._record(OPEN_TASK, spec)
            row = self.tasks.get(spec.key)
            if row is not None:  # upsert: a retry or a reroute of the same task
                row.spec, row.upserts = spec, row.upserts + 1
                return row.id
            others = [
                key
                for key, other in self.tasks.items()
                if other.spec.workflow_id == spec.workflow_id and other.status in ("open", "pended")
            ]
            if others:
                self.violations.append(f"{spec.key} opened while {others} open")
            self._next_task_id += 1
            self.tasks[spec.key] = TaskRow(self._next_task_id, spec)
            return self._next_task_id

        @activity.defn(name=CLOSE_TASK)
        async def close_task(close: TaskClose) -> None:
            self._record(CLOSE_TASK, close)
            self.tasks[close.key].status = close.status

        @activity.defn(name=TASK_CLOCK)
        async def task_clock(request: TaskClockRequest) -> TaskClockFacts:
            self._record(TASK_CLOCK, request)
            row = self.tasks[request.key]
            row.sla_due_at = request.sla_due_at
            return TaskClockFacts(row.status, row.assignee_id, row.assigned_at, row.pended_until)

        @activity.defn(name=ESCALATE_TASK)
        async def escalate_task(escalation: TaskEscalation) -> None:
            self._record(ESCALATE_TASK, escalation)
            row = self.tasks[escalation.key]
            row.escalated = True
            row.spec = dataclasses.replace(
                row.spec, priority=escalation.priority, priority_reason=escalation.priority_reason
            )

        @activity.defn(name=RETURN_TASK)
        async def return_pended_task(request: TaskClockRequest) -> bool:
            self._record(RETURN_TASK, request)
            row = self.tasks[request.key]
            if row.status != "pended":
                return False
            row.status, row.pended_until, row.sla_due_at = "open", None, request.sla_due_at
            return True

        @activity.defn(name=RELEASE_TASK)
        async def release_idle_task(release: TaskRelease) -> bool:
            self._record(RELEASE_TASK, release)
            row = self.tasks[release.key]
            if row.assignee_id is None or row.assigned_at != release.assigned_at:
                return False
            row.assignee_id = row.assigned_at = None
            return True

        @activity.defn(name=APPLY_PAYMENT)
        async def apply_payment(request: PaymentRequest) -> PaymentOutcome:
            self._record(APPLY_PAYMENT, request)
            return self.payments[request.claim_payment_id]

        return [
            scrub,
            submit,
            record_status,
            open_task,
            close_task,
            apply_payment,
            task_clock,
            escalate_task,
            return_pended_task,
            release_idle_task,
        ]

    def _record(self, name: str, arg: Any) -> None:
        self.calls.append((name, arg))
        self.run_ids.append(activity.info().workflow_run_id)

    # --- views for assertions -----------------------------------------------------------------

    def names(self) -> list[str]:
        return [name for name, _ in self.calls]

    def event_kinds(self) -> list[str]:
        return [event.event_kind for event in self.events.values()]

    def events_of(self, kind: str) -> list[StatusChange]:
        return [event for event in self.events.values() if event.event_kind == kind]

    def open_tasks(self) -> list[TaskRow]:
        return [row for row in self.tasks.values() if row.status == "open"]

    def applied(self, claim_payment_id: int) -> int:
        return sum(
            1
            for name, arg in self.calls
            if name == APPLY_PAYMENT and arg.claim_payment_id == claim_payment_id
        )


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
