"""Which claims existed when: the scrub counts a patient's visits this year with a payer that
limits them, as store/claim_input.visits_in_year does (distinct dates of service on the
patient's other claims with that payer, created by then)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from denialdesk.app.demo_history.model import Visit


class VisitLog:
    def __init__(self) -> None:
        self._claims: dict[tuple[int, int], list[tuple[datetime, Visit]]] = defaultdict(list)

    def add(self, visit: Visit, created: datetime) -> None:
        self._claims[(visit.patient.id, visit.coverage.payer_id)].append((created, visit))

    def visits_in_year(self, visit: Visit, year: int, moment: datetime) -> int:
        days: set[date] = set()
        for created, other in self._claims[(visit.patient.id, visit.coverage.payer_id)]:
            if other is visit or created >= moment:
                continue
            days.update(line.service_date for line in other.lines if line.service_date.year == year)
        return len(days)
