"""`denialdesk authorizations expiring` and `denialdesk schedule import`.

The CLI acts for the billing company, so it sees every practice. Output names authorization
numbers, practices, dates and counts: never a patient. The schedule import is all or nothing:
every row is checked first, and any bad row prints `FILE: row N: reason` and stores nothing.
"""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TextIO

from sqlmodel import Session, select

from denialdesk.app.cli import CLIError
from denialdesk.app.settings import Settings, SettingsError
from denialdesk.app.temporal import TemporalUnreachable, connect
from denialdesk.contracts.authorization import auth_workflow_id
from denialdesk.store import authorizations as store_auth
from denialdesk.store.db import make_engine, session_scope
from denialdesk.store.migrate import upgrade
from denialdesk.store.models import Practice
from denialdesk.store.schedule_import import ScheduleError, read_schedule, store_schedule
from denialdesk.workflows import auth_client


def expiring(
    settings: Settings,
    *,
    days: int,
    practice: str | None,
    as_json: bool,
    today: date | None = None,
    out: TextIO | None = None,
) -> int:
    out = out or sys.stdout
    if days < 0:
        raise CLIError("--days must be 0 or more")
    today = today or datetime.now(UTC).date()
    engine = make_engine(settings.db_url)
    upgrade(engine)
    with session_scope(engine) as session:
        ids = None if practice is None else [_practice(session, practice).id]
        rows = store_auth.expiring(session, within_days=days, today=today, practice_ids=ids)
    engine.dispose()
    if as_json:
        items = [
            {
                "id": r.authorization_id,
                "number": r.number,
                "practice": r.practice,
                "end_date": r.end_date.isoformat(),
                "remaining": r.remaining,
                "unit_type": r.unit_type,
            }
            for r in rows
        ]
        print(json.dumps({"items": items}, indent=2), file=out)
        return 0
    if not rows:
        print(f"no authorization ends by {(today + timedelta(days=days)).isoformat()}", file=out)
        return 0
    print(f"{'number':<20} {'practice':<24} {'end date':<10}  remaining", file=out)
    for r in rows:
        left = f"{r.remaining} {r.unit_type}"
        print(f"{r.number:<20} {r.practice:<24} {r.end_date.isoformat():<10}  {left}", file=out)
    return 0


def import_schedule(
    settings: Settings,
    path: str,
    *,
    practice: str,
    today: date | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    today = today or datetime.now(UTC).date()
    engine = make_engine(settings.db_url)
    upgrade(engine)
    with session_scope(engine) as session:
        found = _practice(session, practice)
        try:
            with Path(path).open(newline="", encoding="utf-8-sig") as handle:
                visits = read_schedule(session, handle, practice=found, today=today)
        except OSError as exc:
            raise CLIError(f"{path}: cannot read: {exc.strerror}") from None
        except (ScheduleError, UnicodeDecodeError) as exc:
            reason = exc if isinstance(exc, ScheduleError) else "not UTF-8 text"
            raise CLIError(f"{path}: {reason}") from None
        total = store_schedule(session, visits, today=today)
        told = [auth_workflow_id(found.slug, authorization_id) for authorization_id in visits]
    engine.dispose()
    print(f"{path}: {total} visits under {len(told)} authorizations", file=out)
    _tell(settings, told, err)
    return 0


def _practice(session: Session, slug: str) -> Practice:
    found = session.exec(select(Practice).where(Practice.slug == slug)).first()
    if found is None:
        raise CLIError(f"no practice {slug!r}")
    return found


def _tell(settings: Settings, workflow_ids: list[str], err: TextIO) -> None:
    async def run() -> None:
        client = await connect(settings)
        for workflow_id in workflow_ids:
            await auth_client.usage_changed(client, workflow_id)

    if not workflow_ids:
        return
    try:
        asyncio.run(run())
    except Exception as exc:  # noqa: BLE001 (stored; each workflow recounts on its next timer)
        known = isinstance(exc, SettingsError | TemporalUnreachable)
        print(
            f"note: schedule stored; workflows not told ({exc if known else type(exc).__name__})",
            file=err,
        )
