"""Claims in: create (stored, then its workflow started) and correct (a new version stored,
then the workflow told by an Update), for the API and the pages alike.

Data is stored and committed first, then the workflow is given ids only; a claim whose
workflow could not be started is still created: the worker's sweep starts it (app/relay.py).
Scrub findings never refuse a claim: they appear on it. Bad input is Invalid naming the field
(the store's ClaimInputError carries it, e.g. `lines[1].dx_pointers`).
"""

from __future__ import annotations

import logging
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from pydantic import Field
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from denialdesk.contracts.claim import Correction, claim_workflow_id
from denialdesk.contracts.enums import CORRECTABLE_TASK_KINDS
from denialdesk.domain.principal import Principal
from denialdesk.domain.roles import Action
from denialdesk.services.access import practice_for, require
from denialdesk.services.bodies import MAX_ID, Body
from denialdesk.services.errors import Conflict, NotFound, invalid, workflow_refusals
from denialdesk.store import claim_views
from denialdesk.store import claims as store_claims
from denialdesk.store.models import Claim, Practice
from denialdesk.store.types import utcnow
from denialdesk.workflows import client as workflows

log = logging.getLogger(__name__)
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


class NoteBody(Body):
    text: str = Field(min_length=1, max_length=4000)


class ClaimCorrect(Body):
    authorization_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    diagnoses: list[Code] | None = Field(default=None, min_length=1, max_length=12)
    lines: list[LineBody] | None = Field(default=None, min_length=1, max_length=50)


def load_claim(session: Session, principal: Principal, claim_id: int, action: Action) -> Claim:
    claim = session.get(Claim, claim_id)
    if claim is None:
        raise NotFound("not found")
    require(principal, claim.practice_id, action)
    return claim


async def create_claim(
    session: Session, client, principal: Principal, slug: str, body: ClaimCreate, task_queue: str
) -> Claim:
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
            raise invalid(exc) from None
        session.commit()
        return claim

    claim = await run_in_threadpool(store)
    try:
        await workflows.start_claim(client, slug, claim.id, task_queue)
    except Exception as exc:  # noqa: BLE001 (stored; the worker's sweep starts it: app/relay.py)
        log.warning("claim %s: workflow start deferred: %s", claim.id, type(exc).__name__)
    return claim


async def correct_claim(
    session: Session, client, principal: Principal, claim_id: int, body: ClaimCorrect
) -> Claim:
    """A new version, only while a scrub, authorization, data or denial task waits on it."""
    given = body.model_fields_set

    def store() -> tuple[Claim, str]:
        claim = load_claim(session, principal, claim_id, Action.WRITE_CLAIMS)
        require_correctable(session, claim)
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
            raise invalid(exc) from None
        session.commit()
        return claim, session.get(Practice, claim.practice_id).slug

    claim, slug = await run_in_threadpool(store)
    await send_correction(client, slug, claim, principal.user_id)
    return claim


def require_correctable(session: Session, claim: Claim) -> None:
    """Conflict unless a scrub, authorization, data or denial task waits on the claim."""
    if not claim_views.has_active_task(session, claim_id=claim.id, kinds=CORRECTABLE_TASK_KINDS):
        raise Conflict(
            "the claim can be corrected only while it waits on a scrub, authorization, "
            "data or denial task"
        )


async def send_correction(client, slug: str, claim: Claim, user_id: int) -> None:
    """Tell the claim's workflow of its new (committed) version."""
    correction = Correction(version=claim.version, user_id=user_id)
    with workflow_refusals("claim"):
        await workflows.correct_claim(client, claim_workflow_id(slug, claim.id), correction)


def add_note(session: Session, principal: Principal, claim_id: int, text: str):
    """A note on the claim's timeline, by the caller (committed)."""
    claim = load_claim(session, principal, claim_id, Action.WORK_OWN)
    event = store_claims.add_event(
        session, claim_id=claim.id, kind="note", detail=text, actor_id=principal.user_id
    )
    session.commit()
    return event
