"""In-memory stand-ins for the claim activities (the driver is in claim_driver.py).

The fakes register under the real activity names (contracts.py), record every call, and keep
a tiny projection of the store (events by key, tasks by key) with the same upsert semantics
the real activities promise, so the tests can assert on what the store would hold.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from temporalio import activity
from temporalio.exceptions import ApplicationError

from denialdesk.contracts.claim import (
    APPLY_PAYMENT,
    CLOSE_TASK,
    DATA_ERROR,
    ESCALATE_TASK,
    OPEN_TASK,
    RECORD_STATUS,
    RELEASE_TASK,
    RETURN_TASK,
    SCRUB_CLAIM,
    SEND_APPEAL,
    SUBMIT_CLAIM,
    TASK_CLOCK,
    AppealPacketRequest,
    PaymentOutcome,
    PaymentRequest,
    ScrubOutcome,
    ScrubRequest,
    StatusChange,
    SubmitOutcome,
    SubmitRequest,
    TaskClockFacts,
    TaskClockRequest,
    TaskClose,
    TaskEscalation,
    TaskRelease,
    TaskSpec,
    held_outcome,
)

CLEAN = ScrubOutcome(blocking=0, warnings=1)
PRACTICE = "demo"


def blocked(*codes: str) -> ScrubOutcome:
    return ScrubOutcome(blocking=len(codes), warnings=0, finding_codes=list(codes))


def needs_auth(problem: str = "missing") -> ScrubOutcome:
    return ScrubOutcome(blocking=0, warnings=0, authorization_problem=problem)


def held(reason: str, amount: str = "1000000.00") -> PaymentOutcome:
    """A payment the activity would not apply; `store.payments[-id]` is what forcing gives."""
    return held_outcome(reason, amount)


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
        # (step, claim version) -> (reason, field): that call fails with a DataError.
        self.data_errors: dict[tuple[str, int], tuple[str, str]] = {}
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
            self._fail_if_told(SCRUB_CLAIM, request.version)
            return self.scrubs.get(request.version, CLEAN)

        @activity.defn(name=SUBMIT_CLAIM)
        async def submit(request: SubmitRequest) -> SubmitOutcome:
            self._record(SUBMIT_CLAIM, request)
            self._fail_if_told(SUBMIT_CLAIM, request.version)
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
            self._fail_if_told(APPLY_PAYMENT, request.claim_payment_id)
            found = self.payments[request.claim_payment_id]
            if request.force and found.result == "held":
                return self.payments.get(-request.claim_payment_id, outcome("paid"))
            return found

        @activity.defn(name=SEND_APPEAL)
        async def send_appeal_packet(request: AppealPacketRequest) -> str:
            self._record(SEND_APPEAL, request)
            return f"APPEAL-{request.claim_id}-L{request.level}.json"

        return [
            send_appeal_packet,
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

    def _fail_if_told(self, step: str, key: int) -> None:
        told = self.data_errors.pop((step, key), None)
        if told is not None:  # once: the fix (a correction, a retry) then succeeds
            raise ApplicationError(told[0], told[1], type=DATA_ERROR, non_retryable=True)

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
