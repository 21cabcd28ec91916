"""Claims as stored: create, correct (a new version, never an edit), status and timeline.

The input checks here are the ones the database cannot make: that every row a claim points at
belongs to the claim's practice (and the coverage to the patient). Coding rules belong to the
scrubber; findings never refuse a claim. Reading a claim back for scrubbing and billing is in
store/claim_input.py.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from sqlmodel import Session, select

from denialdesk.store.claim_input import (
    authorizations_on_file,
    claim_input,
    diagnosis_rows,
    line_rows,
    version_row,
)
from denialdesk.store.control_numbers import next_control
from denialdesk.store.models import (
    Authorization,
    Claim,
    ClaimDiagnosis,
    ClaimEvent,
    ClaimVersion,
    Coverage,
    Patient,
    Payer,
    Practice,
    Provider,
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
MAX_LINES, MAX_DIAGNOSES, MAX_POINTERS = 50, 12, 4


class ClaimInputError(ValueError):
    """Input the API answers with 422, naming the field (e.g. `lines[2].dx_pointers`)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class LineInput:
    """One service line as entered (API or seed); mappings with these keys are accepted too."""

    service_date: date
    code: str
    charge: Decimal
    place_of_service: str
    dx_pointers: Sequence[int]
    modifiers: Sequence[str] = field(default_factory=tuple)
    units: Decimal = Decimal(1)
    minutes: int | None = None
    rendering_provider_id: int | None = None


_LINE_FIELDS = frozenset(f.name for f in fields(LineInput))


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
    _check_provider(session, practice.id, provider_id, "provider_id")
    _check_authorization(session, practice.id, coverage.id, authorization_id)
    checked_dx = _diagnoses(diagnoses)
    checked_lines = _lines(session, practice.id, lines, len(checked_dx))
    claim = Claim(
        practice_id=practice.id,
        patient_id=patient.id,
        coverage_id=coverage.id,
        payer_id=payer.id,
        provider_id=provider_id,
        authorization_id=authorization_id,
        control_number=f"{CONTROL_PREFIX}{next_control(session, CLAIM_COUNTER):010d}",
        version=1,
        total_charge=_total(checked_lines),
        first_service_date=min(line.service_date for line in checked_lines),
    )
    session.add(claim)
    session.flush()
    _add_version_rows(session, claim, 1, authorization_id, checked_dx, checked_lines, user_id)
    return claim


def add_version(
    session: Session,
    *,
    claim: Claim,
    authorization_id: int | None | _Unchanged = UNCHANGED,
    diagnoses: Sequence[str] | None = None,
    lines: Sequence[LineInput | Mapping] | None = None,
    user_id: int | None = None,
) -> ClaimVersion:
    """A corrected version: what is not given is copied from the latest one."""
    latest = version_row(session, claim.id, claim.version)
    if isinstance(authorization_id, _Unchanged):
        authorization_id = latest.authorization_id
    else:
        _check_authorization(session, claim.practice_id, claim.coverage_id, authorization_id)
    if diagnoses is None:
        checked_dx = [d.code for d in diagnosis_rows(session, latest.id)]
    else:
        checked_dx = _diagnoses(diagnoses)
    if lines is None:
        checked_lines = [_line_input(row) for row in line_rows(session, latest.id)]
        _check_pointers(checked_lines, len(checked_dx))
    else:
        checked_lines = _lines(session, claim.practice_id, lines, len(checked_dx))
    number = claim.version + 1
    claim.version = number
    claim.authorization_id = authorization_id
    claim.total_charge = _total(checked_lines)
    claim.first_service_date = min(line.service_date for line in checked_lines)
    session.add(claim)
    return _add_version_rows(
        session, claim, number, authorization_id, checked_dx, checked_lines, user_id
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


# --- checks ---------------------------------------------------------------------------------


def _check_provider(session: Session, practice_id: int, provider_id: int | None, name: str):
    provider = session.get(Provider, provider_id) if provider_id is not None else None
    if provider is None or provider.practice_id != practice_id:
        raise ClaimInputError(name, "no such provider in this practice")


def _check_authorization(
    session: Session, practice_id: int, coverage_id: int, authorization_id: int | None
) -> None:
    if authorization_id is None:
        return
    found = session.get(Authorization, authorization_id)
    if found is None or found.practice_id != practice_id:
        raise ClaimInputError("authorization_id", "no such authorization in this practice")
    if found.coverage_id != coverage_id:
        raise ClaimInputError("authorization_id", "the authorization is for another coverage")


def _diagnoses(diagnoses: Sequence[str]) -> list[str]:
    codes = [str(code).strip().upper() for code in diagnoses]
    if not 1 <= len(codes) <= MAX_DIAGNOSES:
        raise ClaimInputError("diagnoses", f"1 to {MAX_DIAGNOSES} diagnosis codes")
    for index, code in enumerate(codes):
        if not code or len(code) > 8:
            raise ClaimInputError(f"diagnoses[{index}]", "an ICD-10-CM code of at most 8 chars")
    return codes


def _lines(
    session: Session, practice_id: int, lines: Sequence[LineInput | Mapping], dx_count: int
) -> list[LineInput]:
    if not 1 <= len(lines) <= MAX_LINES:
        raise ClaimInputError("lines", f"1 to {MAX_LINES} service lines")
    checked = [_checked_line(index, value) for index, value in enumerate(lines)]
    _check_pointers(checked, dx_count)
    for index, line in enumerate(checked):
        if line.rendering_provider_id is not None:
            name = f"lines[{index}].rendering_provider_id"
            _check_provider(session, practice_id, line.rendering_provider_id, name)
    return checked


def _checked_line(index: int, value: LineInput | Mapping) -> LineInput:
    where = f"lines[{index}]"
    if isinstance(value, Mapping):
        unknown = set(value) - _LINE_FIELDS
        if unknown:
            raise ClaimInputError(f"{where}.{sorted(unknown)[0]}", "unknown field")
        try:
            value = LineInput(**value)
        except TypeError as error:  # a required key is missing
            raise ClaimInputError(where, str(error)) from error
    try:
        charge, units = Decimal(str(value.charge)), Decimal(str(value.units))
    except InvalidOperation as error:
        raise ClaimInputError(f"{where}.charge", "charge and units must be numbers") from error
    code = str(value.code).strip().upper()
    if not code or len(code) > 5:
        raise ClaimInputError(f"{where}.code", "a procedure code of at most 5 characters")
    if not charge.is_finite() or charge < 0 or charge >= Decimal("1e10"):
        raise ClaimInputError(f"{where}.charge", "a charge of zero or more")
    if not units.is_finite() or units <= 0 or units >= Decimal("1e6"):
        raise ClaimInputError(f"{where}.units", "units must be more than zero")
    place = str(value.place_of_service).strip()
    if len(place) != 2:
        raise ClaimInputError(f"{where}.place_of_service", "a two-digit place of service")
    if len(value.modifiers) > 4 or any(len(str(m).strip()) != 2 for m in value.modifiers):
        raise ClaimInputError(f"{where}.modifiers", "at most four two-character modifiers")
    if not isinstance(value.service_date, date):
        raise ClaimInputError(f"{where}.service_date", "a date")
    return LineInput(
        service_date=value.service_date,
        code=code,
        charge=charge,
        place_of_service=place,
        dx_pointers=tuple(int(p) for p in value.dx_pointers),
        modifiers=tuple(str(m).strip().upper() for m in value.modifiers),
        units=units,
        minutes=value.minutes,
        rendering_provider_id=value.rendering_provider_id,
    )


def _check_pointers(lines: Sequence[LineInput], dx_count: int) -> None:
    for index, line in enumerate(lines):
        pointers = line.dx_pointers
        if not 1 <= len(pointers) <= MAX_POINTERS or not all(1 <= p <= dx_count for p in pointers):
            raise ClaimInputError(
                f"lines[{index}].dx_pointers",
                f"1 to {MAX_POINTERS} pointers, each naming one of the {dx_count} diagnoses",
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
