"""Look-ups (SPEC section 5): practices, payers, providers, patients, coverages.

Every role may look up, but only inside its own practices: anything else is 404, worded
exactly like a row that does not exist, so ids and slugs reveal nothing. Lists are keyset
pages: `limit` (1-200) and an opaque `cursor` taken from the previous page's `next_cursor`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict

from denialdesk.api.deps import PrincipalDep, SessionDep
from denialdesk.api.paging import Id, Item, Page, PageDep
from denialdesk.domain.principal import Principal
from denialdesk.domain.roles import Action
from denialdesk.services.access import practice_for, require
from denialdesk.services.cursors import encode_cursor
from denialdesk.services.errors import NotFound
from denialdesk.store import lookups

router = APIRouter(tags=["look-ups"])


def _page(page: lookups.Page, public: type[Item]) -> Page[Item]:
    return Page[public](
        items=[public.model_validate(row) for row in page.items],
        next_cursor=encode_cursor(page.next_after),
    )


# --- response models ----------------------------------------------------------------------


class _Public(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int


class PracticePublic(_Public):
    slug: str
    legal_name: str
    kind: str
    npi: str
    tax_id: str
    address1: str
    address2: str | None
    city: str
    state: str
    zip: str
    phone: str | None
    taxonomy: str
    time_zone: str
    write_off_threshold: Decimal  # JSON: a decimal string, "100.00"
    part2_program: bool


class PayerPublic(_Public):
    practice_id: int
    name: str
    payer_id: str
    remittance_ids: list[str]
    plan_type: str
    filing_indicator: str
    correction_method: str
    appeal_levels: list[dict]
    timely_filing_days: int
    processing_days: int
    address1: str | None
    city: str | None
    state: str | None
    zip: str | None
    rules: dict


class ProviderPublic(_Public):
    practice_id: int
    npi: str
    first_name: str
    last_name: str
    credential: str
    taxonomy: str


class PatientPublic(_Public):
    practice_id: int
    first_name: str
    last_name: str
    birth_date: date
    sex: str
    address1: str
    address2: str | None
    city: str
    state: str
    zip: str


class CoveragePublic(_Public):
    patient_id: int
    payer_id: int
    order: str
    member_id: str
    group_number: str | None
    relationship: str
    subscriber_first_name: str | None
    subscriber_last_name: str | None
    subscriber_birth_date: date | None
    subscriber_sex: str | None
    subscriber_address1: str | None
    subscriber_city: str | None
    subscriber_state: str | None
    subscriber_zip: str | None
    effective_from: date
    effective_to: date | None


# --- scoping ------------------------------------------------------------------------------


def _visible_practice_ids(principal: Principal) -> list[int] | None:
    """None for an admin of every practice, else the practices where the role may look up."""
    if principal.all_practices_role is not None:
        return None
    return [pid for pid in principal.roles if principal.may(pid, Action.LOOKUP)]


# --- routes -------------------------------------------------------------------------------


@router.get("/practices", response_model=Page[PracticePublic])
def list_practices(session: SessionDep, principal: PrincipalDep, page: PageDep):
    result = lookups.list_practices(
        session, practice_ids=_visible_practice_ids(principal), after=page.after, limit=page.limit
    )
    return _page(result, PracticePublic)


@router.get("/practices/{slug}/payers", response_model=Page[PayerPublic])
def list_payers(slug: str, session: SessionDep, principal: PrincipalDep, page: PageDep):
    practice = practice_for(session, principal, slug, Action.LOOKUP)
    result = lookups.list_payers(
        session, practice_id=practice.id, after=page.after, limit=page.limit
    )
    return _page(result, PayerPublic)


@router.get("/practices/{slug}/providers", response_model=Page[ProviderPublic])
def list_providers(slug: str, session: SessionDep, principal: PrincipalDep, page: PageDep):
    practice = practice_for(session, principal, slug, Action.LOOKUP)
    result = lookups.list_providers(
        session, practice_id=practice.id, after=page.after, limit=page.limit
    )
    return _page(result, ProviderPublic)


@router.get("/practices/{slug}/patients", response_model=Page[PatientPublic])
def list_patients(slug: str, session: SessionDep, principal: PrincipalDep, page: PageDep):
    practice = practice_for(session, principal, slug, Action.LOOKUP)
    result = lookups.list_patients(
        session, practice_id=practice.id, after=page.after, limit=page.limit
    )
    return _page(result, PatientPublic)


@router.get("/patients/{patient_id}/coverages", response_model=Page[CoveragePublic])
def list_coverages(patient_id: Id, session: SessionDep, principal: PrincipalDep, page: PageDep):
    patient = lookups.get_patient(session, patient_id=patient_id)
    if patient is None:
        raise NotFound("not found")
    require(principal, patient.practice_id, Action.LOOKUP)
    result = lookups.list_coverages(
        session, patient_id=patient.id, after=page.after, limit=page.limit
    )
    return _page(result, CoveragePublic)


@router.get("/coverages/{coverage_id}", response_model=CoveragePublic)
def get_coverage(coverage_id: Id, session: SessionDep, principal: PrincipalDep):
    found = lookups.get_coverage(session, coverage_id=coverage_id)
    if found is None:
        raise NotFound("not found")
    coverage, practice_id = found
    require(principal, practice_id, Action.LOOKUP)
    return CoveragePublic.model_validate(coverage)
