"""The authorization workflow's side of tasks, and what expiry does to the claims waiting.

Renewal tasks are upserted by key `{workflow_id}:{seq}` like claim tasks (store/tasks_projection.py)
but concern an authorization (Task.authorization_id, no claim). `spec` is duck-typed
(contracts.authorization.AuthTaskSpec).
"""

from __future__ import annotations

from datetime import date
from typing import Protocol

from sqlmodel import Session, col, func, select

from denialdesk.store.models import (
    Authorization,
    Claim,
    ClaimVersion,
    Queue,
    ServiceLine,
    Task,
)
from denialdesk.store.tasks_projection import route
from denialdesk.store.types import utcnow

ACTIVE = ("open", "pended")


class AuthTaskSpecLike(Protocol):
    key: str
    workflow_id: str
    authorization_id: int
    kind: str
    due_at: str | None
    priority_reason: str
    detail: dict


def upsert_authorization_task(session: Session, spec: AuthTaskSpecLike) -> Task:
    """Insert the renewal task or bring it up to date (its version moves only on a change)."""
    values = {
        "kind": spec.kind,
        "due_at": date.fromisoformat(spec.due_at) if spec.due_at else None,
        "priority_reason": spec.priority_reason[:120],
        "detail": dict(spec.detail or {}),
    }
    task = session.exec(select(Task).where(Task.key == spec.key)).first()
    if task is None:
        authorization = session.get(Authorization, spec.authorization_id)
        if authorization is None:
            raise LookupError(f"authorization {spec.authorization_id} not found")
        task = Task(
            key=spec.key,
            workflow_id=spec.workflow_id,
            practice_id=authorization.practice_id,
            authorization_id=authorization.id,
            **values,
        )
        task.queue_id = _queue(session, authorization.practice_id, spec.kind)
        session.add(task)
        session.flush()
        return task
    changed = {name: v for name, v in values.items() if getattr(task, name) != v}
    if changed:
        for name, value in changed.items():
            setattr(task, name, value)
        task.version += 1
        task.updated_at = utcnow()
        session.add(task)
        session.flush()
    return task


def expire_authorization(
    session: Session, *, authorization_id: int, workflow_id: str, end_date: date
) -> list[int]:
    """Mark the authorization expired (unless an extension moved its end date meanwhile) and
    make sure every held claim waiting on it has a task saying so. Returns those claim ids.

    A held claim already has its workflow's open task (one per claim): that task is marked
    `authorization_expired` rather than a second one opened. Only a held claim without any
    open task gets an `obtain_authorization` task of its own, keyed by this workflow."""
    authorization = session.get(Authorization, authorization_id)
    if authorization is None:
        raise LookupError(f"authorization {authorization_id} not found")
    if authorization.end_date != end_date:
        return []
    authorization.status = "expired"
    session.add(authorization)
    held = session.exec(
        select(Claim)
        .where(Claim.authorization_id == authorization_id, Claim.status == "on_hold")
        .order_by(Claim.id)
    ).all()
    waiting = [c for c in held if c.hold_reason == "authorization" or _after(session, c, end_date)]
    for claim in waiting:
        _tell(session, claim, authorization, workflow_id)
    session.flush()
    return [claim.id for claim in waiting]


def _after(session: Session, claim: Claim, end_date: date) -> bool:
    last = session.exec(
        select(func.max(ServiceLine.service_date))
        .join(ClaimVersion, ClaimVersion.id == ServiceLine.claim_version_id)
        .where(ClaimVersion.claim_id == claim.id, ClaimVersion.version == claim.version)
    ).one()
    return last is not None and last > end_date


def _tell(session: Session, claim: Claim, authorization: Authorization, workflow_id: str) -> None:
    task = session.exec(
        select(Task)
        .where(Task.claim_id == claim.id, col(Task.status).in_(ACTIVE))
        .order_by(col(Task.id).desc())
    ).first()
    if task is None:
        key = f"{workflow_id}:claim-{claim.id}"
        if session.exec(select(Task).where(Task.key == key)).first() is not None:
            return  # a retried activity: told already
        task = Task(
            key=key,
            workflow_id=workflow_id,
            practice_id=claim.practice_id,
            claim_id=claim.id,
            authorization_id=authorization.id,
            kind="obtain_authorization",
            detail={"problem": "expired"},
        )
        task.queue_id = _queue(session, claim.practice_id, task.kind)
        session.add(task)
        return
    if task.detail.get("authorization_expired") == authorization.id:
        return  # a retried activity: told already
    task.detail = {**task.detail, "authorization_expired": authorization.id}
    task.priority_reason = ("authorization expired · " + task.priority_reason)[:120]
    task.version += 1
    task.updated_at = utcnow()
    session.add(task)


def _queue(session: Session, practice_id: int, kind: str) -> int | None:
    queues = list(
        session.exec(select(Queue).where(Queue.practice_id == practice_id).order_by(Queue.id))
    )
    chosen = route(queues, kind, None)
    return chosen.id if chosen is not None else None
