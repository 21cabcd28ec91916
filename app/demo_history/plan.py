"""The shape of the demo history: which days it covers and how often a payer denied.

Everything counts from `today`, the day the demo is seeded: services end `last_service_days`
before it and begin on the first of the month about nine months earlier, and every claim is
closed by `cutoff` (more than 60 days before today), so no claim needs a running workflow.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

# First-pass denial rate per month of service, oldest first; the last one holds for the rest.
# A practice without denial prevention starts near a third of its claims denied.
DEFAULT_DENIAL_RATES: tuple[float, ...] = (0.35, 0.35, 0.34, 0.34, 0.33, 0.33, 0.32, 0.32, 0.31)


@dataclass(frozen=True)
class HistoryPlan:
    # Chance a claim is denied on its first adjudication, per month of service (oldest first).
    # Prevention rules switched on part-way show up as lower rates from that month on.
    denial_rates: Sequence[float] = DEFAULT_DENIAL_RATES
    span_days: int = 270  # about nine months of services...
    last_service_days: int = 110  # ...ending this long before today...
    closed_days: int = 61  # ...and every claim closed at least this long before today

    def denial_rate(self, month_index: int) -> float:
        rates = self.denial_rates
        rate = rates[min(month_index, len(rates) - 1)]
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"denial rate {rate} is not a probability")
        return rate


@dataclass(frozen=True)
class Window:
    first_service: date
    last_service: date
    cutoff: date  # the last day a claim may close on

    @classmethod
    def of(cls, plan: HistoryPlan, today: date) -> Window:
        last = today - timedelta(days=plan.last_service_days)
        first = (last - timedelta(days=plan.span_days)).replace(day=1)
        return cls(first, last, today - timedelta(days=plan.closed_days))

    def month_index(self, day: date) -> int:
        return (day.year - self.first_service.year) * 12 + day.month - self.first_service.month
