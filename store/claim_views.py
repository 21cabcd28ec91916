"""Claims as people read them: search, and one claim's detail (findings, denials, deadline,
timeline). Read-only; writes are in store/claims.py and the workflow's activities."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import exists, func
from sqlmodel import Session, col, select

from denialdesk.domain.denials import analyse_claim
from denialdesk.store.models import (
    Claim,
    ClaimEvent,
    ClaimPayment,
    ClaimVersion,
    Payer,
    PaymentLine,
    Practice,
    ServiceLine,
    Task,
)
from denialdesk.store.payment_rows import to_remit_payment


@dataclass(frozen=True)
class ClaimSearch:
    practice_id: int | None = None
    status: str | None = None
    payer_id: int | None = None
    provider_id: int | None = None
    control_number: str | None = None
    payer_claim_number: str | None = None
    service_from: date | None = None
    service_to: date | None = None


@dataclass(frozen=True)
class ClaimRow:
    claim: Claim
    payer_name: str


def search_claims(
    session: Session,
    *,
    practice_ids: Collection[int] | None,
    where: ClaimSearch,
    after: int | None = None,
    limit: int = 50,
) -> tuple[list[ClaimRow], int | None]:
    """A keyset page in id order, and the id to continue after (None on the last page)."""
    query = select(Claim, Payer.name).join(Payer, col(Payer.id) == Claim.payer_id)
    if practice_ids is not None:
        query = query.where(col(Claim.practice_id).in_(list(practice_ids)))
    for column, value in (
        (Claim.practice_id, where.practice_id),
        (Claim.status, where.status),
        (Claim.payer_id, where.payer_id),
        (Claim.provider_id, where.provider_id),
        (Claim.control_number, where.control_number),
        (Claim.payer_claim_number, where.payer_claim_number),
    ):
        if value is not None:
            query = query.where(column == value)
    if where.service_from is not None:
        query = query.where(col(Claim.first_service_date) >= where.service_from)
    if where.service_to is not None:
        query = query.where(col(Claim.first_service_date) <= where.service_to)
    if after is not None:
        query = query.where(col(Claim.id) > after)
    rows = session.exec(query.order_by(col(Claim.id)).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    items = [ClaimRow(claim, name) for claim, name in rows]
    return items, (items[-1].claim.id if more else None)


@dataclass(frozen=True)
class Denial:
    group: str
    carc: str
    rarc: list[str]
    amount: str
    category: str | None
    appealable: bool


@dataclass(frozen=True)
class Event:
    at: datetime
    kind: str
    detail: str


@dataclass(frozen=True)
class ClaimDetail:
    claim: Claim
    scrub_findings: list[dict]
    denials: list[Denial]
    next_deadline: dict | None
    events: list[Event]


def claim_detail(session: Session, *, claim: Claim) -> ClaimDetail:
    events = session.exec(
        select(ClaimEvent)
        .where(ClaimEvent.claim_id == claim.id)
        .order_by(col(ClaimEvent.at), col(ClaimEvent.id))
    ).all()
    return ClaimDetail(
        claim=claim,
        scrub_findings=_scrub_findings(events),
        denials=denials(session, claim),
        next_deadline=_next_deadline(session, claim.id),
        events=[Event(e.at, e.kind, readable_detail(e.kind, e.detail)) for e in events],
    )


def readable_detail(kind: str, detail: str) -> str:
    """The timeline line a person reads: the scrub and payment activities store their facts
    as JSON (the scrub findings are read back from it), shown here as a sentence."""
    if kind not in ("scrubbed", "payment"):
        return detail
    try:
        facts = json.loads(detail)
    except ValueError:
        return detail
    if not isinstance(facts, dict):
        return detail
    if kind == "scrubbed":
        codes = ", ".join(f["code"] for f in facts.get("findings", []) if "code" in f)
        return (
            f"version {facts.get('version')}: {facts.get('blocking', 0)} blocking, "
            f"{facts.get('warnings', 0)} warnings" + (f" ({codes})" if codes else "")
        )
    text = f"{facts.get('result')}: paid {facts.get('paid')}, denied {facts.get('denied')}"
    if facts.get("carcs"):
        text += f" ({', '.join(facts['carcs'])})"
    if facts.get("category"):
        text += f"; {facts['category']} → {facts.get('action')}"
    return text


def _scrub_findings(events: Sequence[ClaimEvent]) -> list[dict]:
    """The findings of the last scrub (an event whose detail the scrub activity wrote as JSON)."""
    for event in reversed(events):
        if event.kind == "scrubbed":
            try:
                return list(json.loads(event.detail).get("findings", []))
            except (ValueError, AttributeError, TypeError):
                return []
    return []


def denials(session: Session, claim: Claim) -> list[Denial]:
    """The denials of the claim's latest payment, as its analysis reads them."""
    payment = session.exec(
        select(ClaimPayment)
        .where(ClaimPayment.claim_id == claim.id)
        .order_by(col(ClaimPayment.id).desc())
    ).first()
    if payment is None:
        return []
    payer = session.get(Payer, claim.payer_id)
    plan_type = payer.plan_type if payer is not None else None
    analysis = analyse_claim(to_remit_payment(session, payment), plan_type=plan_type)
    return [
        Denial(a.group, a.carc, list(a.remarks), str(a.amount), a.category, a.appealable)
        for a in analysis.denials
    ]


def unstarted_claims(
    session: Session, *, created_before: datetime, limit: int
) -> list[tuple[int, str]]:
    """(claim id, practice slug) of draft claims without any timeline event: the API stores a
    claim before it starts the workflow, and the first thing a workflow does writes an event,
    so these may never have been started (Temporal was down at the time)."""
    rows = session.exec(
        select(Claim.id, Practice.slug)
        .join(Practice, col(Practice.id) == Claim.practice_id)
        .where(
            Claim.status == "draft",
            col(Claim.created_at) < created_before,
            ~exists().where(ClaimEvent.claim_id == Claim.id),
        )
        .order_by(col(Claim.id))
        .limit(limit)
    ).all()
    return [(claim_id, slug) for claim_id, slug in rows]


def has_active_task(session: Session, *, claim_id: int, kinds: Collection[str]) -> bool:
    """Whether one of these kinds of task is open (or pended) for the claim."""
    found = session.exec(
        select(Task.id).where(
            Task.claim_id == claim_id,
            col(Task.status).in_(("open", "pended")),
            col(Task.kind).in_([str(kind) for kind in kinds]),  # plain values for every driver
        )
    ).first()
    return found is not None


def _next_deadline(session: Session, claim_id: int) -> dict | None:
    task = session.exec(
        select(Task)
        .where(Task.claim_id == claim_id, col(Task.status).in_(("open", "pended")))
        .order_by(col(Task.id).desc())
    ).first()
    if task is None or task.due_at is None:
        return None
    return {"kind": (task.detail or {}).get("deadline_kind") or task.kind, "at": task.due_at}


def current_lines(session: Session, claim: Claim) -> list[ServiceLine]:
    """The lines of the claim's current version (the one billed, and answered), in order."""
    return list(
        session.exec(
            select(ServiceLine)
            .join(ClaimVersion, col(ClaimVersion.id) == ServiceLine.claim_version_id)
            .where(ClaimVersion.claim_id == claim.id, ClaimVersion.version == claim.version)
            .order_by(col(ServiceLine.line_number))
        )
    )


def paid_by_line(session: Session, line_ids: Collection[int]) -> dict[int, Decimal]:
    """What the payments posted to each line add up to (a reversal's negative lines net out);
    lines nothing was posted to are absent."""
    if not line_ids:
        return {}
    rows = session.exec(
        select(PaymentLine.service_line_id, func.sum(PaymentLine.paid))
        .where(col(PaymentLine.service_line_id).in_(list(line_ids)))
        .group_by(col(PaymentLine.service_line_id))
    ).all()
    return {line_id: Decimal(total) for line_id, total in rows}
