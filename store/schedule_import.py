"""A practice's schedule as CSV (authorization_number or authorization_id, visit_date): read
and check every row before anything is stored, so an import is all or nothing.

Shared by `denialdesk schedule import` and POST /practices/{slug}/schedule. Errors name the row
(`row N: reason`, the header being row 1) and never quote a cell: a wrong number could be PHI.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from sqlmodel import Session, col, select

from denialdesk.domain import business_dates
from denialdesk.store import authorizations as store_auth
from denialdesk.store.models import Authorization, Practice

MAX_ROWS = 50_000


class ScheduleError(ValueError):
    """A bad schedule; the message is `row N: reason`."""


def read_schedule(
    session: Session, lines: Iterable[str], *, practice: Practice, today: date | None = None
) -> dict[int, list[date]]:
    """Authorization ids of `practice` and the visit dates the rows give each."""
    reader = csv.DictReader(lines)
    columns = set(reader.fieldnames or [])
    key = "authorization_id" if "authorization_id" in columns else "authorization_number"
    if key not in columns or "visit_date" not in columns:
        raise ScheduleError(
            "row 1: columns must be authorization_number (or authorization_id) and visit_date"
        )
    visits: dict[int, list[date]] = defaultdict(list)
    for number, row in enumerate(reader, start=2):
        if number > MAX_ROWS + 1:
            raise ScheduleError(f"row {number}: more than {MAX_ROWS} rows")
        found = _authorization(session, practice, key, (row.get(key) or "").strip())
        if found is None:
            raise ScheduleError(f"row {number}: no such authorization in {practice.slug}")
        try:
            visit = date.fromisoformat((row.get("visit_date") or "").strip())
        except ValueError:
            raise ScheduleError(f"row {number}: visit_date must be YYYY-MM-DD") from None
        try:
            business_dates.check(visit, today=today)
        except business_dates.DateOutOfRange as error:
            raise ScheduleError(f"row {number}: visit_date {error}") from None
        visits[found].append(visit)
    return dict(visits)


def store_schedule(session: Session, visits: dict[int, list[date]], *, today: date) -> int:
    """Replace each listed authorization's scheduled visits; the number of visits stored."""
    total = 0
    for authorization_id, dates in visits.items():
        authorization = session.get(Authorization, authorization_id)
        store_auth.set_scheduled(session, authorization=authorization, dates=dates, today=today)
        total += len(set(dates))
    return total


def _authorization(session: Session, practice: Practice, key: str, value: str) -> int | None:
    query = select(Authorization.id).where(Authorization.practice_id == practice.id)
    if key == "authorization_id":
        if not value.isdigit() or len(value) > 18:
            return None
        return session.exec(query.where(Authorization.id == int(value))).first()
    # A number can repeat (a renewal may keep it): the active, latest-ending one takes visits.
    query = query.where(Authorization.number == value)
    return session.exec(
        query.order_by(Authorization.status, col(Authorization.end_date).desc())
    ).first()
