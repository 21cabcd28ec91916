"""What a submitted claim draws from its authorization (SPEC section 1: used = distinct service
dates, or units, or days, of submitted, non-voided claims under it).

Rewritten on every submission of the claim, so a replacement that drops a date or moves to
another authorization (a retro-authorization attached on correction) gives the old units back,
and a void (frequency 8) gives them all back.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import ROUND_CEILING, Decimal

from sqlmodel import Session, select

from denialdesk.store.authorizations import refresh_counts
from denialdesk.store.models import Authorization, AuthorizationUse, ServiceLine


def record_claim_use(
    session: Session,
    *,
    claim_id: int,
    authorization_id: int | None,
    lines: list[ServiceLine],
    voided: bool,
    today: date,
) -> list[int]:
    """Bring the claim's AuthorizationUse rows in line with this submission; the ids of the
    authorizations whose counts changed (their workflows should recount)."""
    authorization = session.get(Authorization, authorization_id) if authorization_id else None
    wanted: dict[date, int] = {}
    if authorization is not None and not voided:
        wanted = _units_by_date(authorization, lines)
    touched: set[int] = set()
    for use in session.exec(select(AuthorizationUse).where(AuthorizationUse.claim_id == claim_id)):
        keep = use.authorization_id == authorization_id and use.service_date in wanted
        units = wanted.pop(use.service_date, use.units) if keep else use.units
        if use.released == keep or use.units != units:
            use.released, use.units = not keep, units
            session.add(use)
            touched.add(use.authorization_id)
    for service_date, units in wanted.items():
        session.add(
            AuthorizationUse(
                authorization_id=authorization_id,
                claim_id=claim_id,
                service_date=service_date,
                units=units,
            )
        )
        touched.add(authorization_id)
    session.flush()
    for changed_id in sorted(touched):
        refresh_counts(session, authorization=session.get(Authorization, changed_id), today=today)
    return sorted(touched)


def _units_by_date(authorization: Authorization, lines: list[ServiceLine]) -> dict[date, int]:
    covered = [
        line
        for line in lines
        if (not authorization.codes or line.code in authorization.codes)
        and authorization.start_date <= line.service_date <= authorization.end_date
    ]
    if authorization.unit_type != "units":
        # Visits and days: one per distinct date of service.
        return {line.service_date: 1 for line in covered}
    units: dict[date, Decimal] = defaultdict(Decimal)
    for line in covered:
        units[line.service_date] += Decimal(line.units)
    return {day: int(total.to_integral_value(ROUND_CEILING)) for day, total in units.items()}
