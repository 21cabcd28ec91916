"""Filing and appeal deadlines computed from business dates (service, remittance, decision).

Nothing here reads a clock: every function takes the dates it counts from, so history can be
replayed and tested. The defaults per plan type are the constants below; a payer's own
appeal levels and windows, when set, win over its plan type's defaults.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from denialdesk.domain.claim import AppealLevel, Payer

# Medicare counts appeal windows from receipt of the notice, presumed 5 days after its date.
MEDICARE_RECEIPT_PRESUMPTION_DAYS = 5
DEFAULT_REMINDER_DAYS: tuple[int, ...] = (14, 3)

_A = AppealLevel
_COMMERCIAL = (
    # The provider's window comes from its contract; 180 days is the common one.
    _A(1, "First-level appeal", 180),
    _A(2, "Second-level appeal", 60),
    # Four months after the final internal denial (45 CFR 147.136), not 120 days.
    _A(3, "External review", 120, window_months=4),
)
DEFAULT_APPEAL_LEVELS: dict[str, tuple[AppealLevel, ...]] = {
    "medicare_b": (
        _A(1, "Redetermination", 120),
        _A(2, "Reconsideration by the Qualified Independent Contractor", 180),
        _A(3, "Administrative law judge hearing", 60),
    ),
    # Enrollees get 65 days; providers commonly 60. The earlier date is the safe default.
    "medicare_advantage": (
        _A(1, "Plan reconsideration", 60),
        _A(2, "Administrative law judge hearing (after the independent review entity)", 60),
    ),
    # State rules differ (set them on the payer); 60 and 120 days are the federal managed-care
    # windows for a plan appeal and the state fair hearing after it.
    "medicaid_ffs": (_A(1, "Reconsideration", 60), _A(2, "State fair hearing", 120)),
    "medicaid_mco": (_A(1, "Plan appeal", 60), _A(2, "State fair hearing", 120)),
    "commercial": _COMMERCIAL,
    "erisa": _COMMERCIAL,
}

# Actions fixed by sending the claim again rather than by appealing it.
RESUBMIT_ACTIONS = frozenset(
    {"correct_resubmit", "obtain_retro_authorization", "reverify_eligibility", "fix_credentialing"}
)
# Actions with no deadline of this payer: the patient or another payer is billed next.
NO_PAYER_DEADLINE_ACTIONS = frozenset({"bill_patient", "bill_other_payer", "none"})
# Medicare Part B's action for its untimely-filing denial (CO-29, domain/denials.py): no
# appeal rights; proof of timely filing or an exception request.
TIMELY_PROOF_OR_EXCEPTION = "timely_proof_or_exception"


@dataclass(frozen=True)
class HardDeadline:
    """The date after which an option is lost: `kind` is timely_filing, corrected_claim,
    reopening or appeal (then with the level and its name)."""

    kind: str
    on: date
    level: int | None = None
    name: str = ""


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year + years, day=28)


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it has fewer days."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return day.replace(year=year, month=month, day=min(day.day, last))


def timely_filing_deadline(service_date: date, payer: Payer) -> date:
    """Last day a claim for this service may reach the payer. Medicare Part B counts one
    calendar year from the date of service (42 CFR 424.44), which 365 days gets wrong by a day
    across a leap day; other payers count the days their contract sets."""
    if payer.plan_type == "medicare_b":
        return add_years(service_date, 1)
    return service_date + timedelta(days=payer.timely_filing_days)


def corrected_claim_deadline(
    service_date: date, payer: Payer, last_remit_date: date | None = None
) -> date:
    """A corrected claim must usually arrive within timely filing from the date of service;
    payers that count from the last remittance say so in their rules."""
    from_remit = payer.rules.corrected_claim_days_from_remit
    if from_remit is not None and last_remit_date is not None:
        return last_remit_date + timedelta(days=from_remit)
    return timely_filing_deadline(service_date, payer)


def reopening_deadline(initial_determination: date) -> date:
    """Medicare reopens a claim for any reason within one year of the initial determination."""
    return add_years(initial_determination, 1)


def appeal_levels(payer: Payer) -> tuple[AppealLevel, ...]:
    if payer.appeal_levels:
        return tuple(sorted(payer.appeal_levels, key=lambda level: level.level))
    return DEFAULT_APPEAL_LEVELS.get(payer.plan_type, _COMMERCIAL)


def appeal_level(payer: Payer, level: int) -> AppealLevel | None:
    return next((each for each in appeal_levels(payer) if each.level == level), None)


def appeal_deadline(payer: Payer, level: int, notice_date: date) -> date | None:
    """Last day to file appeal `level` against the notice (remittance or decision) dated
    `notice_date`; None when the payer has no such level."""
    found = appeal_level(payer, level)
    if found is None:
        return None
    counted_from = notice_date
    if payer.plan_type == "medicare_b":
        counted_from += timedelta(days=MEDICARE_RECEIPT_PRESUMPTION_DAYS)
    if found.window_months:
        return add_months(counted_from, found.window_months)
    return counted_from + timedelta(days=found.window_days)


def follow_up_date(submitted_on: date, processing_days: int) -> date:
    """When a payer still silent about a submitted claim gets a follow-up."""
    return submitted_on + timedelta(days=processing_days)


def reminder_dates(
    deadline: date, days_before: Iterable[int] = DEFAULT_REMINDER_DAYS, *, today: date | None = None
) -> tuple[date, ...]:
    """Reminder days before `deadline`, earliest first; with `today`, past ones are dropped."""
    days = sorted({deadline - timedelta(days=n) for n in days_before if n > 0})
    return tuple(day for day in days if today is None or day >= today)


def next_hard_deadline(
    *,
    payer: Payer,
    service_dates: Iterable[date],
    result: str | None = None,
    category: str | None = None,
    action: str | None = None,
    appealable: bool = True,
    remit_date: date | None = None,
    level_reached: int = 0,
) -> HardDeadline | None:
    """The next date that matters for a claim given what the payer last said.

    `result` is the claim payment result (paid, partially_paid, denied, reversal) or None
    before any; `remit_date` the date of the remittance or appeal decision last received;
    `level_reached` the highest appeal level already decided (0: none).
    """
    first_service = min(service_dates)
    timely = HardDeadline("timely_filing", timely_filing_deadline(first_service, payer))
    if result is None or remit_date is None:
        return timely  # not adjudicated yet: the claim must still reach the payer in time
    if result in ("paid", "reversal", "pending"):
        return None
    if action in NO_PAYER_DEADLINE_ACTIONS:
        return None  # the patient (or another payer) is billed next: no deadline of this one
    if action == TIMELY_PROOF_OR_EXCEPTION:
        # No appeal rights; the proof of timely filing goes in as a reopening, within a year.
        return HardDeadline("reopening", reopening_deadline(remit_date))
    if not appealable or action == "new_claim":
        # MA130 and rejections: no appeal rights, a new frequency-1 claim within filing limits.
        return timely
    # A late claim is won only on appeal with proof, whatever else is wrong with it.
    resubmit = action in RESUBMIT_ACTIONS and category != "timely_filing" and level_reached == 0
    if resubmit:
        if payer.correction_method == "reopening":
            return HardDeadline("reopening", reopening_deadline(remit_date))
        if payer.correction_method == "new_claim":
            return timely
        return HardDeadline(
            "corrected_claim", corrected_claim_deadline(first_service, payer, remit_date)
        )
    level = appeal_level(payer, level_reached + 1)
    deadline = appeal_deadline(payer, level_reached + 1, remit_date)
    if level is None or deadline is None:
        return None  # every level is spent
    return HardDeadline("appeal", deadline, level.level, level.name)
