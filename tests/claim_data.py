"""Claims built through store.claims (the real path), for the store and activity tests.

`world()` makes a practice with a payer that requires an authorization for 90837, a patient
with a coverage and an authorization, a therapist and a default queue; `new_claim()` creates a
clean 90834 claim that scrubs without findings on TODAY.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import factories
from sqlmodel import Session

from denialdesk.store.claims import LineInput, create_claim
from denialdesk.store.models import (
    Authorization,
    Claim,
    Coverage,
    Patient,
    Payer,
    Practice,
    Provider,
    Queue,
)

DOS = date(2026, 3, 2)
TODAY = date(2026, 3, 10)


@dataclass
class World:
    practice: Practice
    payer: Payer
    patient: Patient
    coverage: Coverage
    provider: Provider
    authorization: Authorization
    queue: Queue


def world(session: Session, **payer_fields) -> World:
    practice = factories.practice(session, zip="627011234")  # the 837P wants ZIP+4
    payer_fields.setdefault("rules", {"auth_required_codes": ["90837"]})
    payer = factories.payer(session, practice, **payer_fields)
    patient = factories.patient(session, practice)
    coverage = factories.coverage(session, patient, payer, group_number="GRP1")
    provider = factories.provider(session, practice)
    authorization = Authorization(
        practice_id=practice.id,
        coverage_id=coverage.id,
        number="AUTH-1001",
        codes=["90837"],
        approved=10,
        used=2,
        start_date=date(2026, 1, 1),
        end_date=date(2026, 6, 30),
    )
    queue = Queue(practice_id=practice.id, name="Everything", is_default=True)
    session.add_all([authorization, queue])
    session.flush()
    return World(practice, payer, patient, coverage, provider, authorization, queue)


def line(code: str = "90834", minutes: int | None = 45, **changes) -> LineInput:
    values = {
        "service_date": DOS,
        "code": code,
        "charge": Decimal("150.00"),
        "place_of_service": "11",
        "dx_pointers": (1,),
        "minutes": minutes,
    }
    return LineInput(**(values | changes))


def new_claim(session: Session, w: World, *lines: LineInput, **changes) -> Claim:
    values = {
        "practice": w.practice,
        "patient_id": w.patient.id,
        "coverage_id": w.coverage.id,
        "provider_id": w.provider.id,
        "authorization_id": None,
        "diagnoses": ["F33.1"],
        "lines": list(lines) or [line()],
        "user_id": None,
    }
    return create_claim(session, **(values | changes))
