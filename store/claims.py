"""Claims as stored: create, correct (a new version, never an edit), status and timeline.

Input checks are in store/claim_checks.py (scoping to the practice, values that fit), reading
a claim back for scrubbing and billing in store/claim_input.py; both are re-exported here.
Coding rules belong to the scrubber: findings never refuse a claim.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal

from sqlmodel import Session, select

from denialdesk.store.claim_checks import (
    ClaimInputError,
    LineInput,
    check_authorization,
    check_pointers,
    check_provider,
    checked_diagnoses,
    checked_lines,
)
from denialdesk.store.claim_input import (
    authorizations_on_file,
    claim_input,
    diagnosis_rows,
    line_rows,
    version_row,
)
from denialdesk.store.control_numbers import next_control
from denialdesk.store.models import (
    Claim,
    ClaimDiagnosis,
    ClaimEvent,
    ClaimVersion,
    Coverage,
    Patient,
    Payer,
    Practice,
    ServiceLine,
)
from denialdesk.store.types import utcnow

__all__ = [
    "UNCHANGED",
    "ClaimInputError",
    "LineInput",
    "add_event",
    "add_version",
    "authorizations_on_file",
    "claim_input",
    "create_claim",
    "set_status",
]

CLAIM_COUNTER = "CLM01"
CONTROL_PREFIX = "DD"  # CLM01 = DD + 10 digits: 12 characters, never an account number


class _Unchanged:
    def __repr__(self) -> str:
        return "UNCHANGED"


UNCHANGED = _Unchanged()  # add_version: keep the previous version's authorization


def create_claim(
    session: Session,
    *,
    practice: Practice,
    patient_id: int,
    coverage_id: int,
    provider_id: int,
    authorization_id: int | None,
    diagnoses: Sequence[str],
    lines: Sequence[LineInput | Mapping],
    user_id: int | None = None,
    today: date | None = None,
) -> Claim:
    """A draft claim with its version 1; flushed (ids set), the caller commits."""
    patient = session.get(Patient, patient_id)
    if patient is None or patient.practice_id != practice.id:
        raise ClaimInputError("patient_id", "no such patient in this practice")
    coverage = session.get(Coverage, coverage_id)
    if coverage is None or coverage.patient_id != patient.id:
        raise ClaimInputError("coverage_id", "no such coverage for this patient")
    payer = session.get(Payer, coverage.payer_id)
    if payer is None or payer.practice_id != practice.id:
        raise ClaimInputError("coverage_id", "the coverage's payer is not one of this practice")
    check_provider(session, practice.id, provider_id, "provider_id")
    check_authorization(session, practice.id, coverage.id, authorization_id)
    checked_dx = checked_diagnoses(diagnoses)
    valid_lines = checked_lines(session, practice.id, lines, len(checked_dx), today=today)
    claim = Claim(
        practice_id=practice.id,
        patient_id=patient.id,
        coverage_id=coverage.id,
        payer_id=payer.id,
        provider_id=provider_id,
        authorization_id=authorization_id,
        control_number=f"{CONTROL_PREFIX}{next_control(session, CLAIM_COUNTER):010d}",
        version=1,
        total_charge=_total(valid_lines),
        first_service_date=min(line.service_date for line in valid_lines),
    )
    session.add(claim)
    session.flush()
    _add_version_rows(session, claim, 1, authorization_id, checked_dx, valid_lines, user_id)
    return claim


def add_version(
    session: Session,
    *,
    claim: Claim,
    authorization_id: int | None | _Unchanged = UNCHANGED,
    diagnoses: Sequence[str] | None = None,
    lines: Sequence[LineInput | Mapping] | None = None,
    user_id: int | None = None,
    today: date | None = None,
) -> ClaimVersion:
    """A corrected version: what is not given is copied from the latest one."""
    latest = version_row(session, claim.id, claim.version)
    if isinstance(authorization_id, _Unchanged):
        authorization_id = latest.authorization_id
    else:
        check_authorization(session, claim.practice_id, claim.coverage_id, authorization_id)
    if diagnoses is None:
        checked_dx = [d.code for d in diagnosis_rows(session, latest.id)]
    else:
        checked_dx = checked_diagnoses(diagnoses)
    if lines is None:
        valid_lines = [_line_input(row) for row in line_rows(session, latest.id)]
        check_pointers(valid_lines, len(checked_dx))
    else:
        valid_lines = checked_lines(session, claim.practice_id, lines, len(checked_dx), today=today)
    number = claim.version + 1
    claim.version = number
    claim.authorization_id = authorization_id
    claim.total_charge = _total(valid_lines)
    claim.first_service_date = min(line.service_date for line in valid_lines)
    session.add(claim)
    return _add_version_rows(
        session, claim, number, authorization_id, checked_dx, valid_lines, user_id
    )


def add_event(
    session: Session,
    *,
    claim_id: int,
    kind: str,
    detail: str = "",
    key: str | None = None,
    actor_id: int | None = None,
    at: datetime | None = None,
) -> ClaimEvent:
    """A timeline entry; with a key, a retried activity finds the first one instead."""
    if key is not None:
        existing = session.exec(select(ClaimEvent).where(ClaimEvent.key == key)).first()
        if existing is not None:
            return existing
    event = ClaimEvent(
        claim_id=claim_id, kind=kind, detail=detail, key=key, actor_id=actor_id, at=at or utcnow()
    )
    session.add(event)
    session.flush()
    return event


def set_status(
    session: Session,
    *,
    claim: Claim,
    status: str,
    hold_reason: str | None,
    event_kind: str,
    detail: str,
    key: str,
    closed: bool = False,
    user_id: int | None = None,
) -> ClaimEvent:
    """Status, hold reason and closed_at with their event; once per key (a retry changes
    nothing, even if the workflow has moved the claim on since)."""
    existing = session.exec(select(ClaimEvent).where(ClaimEvent.key == key)).first()
    if existing is not None:
        return existing
    claim.status = status
    claim.hold_reason = hold_reason
    if closed:
        claim.closed_at = claim.closed_at or utcnow()
    else:
        claim.closed_at = None  # reopened (a reversal, an appeal after a write-off)
    session.add(claim)
    return add_event(
        session, claim_id=claim.id, kind=event_kind, detail=detail, key=key, actor_id=user_id
    )


# --- rows -----------------------------------------------------------------------------------


def _add_version_rows(
    session: Session,
    claim: Claim,
    number: int,
    authorization_id: int | None,
    diagnoses: Sequence[str],
    lines: Sequence[LineInput],
    user_id: int | None,
) -> ClaimVersion:
    row = ClaimVersion(
        claim_id=claim.id,
        version=number,
        authorization_id=authorization_id,
        total_charge=_total(lines),
        created_by=user_id,
    )
    session.add(row)
    session.flush()
    for position, code in enumerate(diagnoses, start=1):
        session.add(ClaimDiagnosis(claim_version_id=row.id, position=position, code=code))
    for number_, line in enumerate(lines, start=1):
        session.add(
            ServiceLine(
                claim_version_id=row.id,
                line_number=number_,
                service_date=line.service_date,
                code=line.code,
                modifiers=list(line.modifiers),
                units=line.units,
                minutes=line.minutes,
                charge=line.charge,
                place_of_service=line.place_of_service,
                dx_pointers=list(line.dx_pointers),
                rendering_provider_id=line.rendering_provider_id,
            )
        )
    session.flush()
    return row


def _line_input(row: ServiceLine) -> LineInput:
    return LineInput(
        service_date=row.service_date,
        code=row.code,
        charge=row.charge,
        place_of_service=row.place_of_service,
        dx_pointers=tuple(row.dx_pointers),
        modifiers=tuple(row.modifiers),
        units=row.units,
        minutes=row.minutes,
        rendering_provider_id=row.rendering_provider_id,
    )


def _total(lines: Sequence[LineInput]) -> Decimal:
    return sum((line.charge for line in lines), Decimal("0.00"))
