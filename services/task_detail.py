"""What a specialist reads to work one task: the task, its claim and lines, the denial codes in
plain English, the timeline with who did what. Read-only; the writes are services/tasks.py,
services/claims.py and services/decisions.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlmodel import Session, col, select

from denialdesk.domain import carc as codes
from denialdesk.domain.principal import Principal
from denialdesk.domain.roles import Action
from denialdesk.services.tasks import load_task
from denialdesk.store import authorizations as store_auth
from denialdesk.store import claim_views
from denialdesk.store.models import (
    Authorization,
    Claim,
    ClaimEvent,
    ServiceLine,
    Task,
    User,
)
from denialdesk.store.task_labels import TaskLabels, labels
from denialdesk.store.types import utcnow


@dataclass(frozen=True)
class Code:
    code: str
    text: str


@dataclass(frozen=True)
class DenialLine:
    group: str
    group_text: str
    carc: Code
    remarks: list[Code]
    amount: str
    category: str | None
    appealable: bool


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str
    detail: str
    who: str | None


@dataclass(frozen=True)
class TaskDetail:
    task: Task
    label: TaskLabels
    claim: Claim | None
    lines: list[ServiceLine]
    paid: dict[int, Decimal]  # by line id: what the payments posted to it add up to
    denials: list[DenialLine]
    action_text: str | None
    timeline: list[TimelineEntry]
    may_manage: bool
    authorization: Authorization | None = None
    counts: store_auth.Counts | None = None


def task_detail(session: Session, principal: Principal, task_id: int) -> TaskDetail:
    task = load_task(session, principal, task_id, Action.READ_WORK)
    claim = session.get(Claim, task.claim_id) if task.claim_id else None
    lines: list[ServiceLine] = []
    paid: dict[int, Decimal] = {}
    denials: list[DenialLine] = []
    timeline: list[TimelineEntry] = []
    if claim is not None:
        lines = claim_views.current_lines(session, claim)
        paid = claim_views.paid_by_line(session, [line.id for line in lines])
        denials = [_denial(d) for d in claim_views.denials(session, claim)]
        timeline = _timeline(session, claim.id)
    authorization = (
        session.get(Authorization, task.authorization_id) if task.authorization_id else None
    )
    counts = None
    if authorization is not None:
        counts = store_auth.counts(session, authorization=authorization, today=utcnow().date())
    action = task.recommended_action
    may_manage = task.practice_id is not None and principal.may(
        task.practice_id, Action.MANAGE_WORK
    )
    return TaskDetail(
        task=task,
        label=labels(session, [task])[task.id],
        claim=claim,
        lines=lines,
        paid=paid,
        denials=denials,
        action_text=action.replace("_", " ") if action else None,
        timeline=timeline,
        may_manage=may_manage,
        authorization=authorization,
        counts=counts,
    )


def _denial(denial: claim_views.Denial) -> DenialLine:
    return DenialLine(
        group=denial.group,
        group_text=codes.group_description(denial.group),
        carc=Code(denial.carc, codes.carc(denial.carc).description),
        remarks=[Code(r, codes.rarc(r).description) for r in denial.rarc],
        amount=denial.amount,
        category=denial.category,
        appealable=denial.appealable,
    )


def _timeline(session: Session, claim_id: int) -> list[TimelineEntry]:
    """Newest first, each with the username of who did it (None: the system)."""
    rows = session.exec(
        select(ClaimEvent, User.username)
        .join(User, col(User.id) == ClaimEvent.actor_id, isouter=True)
        .where(ClaimEvent.claim_id == claim_id)
        .order_by(col(ClaimEvent.at).desc(), col(ClaimEvent.id).desc())
    ).all()
    return [
        TimelineEntry(e.at, e.kind, claim_views.readable_detail(e.kind, e.detail), who)
        for e, who in rows
    ]
