"""The demo's authorization clock: on each `denialdesk dev` start one demo authorization is
re-armed, so its renew_authorization task appears live a minute or two later.

Business dates have day granularity, so nothing expires within minutes by the calendar. What
the authorization clock does react to within the day is usage: scheduled visits the remaining
units no longer cover. So at start the authorization gets a clean slate (its scheduled visits
cleared, its end date well ahead; the open renewal task closes), and after `delay` its
patient's weekly visits for the coming months are scheduled: one more than the units left.
Everything goes through the services layer, as a person's PUT would, and the workflow does the
rest: it recounts on the usage signal and opens the task.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from denialdesk.domain.principal import Principal
from denialdesk.domain.roles import Role
from denialdesk.services import authorizations as auth_service
from denialdesk.store import authorizations as store_auth
from denialdesk.store.models import Authorization, Practice
from denialdesk.store.users import get_user

log = logging.getLogger(__name__)

DELAY_SECONDS = 90.0
# The renewal must come from the schedule, not from the calendar: the end date is pushed
# past the notice period by this much.
END_MARGIN = timedelta(days=150)
DEMO_PRACTICE = "calm-psych"
DEMO_ADMIN = "admin"


@dataclass(frozen=True)
class Rearmed:
    authorization_id: int
    visits: int  # scheduled after the delay


def rearmed_authorization(session: Session) -> Authorization | None:
    """The demo's authorization for the clock: the practice's first active visit-based one
    (the demo seed keeps live claims off it, so only the schedule moves its count)."""
    return session.exec(
        select(Authorization)
        .join(Practice, Practice.id == Authorization.practice_id)
        .where(
            Practice.slug == DEMO_PRACTICE,
            Authorization.status == "active",
            Authorization.unit_type == "visits",
        )
        .order_by(col(Authorization.id))
    ).first()


def _principal(session: Session) -> Principal | None:
    admin = get_user(session, username=DEMO_ADMIN)
    if admin is None:
        return None
    return Principal(admin.id, admin.username, all_practices_role=Role.ADMIN)


async def rearm(
    engine: Engine,
    client,
    *,
    today: date | None = None,
    delay: float = DELAY_SECONDS,
    stop: asyncio.Event | None = None,
) -> Rearmed | None:
    """Clear, wait `delay` seconds (or until `stop`), then schedule the uncovered visits."""
    today = today or auth_service.today()
    with Session(engine) as session:
        row = rearmed_authorization(session)
        principal = _principal(session)
        if row is None or principal is None:
            return None
        auth_id, end_date = row.id, row.end_date
        if end_date < today + END_MARGIN:
            body = auth_service.AuthorizationExtend(end_date=today + END_MARGIN)
            await auth_service.extend_authorization(session, client, principal, auth_id, body)
        cleared = auth_service.ScheduledBody(dates=[])
        await auth_service.set_scheduled(session, client, principal, auth_id, cleared)
    if stop is not None:
        if stop.is_set():
            return None
        try:
            await asyncio.wait_for(stop.wait(), delay)
            return None  # stopped before the clock went off
        except TimeoutError:
            pass
    elif delay:
        await asyncio.sleep(delay)
    with Session(engine) as session:
        row = session.get(Authorization, auth_id)
        left = store_auth.counts(session, authorization=row, today=today).remaining
        visits = max(1, left + 1)
        dates = [today + timedelta(days=7 * (n + 1)) for n in range(visits)]
        dates = dates[: store_auth.MAX_VISITS]
        body = auth_service.ScheduledBody(dates=dates)
        await auth_service.set_scheduled(session, client, principal, auth_id, body)
    log.info("demo clock: authorization %s now has %d scheduled visits", auth_id, len(dates))
    return Rearmed(auth_id, len(dates))
