"""Authorizations: create, extend, renew, the practice's scheduled visits, counts, what is expiring.

Keyword-only functions over a session; the caller commits. `used` is recounted from the
AuthorizationUse rows (never incremented), `scheduled` from the future visits not yet billed,
so every count can be rebuilt from the rows at any time; the columns are a cache for lists.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session, col, delete, select

from denialdesk.domain import authorizations as rules
from denialdesk.domain.business_dates import AUTHORIZATION_YEARS_AHEAD, YEARS_AHEAD
from denialdesk.domain.codes.procedures import is_procedure_format, normalize_procedure
from denialdesk.domain.x12.claim_out import IDENTIFIER_RULE, is_identifier
from denialdesk.store.errors import InputError, checked_date
from denialdesk.store.models import (
    Authorization,
    AuthorizationUse,
    Coverage,
    Patient,
    Payer,
    Practice,
    ScheduledVisit,
)

MAX_CODES = 20
MAX_NUMBER = 50  # REF*G1 in the 837P
MAX_VISITS = 1000


class AuthorizationInputError(InputError):
    """Input the API answers with 422, naming the field."""


@dataclass(frozen=True)
class Counts:
    status: str
    unit_type: str
    approved: int
    used: int
    scheduled: int
    remaining: int
    end_date: date
    notice_days: int
    threshold: int
    first_uncovered: date | None


def create_authorization(
    session: Session,
    *,
    practice: Practice,
    coverage_id: int,
    number: str,
    codes: Sequence[str],
    unit_type: str,
    approved: int,
    start_date: date,
    end_date: date,
    today: date | None = None,
) -> Authorization:
    coverage = session.get(Coverage, coverage_id)
    patient = session.get(Patient, coverage.patient_id) if coverage else None
    if patient is None or patient.practice_id != practice.id:
        raise AuthorizationInputError("coverage_id", "no such coverage in this practice")
    number = number.strip()
    if not number:
        raise AuthorizationInputError("number", "must not be blank")
    if not is_identifier(number, MAX_NUMBER):
        # It goes out in the 837P (REF*G1) exactly as given: refuse what the writer would.
        raise AuthorizationInputError("number", f"{IDENTIFIER_RULE}, {MAX_NUMBER} max")
    checked = _codes(codes)
    if unit_type not in rules.UNIT_TYPES:
        raise AuthorizationInputError("unit_type", "must be visits, units or days")
    if approved <= 0:
        raise AuthorizationInputError("approved", "must be greater than 0")
    _dates(start_date=start_date, end_date=end_date, today=today)
    if start_date > end_date:
        raise AuthorizationInputError("end_date", "must not be before start_date")
    row = Authorization(
        practice_id=practice.id,
        coverage_id=coverage.id,
        number=number,
        codes=checked,
        unit_type=unit_type,
        approved=approved,
        start_date=start_date,
        end_date=end_date,
    )
    session.add(row)
    session.flush()
    return row


def extend_authorization(
    session: Session,
    *,
    authorization: Authorization,
    end_date: date | None,
    approved: int | None,
    today: date,
) -> Authorization:
    """Move the end date later and/or approve more units; never backwards (a payer shortens
    an authorization by issuing a new one, and units already billed cannot be taken back)."""
    if end_date is None and approved is None:
        raise AuthorizationInputError("end_date", "end_date or approved is required")
    if end_date is not None:
        _dates(end_date=end_date, today=today)
    if end_date is not None and end_date < authorization.end_date:
        raise AuthorizationInputError("end_date", "must not be before the current end date")
    if approved is not None and approved < authorization.approved:
        raise AuthorizationInputError("approved", "must not be below the current approval")
    if end_date is not None:
        authorization.end_date = end_date
        if authorization.status == "expired" and end_date >= today:
            authorization.status = "active"
    if approved is not None:
        authorization.approved = approved
    refresh_counts(session, authorization=authorization, today=today)
    return authorization


def renew_authorization(
    session: Session,
    *,
    old: Authorization,
    practice: Practice,
    today: date,
    number: str,
    codes: Sequence[str],
    unit_type: str,
    approved: int,
    start_date: date,
    end_date: date,
) -> Authorization:
    """The payer's new authorization that follows `old` (same coverage): stored, and the
    scheduled visits from its start to its end move onto it, so they stop counting against
    the old one (which stays valid to its own end date for the visits before). Recording
    the same number and start date again returns the stored one."""
    if start_date <= old.start_date:
        raise AuthorizationInputError("start_date", f"must be after {old.start_date}")
    same = session.exec(
        select(Authorization).where(
            Authorization.coverage_id == old.coverage_id,
            Authorization.number == number.strip(),
            Authorization.start_date == start_date,
        )
    ).first()
    if same is not None:
        return same  # recorded already (a retry after the workflow was not reached)
    new = create_authorization(
        session, practice=practice, coverage_id=old.coverage_id, number=number, codes=codes,
        unit_type=unit_type, approved=approved, start_date=start_date, end_date=end_date,
        today=today,
    )  # fmt: skip
    moving = select(ScheduledVisit).where(
        ScheduledVisit.authorization_id == old.id,
        col(ScheduledVisit.visit_date) >= start_date,
        col(ScheduledVisit.visit_date) <= end_date,
    )
    for visit in session.exec(moving).all():
        visit.authorization_id = new.id
        session.add(visit)
    session.flush()
    refresh_counts(session, authorization=old, today=today)
    refresh_counts(session, authorization=new, today=today)
    return new


def set_scheduled(
    session: Session, *, authorization: Authorization, dates: Iterable[date], today: date
) -> Counts:
    """Replace the authorization's scheduled visits with `dates` (duplicates collapse)."""
    unique = sorted(set(dates))
    if len(unique) > MAX_VISITS:
        raise AuthorizationInputError("dates", f"at most {MAX_VISITS} visits")
    for index, visit in enumerate(unique):
        _dates(**{f"dates[{index}]": visit}, today=today)
    session.exec(delete(ScheduledVisit).where(ScheduledVisit.authorization_id == authorization.id))
    for visit in unique:
        session.add(ScheduledVisit(authorization_id=authorization.id, visit_date=visit))
    session.flush()
    return refresh_counts(session, authorization=authorization, today=today)


def counts(session: Session, *, authorization: Authorization, today: date) -> Counts:
    return _counts(session, authorization, today=today)


def counts_for_claim(
    session: Session,
    *,
    authorization: Authorization,
    claim_id: int,
    service_dates: Iterable[date],
    today: date,
) -> Counts:
    """The counts as a claim being scrubbed must see them: without its own uses (a corrected
    claim draws them again, it does not add to them) and without the scheduled visits on its
    own dates of service (the claim bills that visit)."""
    return _counts(
        session, authorization, today=today, claim_id=claim_id, claim_dates=set(service_dates)
    )


def _counts(
    session: Session,
    authorization: Authorization,
    *,
    today: date,
    claim_id: int | None = None,
    claim_dates: set[date] | frozenset[date] = frozenset(),
) -> Counts:
    query = select(AuthorizationUse.service_date, AuthorizationUse.units).where(
        AuthorizationUse.authorization_id == authorization.id,
        col(AuthorizationUse.released).is_(False),
    )
    if claim_id is not None:
        query = query.where(AuthorizationUse.claim_id != claim_id)
    used_rows = session.exec(query).all()
    visits = session.exec(
        select(ScheduledVisit.visit_date).where(ScheduledVisit.authorization_id == authorization.id)
    ).all()
    practice = session.get(Practice, authorization.practice_id)
    coverage = session.get(Coverage, authorization.coverage_id)
    payer = session.get(Payer, coverage.payer_id) if coverage else None
    return _tally(
        authorization,
        used_rows,
        visits,
        practice=practice,
        payer_rules=payer.rules if payer else {},
        today=today,
        claim_dates=claim_dates,
    )


def counts_many(
    session: Session, *, authorizations: Sequence[Authorization], today: date
) -> dict[int, Counts]:
    """counts() of each of `authorizations` (by id), read in four queries whatever their
    number: for lists."""
    ids = [row.id for row in authorizations]
    if not ids:
        return {}
    uses: dict[int, list[tuple[date, int]]] = defaultdict(list)
    use = AuthorizationUse
    for authorization_id, day, units in session.exec(
        select(use.authorization_id, use.service_date, use.units)
        .where(col(use.authorization_id).in_(ids))
        .where(col(use.released).is_(False))
    ):
        uses[authorization_id].append((day, units))
    visits: dict[int, list[date]] = defaultdict(list)
    for authorization_id, day in session.exec(
        select(ScheduledVisit.authorization_id, ScheduledVisit.visit_date).where(
            col(ScheduledVisit.authorization_id).in_(ids)
        )
    ):
        visits[authorization_id].append(day)
    practice_ids = {row.practice_id for row in authorizations}
    practices = {
        practice.id: practice
        for practice in session.exec(select(Practice).where(col(Practice.id).in_(practice_ids)))
    }
    coverage_ids = {row.coverage_id for row in authorizations}
    payer_rules = dict(
        session.exec(
            select(Coverage.id, Payer.rules)
            .join(Payer, col(Payer.id) == Coverage.payer_id)
            .where(col(Coverage.id).in_(coverage_ids))
        ).all()
    )
    return {
        row.id: _tally(
            row,
            uses[row.id],
            visits[row.id],
            practice=practices[row.practice_id],
            payer_rules=payer_rules.get(row.coverage_id) or {},
            today=today,
        )
        for row in authorizations
    }


def _tally(
    authorization: Authorization,
    used_rows: Sequence[tuple[date, int]],
    visits: Sequence[date],
    *,
    practice: Practice,
    payer_rules: dict,
    today: date,
    claim_dates: set[date] | frozenset[date] = frozenset(),
) -> Counts:
    """The counts from the authorization's rows: its unreleased uses (date, units) and its
    scheduled visit dates."""
    used = sum(units for _, units in used_rows)
    billed = {day for day, _ in used_rows} | claim_dates
    # A visit already on a submitted claim is counted in `used`, not again as scheduled.
    future = [v for v in visits if v >= today and v not in billed]
    # A units authorization: each visit draws a session of its code, not one unit.
    per_visit = rules.units_per_visit(authorization.unit_type, authorization.codes or ())
    scheduled = len(future) * per_visit
    return Counts(
        status=authorization.status,
        unit_type=authorization.unit_type,
        approved=authorization.approved,
        used=used,
        scheduled=scheduled,
        remaining=rules.remaining(authorization.approved, used, scheduled),
        end_date=authorization.end_date,
        notice_days=rules.notice_days(practice.renewal_notice_days, payer_rules),
        threshold=practice.renewal_threshold,
        first_uncovered=rules.first_uncovered(
            future,
            today=today,
            capacity=authorization.approved - used,
            end_date=authorization.end_date,
            per_visit=per_visit,
        ),
    )


def refresh_counts(session: Session, *, authorization: Authorization, today: date) -> Counts:
    """Recount and store used/scheduled on the row (what lists and GET show)."""
    found = counts(session, authorization=authorization, today=today)
    authorization.used, authorization.scheduled = found.used, found.scheduled
    session.add(authorization)
    session.flush()
    return found


@dataclass(frozen=True)
class Expiring:
    authorization_id: int
    number: str
    practice: str
    end_date: date
    remaining: int
    unit_type: str
    status: str


def expiring(
    session: Session,
    *,
    within_days: int,
    today: date,
    practice_ids: Sequence[int] | None = None,
) -> list[Expiring]:
    """Active authorizations ending within `within_days` of today, or already past their end
    but not yet marked (the workflow may be behind), soonest first."""
    query = (
        select(Authorization, Practice.slug)
        .join(Practice, Practice.id == Authorization.practice_id)
        .where(Authorization.status == "active")
        .where(Authorization.end_date <= today + timedelta(days=within_days))
        .order_by(Authorization.end_date, Authorization.id)
    )
    if practice_ids is not None:
        query = query.where(col(Authorization.practice_id).in_(list(practice_ids)))
    return [
        Expiring(row.id, row.number, slug, row.end_date, row.remaining, row.unit_type, row.status)
        for row, slug in session.exec(query)
    ]


def _codes(codes: Sequence[str]) -> list[str]:
    if not codes:
        raise AuthorizationInputError("codes", "at least one procedure code is required")
    if len(codes) > MAX_CODES:
        raise AuthorizationInputError("codes", f"at most {MAX_CODES} codes")
    checked = []
    for index, code in enumerate(codes):
        if not is_procedure_format(code):
            raise AuthorizationInputError(f"codes[{index}]", "not a CPT or HCPCS code")
        checked.append(normalize_procedure(code))
    return list(dict.fromkeys(checked))


def _dates(*, today: date | None, **named: date) -> None:
    """Authorization dates in range: an end date up to five years ahead, the others two."""
    for field, value in named.items():
        years = AUTHORIZATION_YEARS_AHEAD if field == "end_date" else YEARS_AHEAD
        try:
            checked_date(field, value, today=today, years=years)
        except InputError as error:
            raise AuthorizationInputError(error.field, error.message) from None
