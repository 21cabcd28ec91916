"""Tasks (SPEC section 5): the worklist, next task, assign, bulk assign, pend.

The writes and their rules live in services/tasks.py (shared with the pages); here the routes
parse, call it, signal the workflow after the response and shape the JSON.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from fastapi import APIRouter, BackgroundTasks, Query, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session

from denialdesk.api.deps import PrincipalDep, SessionDep
from denialdesk.api.paging import (
    MAX_ID,
    Id,
    KeyPageDep,
    Page,
    cursor_error,
)
from denialdesk.contracts.enums import FileProblem, TaskKind
from denialdesk.services import tasks as task_service
from denialdesk.services.bodies import Body
from denialdesk.services.cursors import decode_key, encode_key
from denialdesk.services.temporal import client_or_none
from denialdesk.store.models import Task
from denialdesk.store.types import utcnow

log = logging.getLogger(__name__)
router = APIRouter(tags=["tasks"])
SIGNAL_TIMEOUT = 5.0
MAX_BULK = 500
MAX_AMOUNT = Decimal("99999999.99")
ASSIGNEE_HELP = "me, none or a username"
BulkIds = Annotated[list[Annotated[int, Field(ge=1, le=MAX_ID)]], Field(min_length=1)]


class RejectedFilePublic(BaseModel):
    """A rejected_file task's file: names and the kind of problem, never content (the
    reason itself is in the inbox, rejected/`reason_file`)."""

    file: str
    rejected_as: str
    reason_file: str
    problem: FileProblem
    segment: int | None = None


class TaskPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    practice_id: int | None  # None: the billing company's own task (a rejected inbox file)
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
    rejected_file: RejectedFilePublic | None = None


def task_public(session: Session, rows: Collection[Task]) -> list[TaskPublic]:
    """Tasks with their assignees' usernames (one query for the whole page)."""
    ids = {t.assignee_id for t in rows if t.assignee_id is not None}
    names = task_service.usernames(session, ids)
    return [
        TaskPublic.model_validate(t).model_copy(
            update={"assignee": names.get(t.assignee_id), "rejected_file": _rejected_file(t)}
        )
        for t in rows
    ]


def _rejected_file(task: Task) -> RejectedFilePublic | None:
    if task.kind != TaskKind.REJECTED_FILE:
        return None
    detail = task.detail or {}
    fields = RejectedFilePublic.model_fields
    return RejectedFilePublic.model_validate({name: detail.get(name) for name in fields})


async def notify_later(request: Request, task: Task, change: str) -> None:
    """After the response: the best-effort signal of services/tasks.py."""
    await task_service.notify(await client_or_none(request.app.state), task, change)


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
    due_before: Annotated[date | None, Query(description="due on or before this day")] = None,
    amount_min: Annotated[Decimal | None, Query(ge=0, le=MAX_AMOUNT)] = None,
    amount_max: Annotated[Decimal | None, Query(ge=0, le=MAX_AMOUNT)] = None,
    claim_number: Annotated[
        str | None,
        Query(max_length=50, description="start of our claim number or the payer's"),
    ] = None,
    sort: Annotated[Literal["priority", "due", "amount", "age"], Query()] = "priority",
):
    query = task_service.TaskQuery(
        status=status_, assignee=assignee, kind=kind, category=category, practice=practice,
        queue=queue, payer=payer, claim_id=claim_id, authorization_id=authorization_id,
        due_before=due_before, amount_min=amount_min, amount_max=amount_max,
        claim_number=claim_number, sort=sort,
    )  # fmt: skip
    try:
        after = decode_key(page.cursor, sort=sort) if page.cursor else None
        result = task_service.list_tasks(session, principal, query, after=after, limit=page.limit)
    except ValueError as exc:
        raise cursor_error(page.cursor or "", str(exc)) from None
    return Page[TaskPublic](
        items=task_public(session, result.items), next_cursor=encode_key(result.next_key, sort=sort)
    )


@router.post("/tasks/next", response_model=TaskPublic, responses={204: {"description": "none"}})
def next_task(
    request: Request, session: SessionDep, principal: PrincipalDep, background: BackgroundTasks
):
    task = task_service.take_next(session, principal)
    if task is None:
        return Response(status_code=status.HTTP_204_NO_CONTENT)
    background.add_task(notify_later, request, task, "assigned")
    return task_public(session, [task])[0]


# --- assign and pend ----------------------------------------------------------------------


class AssignBody(Body):
    assignee: str | None = Field(max_length=60, description="username, or null for the queue")
    version: int = Field(ge=1, le=MAX_ID)


@router.post("/tasks/{task_id}/assign", response_model=TaskPublic)
def assign_task(
    task_id: Id,
    body: AssignBody,
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    background: BackgroundTasks,
):
    task = task_service.assign(
        session, principal, task_id=task_id, username=body.assignee, version=body.version
    )
    background.add_task(notify_later, request, task, task_service.change_of(task))
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
    done = task_service.bulk_assign(
        session, principal, task_ids=body.task_ids, username=body.assignee
    )
    for task in done:
        background.add_task(notify_later, request, task, task_service.change_of(task))
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
    task = task_service.pend(
        session,
        principal,
        task_id=task_id,
        until=body.until,
        reason=body.reason,
        version=body.version,
        today=utcnow().date(),
    )
    background.add_task(notify_later, request, task, "pended")
    return task_public(session, [task])[0]
