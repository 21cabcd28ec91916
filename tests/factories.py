"""Test data builders: valid rows with plain defaults; any field can be overridden by keyword.

Each builder adds its row and flushes (ids are set); the caller commits. Names and NPIs come
from one counter, so rows never collide within a database.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import date

from sqlmodel import Session

from denialdesk.domain.npi import is_valid_npi, npi_with_check_digit
from denialdesk.store.models import Coverage, Patient, Payer, Practice, Provider, User
from denialdesk.store.users import create_user

PASSWORD = "correct horse battery"
_numbers = itertools.count(1)


def _add(session: Session, row):
    session.add(row)
    session.flush()
    return row


def _npi(number: int) -> str:
    return npi_with_check_digit(f"1{number:08d}")


def _checked_npi(fields: dict) -> dict:
    # The 837P is rejected for a bad NPI; refuse to build data that could never be billed.
    if not is_valid_npi(fields["npi"]):
        raise ValueError(f"invalid NPI {fields['npi']!r}")
    return fields


def practice(session: Session, **fields) -> Practice:
    n = next(_numbers)
    values = {
        "slug": f"practice-{n}",
        "legal_name": f"Practice {n} Behavioral Health PC",
        "npi": _npi(n),
        "tax_id": f"{n:09d}",
        "address1": f"{n} Main Street",
        "city": "Springfield",
        "state": "IL",
        "zip": "62701",
        "taxonomy": "261QM0801X",
    }
    return _add(session, Practice(**_checked_npi(values | fields)))


def payer(session: Session, practice: Practice, **fields) -> Payer:
    n = next(_numbers)
    values = {
        "practice_id": practice.id,
        "name": f"Payer {n}",
        "payer_id": f"P{n:05d}",
        # The second is how tests/remit_builder.py's 835s name their payer (REF*2U).
        "remittance_ids": [f"1{n:09d}", "BHHP1"],
        "plan_type": "commercial",
        "filing_indicator": "CI",
        "correction_method": "replacement_7",
        "appeal_levels": [{"level": 1, "name": "First level", "window_days": 180}],
    }
    return _add(session, Payer(**(values | fields)))


def provider(session: Session, practice: Practice, **fields) -> Provider:
    n = next(_numbers)
    values = {
        "practice_id": practice.id,
        "npi": _npi(n),
        "first_name": "Robin",
        "last_name": f"Clinician{n}",
        "credential": "LCSW",
        "taxonomy": "1041C0700X",
    }
    return _add(session, Provider(**_checked_npi(values | fields)))


def patient(session: Session, practice: Practice, **fields) -> Patient:
    n = next(_numbers)
    values = {
        "practice_id": practice.id,
        "first_name": "Alex",
        "last_name": f"Patient{n}",
        "birth_date": date(1980, 1, 1),
        "sex": "U",
        "address1": f"{n} Elm Street",
        "city": "Springfield",
        "state": "IL",
        "zip": "62701",
    }
    return _add(session, Patient(**(values | fields)))


def coverage(session: Session, patient: Patient, payer: Payer, **fields) -> Coverage:
    n = next(_numbers)
    values = {
        "patient_id": patient.id,
        "payer_id": payer.id,
        "member_id": f"M{n:08d}",
        "effective_from": date(2024, 1, 1),
    }
    return _add(session, Coverage(**(values | fields)))


def user(
    session: Session,
    *,
    role: str,
    practices: Sequence[Practice] = (),
    username: str | None = None,
    password: str = PASSWORD,
) -> User:
    """A user with `role` in each practice (an admin with none administers every practice)."""
    return create_user(
        session,
        username=username or f"{role}-{next(_numbers)}",
        password=password,
        role=role,
        practice_slugs=[p.slug for p in practices],
    )
