"""The supervisor board's figures: open work per person and per queue, and handing back all of
a person's work at once. Grouped queries (one per table of the board), so the board costs
the same at 100 tasks as at 100,000.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import case, func, update
from sqlmodel import Session, col, select

from denialdesk.store.models import Task
from denialdesk.store.tasks import ACTIVE, practice_scope
from denialdesk.store.types import utcnow


@dataclass(frozen=True)
class Load:
    """Open and pended work of one person (key: user id, None = nobody) or one queue (key:
    queue id, None = routed to none) of a practice (None: the billing company's own)."""

    key: int | None
    practice_id: int | None  # a queue's practice; None for a person
    open: int
    pended: int
    unassigned: int
    overdue: int
    due_soon: int
    amount: Decimal


def _figures(today: date, soon: date):
    """Counted over active tasks: overdue and due-soon only among the open ones (a pended
    task is set aside on purpose until its date)."""
    is_open = Task.status == "open"
    due = col(Task.due_at)

    def count(condition):
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    return (
        count(is_open),
        count(Task.status == "pended"),
        count(is_open & col(Task.assignee_id).is_(None)),
        count(is_open & (due < today)),
        count(is_open & (due >= today) & (due <= soon)),
        func.coalesce(func.sum(case((is_open, col(Task.amount)), else_=0)), 0),
    )


# What a row of the board is: a person, or a queue within its practice (tasks routed to no
# queue make one row per practice).
GROUPS = {
    "person": (col(Task.assignee_id),),
    "queue": (col(Task.queue_id), col(Task.practice_id)),
}


def loads(
    session: Session,
    *,
    by: str,
    practice_ids: Collection[int] | None,
    company: bool = False,
    today: date,
    soon: date,
) -> list[Load]:
    """One Load per assignee (`by` "person"; key None: the unassigned tasks) or per queue
    ("queue"; key None: a practice's tasks routed to no queue)."""
    columns = GROUPS[by]
    query = (
        select(*columns, *_figures(today, soon))
        .where(col(Task.status).in_(ACTIVE), *practice_scope(practice_ids, company=company))
        .group_by(*columns)
    )
    found = []
    for row in session.exec(query).all():
        key, practice_id = row[0], row[1] if by == "queue" else None
        figures = row[len(columns) :]
        found.append(Load(key, practice_id, *figures[:5], amount=Decimal(figures[5])))
    return found


def hand_back(
    session: Session,
    *,
    assignee_id: int,
    practice_ids: Collection[int] | None,
    company: bool = False,
) -> list[int]:
    """Every open or pended task of the person in these practices back to the queue, in one
    UPDATE ... RETURNING (each version + 1, so a page holding an older version sees the
    change). Returns the task ids; the caller commits."""
    statement = (
        update(Task)
        .where(Task.assignee_id == assignee_id, col(Task.status).in_(ACTIVE))
        .where(*practice_scope(practice_ids, company=company))
        .values(assignee_id=None, assigned_at=None, updated_at=utcnow(), version=Task.version + 1)
        .returning(Task.id)
        .execution_options(synchronize_session=False)
    )
    return sorted(session.exec(statement).scalars().all())
