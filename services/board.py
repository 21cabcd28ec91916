"""The supervisor board: who holds how much open work, which queues are behind, and handing
back everything of a person who is out. Supervisors and admins only (MANAGE_WORK), over the
practices they manage.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlmodel import Session, col, select

from denialdesk.domain.principal import Principal
from denialdesk.domain.roles import Action
from denialdesk.services.access import company_admin, practices_where
from denialdesk.services.tasks import record_assignment, usernames, workers
from denialdesk.store import task_board
from denialdesk.store.models import Practice, Queue, Task
from denialdesk.store.users import get_user

DUE_SOON_DAYS = 7


@dataclass(frozen=True)
class BoardRow:
    label: str
    detail: str  # the practice a queue belongs to; empty for people
    load: task_board.Load
    worklist: str  # the worklist view of exactly these tasks


@dataclass(frozen=True)
class Board:
    people: list[BoardRow]
    queues: list[BoardRow]
    unassigned: task_board.Load
    soon: date


def _empty(key: int | None = None) -> task_board.Load:
    return task_board.Load(key, None, 0, 0, 0, 0, 0, Decimal(0))


def board(session: Session, principal: Principal, today: date) -> Board:
    """Forbidden for a caller who manages no practice."""
    practice_ids = practices_where(principal, Action.MANAGE_WORK)
    company = company_admin(principal)
    soon = today + timedelta(days=DUE_SOON_DAYS)
    scope = {"practice_ids": practice_ids, "company": company, "today": today, "soon": soon}
    per_person = {load.key: load for load in task_board.loads(session, by="person", **scope)}
    names = usernames(session, {key for key in per_person if key is not None})
    # Everyone who may be handed work is on the board, with or without tasks; so is anyone
    # still holding tasks here (e.g. someone who has since lost the role).
    by_name = {names[key]: load for key, load in per_person.items() if key is not None}
    people = [
        BoardRow(name, "", by_name.get(name, _empty()), f"/worklist?tab=open&assignee={name}")
        for name in sorted(set(workers(session, principal)) | set(by_name))
    ]
    loads = task_board.loads(session, by="queue", **scope)
    queue_names = dict(
        session.exec(
            select(Queue.id, Queue.name).where(
                col(Queue.id).in_([load.key for load in loads if load.key is not None])
            )
        ).all()
    )
    practice_names = dict(
        session.exec(
            select(Practice.id, Practice.legal_name).where(
                col(Practice.id).in_([load.practice_id for load in loads if load.practice_id])
            )
        ).all()
    )
    queue_rows = []
    for load in loads:
        practice = practice_names.get(load.practice_id, "")
        if load.key in queue_names:
            name, link = queue_names[load.key], f"/worklist?tab=open&queue={load.key}"
        else:  # not routed: the practice's (or the billing company's) own
            name, link = "Not routed to a queue", "/worklist?tab=open"
        queue_rows.append(BoardRow(name, practice, load, link))
    queue_rows.sort(key=lambda row: (-row.load.overdue, -row.load.open, row.label))
    return Board(
        people=people,
        queues=queue_rows,
        unassigned=per_person.get(None, _empty()),
        soon=soon,
    )


def hand_back_all(session: Session, principal: Principal, username: str) -> list[Task]:
    """Every open or pended task of `username` in the practices the caller manages back to
    the queue (each on its claim's timeline); committed. An unknown name hands back nothing."""
    practice_ids = practices_where(principal, Action.MANAGE_WORK)
    user = get_user(session, username=username)
    if user is None:
        return []
    ids = task_board.hand_back(
        session, assignee_id=user.id, practice_ids=practice_ids, company=company_admin(principal)
    )
    tasks = [session.get(Task, task_id, populate_existing=True) for task_id in ids]
    done = [task for task in tasks if task is not None]
    record_assignment(session, principal, done, None)
    session.commit()
    return done
