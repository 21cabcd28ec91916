"""The authorizations the history's claims drew on: earlier periods of the ones the seed wrote.

A payer that requires an authorization for a code (its rules' auth_required_codes) had one on
every claim billing it: the patient's authorization for those codes, renewed when it ran out of
units or days. Each period ends before the seeded (current) authorization for the same codes
begins, and before today, so all of them are expired and none needs a workflow.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal
from typing import NamedTuple

from denialdesk.app.demo_history.context import PracticeContext
from denialdesk.app.demo_history.model import HistoricAuthorization, Line, Visit


class Kind(NamedTuple):
    codes: tuple[str, ...]
    unit_type: str
    approved: int
    days: int  # how long a period runs


# What one authorization covers, as the seed writes them (app/seed.py).
KINDS = (
    Kind(("90837",), "visits", 24, 180),
    Kind(("96130", "96131"), "units", 4, 60),
    Kind(("H0015",), "days", 36, 120),
    Kind(("H0004",), "units", 48, 120),
)


class AuthorizationLedger:
    def __init__(self, ctx: PracticeContext, rng: random.Random, latest_end: date) -> None:
        self.ctx, self.rng, self.latest_end = ctx, rng, latest_end
        self.current: dict[tuple[int, tuple[str, ...]], HistoricAuthorization] = {}
        self.made: list[HistoricAuthorization] = []

    def attach(self, visit: Visit) -> int | None:
        """Attach the authorization the visit needs (renewed if need be) and draw its units;
        the units used before it (what the scrubber saw), or None when the visit needs none."""
        required = set(self.ctx.payers[visit.plan].rules.get("auth_required_codes", []))
        needing = [line for line in visit.lines if line.code in required]
        if not needing:
            return None
        kind = next(k for k in KINDS if needing[0].code in k.codes)
        units = units_by_date(kind.unit_type, [ln for ln in needing if ln.code in kind.codes])
        need = sum(units.values())
        key = (visit.coverage.id, kind.codes)
        auth = self.current.get(key)
        if auth is None or visit.last_service > auth.end or auth.approved - auth.used < need:
            auth = self._renew(visit, kind, auth)
            self.current[key] = auth
        used_before = auth.used
        auth.used += need
        auth.last_used = max(auth.last_used or visit.last_service, visit.last_service)
        visit.authorization = auth
        auth.uses.extend((visit, day, count) for day, count in sorted(units.items()))
        return used_before

    def _renew(
        self, visit: Visit, kind: Kind, before: HistoricAuthorization | None
    ) -> HistoricAuthorization:
        """A new period from about the visit on; the one before (run out of units, or past its
        end) is shortened so that periods never overlap."""
        coverage = visit.coverage
        start = visit.first_service - timedelta(days=self.rng.randint(0, 10))
        start = max(start, coverage.effective_from)
        if before is not None:
            start = max(start, (before.last_used or before.start) + timedelta(days=1))
            before.end = min(before.end, start - timedelta(days=1))
        end = min(start + timedelta(days=kind.days - 1), self._end_before_seeded(visit, kind))
        if end < visit.last_service or start > visit.first_service:
            raise RuntimeError("a history visit falls outside every authorization period")
        prefix = "PA" if visit.plan == "medicaid" else "A"
        auth = HistoricAuthorization(
            coverage=coverage,
            number=prefix + "".join(self.rng.choices("0123456789", k=9)),
            codes=kind.codes,
            unit_type=kind.unit_type,
            approved=kind.approved,
            start=start,
            end=end,
        )
        self.made.append(auth)
        return auth

    def _end_before_seeded(self, visit: Visit, kind: Kind) -> date:
        starts = [
            a.start_date
            for a in self.ctx.seeded_authorizations
            if a.coverage_id == visit.coverage.id and set(a.codes) & set(kind.codes)
        ]
        return min([self.latest_end, *(s - timedelta(days=1) for s in starts)])


def units_by_date(unit_type: str, lines: list[Line]) -> dict[date, int]:
    """What a claim draws per date of service, as store/authorization_uses.py counts it."""
    if unit_type != "units":
        return {line.service_date: 1 for line in lines}
    totals: dict[date, Decimal] = {}
    for line in lines:
        totals[line.service_date] = totals.get(line.service_date, Decimal(0)) + line.units
    return {day: int(total.to_integral_value(ROUND_CEILING)) for day, total in totals.items()}
