"""Tasks (SPEC section 5): the worklist, next task, assign, bulk assign, pend.

The workflow owns a task's life; people change who works it and when. Each change is a
version-guarded database write (stale: 409), committed before the workflow hears of it by a
`task_changed` signal sent after the response (best effort: the row is the truth, and the
signal only restarts the workflow's SLA, idle and pend timers). Decisions: api/decisions.py.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Collection
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from fastapi import APIRouter, BackgroundTasks, HTTPException, Query, Request, Response, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session, col, select

from denialdesk.api.bodies import Body
from denialdesk.api.deps import (
    PrincipalDep,
    SessionDep,
    get_temporal,
    not_found,
    practice_for,
    practices_where,
    require,
    unprocessable,
)
from denialdesk.api.paging import (
    MAX_ID,
    Id,
    KeyPageDep,
    Page,
    cursor_error,
    decode_key,
    encode_key,
)
from denialdesk.contracts.claim import TASK_CHANGED_SIGNAL, TaskChange
from denialdesk.domain.principal import Principal
from denialdesk.domain.roles import Action
from denialdesk.store import tasks as store_tasks
from denialdesk.store.errors import InputError
from denialdesk.store.models import Practice, Task, User
from denialdesk.store.types import utcnow
from denialdesk.store.users import get_user, load_principal

log = logging.getLogger(__name__)
router = APIRouter(tags=["tasks"])
SIGNAL_TIMEOUT = 5.0
MAX_BULK = 500
ASSIGNEE_HELP = "me, none or a username"
BulkIds = Annotated[list[Annotated[int, Field(ge=1, le=MAX_ID)]], Field(min_length=1)]


class TaskPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    practice_id: int
    queue_id: int | None
    claim_id: int | None
    authorization_id: int | None
    kind: str
    category: str | None
    recommended_action: str | None
    status: str
    assignee: str | None = None  # username
    priority: float
    priority_reason: str
    amount: Decimal
    due_at: date | None
    pended_until: date | None
    pend_reason: str | None
    version: int
    created_at: datetime


def task_public(session: Session, rows: Collection[Task]) -> list[TaskPublic]:
    """Tasks with their assignees' usernames (one query for the whole page)."""
    ids = {t.assignee_id for t in rows if t.assignee_id is not None}
    names = {}
    if ids:
        found = session.exec(select(User.id, User.username).where(col(User.id).in_(ids))).all()
        names = {user_id: name for user_id, name in found}
    return [
        TaskPublic.model_validate(t).model_copy(update={"assignee": names.get(t.assignee_id)})
        for t in rows
    ]


def load_task(session: Session, principal: Principal, task_id: int, action: Action) -> Task:
    task = store_tasks.get_task(session, task_id=task_id)
    if task is None:
        raise not_found()
    require(principal, task.practice_id, action)
    return task


def conflict(exc: store_tasks.TaskConflict) -> HTTPException:
    return HTTPException(status.HTTP_409_CONFLICT, detail=str(exc))


async def notify(request: Request, task: Task, change: str) -> None:
    """Tell the task's workflow (best effort, after the response): see the module docstring."""
    try:
        client = await get_temporal(request)  # connects on first use; 503 means unreachable
    except HTTPException:
        return
    try:
        handle = client.get_workflow_handle(task.workflow_id)
        await asyncio.wait_for(
            handle.signal(TASK_CHANGED_SIGNAL, TaskChange(task_id=task.id, change=change)),
            SIGNAL_TIMEOUT,
        )
    except Exception as exc:  # noqa: BLE001 (the write is committed; timers catch up later)
        log.warning("task %s: %s signal not sent: %s", task.id, change, type(exc).__name__)


# --- the worklist -------------------------------------------------------------------------


@router.get("/tasks", response_model=Page[TaskPublic])
def list_tasks(
    session: SessionDep,
    principal: PrincipalDep,
    page: KeyPageDep,
    status_: Annotated[
        Literal["open", "pended", "done", "cancelled"] | None, Query(alias="status")
    ] = None,
    assignee: Annotated[
        str | None, Query(max_length=60, description="me, none or a username")
    ] = None,
    kind: Annotated[str | None, Query(max_length=30)] = None,
    category: Annotated[str | None, Query(max_length=20)] = None,
    practice: Annotated[str | None, Query(max_length=40, description="practice slug")] = None,
    queue: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    payer: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    claim_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    authorization_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    sort: Annotated[Literal["priority", "due", "amount", "age"], Query()] = "priority",
):
    practice_ids = practices_where(principal, Action.READ_WORK)
    practice_id = None
    if practice is not None:
        practice_id = practice_for(session, principal, practice, Action.READ_WORK).id
    where = store_tasks.TaskFilter(
        status=status_,
        kind=kind,
        category=category,
        practice_id=practice_id,
        queue_id=queue,
        payer_id=payer,
        claim_id=claim_id,
        authorization_id=authorization_id,
    )
    if assignee == "me":
        where = replace(where, assignee_id=principal.user_id)
    elif assignee == "none":
        where = replace(where, unassigned=True)
    elif assignee is not None:
        user = get_user(session, username=assignee)
        # An unknown username matches nothing (an empty page tells nobody who exists).
        where = replace(where, assignee_id=user.id if user else 0)
    try:
        after = decode_key(page.cursor, sort=sort) if page.cursor else None
        result = store_tasks.list_tasks(
            session, practice_ids=practice_ids, where=where, sort=sort, after=after,
            limit=page.limit,
        )  # fmt: skip
    except ValueError as exc:
        raise cursor_error(page.cursor or "", str(exc)) from None
    return Page[TaskPublic](
        items=task_public(session, result.items), next_cursor=encode_key(result.next_key, sort=sort)
    )


@router.post("/tasks/next", response_model=TaskPublic, responses={204: {"description": "none"}})
def next_task(
    request: Request, session: SessionDep, principal: PrincipalDep, background: BackgroundTasks
):
    practice_ids = practices_where(principal, Action.WORK_OWN)
    if practice_ids is None:  # an admin of every practice works all of them
        practice_ids = list(session.exec(select(Practice.id)).all())
    task = store_tasks.take_next(session, user_id=principal.user_id, practice_ids=practice_ids)
    if task is None:
        session.rollback()
        return Response(status_code=status.HTTP_204_NO_CONTENT)
    session.commit()
    background.add_task(notify, request, task, "assigned")
    return task_public(session, [task])[0]


# --- assign and pend ----------------------------------------------------------------------


class AssignBody(Body):
    assignee: str | None = Field(max_length=60, description="username, or null for the queue")
    version: int = Field(ge=1, le=MAX_ID)


def _assignee(session: Session, username: str | None, practice_id: int, field: str) -> int | None:
    """The user to assign to: someone who may work tasks in the practice, else 422."""
    if username is None:
        return None
    user = get_user(session, username=username)
    target = load_principal(session, user_id=user.id) if user else None
    if target is None or not target.may(practice_id, Action.WORK_OWN):
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            detail=f"{field}: no user {username!r} who may work this practice's tasks",
        )
    return target.user_id


@router.post("/tasks/{task_id}/assign", response_model=TaskPublic)
def assign_task(
    task_id: Id,
    body: AssignBody,
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    background: BackgroundTasks,
):
    task = load_task(session, principal, task_id, Action.WORK_OWN)
    assignee_id = _assignee(session, body.assignee, task.practice_id, "assignee")
    me = principal.user_id
    # Taking an unassigned task and giving back one's own are WORK_OWN; the rest is managing.
    own_move = (assignee_id == me and task.assignee_id is None) or (
        assignee_id is None and task.assignee_id == me
    )
    if not own_move:
        require(principal, task.practice_id, Action.MANAGE_WORK)
    try:
        task = store_tasks.assign(
            session, task_id=task.id, assignee_id=assignee_id, version=body.version
        )
    except store_tasks.TaskConflict as exc:
        raise conflict(exc) from None
    session.commit()
    background.add_task(notify, request, task, "assigned" if assignee_id else "released")
    return task_public(session, [task])[0]


class BulkAssignBody(Body):
    task_ids: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(
        min_length=1, max_length=MAX_BULK
    )
    assignee: str | None = Field(max_length=60)


@router.post("/tasks/assign", response_model=list[TaskPublic])
def bulk_assign(
    body: BulkAssignBody,
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    background: BackgroundTasks,
):
    found = [store_tasks.get_task(session, task_id=i) for i in dict.fromkeys(body.task_ids)]
    for task in found:
        if task is None:
            raise not_found()
        require(principal, task.practice_id, Action.MANAGE_WORK)
    # The assignee must be able to work every practice the tasks belong to.
    targets = {
        _assignee(session, body.assignee, p, "assignee") for p in {t.practice_id for t in found}
    }
    assignee_id = targets.pop()
    try:
        done = store_tasks.bulk_assign(session, task_ids=body.task_ids, assignee_id=assignee_id)
    except store_tasks.TaskConflict as exc:
        session.rollback()
        return JSONResponse(
            status_code=status.HTTP_409_CONFLICT,
            content={"detail": str(exc), "conflicts": exc.task_ids},
        )
    session.commit()
    for task in done:
        background.add_task(notify, request, task, "assigned" if assignee_id else "released")
    return task_public(session, done)


class PendBody(Body):
    until: date
    reason: str = Field(min_length=1, max_length=200)
    version: int = Field(ge=1, le=MAX_ID)


@router.post("/tasks/{task_id}/pend", response_model=TaskPublic)
def pend_task(
    task_id: Id,
    body: PendBody,
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    background: BackgroundTasks,
):
    task = load_task(session, principal, task_id, Action.WORK_OWN)
    if task.assignee_id != principal.user_id:  # pending others' tasks is a supervisor's call
        require(principal, task.practice_id, Action.MANAGE_WORK)
    try:
        task = store_tasks.pend(
            session,
            task_id=task.id,
            until=body.until,
            reason=body.reason,
            version=body.version,
            today=utcnow().date(),
        )
    except store_tasks.TaskConflict as exc:
        raise conflict(exc) from None
    except InputError as exc:
        raise unprocessable(exc) from None
    session.commit()
    background.add_task(notify, request, task, "pended")
    return task_public(session, [task])[0]
