"""Authorizations (SPEC section 5): create (starting the workflow), extend (an Update), the
practice's scheduled visits under one (then `usage_changed`), and read back with counts.

Writes need WRITE_CLAIMS; reading needs LOOKUP so an integration can read back what it wrote.
Data is stored and committed first; the workflow gets ids and counts only.
"""

from __future__ import annotations

import io
import logging
from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Request, status
from pydantic import BaseModel, Field
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from denialdesk.api.bodies import Body
from denialdesk.api.deps import (
    PrincipalDep,
    SessionDep,
    TemporalDep,
    not_found,
    practice_for,
    unprocessable,
)
from denialdesk.api.deps import require as require_role
from denialdesk.api.paging import MAX_ID, Id
from denialdesk.contracts.authorization import Extension, auth_workflow_id
from denialdesk.domain.principal import Principal
from denialdesk.domain.roles import Action
from denialdesk.store import authorizations as store_auth
from denialdesk.store.models import Authorization, Practice
from denialdesk.store.schedule_import import ScheduleError, read_schedule, store_schedule
from denialdesk.workflows import auth_client
from denialdesk.workflows import client as workflows

log = logging.getLogger(__name__)
router = APIRouter(tags=["authorizations"])
Code = Annotated[str, Field(min_length=5, max_length=5)]
MAX_SCHEDULE_BYTES = 2_000_000


class AuthorizationCreate(Body):
    coverage_id: int = Field(ge=1, le=MAX_ID)
    number: str = Field(min_length=1, max_length=50)
    codes: list[Code] = Field(min_length=1, max_length=store_auth.MAX_CODES)
    unit_type: str = Field(max_length=10)
    approved: int = Field(gt=0, le=100_000)
    start_date: date
    end_date: date


class AuthorizationExtend(Body):
    end_date: date | None = None
    approved: int | None = Field(default=None, gt=0, le=100_000)


class ScheduledBody(Body):
    dates: list[date] = Field(max_length=store_auth.MAX_VISITS)


class AuthorizationPublic(BaseModel):
    id: int
    practice_id: int
    coverage_id: int
    number: str
    codes: list[str]
    unit_type: str
    approved: int
    used: int
    scheduled: int
    remaining: int
    start_date: date
    end_date: date
    status: str
    first_uncovered_visit: date | None


def today() -> date:
    return datetime.now(UTC).date()


def _load(
    session: Session, principal: Principal, authorization_id: int, action: Action
) -> Authorization:
    row = session.get(Authorization, authorization_id)
    if row is None:
        raise not_found()
    require_role(principal, row.practice_id, action)
    return row


def _public(session: Session, row: Authorization) -> AuthorizationPublic:
    counts = store_auth.counts(session, authorization=row, today=today())
    return AuthorizationPublic(
        **row.model_dump(exclude={"used", "scheduled"}),
        used=counts.used,
        scheduled=counts.scheduled,
        remaining=counts.remaining,
        first_uncovered_visit=counts.first_uncovered,
    )


def _workflow_id(session: Session, row: Authorization) -> str:
    return auth_workflow_id(session.get(Practice, row.practice_id).slug, row.id)


@router.post(
    "/practices/{slug}/authorizations", response_model=AuthorizationPublic, status_code=201
)
async def create_authorization(
    slug: str,
    body: AuthorizationCreate,
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    temporal: TemporalDep,
):
    def store() -> AuthorizationPublic:
        practice = practice_for(session, principal, slug, Action.WRITE_CLAIMS)
        try:
            row = store_auth.create_authorization(
                session, practice=practice, today=today(), **body.model_dump()
            )
        except store_auth.AuthorizationInputError as exc:
            raise unprocessable(exc) from None
        session.commit()
        return _public(session, row)

    created = await run_in_threadpool(store)
    task_queue = request.app.state.settings.temporal_task_queue
    try:
        await auth_client.start_authorization(temporal, slug, created.id, task_queue)
    except Exception as exc:  # noqa: BLE001 (stored; starting again is a no-op, see PATCH/PUT)
        log.warning("authorization %s: workflow start failed: %s", created.id, type(exc).__name__)
    return created


@router.patch("/authorizations/{authorization_id}", response_model=AuthorizationPublic)
async def extend_authorization(
    authorization_id: Id,
    body: AuthorizationExtend,
    session: SessionDep,
    principal: PrincipalDep,
    temporal: TemporalDep,
):
    def store() -> tuple[AuthorizationPublic, str]:
        row = _load(session, principal, authorization_id, Action.WRITE_CLAIMS)
        try:
            store_auth.extend_authorization(
                session,
                authorization=row,
                end_date=body.end_date,
                approved=body.approved,
                today=today(),
            )
        except store_auth.AuthorizationInputError as exc:
            raise unprocessable(exc) from None
        session.commit()
        return _public(session, row), _workflow_id(session, row)

    public, workflow_id = await run_in_threadpool(store)
    extension = Extension(
        end_date=body.end_date.isoformat() if body.end_date else None,
        approved=body.approved,
        user_id=principal.user_id,
    )
    try:
        await auth_client.extend(temporal, workflow_id, extension)
    except workflows.DecisionConflict as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=str(exc)) from None
    except workflows.DecisionInvalid as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=str(exc)) from None
    except workflows.WorkflowTimeout:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            detail="the authorization's workflow did not answer",
        ) from None
    return public


@router.put("/authorizations/{authorization_id}/scheduled", response_model=AuthorizationPublic)
async def set_scheduled(
    authorization_id: Id,
    body: ScheduledBody,
    session: SessionDep,
    principal: PrincipalDep,
    temporal: TemporalDep,
):
    def store() -> tuple[AuthorizationPublic, str]:
        row = _load(session, principal, authorization_id, Action.WRITE_CLAIMS)
        try:
            store_auth.set_scheduled(session, authorization=row, dates=body.dates, today=today())
        except store_auth.AuthorizationInputError as exc:
            raise unprocessable(exc) from None
        session.commit()
        return _public(session, row), _workflow_id(session, row)

    public, workflow_id = await run_in_threadpool(store)
    await signal_usage(temporal, workflow_id)
    return public


async def signal_usage(temporal, workflow_id: str) -> None:
    """Best effort: the schedule is stored either way, and the workflow recounts on its next
    input or timer; a lost signal only delays a threshold task."""
    try:
        await auth_client.usage_changed(temporal, workflow_id)
    except Exception as exc:  # noqa: BLE001
        log.warning("%s: usage_changed not delivered: %s", workflow_id, type(exc).__name__)


class ScheduleImported(BaseModel):
    visits: int
    authorization_ids: list[int]


@router.post(
    "/practices/{slug}/schedule",
    response_model=ScheduleImported,
    openapi_extra={"requestBody": {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
async def import_schedule(
    slug: str, request: Request, session: SessionDep, principal: PrincipalDep, temporal: TemporalDep
):
    """The practice's schedule as CSV (authorization_number or authorization_id, visit_date):
    all or nothing; each listed authorization's scheduled visits are replaced."""
    raw = await request.body()
    if len(raw) > MAX_SCHEDULE_BYTES:
        raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, detail="schedule too large")

    def store() -> ScheduleImported:
        practice = practice_for(session, principal, slug, Action.WRITE_CLAIMS)
        try:
            text = raw.decode("utf-8-sig")
            visits = read_schedule(
                session, io.StringIO(text, newline=""), practice=practice, today=today()
            )
        except UnicodeDecodeError:
            raise HTTPException(
                status.HTTP_422_UNPROCESSABLE_CONTENT, detail="body: not UTF-8 text"
            ) from None
        except ScheduleError as exc:
            raise HTTPException(
                status.HTTP_422_UNPROCESSABLE_CONTENT, detail=f"body: {exc}"
            ) from None
        total = store_schedule(session, visits, today=today())
        session.commit()
        return ScheduleImported(visits=total, authorization_ids=sorted(visits))

    imported = await run_in_threadpool(store)
    for authorization_id in imported.authorization_ids:
        await signal_usage(temporal, auth_workflow_id(slug, authorization_id))
    return imported


@router.get("/authorizations/{authorization_id}", response_model=AuthorizationPublic)
def get_authorization(authorization_id: Id, session: SessionDep, principal: PrincipalDep):
    return _public(session, _load(session, principal, authorization_id, Action.LOOKUP))
