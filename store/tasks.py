"""Tasks, the people side: list, take the next one, assign, bulk assign, pend.

The workflow owns a task's life (store/tasks_projection.py writes what it decides); people only
change who works a task and when, through writes guarded by the `version` column: every write
here is one conditional UPDATE, so two people acting at once can never both win, and a stale
version is a TaskConflict (409), never a silent overwrite. The caller commits; on a
TaskConflict it must roll back (bulk_assign relies on that for all-or-nothing).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import and_, exists, func, or_, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from denialdesk.store.errors import InputError, checked_date
from denialdesk.store.models import Authorization, Claim, Coverage, Queue, QueueMember, Task
from denialdesk.store.task_labels import COLUMNS as LABEL_COLUMNS
from denialdesk.store.task_labels import TaskLabels, of_row
from denialdesk.store.types import utcnow

STATUSES = ("open", "pended", "done", "cancelled")
# People may assign and pend only what is still to be worked.
ACTIVE = ("open", "pended")
SORTS = ("priority", "due", "amount", "age")
_FAR_FUTURE = date(9999, 12, 31)  # tasks without a due date sort last


class TaskConflict(Exception):
    """The task changed under the caller (stale version, taken, closed); `task_ids` names them."""

    def __init__(self, message: str, task_ids: Sequence[int] = ()) -> None:
        super().__init__(message)
        self.task_ids = list(task_ids)


@dataclass(frozen=True)
class TaskPage:
    items: Sequence[Task]
    # (sort value as a string or None, id) of the last row, or None on the last page.
    next_key: tuple[str | None, int] | None
    # By task id, when list_tasks was asked for them (`labelled`; the items are then read-only
    # rows with the task's columns as attributes).
    labels: Mapping[int, TaskLabels] = field(default_factory=dict)


@dataclass(frozen=True)
class TaskFilter:
    status: str | None = None
    assignee_id: int | None = None
    unassigned: bool = False
    kind: str | None = None
    category: str | None = None
    practice_id: int | None = None
    queue_id: int | None = None
    payer_id: int | None = None
    claim_id: int | None = None
    authorization_id: int | None = None
    due_before: date | None = None  # due on or before; tasks without a due date drop out
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    # The claim's number (ours, DD…) or the payer's claim number: a prefix, any case.
    claim_number: str | None = None


def count_tasks(
    session: Session,
    *,
    practice_ids: Collection[int] | None,
    where: TaskFilter = TaskFilter(),  # noqa: B008 (frozen, never mutated)
    company: bool = False,
    cap: int | None = None,
) -> int:
    """How many tasks match; with `cap`, counting stops past it (cap + 1 means "more than
    cap"), so a tab over a table that only grows (Done) costs the same every day."""
    counts = count_tasks_many(
        session, practice_ids=practice_ids, wheres={"": where}, company=company, cap=cap
    )
    return counts[""]


def count_tasks_many(
    session: Session,
    *,
    practice_ids: Collection[int] | None,
    wheres: Mapping[str, TaskFilter],
    company: bool = False,
    cap: int | None = None,
) -> dict[str, int]:
    """count_tasks for each filter, in one statement (one scalar subquery per filter): the
    worklist's five tab counts cost one round trip instead of five."""
    columns = []
    for where in wheres.values():
        conditions = _conditions(practice_ids, where, company=company)
        if cap is None:
            counted = select(func.count()).select_from(Task).where(*conditions)
        else:
            first = select(Task.id).where(*conditions).limit(cap + 1).subquery()
            counted = select(func.count()).select_from(first)
        columns.append(counted.scalar_subquery().label(f"c{len(columns)}"))
    if not columns:
        return {}
    # Through the connection: a row of counts even for one filter (exec would unwrap it).
    row = session.connection().execute(select(*columns)).one()
    return dict(zip(wheres, row, strict=True))


def get_task(session: Session, *, task_id: int) -> Task | None:
    return session.get(Task, task_id)


# --- listing ------------------------------------------------------------------------------


def _order(sort: str):
    """(sort expression, descending?, parse a cursor's string back to the expression's type)."""
    if sort == "priority":
        return col(Task.priority), True, _finite(float)
    if sort == "amount":
        return col(Task.amount), True, _finite(Decimal)
    if sort == "due":
        # NULL due dates last on both databases: order by a coalesced date.
        return func.coalesce(col(Task.due_at), _FAR_FUTURE), False, _parse_due
    return col(Task.created_at), False, datetime.fromisoformat


def _finite(number_type):
    """A parser refusing NaN and infinities, which no row holds and databases compare oddly."""

    def parse(value: str):
        number = number_type(value)
        if not math.isfinite(number):
            raise ValueError("not a finite number")
        return number

    return parse


def _parse_due(value: str | None) -> date:
    return _FAR_FUTURE if value is None else date.fromisoformat(value)


def list_tasks(
    session: Session,
    *,
    practice_ids: Collection[int] | None,
    where: TaskFilter = TaskFilter(),  # noqa: B008 (frozen, never mutated)
    sort: str = "priority",
    after: tuple[str | None, int] | None = None,
    limit: int = 50,
    company: bool = False,
    labelled: bool = False,
) -> TaskPage:
    """Tasks of the given practices (None: all) matching `where`, as a keyset page; with
    `company`, the billing company's own tasks (no practice) too; with `labelled`, their
    labels (store/task_labels.py) read in the same statement.

    Raises ValueError for an unknown sort or a cursor that does not fit the sort.
    """
    if sort not in SORTS:
        raise ValueError(f"sort must be one of {', '.join(SORTS)}")
    # Labelled (the worklist's page): plain rows of the task's columns, not ORM objects, which
    # cost a few ms more per page to build and are only read.
    query = sa_select(*Task.__table__.columns, *LABEL_COLUMNS) if labelled else select(Task)
    query = query.where(*_conditions(practice_ids, where, company=company))
    key, descending, parse = _order(sort)
    if after is not None:
        value, last_id = after
        try:
            typed = parse(value)
        except (TypeError, ValueError, InvalidOperation):
            raise ValueError("the cursor does not fit this sort") from None
        beyond = key < typed if descending else key > typed
        query = query.where(or_(beyond, and_(key == typed, col(Task.id) > last_id)))
    order = key.desc() if descending else key.asc()
    rows = session.exec(query.order_by(order, col(Task.id)).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    return TaskPage(
        items=rows,
        next_key=_key(rows[-1], sort) if more else None,
        labels={row.id: of_row(row) for row in rows} if labelled else {},
    )


def _key(task: Task, sort: str) -> tuple[str | None, int]:
    value = {
        "priority": lambda: repr(float(task.priority)),
        "amount": lambda: str(task.amount),
        "due": lambda: task.due_at.isoformat() if task.due_at else None,
        "age": lambda: task.created_at.isoformat(),
    }[sort]()
    return value, task.id


def practice_scope(practice_ids: Collection[int] | None, *, company: bool) -> list:
    """Tasks of these practices (None: all), plus the billing company's own with `company`."""
    ours = col(Task.practice_id).is_(None)
    if practice_ids is None:
        return [] if company else [col(Task.practice_id).is_not(None)]
    theirs = col(Task.practice_id).in_(list(practice_ids))
    return [or_(theirs, ours) if company else theirs]


def _conditions(practice_ids: Collection[int] | None, where: TaskFilter, *, company: bool) -> list:
    conditions = practice_scope(practice_ids, company=company)
    if where.status is not None:
        conditions.append(Task.status == where.status)
    if where.unassigned:
        conditions.append(col(Task.assignee_id).is_(None))
    elif where.assignee_id is not None:
        conditions.append(Task.assignee_id == where.assignee_id)
    for column, value in (
        (Task.kind, where.kind),
        (Task.category, where.category),
        (Task.practice_id, where.practice_id),
        (Task.queue_id, where.queue_id),
        (Task.claim_id, where.claim_id),
        (Task.authorization_id, where.authorization_id),
    ):
        if value is not None:
            conditions.append(column == value)
    if where.due_before is not None:
        conditions.append(col(Task.due_at) <= where.due_before)
    if where.amount_min is not None:
        conditions.append(col(Task.amount) >= where.amount_min)
    if where.amount_max is not None:
        conditions.append(col(Task.amount) <= where.amount_max)
    if where.claim_number:
        prefix = where.claim_number.strip().upper()
        numbered = or_(
            func.upper(col(Claim.control_number)).startswith(prefix, autoescape=True),
            func.upper(col(Claim.payer_claim_number)).startswith(prefix, autoescape=True),
        )
        conditions.append(exists().where(Claim.id == Task.claim_id, numbered))
    if where.payer_id is not None:
        # A task concerns a claim (its payer) or an authorization (its coverage's payer).
        by_claim = exists().where(Claim.id == Task.claim_id, Claim.payer_id == where.payer_id)
        by_authorization = exists().where(
            Authorization.id == Task.authorization_id,
            Coverage.id == Authorization.coverage_id,
            Coverage.payer_id == where.payer_id,
        )
        conditions.append(or_(by_claim, by_authorization))
    return conditions


# --- next task ----------------------------------------------------------------------------


def _queue_scope(session: Session, *, user_id: int, practice_ids: Collection[int]):
    """Which open tasks the user may take: those of their queues in each practice, or of the
    practice's default queue where they are in no queue. A task not routed to any queue
    counts as the default queue's (or as the practice's, when it has no queue at all)."""
    practice_ids = list(practice_ids)
    queues = session.exec(select(Queue).where(col(Queue.practice_id).in_(practice_ids))).all()
    member_of = set(
        session.exec(
            select(QueueMember.queue_id).where(
                QueueMember.user_id == user_id,
                col(QueueMember.queue_id).in_([q.id for q in queues]),
            )
        ).all()
    )
    queue_ids: list[int] = []
    unrouted_practices: list[int] = []
    for practice_id in practice_ids:
        own = [q for q in queues if q.practice_id == practice_id]
        mine = [q for q in own if q.id in member_of] or [q for q in own if q.is_default]
        queue_ids += [q.id for q in mine]
        if not own or any(q.is_default for q in mine):
            unrouted_practices.append(practice_id)
    return or_(
        col(Task.queue_id).in_(queue_ids),
        and_(col(Task.queue_id).is_(None), col(Task.practice_id).in_(unrouted_practices)),
    )


def take_next(session: Session, *, user_id: int, practice_ids: Collection[int]) -> Task | None:
    """Assign the highest-priority open unassigned task of the user's queues to them, or None.

    Atomic on both databases: PostgreSQL locks the chosen row and skips rows other takers
    hold (SKIP LOCKED), so parallel takers get different tasks without waiting; SQLite runs
    one conditional UPDATE, which takes the database's write lock before it reads the
    subquery, so takers are serialized and each sees the others' assignments.
    """
    if not practice_ids:
        return None
    scope = _queue_scope(session, user_id=user_id, practice_ids=practice_ids)
    candidate = (
        select(Task.id)
        .where(scope, col(Task.assignee_id).is_(None), Task.status == "open")
        .order_by(col(Task.priority).desc(), col(Task.id))
        .limit(1)
    )
    now = utcnow()
    values = {
        "assignee_id": user_id,
        "assigned_at": now,
        "updated_at": now,
        "version": Task.version + 1,
    }
    if session.get_bind().dialect.name == "postgresql":
        task_id = session.exec(candidate.with_for_update(skip_locked=True)).first()
        if task_id is None:
            return None
        session.exec(update(Task).where(col(Task.id) == task_id).values(**values))
    else:
        statement = (
            update(Task)
            .where(col(Task.id) == candidate.scalar_subquery(), col(Task.assignee_id).is_(None))
            .values(**values)
            .returning(Task.id)
        )
        task_id = session.exec(statement).scalar_one_or_none()
        if task_id is None:
            return None
    return _fresh(session, task_id)


# --- guarded writes -----------------------------------------------------------------------


def _fresh(session: Session, task_id: int) -> Task:
    task = session.get(Task, task_id, populate_existing=True)
    assert task is not None  # we just updated it in this transaction
    return task


def guarded_update(session: Session, *, task_id: int, version: int, values: dict) -> Task:
    """One conditional UPDATE of a task still open or pended at `version` (then version + 1);
    TaskConflict when it is not."""
    statement = (
        update(Task)
        .where(col(Task.id) == task_id, Task.version == version, col(Task.status).in_(ACTIVE))
        .values(**values, version=Task.version + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if session.exec(statement).rowcount != 1:
        current = session.get(Task, task_id, populate_existing=True)
        if current is None:
            raise TaskConflict("task not found", [task_id])
        if current.status not in ACTIVE:
            raise TaskConflict(f"task is {current.status}", [task_id])
        raise TaskConflict(
            f"task changed: version {current.version}, not {version}; reload it", [task_id]
        )
    return _fresh(session, task_id)


def assign(session: Session, *, task_id: int, assignee_id: int | None, version: int) -> Task:
    """Give the task to a user, or back to the queue with None; TaskConflict when stale."""
    return guarded_update(
        session,
        task_id=task_id,
        version=version,
        values={"assignee_id": assignee_id, "assigned_at": utcnow() if assignee_id else None},
    )


def pend(
    session: Session,
    *,
    task_id: int,
    until: date,
    reason: str,
    version: int,
    today: date | None = None,
) -> Task:
    """Set the task aside until a date (its workflow returns it then): not in the past, and
    not beyond the range of business dates (the workflow's pend timer counts to it)."""
    checked_date("until", until, today=today)
    if today is not None and until < today:
        raise InputError("until", "must not be in the past")
    return guarded_update(
        session,
        task_id=task_id,
        version=version,
        values={"status": "pended", "pended_until": until, "pend_reason": reason},
    )


def bulk_assign(
    session: Session, *, task_ids: Sequence[int], assignee_id: int | None
) -> list[Task]:
    """Assign every task or none: one UPDATE of the still-open ones; when it touched fewer
    rows than asked, TaskConflict lists the others and the caller rolls the UPDATE back."""
    wanted = sorted(set(task_ids))
    if not wanted:
        return []
    now = utcnow()
    statement = (
        update(Task)
        .where(col(Task.id).in_(wanted), Task.status == "open")
        .values(
            assignee_id=assignee_id,
            assigned_at=now if assignee_id else None,
            updated_at=now,
            version=Task.version + 1,
        )
        .execution_options(synchronize_session=False)
    )
    if session.exec(statement).rowcount != len(wanted):
        still_open = set(
            session.exec(
                select(Task.id).where(col(Task.id).in_(wanted), Task.status == "open")
            ).all()
        )
        conflicts = [task_id for task_id in wanted if task_id not in still_open]
        raise TaskConflict("some tasks are no longer open", conflicts)
    return [_fresh(session, task_id) for task_id in wanted]
