"""Authorizations (SPEC section 5): create, extend, scheduled visits and the schedule CSV
(services/authorizations.py: stored, then the workflow started, updated or signalled), and read
back with counts. Reading needs LOOKUP so an integration can read back what it wrote.
"""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, HTTPException, Request, status
from pydantic import BaseModel
from sqlmodel import Session

from denialdesk.api.deps import PrincipalDep, SessionDep, TemporalDep
from denialdesk.api.paging import Id
from denialdesk.domain.roles import Action
from denialdesk.services import authorizations as auth_service
from denialdesk.services.authorizations import (
    AuthorizationCreate,
    AuthorizationExtend,
    ScheduledBody,
    today,
)
from denialdesk.store import authorizations as store_auth
from denialdesk.store.models import Authorization

router = APIRouter(tags=["authorizations"])
MAX_SCHEDULE_BYTES = 2_000_000


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


def _public(session: Session, row: Authorization) -> AuthorizationPublic:
    counts = store_auth.counts(session, authorization=row, today=today())
    return AuthorizationPublic(
        **row.model_dump(exclude={"used", "scheduled"}),
        used=counts.used,
        scheduled=counts.scheduled,
        remaining=counts.remaining,
        first_uncovered_visit=counts.first_uncovered,
    )


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
    task_queue = request.app.state.settings.temporal_task_queue
    row = await auth_service.create_authorization(
        session, temporal, principal, slug, body, task_queue
    )
    return _public(session, row)


@router.patch("/authorizations/{authorization_id}", response_model=AuthorizationPublic)
async def extend_authorization(
    authorization_id: Id,
    body: AuthorizationExtend,
    session: SessionDep,
    principal: PrincipalDep,
    temporal: TemporalDep,
):
    row = await auth_service.extend_authorization(
        session, temporal, principal, authorization_id, body
    )
    return _public(session, row)


@router.put("/authorizations/{authorization_id}/scheduled", response_model=AuthorizationPublic)
async def set_scheduled(
    authorization_id: Id,
    body: ScheduledBody,
    session: SessionDep,
    principal: PrincipalDep,
    temporal: TemporalDep,
):
    row = await auth_service.set_scheduled(session, temporal, principal, authorization_id, body)
    return _public(session, row)


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
    visits, ids = await auth_service.import_schedule(session, temporal, principal, slug, raw)
    return ScheduleImported(visits=visits, authorization_ids=ids)


@router.get("/authorizations/{authorization_id}", response_model=AuthorizationPublic)
def get_authorization(authorization_id: Id, session: SessionDep, principal: PrincipalDep):
    row = auth_service.load_authorization(session, principal, authorization_id, Action.LOOKUP)
    return _public(session, row)
