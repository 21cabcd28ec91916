"""People's changes to tasks: take the next one, assign, bulk assign, pend (SPEC section 3).

The workflow owns a task's life; people change who works it and when. Each change is a
version-guarded database write (stale: Conflict), committed before the workflow hears of it
by a `task_changed` signal (`notify`, best effort: the row is the truth, and the signal only
restarts the workflow's SLA, idle and pend timers). Decisions: services/decisions.py.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from sqlmodel import Session, col, select

from denialdesk.contracts.claim import TASK_CHANGED_SIGNAL, TaskChange
from denialdesk.domain.principal import Principal
from denialdesk.domain.roles import Action, Role
from denialdesk.services.access import company_admin, practice_for, practices_where, require
from denialdesk.services.errors import Conflict, Forbidden, Invalid, NotFound, invalid
from denialdesk.store import claims as store_claims
from denialdesk.store import tasks as store_tasks
from denialdesk.store.errors import InputError
from denialdesk.store.models import (
    Practice,
    Task,
    User,
    UserRole,
)
from denialdesk.store.users import get_user, load_principal

log = logging.getLogger(__name__)
# Roles whose holders work tasks (integration users only call the API).
WORKING_ROLES = (Role.SPECIALIST.value, Role.SUPERVISOR.value, Role.ADMIN.value)
SIGNAL_TIMEOUT = 5.0


@dataclass(frozen=True)
class TaskQuery:
    """What a worklist asks for (the API's query parameters, the page's filters)."""

    status: str | None = None
    assignee: str | None = None  # "me", "none" or a username
    kind: str | None = None
    category: str | None = None
    practice: str | None = None  # slug
    queue: int | None = None
    payer: int | None = None
    claim_id: int | None = None
    authorization_id: int | None = None
    due_before: date | None = None
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    claim_number: str | None = None
    sort: str = "priority"


@dataclass(frozen=True)
class _Scope:
    practice_ids: list[int] | None
    where: store_tasks.TaskFilter
    company: bool


def _scope(session: Session, principal: Principal, query: TaskQuery) -> _Scope:
    practice_ids = practices_where(principal, Action.READ_WORK)
    practice_id = None
    if query.practice is not None:
        practice_id = practice_for(session, principal, query.practice, Action.READ_WORK).id
    where = store_tasks.TaskFilter(
        status=query.status,
        kind=query.kind,
        category=query.category,
        practice_id=practice_id,
        queue_id=query.queue,
        payer_id=query.payer,
        claim_id=query.claim_id,
        authorization_id=query.authorization_id,
        due_before=query.due_before,
        amount_min=query.amount_min,
        amount_max=query.amount_max,
        claim_number=query.claim_number or None,
    )
    where = _assigned(session, principal, where, query.assignee)
    company = practice_id is None and company_admin(principal)
    return _Scope(practice_ids, where, company)


def _assigned(
    session: Session, principal: Principal, where: store_tasks.TaskFilter, assignee: str | None
) -> store_tasks.TaskFilter:
    """`where` narrowed to "me", "none" (unassigned) or a username's tasks."""
    if assignee == "me":
        return replace(where, assignee_id=principal.user_id)
    if assignee == "none":
        return replace(where, unassigned=True)
    if assignee is not None:
        user = get_user(session, username=assignee)
        # An unknown username matches nothing (an empty page tells nobody who exists).
        return replace(where, assignee_id=user.id if user else 0)
    return where


def list_tasks(
    session: Session,
    principal: Principal,
    query: TaskQuery,
    *,
    after: tuple[str | None, int] | None = None,
    limit: int = 50,
    labelled: bool = False,
) -> store_tasks.TaskPage:
    """One keyset page of the tasks the caller may read. ValueError: a cursor or sort that
    does not fit; NotFound: a practice the caller cannot read."""
    scope = _scope(session, principal, query)
    return store_tasks.list_tasks(
        session, practice_ids=scope.practice_ids, where=scope.where, sort=query.sort,
        after=after, limit=limit, company=scope.company, labelled=labelled,
    )  # fmt: skip


def count_tabs(
    session: Session,
    principal: Principal,
    query: TaskQuery,
    tabs: Mapping[str, tuple[str, str | None]],
    cap: int | None = None,
) -> dict[str, int]:
    """How many tasks match `query` under each tab's (status, assignee), the caller's access
    and the practice filter worked out once for all of them; `cap`: see store count_tasks."""
    base = _scope(session, principal, replace(query, assignee=None))
    wheres = {
        key: _assigned(session, principal, replace(base.where, status=status), assignee)
        for key, (status, assignee) in tabs.items()
    }
    return store_tasks.count_tasks_many(
        session, practice_ids=base.practice_ids, wheres=wheres, company=base.company, cap=cap
    )


def usernames(session: Session, user_ids: set[int]) -> dict[int, str]:
    """Usernames by id (one query; none for no ids)."""
    if not user_ids:
        return {}
    rows = session.exec(select(User.id, User.username).where(col(User.id).in_(user_ids))).all()
    return {user_id: name for user_id, name in rows}


def workers(session: Session, principal: Principal) -> list[str]:
    """Usernames a supervisor may hand tasks to: active users with a working role in one of
    the caller's managed practices. Empty for a caller who manages none."""
    try:
        managed = practices_where(principal, Action.MANAGE_WORK)
    except Forbidden:
        return []
    query = (
        select(User.username)
        .join(UserRole, col(UserRole.user_id) == User.id)
        .where(User.is_active, col(UserRole.role).in_(WORKING_ROLES))
    )
    if managed is not None:
        query = query.where(col(UserRole.practice_id).in_(managed))
    return sorted(set(session.exec(query).all()))


def load_task(session: Session, principal: Principal, task_id: int, action: Action) -> Task:
    task = store_tasks.get_task(session, task_id=task_id)
    if task is None:
        raise NotFound("not found")
    require(principal, task.practice_id, action)
    return task


def assignee_for(session: Session, username: str | None, practice_id: int | None) -> int | None:
    """The user to assign to: someone who may work tasks in the practice (the billing
    company's, for `practice_id` None: an admin of every practice), else Invalid."""
    if username is None:
        return None
    user = get_user(session, username=username)
    target = load_principal(session, user_id=user.id) if user else None
    if practice_id is None:
        if target is None or not company_admin(target):
            raise Invalid(f"assignee: no admin of every practice named {username!r}")
        return target.user_id
    if target is None or not target.may(practice_id, Action.WORK_OWN):
        raise Invalid(f"assignee: no user {username!r} who may work this practice's tasks")
    return target.user_id


def take_next(session: Session, principal: Principal) -> Task | None:
    """The highest-priority unassigned task of the caller's queues, now theirs (committed)."""
    practice_ids = practices_where(principal, Action.WORK_OWN)
    if practice_ids is None:  # an admin of every practice works all of them
        practice_ids = list(session.exec(select(Practice.id)).all())
    task = store_tasks.take_next(session, user_id=principal.user_id, practice_ids=practice_ids)
    if task is None:
        session.rollback()
        return None
    record_assignment(session, principal, [task], principal.username)
    session.commit()
    return task


def assign(
    session: Session, principal: Principal, *, task_id: int, username: str | None, version: int
) -> Task:
    task = load_task(session, principal, task_id, Action.WORK_OWN)
    assignee_id = assignee_for(session, username, task.practice_id)
    me = principal.user_id
    # Taking an unassigned task and giving back one's own are WORK_OWN; the rest is managing.
    own_move = (assignee_id == me and task.assignee_id is None) or (
        assignee_id is None and task.assignee_id == me
    )
    if not own_move:
        require(principal, task.practice_id, Action.MANAGE_WORK)
    try:
        task = store_tasks.assign(
            session, task_id=task.id, assignee_id=assignee_id, version=version
        )
    except store_tasks.TaskConflict as exc:
        raise Conflict(str(exc)) from None
    record_assignment(session, principal, [task], username)
    session.commit()
    return task


def bulk_assign(
    session: Session, principal: Principal, *, task_ids: Sequence[int], username: str | None
) -> list[Task]:
    """Every task or none; Conflict lists the tasks no longer open (`conflicts`)."""
    found = [store_tasks.get_task(session, task_id=i) for i in dict.fromkeys(task_ids)]
    for task in found:
        if task is None:
            raise NotFound("not found")
        require(principal, task.practice_id, Action.MANAGE_WORK)
    # The assignee must be able to work every practice the tasks belong to.
    targets = {assignee_for(session, username, p) for p in {t.practice_id for t in found}}
    assignee_id = targets.pop()
    try:
        done = store_tasks.bulk_assign(session, task_ids=task_ids, assignee_id=assignee_id)
    except store_tasks.TaskConflict as exc:
        session.rollback()
        raise Conflict(str(exc), conflicts=exc.task_ids) from None
    record_assignment(session, principal, done, username)
    session.commit()
    return done


def pend(
    session: Session,
    principal: Principal,
    *,
    task_id: int,
    until: date,
    reason: str,
    version: int,
    today: date,
) -> Task:
    task = load_task(session, principal, task_id, Action.WORK_OWN)
    if task.assignee_id != principal.user_id:  # pending others' tasks is a supervisor's call
        require(principal, task.practice_id, Action.MANAGE_WORK)
    if task.workflow_id is None:
        # A workflow's pend timer returns a task on its date; without one it would stay
        # pended for good.
        raise Conflict("this task has no workflow to return it: decide it instead")
    try:
        task = store_tasks.pend(
            session, task_id=task.id, until=until, reason=reason, version=version, today=today
        )
    except store_tasks.TaskConflict as exc:
        raise Conflict(str(exc)) from None
    except InputError as exc:
        raise invalid(exc) from None
    session.commit()
    return task


def record_assignment(
    session: Session, principal: Principal, tasks: Sequence[Task], username: str | None
) -> None:
    """Each reassignment on its claim's timeline, with who made it (audit for supervisors)."""
    for task in tasks:
        if task.claim_id is None:
            continue
        kind = task.kind.replace("_", " ")
        if username is None:
            text = f"{kind} task {task.id} given back to the queue"
        elif username == principal.username:
            text = f"{kind} task {task.id} taken"
        else:
            text = f"{kind} task {task.id} assigned to {username}"
        store_claims.add_event(
            session, claim_id=task.claim_id, kind="assigned", detail=text,
            actor_id=principal.user_id,
        )  # fmt: skip


def change_of(task: Task) -> str:
    """What an assignment write means to the workflow's clock."""
    return "assigned" if task.assignee_id else "released"


async def notify(client, task: Task, change: str) -> None:
    """Tell the task's workflow (best effort, after the write): see the module docstring.
    `client` None means Temporal could not be reached: the timers catch up later. A task
    of no workflow (the billing company's) has nobody to tell."""
    if client is None or task.workflow_id is None:
        return
    try:
        handle = client.get_workflow_handle(task.workflow_id)
        await asyncio.wait_for(
            handle.signal(TASK_CHANGED_SIGNAL, TaskChange(task_id=task.id, change=change)),
            SIGNAL_TIMEOUT,
        )
    except Exception as exc:  # noqa: BLE001 (the write is committed; timers catch up later)
        log.warning("task %s: %s signal not sent: %s", task.id, change, type(exc).__name__)
