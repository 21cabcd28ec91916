"""Authorizations in: create (stored, then its workflow started), extend (stored, then an
Update), the practice's scheduled visits under one (then `usage_changed`), for the API and the
pages alike. Writes need WRITE_CLAIMS; data is stored and committed first; the workflow gets
ids and counts only.
"""

from __future__ import annotations

import io
import logging
from datetime import UTC, date, datetime
from typing import Annotated

from pydantic import Field
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from denialdesk.contracts.authorization import Extension, auth_workflow_id
from denialdesk.domain.principal import Principal
from denialdesk.domain.roles import Action
from denialdesk.services.access import practice_for, require
from denialdesk.services.bodies import MAX_ID, Body
from denialdesk.services.errors import Invalid, NotFound, invalid, workflow_refusals
from denialdesk.store import authorizations as store_auth
from denialdesk.store.models import Authorization, Practice
from denialdesk.store.schedule_import import ScheduleError, read_schedule, store_schedule
from denialdesk.workflows import auth_client

log = logging.getLogger(__name__)
Code = Annotated[str, Field(min_length=5, max_length=5)]


class AuthorizationCreate(Body):
    coverage_id: int = Field(ge=1, le=MAX_ID)
    number: str = Field(min_length=1, max_length=50)
    codes: list[Code] = Field(min_length=1, max_length=store_auth.MAX_CODES)
    unit_type: str = Field(max_length=10)
    approved: int = Field(gt=0, le=100_000)
    start_date: date
    end_date: date


class AuthorizationExtend(Body):
    end_date: date | None = None
    approved: int | None = Field(default=None, gt=0, le=100_000)


class ScheduledBody(Body):
    dates: list[date] = Field(max_length=store_auth.MAX_VISITS)


def today() -> date:
    return datetime.now(UTC).date()


def load_authorization(
    session: Session, principal: Principal, authorization_id: int, action: Action
) -> Authorization:
    row = session.get(Authorization, authorization_id)
    if row is None:
        raise NotFound("not found")
    require(principal, row.practice_id, action)
    return row


def _workflow_id(session: Session, row: Authorization) -> str:
    return auth_workflow_id(session.get(Practice, row.practice_id).slug, row.id)


async def create_authorization(
    session: Session,
    client,
    principal: Principal,
    slug: str,
    body: AuthorizationCreate,
    task_queue: str,
) -> Authorization:
    def store() -> Authorization:
        practice = practice_for(session, principal, slug, Action.WRITE_CLAIMS)
        try:
            row = store_auth.create_authorization(
                session, practice=practice, today=today(), **body.model_dump()
            )
        except store_auth.AuthorizationInputError as exc:
            raise invalid(exc) from None
        session.commit()
        return row

    created = await run_in_threadpool(store)
    await start_workflow(client, slug, created.id, task_queue)
    return created


async def start_workflow(client, slug: str, authorization_id: int, task_queue: str) -> None:
    """Start a stored authorization's workflow; a failure is logged, not raised."""
    try:
        await auth_client.start_authorization(client, slug, authorization_id, task_queue)
    except Exception as exc:  # noqa: BLE001 (stored; starting again is a no-op, see extend)
        log.warning(
            "authorization %s: workflow start failed: %s", authorization_id, type(exc).__name__
        )


async def extend_authorization(
    session: Session,
    client,
    principal: Principal,
    authorization_id: int,
    body: AuthorizationExtend,
) -> Authorization:
    def store() -> tuple[Authorization, str]:
        row = load_authorization(session, principal, authorization_id, Action.WRITE_CLAIMS)
        try:
            store_auth.extend_authorization(
                session,
                authorization=row,
                end_date=body.end_date,
                approved=body.approved,
                today=today(),
            )
        except store_auth.AuthorizationInputError as exc:
            raise invalid(exc) from None
        session.commit()
        return row, _workflow_id(session, row)

    row, workflow_id = await run_in_threadpool(store)
    extension = Extension(
        end_date=body.end_date.isoformat() if body.end_date else None,
        approved=body.approved,
        user_id=principal.user_id,
    )
    with workflow_refusals("authorization"):
        await auth_client.extend(client, workflow_id, extension)
    return row


async def set_scheduled(
    session: Session, client, principal: Principal, authorization_id: int, body: ScheduledBody
) -> Authorization:
    def store() -> tuple[Authorization, str]:
        row = load_authorization(session, principal, authorization_id, Action.WRITE_CLAIMS)
        try:
            store_auth.set_scheduled(session, authorization=row, dates=body.dates, today=today())
        except store_auth.AuthorizationInputError as exc:
            raise invalid(exc) from None
        session.commit()
        return row, _workflow_id(session, row)

    row, workflow_id = await run_in_threadpool(store)
    await signal_usage(client, workflow_id)
    return row


async def import_schedule(
    session: Session, client, principal: Principal, slug: str, raw: bytes
) -> tuple[int, list[int]]:
    """The practice's schedule as CSV, all or nothing: (visits stored, authorization ids)."""

    def store() -> tuple[int, list[int]]:
        practice = practice_for(session, principal, slug, Action.WRITE_CLAIMS)
        try:
            text = raw.decode("utf-8-sig")
            visits = read_schedule(
                session, io.StringIO(text, newline=""), practice=practice, today=today()
            )
        except UnicodeDecodeError:
            raise Invalid("body: not UTF-8 text") from None
        except ScheduleError as exc:
            raise Invalid(f"body: {exc}") from None
        total = store_schedule(session, visits, today=today())
        session.commit()
        return total, sorted(visits)

    total, ids = await run_in_threadpool(store)
    for authorization_id in ids:
        await signal_usage(client, auth_workflow_id(slug, authorization_id))
    return total, ids


async def signal_usage(client, workflow_id: str) -> None:
    """Best effort: the schedule is stored either way, and the workflow recounts on its next
    input or timer; a lost signal only delays a threshold task."""
    try:
        await auth_client.usage_changed(client, workflow_id)
    except Exception as exc:  # noqa: BLE001
        log.warning("%s: usage_changed not delivered: %s", workflow_id, type(exc).__name__)
