"""The workflow side of tasks: a task row is the projection of a workflow's task, upserted by
its key `{workflow_id}:{seq}` so a retried activity never makes a second one.

People's writes (assign, pend) live in store/tasks.py; this module leaves the assignee alone
unless the task became a different kind of work, which someone else may be better placed to do.
`spec` is a contracts.claim.TaskSpec.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol

from sqlmodel import Session, select

from denialdesk.store.models import Claim, Queue, Task
from denialdesk.store.types import utcnow

CLOSED = ("done", "cancelled")


class TaskSpecLike(Protocol):
    key: str
    workflow_id: str
    claim_id: int
    kind: str
    category: str | None
    recommended_action: str | None
    amount: str
    due_at: str | None
    priority: float
    priority_reason: str
    detail: dict


def upsert_task(session: Session, spec: TaskSpecLike) -> Task:
    """Insert the task or bring it up to date; the version moves only when something changed,
    so a retry does not make a person's open copy stale."""
    task = session.exec(select(Task).where(Task.key == spec.key)).first()
    detail = dict(spec.detail or {})
    values: dict[str, Any] = {
        "kind": spec.kind,
        "category": spec.category,
        "recommended_action": spec.recommended_action,
        "amount": Decimal(spec.amount or "0"),
        "priority": float(spec.priority),
        "priority_reason": spec.priority_reason[:120],
        "due_at": date.fromisoformat(spec.due_at) if spec.due_at else None,
        "detail": detail,
    }
    if task is None:
        claim = session.get(Claim, spec.claim_id)
        if claim is None:
            raise LookupError(f"claim {spec.claim_id} not found")
        sla_due_at = getattr(spec, "sla_due_at", None)
        task = Task(
            key=spec.key,
            workflow_id=spec.workflow_id,
            practice_id=claim.practice_id,
            claim_id=claim.id,
            # Set once: later the workflow restarts the SLA through the task clock (a re-upsert
            # for a reminder or reroute must not undo that).
            sla_due_at=datetime.fromisoformat(sla_due_at) if sla_due_at else None,
            **values,
        )
        task.queue_id = _queue_for(session, task, detail.get("queue_id"))
        session.add(task)
        session.flush()
        return task
    changed = {name: value for name, value in values.items() if getattr(task, name) != value}
    rerouted = detail.get("queue_id") is not None or {"kind", "category"} & changed.keys()
    if "kind" in changed:  # new work: back to the queue rather than on someone's desk
        task.assignee_id = None
        task.assigned_at = None
    for name, value in changed.items():
        setattr(task, name, value)
    if rerouted:
        queue_id = _queue_for(session, task, detail.get("queue_id"))
        if queue_id != task.queue_id:
            task.queue_id = queue_id
            changed["queue_id"] = queue_id
    if changed:
        task.version += 1
        task.updated_at = utcnow()
        session.add(task)
        session.flush()
    return task


def close_task(session: Session, key: str, status: str) -> Task | None:
    """Close the task once (a retry or a close of a task never opened changes nothing)."""
    if status not in CLOSED:
        raise ValueError(f"a task closes as done or cancelled, not {status!r}")
    task = session.exec(select(Task).where(Task.key == key)).first()
    if task is None or task.status in CLOSED:
        return task
    now = utcnow()
    task.status = status
    task.closed_at = now
    task.updated_at = now
    task.version += 1
    session.add(task)
    session.flush()
    return task


def route(queues: list[Queue], kind: str, category: str | None) -> Queue | None:
    """The most specific queue whose routing matches (kinds and categories, empty = any),
    else the practice's default queue."""
    best: tuple[int, int] | None = None
    chosen: Queue | None = None
    for queue in queues:
        routing = queue.routing or {}
        kinds, categories = routing.get("kinds") or [], routing.get("categories") or []
        if not kinds and not categories:
            continue  # matches everything: only as the default
        if (kinds and kind not in kinds) or (categories and category not in categories):
            continue
        rank = (-(bool(kinds) + bool(categories)), queue.id or 0)
        if best is None or rank < best:
            best, chosen = rank, queue
    if chosen is not None:
        return chosen
    return next((queue for queue in queues if queue.is_default), None)


def _queue_for(session: Session, task: Task, requested: Any) -> int | None:
    queues = list(
        session.exec(select(Queue).where(Queue.practice_id == task.practice_id).order_by(Queue.id))
    )
    if requested is not None:
        # A reroute names the queue; one outside the practice is ignored, never followed.
        named = next((q for q in queues if str(q.id) == str(requested)), None)
        if named is not None:
            return named.id
    chosen = route(queues, task.kind, task.category)
    return chosen.id if chosen is not None else None
