"""Checks on claim input that the database cannot make: every row a claim points at belongs
to the claim's practice (and the coverage to the patient), and values fit their columns.
Coding rules are the scrubber's; these only refuse what could never be stored or billed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlmodel import Session

from denialdesk.store.errors import InputError, checked_date
from denialdesk.store.models import Authorization, Provider

MAX_LINES, MAX_DIAGNOSES, MAX_POINTERS = 50, 12, 4


class ClaimInputError(InputError):
    """Input the API answers with 422, naming the field (e.g. `lines[2].dx_pointers`)."""


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


def check_provider(session: Session, practice_id: int, provider_id: int | None, name: str):
    provider = session.get(Provider, provider_id) if provider_id is not None else None
    if provider is None or provider.practice_id != practice_id:
        raise ClaimInputError(name, "no such provider in this practice")


def check_authorization(
    session: Session, practice_id: int, coverage_id: int, authorization_id: int | None
) -> None:
    if authorization_id is None:
        return
    found = session.get(Authorization, authorization_id)
    if found is None or found.practice_id != practice_id:
        raise ClaimInputError("authorization_id", "no such authorization in this practice")
    if found.coverage_id != coverage_id:
        raise ClaimInputError("authorization_id", "the authorization is for another coverage")


def checked_diagnoses(diagnoses: Sequence[str]) -> list[str]:
    codes = [str(code).strip().upper() for code in diagnoses]
    if not 1 <= len(codes) <= MAX_DIAGNOSES:
        raise ClaimInputError("diagnoses", f"1 to {MAX_DIAGNOSES} diagnosis codes")
    for index, code in enumerate(codes):
        if not code or len(code) > 8:
            raise ClaimInputError(f"diagnoses[{index}]", "an ICD-10-CM code of at most 8 chars")
    return codes


def checked_lines(
    session: Session,
    practice_id: int,
    lines: Sequence[LineInput | Mapping],
    dx_count: int,
    *,
    today: date | None = None,
) -> list[LineInput]:
    if not 1 <= len(lines) <= MAX_LINES:
        raise ClaimInputError("lines", f"1 to {MAX_LINES} service lines")
    checked = [_checked_line(index, value, today) for index, value in enumerate(lines)]
    check_pointers(checked, dx_count)
    for index, line in enumerate(checked):
        if line.rendering_provider_id is not None:
            name = f"lines[{index}].rendering_provider_id"
            check_provider(session, practice_id, line.rendering_provider_id, name)
    return checked


def _checked_line(index: int, value: LineInput | Mapping, today: date | None) -> LineInput:
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
    try:
        checked_date(f"{where}.service_date", value.service_date, today=today)
    except InputError as error:
        raise ClaimInputError(error.field, error.message) from None
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


def check_pointers(lines: Sequence[LineInput], dx_count: int) -> None:
    for index, line in enumerate(lines):
        pointers = line.dx_pointers
        if not 1 <= len(pointers) <= MAX_POINTERS or not all(1 <= p <= dx_count for p in pointers):
            raise ClaimInputError(
                f"lines[{index}].dx_pointers",
                f"1 to {MAX_POINTERS} pointers, each naming one of the {dx_count} diagnoses",
            )
