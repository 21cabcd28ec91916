"""Task priority: dollars at stake × chance of overturn × how near the hard deadline is.

SPEC section 3. The chance of overturn is a prior per denial category until a practice has
history of its own; the deadline factor rises as the deadline nears, so a small denial about
to lose its appeal window outranks a large one with months to go. `today` is passed in (a
business date), never read from a clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

# Chance that working a denial of this category recovers the money (priors, not history).
OVERTURN_PRIORS: dict[str, float] = {
    "authorization": 0.6,
    "coding": 0.7,
    "missing_info": 0.75,
    "timely_filing": 0.4,
    "medical_necessity": 0.45,
    "eligibility": 0.5,
    "credentialing": 0.5,
    "benefit_limit": 0.35,
    "duplicate": 0.2,
    "other": 0.4,
}
DEFAULT_PRIOR = OVERTURN_PRIORS["other"]
# Past the deadline the option is usually lost, but someone must look at it now (late
# proof, write-off): above anything still in time (the factor is 3 on the last day).
PAST_DUE_FACTOR = 4.0


@dataclass(frozen=True)
class Priority:
    score: float
    reason: str  # "$1,240 · 9 days left"
    days_left: int | None


def overturn_prior(category: str | None) -> float:
    return OVERTURN_PRIORS.get(category or "other", DEFAULT_PRIOR)


def days_left(deadline: date | None, today: date) -> int | None:
    return None if deadline is None else (deadline - today).days


def deadline_factor(days: int | None) -> float:
    """1 with no deadline, 1 + 2/(weeks left + 1) before it: 3 on the day, 2 a week ahead,
    about 1.2 ten weeks ahead; PAST_DUE_FACTOR once it has passed."""
    if days is None:
        return 1.0
    if days < 0:
        return PAST_DUE_FACTOR
    return 1.0 + 2.0 / (days / 7.0 + 1.0)


def priority(
    *, amount: Decimal, category: str | None, deadline: date | None, today: date
) -> Priority:
    days = days_left(deadline, today)
    dollars = max(amount, Decimal(0))
    score = float(dollars) * overturn_prior(category) * deadline_factor(days)
    return Priority(round(score, 2), f"{money_text(dollars)} · {deadline_text(days)}", days)


def money_text(amount: Decimal) -> str:
    """$1,240 for whole dollars, $1,240.50 otherwise."""
    if amount == amount.to_integral_value():
        return f"${amount:,.0f}"
    return f"${amount:,.2f}"


def deadline_text(days: int | None) -> str:
    if days is None:
        return "no deadline"
    if days == 0:
        return "due today"
    if days < 0:
        late = -days
        return f"{late} day{'s' if late != 1 else ''} past due"
    return f"{days} day{'s' if days != 1 else ''} left"
