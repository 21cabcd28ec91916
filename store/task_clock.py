"""The task clock's writes: what a claim workflow's SLA, pend and idle timers change on a task.

Each is one conditional UPDATE by the task's key, so a timer that fires after a person acted
(took the task again, decided it) changes nothing and says so (False). Writes a person would
see bump the `version` column, making their open copy stale (409) rather than silently wrong;
the SLA due time is the workflow's bookkeeping and does not.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from denialdesk.store.models import Task
from denialdesk.store.types import utcnow

ACTIVE = ("open", "pended")


def touch(session: Session, *, key: str, sla_due_at: datetime | None) -> Task | None:
    """The task as people left it, with its restarted SLA recorded; None if there is none."""
    task = session.exec(select(Task).where(Task.key == key)).first()
    if task is None:
        return None
    if sla_due_at is not None and task.status in ACTIVE and task.sla_due_at != sla_due_at:
        task.sla_due_at = sla_due_at
        session.add(task)
        session.flush()
    return task


def _conditional(session: Session, where: list, values: dict) -> bool:
    statement = (
        update(Task)
        .where(*where)
        .values(**values, version=Task.version + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return session.exec(statement).rowcount == 1


def escalate(session: Session, *, key: str, priority: float, reason: str) -> bool:
    """Flag the task for the supervisor and raise its priority, once."""
    return _conditional(
        session,
        [Task.key == key, col(Task.status).in_(ACTIVE), col(Task.escalated).is_(False)],
        {"escalated": True, "priority": priority, "priority_reason": reason[:120]},
    )


def return_pended(session: Session, *, key: str, sla_due_at: datetime | None) -> bool:
    """Back to open on its pend date (unless someone already took it out of pend)."""
    return _conditional(
        session,
        [Task.key == key, Task.status == "pended"],
        {"status": "open", "pended_until": None, "pend_reason": None, "sla_due_at": sla_due_at},
    )


def release_idle(session: Session, *, key: str, assigned_at: datetime) -> bool:
    """Back to the queue, but only the assignment that went idle: a newer one stays."""
    return _conditional(
        session,
        [
            Task.key == key,
            Task.status == "open",
            col(Task.assignee_id).is_not(None),
            Task.assigned_at == assigned_at,
        ],
        {"assignee_id": None, "assigned_at": None},
    )
