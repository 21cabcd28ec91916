"""A person's decision on a task, handed to its workflow (SPEC sections 2 and 5).

The database is checked first, in one transaction: the caller may decide (the assignee, or a
supervisor/admin), the version is current (else Conflict), a write-off above the practice's
threshold needs the role that may approve it (Forbidden), applying a held payment needs a
supervisor, and the ids in the body belong to the claim (Invalid naming the field). Only then
is the decision sent as an Update; the workflow's validator has the last word. A task with no
workflow (the billing company's: a rejected inbox file) is decided in services/file_tasks.py.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, model_validator
from sqlmodel import Session, select
from starlette.concurrency import run_in_threadpool

from denialdesk.contracts.claim import Decision
from denialdesk.contracts.enums import DecisionAction
from denialdesk.domain.principal import Principal
from denialdesk.domain.roles import Action
from denialdesk.services.access import require
from denialdesk.services.bodies import MAX_ID, Body
from denialdesk.services.errors import Conflict, Invalid, workflow_refusals
from denialdesk.services.file_tasks import decide_file_task
from denialdesk.services.tasks import load_task
from denialdesk.store.models import Claim, ClaimVersion, Letter, Practice, Queue, Task
from denialdesk.workflows import client as workflows


class Resubmit(Body):
    claim_version: int = Field(ge=1, le=MAX_ID)


Enclosure = Annotated[str, Field(min_length=1, max_length=100)]


class Appeal(Body):
    level: int = Field(ge=1, le=9)
    letter_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    no_letter_reason: str | None = Field(default=None, min_length=1, max_length=200)
    # What the appeal carries besides the letter ("medical records 2026-01 to 2026-03",
    # "proof of timely filing"): the payer weighs the evidence.
    enclosures: list[Enclosure] = Field(default_factory=list, max_length=10)

    @model_validator(mode="after")
    def _letter_or_reason(self):
        if (self.letter_id is None) == (self.no_letter_reason is None):
            raise ValueError("give either letter_id or no_letter_reason")
        return self


class WriteOff(Body):
    reason: str = Field(min_length=1, max_length=200)


class BillPatient(Body):
    amount: Decimal | None = Field(default=None, gt=0, max_digits=12, decimal_places=2)


QueueId = Annotated[int, Field(ge=1, le=MAX_ID)]
QueueName = Annotated[str, Field(min_length=1, max_length=60)]


class Reroute(Body):
    queue: QueueId | QueueName = Field(description="queue id or name")


class DecisionBody(Body):
    action: DecisionAction
    note: str = Field(default="", max_length=2000)
    version: int = Field(ge=1, le=MAX_ID)
    resubmit: Resubmit | None = None
    appeal: Appeal | None = None
    write_off: WriteOff | None = None
    bill_patient: BillPatient | None = None
    reroute: Reroute | None = None

    @model_validator(mode="after")
    def _details_present(self):
        # bill_patient's amount is optional; every other action needs its object.
        if self.action in ("resubmit", "appeal", "write_off", "reroute"):
            if getattr(self, self.action) is None:
                raise ValueError(f"{self.action}: required for action {self.action}")
        return self


def _unprocessable(field: str, message: str) -> Invalid:
    return Invalid(f"{field}: {message}")


def check_decision(
    session: Session, principal: Principal, task: Task, body: DecisionBody
) -> Decision:
    """Everything the database can tell before the workflow is asked; the Decision to send."""
    if task.assignee_id != principal.user_id:  # deciding others' tasks is a supervisor's call
        require(principal, task.practice_id, Action.MANAGE_WORK)
    if body.action == DecisionAction.APPLY:
        # A held payment looked wrong to the checks: applying it anyway moves money on the
        # claim that the remittance alone does not explain, so a supervisor signs it off.
        require(principal, task.practice_id, Action.MANAGE_WORK)
    if task.version != body.version:
        raise Conflict(f"task changed: version {task.version}, not {body.version}; reload it")
    if task.status not in ("open", "pended"):
        raise Conflict(f"task is {task.status}")
    decision = Decision(
        task_id=task.id, action=body.action.value, note=body.note, user_id=principal.user_id
    )
    claim = session.get(Claim, task.claim_id) if task.claim_id else None
    if body.resubmit is not None and body.action == "resubmit":
        found = session.exec(
            select(ClaimVersion.id).where(
                ClaimVersion.claim_id == task.claim_id,
                ClaimVersion.version == body.resubmit.claim_version,
            )
        ).first()
        if found is None:
            raise _unprocessable("resubmit.claim_version", "no such version of this claim")
        decision.claim_version = body.resubmit.claim_version
    if body.appeal is not None and body.action == "appeal":
        letter_id = body.appeal.letter_id
        letter = session.get(Letter, letter_id) if letter_id else None
        if letter_id is not None and (letter is None or letter.claim_id != task.claim_id):
            raise _unprocessable("appeal.letter_id", "no such letter for this claim")
        decision.level = body.appeal.level
        decision.letter_id = letter_id
        decision.no_letter_reason = body.appeal.no_letter_reason
        decision.enclosures = list(body.appeal.enclosures)
    if body.write_off is not None and body.action == "write_off":
        practice = session.get(Practice, task.practice_id)
        # What is written off is what the payer did not pay: the task's amount at stake, or the
        # claim's unpaid balance when the task carries none.
        amount = task.amount or (claim.total_charge - claim.total_paid if claim else Decimal(0))
        if amount > practice.write_off_threshold:
            require(principal, task.practice_id, Action.WRITE_OFF_ABOVE_THRESHOLD)
        decision.reason = body.write_off.reason
    if body.bill_patient is not None and body.action == "bill_patient":
        amount = body.bill_patient.amount
        decision.amount = None if amount is None else str(amount.quantize(Decimal("0.01")))
    if body.reroute is not None and body.action == "reroute":
        decision.queue_id = _queue(session, task.practice_id, body.reroute.queue)
    return decision


def _queue(session: Session, practice_id: int, queue: int | str) -> int:
    query = select(Queue).where(Queue.practice_id == practice_id)
    query = query.where(Queue.id == queue if isinstance(queue, int) else Queue.name == queue)
    found = session.exec(query).first()
    if found is None:
        raise _unprocessable("reroute.queue", "no such queue in this practice")
    return found.id


async def decide(
    session: Session,
    temporal: Callable[[], Awaitable[Any]],
    principal: Principal,
    task_id: int,
    body: DecisionBody,
    *,
    inbox: Path,
) -> None:
    """Check, then send the decision; returns once the workflow accepted it. `temporal`
    gives the Temporal client, asked for only when the task has a workflow: a task of the
    billing company's (a file the clearinghouse `inbox` rejected) is decided here."""

    def check() -> tuple[Decision, str, int] | None:
        task = load_task(session, principal, task_id, Action.WORK_OWN)
        if task.workflow_id is None:
            decide_file_task(
                session, principal, task,
                action=body.action, note=body.note, version=body.version, inbox=inbox,
            )  # fmt: skip
            return None
        decision = check_decision(session, principal, task, body)
        session.rollback()  # nothing written: end the read transaction before waiting
        return decision, task.workflow_id, task.version

    checked = await run_in_threadpool(check)
    if checked is None:
        return
    decision, workflow_id, version = checked
    client = await temporal()
    with workflow_refusals("claim"):
        await workflows.decide(client, workflow_id, decision, version)
