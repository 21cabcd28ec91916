"""The demo's recent claims: about two hundred and fifty visits of the last three months,
stored as new claims exactly as the API stores them (store.claims.create_claim, the same
checks), whose workflows then run live: the worker's sweep (app/relay.py) or `denialdesk dev`
starts them, they are scrubbed and sent, and the simulated payers answer them.

The history (app/demo_history) holds what closed long ago; these are the claims still being
worked, so the worklist opens on denials with their deadlines still ahead.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from denialdesk.app.demo_data import PRACTICES, SEED
from denialdesk.app.demo_history import context
from denialdesk.app.demo_history.care import CarePlanner
from denialdesk.app.demo_history.model import Visit
from denialdesk.app.demo_history.plan import Window
from denialdesk.app.demo_history.progress import progress_bar
from denialdesk.store import claims as store_claims
from denialdesk.store.db import session_scope
from denialdesk.store.models import Authorization, Claim

LIVE_CLAIMS = 320  # over the two practices (DENIALDESK_DEMO_LIVE_CLAIMS)
LIVE_DAYS = 95  # services of the last three months or so...
NEWEST_DAYS = 2  # ...up to two days ago (the office bills the next weekday)


def live_window(today: date) -> Window:
    return Window(today - timedelta(days=LIVE_DAYS), today - timedelta(days=NEWEST_DAYS), today)


def write_live_claims(
    engine: Engine,
    *,
    today: date,
    count: int = LIVE_CLAIMS,
    show_progress: bool | None = None,
    keep_off: set[int] | None = None,
) -> int:
    """Store the recent claims (none when the practice already has some); returns how many.
    `keep_off`: coverage ids whose authorization must move only by its schedule (demo clock)."""
    window = live_window(today)
    made = 0
    with session_scope(engine) as session, progress_bar(show_progress) as steps:
        for spec in PRACTICES:
            ctx = context.load(session, spec["slug"])
            if ctx is None or _has_live(session, ctx.practice.id, window):
                continue
            rng = random.Random(f"{SEED}:live:{ctx.slug}")  # noqa: S311 (reproducible)
            visits = [
                v
                for v in CarePlanner(ctx, rng, window).visits()
                if v.coverage.id not in (keep_off or set())
            ]
            chosen = sorted(
                rng.sample(visits, min(len(visits), count // len(PRACTICES))),
                key=lambda v: (v.first_service, v.patient.id),
            )
            tick = steps.step(f"{ctx.slug}: recent claims", len(chosen))
            for visit in chosen:
                made += _store(session, ctx, visit, today)
                tick(1)
    return made


def _has_live(session: Session, practice_id: int, window: Window) -> bool:
    return (
        session.exec(
            select(Claim.id).where(
                Claim.practice_id == practice_id,
                col(Claim.first_service_date) >= window.first_service,
            )
        ).first()
        is not None
    )


def _store(session: Session, ctx, visit: Visit, today: date) -> int:
    try:
        with session.begin_nested():  # a visit the checks refuse leaves nothing behind
            store_claims.create_claim(
                session,
                practice=ctx.practice,
                patient_id=visit.patient.id,
                coverage_id=visit.coverage.id,
                provider_id=visit.provider.id,
                authorization_id=_authorization(session, visit),
                diagnoses=list(visit.diagnoses),
                lines=[
                    {
                        "service_date": line.service_date,
                        "code": line.code,
                        "modifiers": list(line.modifiers),
                        "units": line.units,
                        "minutes": line.minutes,
                        "charge": line.charge,
                        "place_of_service": line.place,
                        "dx_pointers": list(line.pointers),
                    }
                    for line in visit.lines
                ],
                user_id=ctx.users.get("integration"),
                today=today,
            )
    except store_claims.ClaimInputError:
        return 0
    return 1


def _authorization(session: Session, visit: Visit) -> int | None:
    """The patient's authorization in force for the visit's codes, as the practice attaches."""
    codes = {line.code for line in visit.lines}
    for row in session.exec(
        select(Authorization)
        .where(Authorization.coverage_id == visit.coverage.id)
        .order_by(col(Authorization.id))
    ):
        if codes & set(row.codes) and row.start_date <= visit.first_service <= row.end_date:
            return row.id
    return None
