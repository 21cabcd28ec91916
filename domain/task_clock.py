"""The task clock and the deadline clock: SLAs, idle assignments, reminders (SPEC section 3).

Pure rules; the claim workflow owns the timers and calls these with workflow time. Business
dates (deadlines, pend dates) are whole days: a timer for a date fires at the start of that day
in UTC, the same day the activities computed the date in.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from denialdesk.domain.priority import Priority, deadline_text, priority

# Days a task may stay untouched (not assigned, pended or decided) before it escalates to the
# supervisor. Holds are quick fixes and are due sooner than denials, which need research.
SLA_DAYS: dict[str, int] = {
    "scrub_findings": 1,
    "obtain_authorization": 2,
    "work_denial": 3,
    "send_appeal": 2,
    "reopening": 2,
    "payer_follow_up": 2,
}
DEFAULT_SLA_DAYS = 3
# An assignment nobody acted on for this long goes back to the queue.
DEFAULT_IDLE_RELEASE_DAYS = 2
# Escalation multiplies the score and adds a floor, so a task without dollars (a hold) still
# rises above its untouched peers.
ESCALATION_FACTOR = 1.5
ESCALATION_FLOOR = 10.0


def sla_days(kind: str) -> int:
    return SLA_DAYS.get(kind, DEFAULT_SLA_DAYS)


def start_of(day: date) -> datetime:
    """The moment a business date begins (UTC), when its timer fires."""
    return datetime.combine(day, time.min, UTC)


def sla_due(kind: str, touched_at: datetime) -> datetime:
    return touched_at + timedelta(days=sla_days(kind))


def escalated(score: float, reason: str) -> Priority:
    text = reason if reason.startswith("escalated") else f"escalated · {reason}".rstrip(" ·")
    return Priority(round(score * ESCALATION_FACTOR + ESCALATION_FLOOR, 2), text, None)


def nearer_deadline(
    *, current: float, amount: str, category: str | None, deadline: date, today: date, what: str
) -> Priority:
    """The priority of a task as its hard deadline nears: recounted for `today`, never lower
    than it was (an escalation already raised it), and the reason names the deadline."""
    fresh = priority(
        amount=Decimal(amount or "0"), category=category, deadline=deadline, today=today
    )
    money = fresh.reason.split(" · ")[0]
    reason = f"{money} · {what} {deadline_text(fresh.days_left)}"
    return Priority(max(fresh.score, current), reason, fresh.days_left)
