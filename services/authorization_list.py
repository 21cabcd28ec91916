"""The authorizations a person may read, for the Authorizations page: who and what each one
covers, its burn-down (the counts of store/authorizations, as the task page and the workflow
count them), where it stands, and one authorization in full. Read-only; extending is
services/authorizations.extend_authorization.

Where it stands, in this order: expired (ended, or marked so by its workflow), exhausted
(nothing left once the scheduled visits are counted), expiring soon (inside its renewal notice,
the day the workflow opens a renewal task), else active.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session

from denialdesk.domain import authorizations as rules
from denialdesk.domain.principal import Principal
from denialdesk.domain.roles import Action
from denialdesk.services.access import practice_for, practices_where
from denialdesk.services.authorizations import load_authorization
from denialdesk.store import authorization_list as store_list
from denialdesk.store import authorizations as store_auth
from denialdesk.store.authorization_list import LinkedClaim, Listed, OpenTask

STATUSES = {
    "active": "active",
    "expiring": "expiring soon",
    "exhausted": "exhausted",
    "expired": "expired",
}
SORTS = ("end", "remaining")
# Statuses that need the counts to tell apart: the list reads every candidate's counts.
_COUNTED = ("active", "expiring", "exhausted")


@dataclass(frozen=True)
class AuthorizationQuery:
    """What the page asks for. `status` None: every current one (not expired)."""

    practice: str | None = None  # slug
    payer: int | None = None
    status: str | None = None
    within_days: int | None = None  # ending within this many days of today
    number: str | None = None
    sort: str = "end"  # end (soonest first; latest first for expired) | remaining (fewest)


@dataclass(frozen=True)
class AuthorizationRow:
    id: int
    practice_id: int
    practice: str
    payer: str
    patient: str
    number: str
    codes: list[str]
    unit_type: str
    start_date: date
    end_date: date
    approved: int
    used: int
    scheduled: int
    remaining: int
    threshold: int
    notice_days: int
    days_left: int  # negative once ended
    status: str  # a key of STATUSES
    claims: int


@dataclass(frozen=True)
class AuthorizationPage:
    items: list[AuthorizationRow]
    next_key: tuple[str, int] | None  # for services/cursors.encode_key, with cursor_sort()


def patient_name(first_name: str, last_name: str) -> str:
    """How a patient is named on the pages: "Last, First", as billing lists sort them."""
    return f"{last_name}, {first_name}"


def standing(counts: store_auth.Counts, today: date) -> str:
    if counts.status == "expired" or counts.end_date < today:
        return "expired"
    if counts.remaining <= 0:
        return "exhausted"
    if today >= rules.notice_date(counts.end_date, counts.notice_days):
        return "expiring"
    return "active"


def sort_of(query: AuthorizationQuery) -> str:
    """The order the list is in: expired ones only by end date (latest first), since there are
    years of them and what was left of them matters no more."""
    return "end" if query.status == "expired" else query.sort


def cursor_sort(query: AuthorizationQuery) -> str:
    """The sort a cursor belongs to: a page of one order never continues another."""
    return f"{sort_of(query)}:{'ended' if query.status == 'expired' else 'current'}"


def list_authorizations(
    session: Session,
    principal: Principal,
    query: AuthorizationQuery,
    *,
    today: date,
    after: tuple[str | None, int] | None = None,
    limit: int = 50,
) -> AuthorizationPage:
    """One page of the authorizations of the caller's practices. NotFound: a practice the
    caller cannot read; ValueError: a cursor that does not fit the query."""
    practice_ids = practices_where(principal, Action.READ_WORK)
    practice_id = None
    if query.practice is not None:
        practice_id = practice_for(session, principal, query.practice, Action.READ_WORK).id
    ends_by = None if query.within_days is None else today + timedelta(days=query.within_days)
    where = store_list.AuthorizationFilter(
        practice_id=practice_id,
        payer_id=query.payer,
        number=query.number,
        ended=query.status == "expired",
        ends_by=ends_by,
    )
    sort = sort_of(query)
    start = None if after is None else _parse_key(after, sort)
    if query.status in _COUNTED or sort == "remaining":
        # Where each stands and what is left come from the counts: count every current
        # candidate (in four queries), then filter, order and page here.
        listed = store_list.list_authorizations(
            session, practice_ids=practice_ids, where=where, today=today
        )
        found = _counted(session, listed, today)
        if query.status is not None:
            found = [entry for entry in found if entry.status == query.status]
        key = _remaining_key if sort == "remaining" else _end_key
        found.sort(key=key)
        if start is not None:
            found = [entry for entry in found if key(entry) > start]
        page, more = found[:limit], len(found) > limit
    else:
        # Every row is a row of the result: page in SQL, count the page only.
        listed = store_list.list_authorizations(
            session, practice_ids=practice_ids, where=where, today=today, after=start,
            limit=limit + 1,
        )  # fmt: skip
        page, more = _counted(session, listed[:limit], today), len(listed) > limit
    claims = store_list.claim_counts(session, [entry.item.authorization.id for entry in page])
    items = [_row(entry, claims.get(entry.item.authorization.id, 0), today) for entry in page]
    next_key = _cursor_key(items[-1], sort) if more and items else None
    return AuthorizationPage(items=items, next_key=next_key)


@dataclass(frozen=True)
class _Counted:
    item: Listed
    counts: store_auth.Counts
    status: str


def _counted(session: Session, listed: list[Listed], today: date) -> list[_Counted]:
    rows = [item.authorization for item in listed]
    counted = store_auth.counts_many(session, authorizations=rows, today=today)
    found = []
    for item in listed:
        counts = counted[item.authorization.id]
        found.append(_Counted(item, counts, standing(counts, today)))
    return found


def _end_key(entry: _Counted) -> tuple:
    return (entry.item.authorization.end_date, entry.item.authorization.id)


def _remaining_key(entry: _Counted) -> tuple:
    row = entry.item.authorization
    return (entry.counts.remaining, row.end_date, row.id)


def _cursor_key(row: AuthorizationRow, sort: str) -> tuple[str, int]:
    if sort == "remaining":
        return (f"{row.remaining}/{row.end_date.isoformat()}", row.id)
    return (row.end_date.isoformat(), row.id)


def _parse_key(after: tuple[str | None, int], sort: str) -> tuple:
    """The sort key a cursor names; ValueError when it is not one of ours."""
    value, row_id = after
    if value is None:
        raise ValueError("not a cursor of this list")
    if sort == "remaining":
        remaining, _, end = value.partition("/")
        return (int(remaining), date.fromisoformat(end), row_id)
    return (date.fromisoformat(value), row_id)


def _row(entry: _Counted, claims: int, today: date) -> AuthorizationRow:
    item, counts, row = entry.item, entry.counts, entry.item.authorization
    return AuthorizationRow(
        id=row.id,
        practice_id=row.practice_id,
        practice=item.practice,
        payer=item.payer,
        patient=patient_name(item.patient_first_name, item.patient_last_name),
        number=row.number,
        codes=list(row.codes or ()),
        unit_type=row.unit_type,
        start_date=row.start_date,
        end_date=row.end_date,
        approved=counts.approved,
        used=counts.used,
        scheduled=counts.scheduled,
        remaining=counts.remaining,
        threshold=counts.threshold,
        notice_days=counts.notice_days,
        days_left=(row.end_date - today).days,
        status=entry.status,
        claims=claims,
    )


@dataclass(frozen=True)
class Visit:
    day: date
    covered: bool


@dataclass(frozen=True)
class AuthorizationDetail:
    row: AuthorizationRow
    notice_date: date  # when the workflow opens the renewal task
    first_uncovered: date | None
    visits: list[Visit]  # today's and later, in date order
    claims: list[LinkedClaim]
    tasks: list[OpenTask]  # the authorization's own open tasks (its renewal)
    may_extend: bool


def authorization_detail(
    session: Session, principal: Principal, authorization_id: int, *, today: date
) -> AuthorizationDetail:
    """One authorization of the caller's practices; NotFound for any other."""
    authorization = load_authorization(session, principal, authorization_id, Action.READ_WORK)
    where = store_list.AuthorizationFilter(authorization_id=authorization.id, ended=None)
    (item,) = store_list.list_authorizations(session, practice_ids=None, where=where, today=today)
    # The task page's call, so both pages show the same numbers.
    counts = store_auth.counts(session, authorization=authorization, today=today)
    claims = store_list.linked_claims(session, authorization.id)
    uncovered = counts.first_uncovered
    visits = [
        Visit(day, covered=uncovered is None or day < uncovered)
        for day in store_list.scheduled_visits(session, authorization.id, since=today)
    ]
    row = _row(_Counted(item, counts, standing(counts, today)), len(claims), today)
    return AuthorizationDetail(
        row=row,
        notice_date=rules.notice_date(counts.end_date, counts.notice_days),
        first_uncovered=uncovered,
        visits=visits,
        claims=claims,
        tasks=list(store_list.open_tasks(session, authorization.id)),
        may_extend=principal.may(authorization.practice_id, Action.WRITE_CLAIMS),
    )
