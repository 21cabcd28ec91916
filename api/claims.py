"""Claims (SPEC section 5): create and correct (each starting or telling the claim's workflow),
search, detail, notes.

Data is stored and committed first, then the workflow is given the ids only; a claim whose
workflow could not be started is still created (201): the worker's sweep starts it. Scrub findings
never fail a request: they appear on the claim. Bad input is 422 naming the field (the store's
ClaimInputError carries it, e.g. `lines[1].dx_pointers`).
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request, status
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from denialdesk.api.bodies import Body
from denialdesk.api.deps import (
    PrincipalDep,
    SessionDep,
    TemporalDep,
    not_found,
    practice_for,
    practices_where,
    unprocessable,
)
from denialdesk.api.deps import require as require_role
from denialdesk.api.paging import MAX_ID, Id, Page, PageDep, encode_cursor
from denialdesk.contracts.claim import Correction, claim_workflow_id
from denialdesk.contracts.enums import CORRECTABLE_TASK_KINDS
from denialdesk.domain.principal import Principal
from denialdesk.domain.roles import Action
from denialdesk.store import claim_views
from denialdesk.store import claims as store_claims
from denialdesk.store.models import Claim, Practice
from denialdesk.store.types import utcnow
from denialdesk.workflows import client as workflows

log = logging.getLogger(__name__)
router = APIRouter(tags=["claims"])
Money = Annotated[Decimal, Field(ge=0, max_digits=10, decimal_places=2)]
Code = Annotated[str, Field(min_length=1, max_length=8)]


class LineBody(Body):
    service_date: date
    code: str = Field(min_length=5, max_length=5)
    modifiers: list[Annotated[str, Field(min_length=2, max_length=2)]] = Field(
        default_factory=list, max_length=4
    )
    units: Decimal = Field(default=Decimal(1), gt=0, max_digits=8, decimal_places=2)
    minutes: int | None = Field(default=None, ge=1, le=1440)
    charge: Money
    place_of_service: str = Field(min_length=2, max_length=2)
    dx_pointers: list[Annotated[int, Field(ge=1, le=12)]] = Field(min_length=1, max_length=4)
    rendering_provider_id: int | None = Field(default=None, ge=1, le=MAX_ID)


class ClaimCreate(Body):
    patient_id: int = Field(ge=1, le=MAX_ID)
    coverage_id: int = Field(ge=1, le=MAX_ID)
    provider_id: int = Field(ge=1, le=MAX_ID)
    authorization_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    diagnoses: list[Code] = Field(min_length=1, max_length=12)
    lines: list[LineBody] = Field(min_length=1, max_length=50)


class ClaimCorrect(Body):
    authorization_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    diagnoses: list[Code] | None = Field(default=None, min_length=1, max_length=12)
    lines: list[LineBody] | None = Field(default=None, min_length=1, max_length=50)


class ClaimCreated(BaseModel):
    id: int
    control_number: str
    status: str
    version: int


class ClaimCorrected(BaseModel):
    id: int
    version: int


class ClaimItem(BaseModel):
    id: int
    practice_id: int
    control_number: str
    status: str
    payer_id: int
    payer: str
    total_charge: Decimal
    total_paid: Decimal
    first_service_date: date | None


class DenialPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    group: str
    carc: str
    rarc: list[str]
    amount: Decimal
    category: str | None
    appealable: bool


class EventPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    at: datetime
    kind: str
    detail: str


class ClaimPublic(BaseModel):
    id: int
    practice_id: int
    control_number: str
    version: int
    frequency: str
    status: str
    hold_reason: str | None
    payer_id: int
    payer_claim_number: str | None
    total_charge: Decimal
    total_paid: Decimal
    first_service_date: date | None
    scrub_findings: list[dict[str, Any]]
    denials: list[DenialPublic]
    next_deadline: dict[str, Any] | None
    events: list[EventPublic]
    closed_at: datetime | None


class NoteBody(Body):
    text: str = Field(min_length=1, max_length=4000)


def _load(session: Session, principal: Principal, claim_id: int, action: Action) -> Claim:
    claim = session.get(Claim, claim_id)
    if claim is None:
        raise not_found()
    require_role(principal, claim.practice_id, action)
    return claim


def _unavailable(what: str) -> HTTPException:
    return HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, detail=what)


@router.post("/practices/{slug}/claims", response_model=ClaimCreated, status_code=201)
async def create_claim(
    slug: str,
    body: ClaimCreate,
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    temporal: TemporalDep,
):
    def store() -> Claim:
        practice = practice_for(session, principal, slug, Action.WRITE_CLAIMS)
        try:
            claim = store_claims.create_claim(
                session,
                practice=practice,
                patient_id=body.patient_id,
                coverage_id=body.coverage_id,
                provider_id=body.provider_id,
                authorization_id=body.authorization_id,
                diagnoses=body.diagnoses,
                lines=[line.model_dump() for line in body.lines],
                user_id=principal.user_id,
                today=utcnow().date(),
            )
        except store_claims.ClaimInputError as exc:
            raise unprocessable(exc) from None
        session.commit()
        return claim

    claim = await run_in_threadpool(store)
    task_queue = request.app.state.settings.temporal_task_queue
    try:
        await workflows.start_claim(temporal, slug, claim.id, task_queue)
    except Exception as exc:  # noqa: BLE001 (stored; the worker's sweep starts it: app/relay.py)
        log.warning("claim %s: workflow start deferred: %s", claim.id, type(exc).__name__)
    return ClaimCreated(
        id=claim.id, control_number=claim.control_number, status=claim.status, version=1
    )


@router.patch("/claims/{claim_id}", response_model=ClaimCorrected)
async def correct_claim(
    claim_id: Id,
    body: ClaimCorrect,
    session: SessionDep,
    principal: PrincipalDep,
    temporal: TemporalDep,
):
    given = body.model_fields_set

    def store() -> tuple[Claim, str]:
        claim = _load(session, principal, claim_id, Action.WRITE_CLAIMS)
        if not claim_views.has_active_task(
            session, claim_id=claim.id, kinds=CORRECTABLE_TASK_KINDS
        ):
            raise HTTPException(
                status.HTTP_409_CONFLICT, detail="the claim can be corrected only while it waits"
                " on a scrub, authorization, data or denial task",
            )  # fmt: skip
        changes: dict[str, Any] = {}
        if "authorization_id" in given:
            changes["authorization_id"] = body.authorization_id
        if body.diagnoses is not None:
            changes["diagnoses"] = body.diagnoses
        if body.lines is not None:
            changes["lines"] = [line.model_dump() for line in body.lines]
        try:
            store_claims.add_version(
                session, claim=claim, user_id=principal.user_id, today=utcnow().date(), **changes
            )
        except store_claims.ClaimInputError as exc:
            raise unprocessable(exc) from None
        session.commit()
        slug = session.get(Practice, claim.practice_id).slug
        return claim, slug

    claim, slug = await run_in_threadpool(store)
    correction = Correction(version=claim.version, user_id=principal.user_id)
    try:
        await workflows.correct_claim(temporal, claim_workflow_id(slug, claim.id), correction)
    except workflows.DecisionConflict as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=str(exc)) from None
    except workflows.DecisionInvalid as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=str(exc)) from None
    except workflows.WorkflowTimeout:
        raise _unavailable("the claim's workflow did not answer") from None
    return ClaimCorrected(id=claim.id, version=claim.version)


@router.get("/claims", response_model=Page[ClaimItem])
def search_claims(
    session: SessionDep,
    principal: PrincipalDep,
    page: PageDep,
    practice: Annotated[str | None, Query(max_length=40, description="practice slug")] = None,
    status_: Annotated[str | None, Query(alias="status", max_length=25)] = None,
    payer: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    provider: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    control_number: Annotated[str | None, Query(max_length=20)] = None,
    payer_claim_number: Annotated[str | None, Query(max_length=50)] = None,
    service_from: date | None = None,
    service_to: date | None = None,
):
    practice_ids = practices_where(principal, Action.READ_WORK)
    practice_id = None
    if practice is not None:
        practice_id = practice_for(session, principal, practice, Action.READ_WORK).id
    where = claim_views.ClaimSearch(
        practice_id=practice_id,
        status=status_,
        payer_id=payer,
        provider_id=provider,
        control_number=control_number,
        payer_claim_number=payer_claim_number,
        service_from=service_from,
        service_to=service_to,
    )
    rows, next_after = claim_views.search_claims(
        session, practice_ids=practice_ids, where=where, after=page.after, limit=page.limit
    )
    items = [
        ClaimItem(
            **row.claim.model_dump(
                include={"id", "practice_id", "control_number", "status", "payer_id",
                         "total_charge", "total_paid", "first_service_date"}
            ),
            payer=row.payer_name,
        )
        for row in rows
    ]  # fmt: skip
    return Page[ClaimItem](items=items, next_cursor=encode_cursor(next_after))


@router.get("/claims/{claim_id}", response_model=ClaimPublic)
def get_claim(claim_id: Id, session: SessionDep, principal: PrincipalDep):
    claim = _load(session, principal, claim_id, Action.READ_WORK)
    detail = claim_views.claim_detail(session, claim=claim)
    return ClaimPublic(
        **claim.model_dump(exclude={"patient_id", "coverage_id", "provider_id"}),
        scrub_findings=detail.scrub_findings,
        denials=[DenialPublic.model_validate(d) for d in detail.denials],
        next_deadline=detail.next_deadline,
        events=[EventPublic.model_validate(e) for e in detail.events],
    )


@router.post("/claims/{claim_id}/notes", response_model=EventPublic, status_code=201)
def add_note(claim_id: Id, body: NoteBody, session: SessionDep, principal: PrincipalDep):
    claim = _load(session, principal, claim_id, Action.WORK_OWN)
    event = store_claims.add_event(
        session, claim_id=claim.id, kind="note", detail=body.text, actor_id=principal.user_id
    )
    session.commit()
    return EventPublic.model_validate(event)
