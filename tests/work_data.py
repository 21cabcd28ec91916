"""Builders for claims, tasks and queues in tests of the worklist and remittances.

Rows are added directly (not through the claim workflow): these tests are about the people
side of tasks and about imports, so each test states exactly the rows it needs.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import factories
from sqlmodel import Session

from denialdesk.store.models import Claim, Practice, Queue, QueueMember, Task

_numbers = itertools.count(1)


@dataclass
class Parties:
    """What a claim needs around it in one practice."""

    practice: Practice
    payer_id: int
    patient_id: int
    coverage_id: int
    provider_id: int


def parties(session: Session, practice: Practice | None = None) -> Parties:
    practice = practice or factories.practice(session)
    payer = factories.payer(session, practice)
    patient = factories.patient(session, practice)
    coverage = factories.coverage(session, patient, payer)
    provider = factories.provider(session, practice)
    return Parties(practice, payer.id, patient.id, coverage.id, provider.id)


def claim(session: Session, where: Parties, **fields) -> Claim:
    n = next(_numbers)
    values = {
        "practice_id": where.practice.id,
        "patient_id": where.patient_id,
        "coverage_id": where.coverage_id,
        "payer_id": where.payer_id,
        "provider_id": where.provider_id,
        "control_number": f"T{n:08d}",
        "status": "submitted",
        "total_charge": Decimal("180.00"),
        "first_service_date": date(2026, 3, 2),
    }
    row = Claim(**(values | fields))
    session.add(row)
    session.flush()
    return row


def queue(session: Session, practice: Practice, *, default: bool = False, members=()) -> Queue:
    row = Queue(practice_id=practice.id, name=f"Queue {next(_numbers)}", is_default=default)
    session.add(row)
    session.flush()
    for user in members:
        session.add(QueueMember(queue_id=row.id, user_id=user.id))
    session.flush()
    return row


def task(session: Session, practice: Practice, **fields) -> Task:
    n = next(_numbers)
    values = {
        "key": f"claim-{practice.slug}-{n}:1",
        "workflow_id": f"claim-{practice.slug}-{n}",
        "practice_id": practice.id,
        "kind": "work_denial",
        "category": "authorization",
        "priority": 1.0,
        "amount": Decimal("100.00"),
    }
    row = Task(**(values | fields))
    session.add(row)
    session.flush()
    return row
