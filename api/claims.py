"""Claims (SPEC section 5): create and correct (services/claims.py: stored, then the claim's
workflow started or told), search, detail, notes."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict

from denialdesk.api.deps import PrincipalDep, SessionDep, TemporalDep
from denialdesk.api.paging import MAX_ID, Id, Page, PageDep
from denialdesk.domain.roles import Action
from denialdesk.services import claims as claim_service
from denialdesk.services.access import practice_for, practices_where
from denialdesk.services.claims import ClaimCorrect, ClaimCreate, NoteBody
from denialdesk.services.cursors import encode_cursor
from denialdesk.store import claim_views

router = APIRouter(tags=["claims"])


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


@router.post("/practices/{slug}/claims", response_model=ClaimCreated, status_code=201)
async def create_claim(
    slug: str,
    body: ClaimCreate,
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    temporal: TemporalDep,
):
    task_queue = request.app.state.settings.temporal_task_queue
    claim = await claim_service.create_claim(session, temporal, principal, slug, body, task_queue)
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
    claim = await claim_service.correct_claim(session, temporal, principal, claim_id, body)
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
    claim = claim_service.load_claim(session, principal, claim_id, Action.READ_WORK)
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
    event = claim_service.add_note(session, principal, claim_id, body.text)
    return EventPublic.model_validate(event)
