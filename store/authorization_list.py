"""Reads for the Authorizations page: authorizations with their practice, payer and patient,
filtered and keyset-paged in SQL; linked claims counted in one grouped query; one
authorization's scheduled visits, claims and open tasks.

Used, scheduled and remaining are not counted here: store/authorizations.counts_many (one
formula, shared with the task page and the workflow).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, not_, or_
from sqlmodel import Session, col, select

from denialdesk.store.models import (
    Authorization,
    Claim,
    Coverage,
    Patient,
    Payer,
    Practice,
    ScheduledVisit,
    Task,
)
from denialdesk.store.tasks import ACTIVE


@dataclass(frozen=True)
class AuthorizationFilter:
    practice_id: int | None = None
    payer_id: int | None = None
    number: str | None = None  # part of the authorization number, in any case
    # False: current ones (not expired, ending today or later); True: those that ended;
    # None: both.
    ended: bool | None = False
    ends_by: date | None = None
    authorization_id: int | None = None


@dataclass(frozen=True)
class Listed:
    authorization: Authorization
    practice: str
    payer: str
    patient_first_name: str
    patient_last_name: str


def list_authorizations(
    session: Session,
    *,
    practice_ids: Collection[int] | None,
    where: AuthorizationFilter,
    today: date,
    after: tuple[date, int] | None = None,
    limit: int | None = None,
) -> list[Listed]:
    """Soonest end first (current ones) or latest end first (those that ended), then by id;
    `after` is the (end date, id) the previous page ended on; `practice_ids` None: all."""
    query = (
        select(
            Authorization, Practice.legal_name, Payer.name, Patient.first_name, Patient.last_name
        )
        .join(Practice, col(Practice.id) == Authorization.practice_id)
        .join(Coverage, col(Coverage.id) == Authorization.coverage_id)
        .join(Payer, col(Payer.id) == Coverage.payer_id)
        .join(Patient, col(Patient.id) == Coverage.patient_id)
    )
    if practice_ids is not None:
        query = query.where(col(Authorization.practice_id).in_(list(practice_ids)))
    if where.practice_id is not None:
        query = query.where(Authorization.practice_id == where.practice_id)
    if where.payer_id is not None:
        query = query.where(Coverage.payer_id == where.payer_id)
    if where.authorization_id is not None:
        query = query.where(Authorization.id == where.authorization_id)
    if where.number:
        part = where.number.strip().upper()
        query = query.where(func.upper(col(Authorization.number)).contains(part, autoescape=True))
    if where.ends_by is not None:
        query = query.where(Authorization.end_date <= where.ends_by)
    # The workflow marks an authorization expired the day after its end date; one it has not
    # reached yet is over all the same.
    ended = or_(col(Authorization.status) == "expired", col(Authorization.end_date) < today)
    if where.ended is not None:
        query = query.where(ended if where.ended else not_(ended))
    end, row_id = col(Authorization.end_date), col(Authorization.id)
    latest_first = bool(where.ended)
    if after is not None:
        after_end, after_id = after
        if latest_first:
            later = or_(end < after_end, and_(end == after_end, row_id < after_id))
        else:
            later = or_(end > after_end, and_(end == after_end, row_id > after_id))
        query = query.where(later)
    query = query.order_by(*((end.desc(), row_id.desc()) if latest_first else (end, row_id)))
    if limit is not None:
        query = query.limit(limit)
    return [Listed(*row) for row in session.exec(query).all()]


def claim_counts(session: Session, authorization_ids: Collection[int]) -> dict[int, int]:
    """How many claims name each authorization (one grouped query)."""
    if not authorization_ids:
        return {}
    rows = session.exec(
        select(Claim.authorization_id, func.count(col(Claim.id)))
        .where(col(Claim.authorization_id).in_(list(authorization_ids)))
        .group_by(col(Claim.authorization_id))
    ).all()
    return {authorization_id: total for authorization_id, total in rows}


def scheduled_visits(session: Session, authorization_id: int, *, since: date) -> list[date]:
    return list(
        session.exec(
            select(ScheduledVisit.visit_date)
            .where(ScheduledVisit.authorization_id == authorization_id)
            .where(ScheduledVisit.visit_date >= since)
            .order_by(col(ScheduledVisit.visit_date))
        ).all()
    )


@dataclass(frozen=True)
class OpenTask:
    id: int
    kind: str
    status: str


@dataclass(frozen=True)
class LinkedClaim:
    claim: Claim
    tasks: list[OpenTask]  # its open and pended tasks, oldest first


def linked_claims(session: Session, authorization_id: int) -> list[LinkedClaim]:
    """The claims that name the authorization, latest service first, with their open tasks
    (two queries)."""
    claims = session.exec(
        select(Claim)
        .where(Claim.authorization_id == authorization_id)
        .order_by(col(Claim.first_service_date).desc(), col(Claim.id).desc())
    ).all()
    tasks: dict[int, list[OpenTask]] = defaultdict(list)
    if claims:
        for task_id, claim_id, kind, status in session.exec(
            select(Task.id, Task.claim_id, Task.kind, Task.status)
            .where(col(Task.claim_id).in_([claim.id for claim in claims]))
            .where(col(Task.status).in_(ACTIVE))
            .order_by(col(Task.id))
        ):
            tasks[claim_id].append(OpenTask(task_id, kind, status))
    return [LinkedClaim(claim, tasks[claim.id]) for claim in claims]


def open_tasks(session: Session, authorization_id: int) -> Sequence[OpenTask]:
    """The authorization's own open tasks (its renewal, no claim), oldest first."""
    rows = session.exec(
        select(Task.id, Task.kind, Task.status)
        .where(Task.authorization_id == authorization_id)
        .where(col(Task.claim_id).is_(None))
        .where(col(Task.status).in_(ACTIVE))
        .order_by(col(Task.id))
    ).all()
    return [OpenTask(*row) for row in rows]
