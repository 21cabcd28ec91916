"""Deadlines: timely filing, appeal windows per plan type, reminders, follow-ups, next hard one."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from test_scrub_builders import payer

from denialdesk.domain.claim import AppealLevel
from denialdesk.domain.deadlines import (
    DEFAULT_APPEAL_LEVELS,
    HardDeadline,
    add_years,
    appeal_deadline,
    appeal_levels,
    corrected_claim_deadline,
    follow_up_date,
    next_hard_deadline,
    reminder_dates,
    reopening_deadline,
    timely_filing_deadline,
)

DOS = date(2024, 1, 10)
REMIT = date(2024, 2, 15)


def _payer(plan_type: str, **changes):
    return payer(plan_type=plan_type, **changes)


def test_timely_filing_counts_days_from_the_date_of_service():
    assert timely_filing_deadline(DOS, _payer("commercial", timely_filing_days=90)) == date(
        2024, 4, 9
    )
    # Medicare Part B: one calendar year (42 CFR 424.44), whatever the payer row says.
    assert timely_filing_deadline(DOS, _payer("medicare_b", timely_filing_days=365)) == date(
        2025, 1, 10
    )
    # Across a leap day 365 days fall a day short: 2023-03-01 + 365 days is 2024-02-29.
    assert timely_filing_deadline(date(2023, 3, 1), _payer("medicare_b")) == date(2024, 3, 1)


def test_corrected_claims_count_from_service_unless_the_payer_counts_from_the_remittance():
    plain = _payer("commercial", timely_filing_days=180)
    assert corrected_claim_deadline(DOS, plain, REMIT) == DOS + timedelta(days=180)
    from_remit = payer({"corrected_claim_days_from_remit": 90}, timely_filing_days=180)
    assert corrected_claim_deadline(DOS, from_remit, REMIT) == REMIT + timedelta(days=90)
    assert corrected_claim_deadline(DOS, from_remit, None) == DOS + timedelta(days=180)


def test_medicare_redetermination_presumes_receipt_five_days_after_the_notice():
    # 120 days from receipt; receipt presumed 5 days after the notice date.
    assert appeal_deadline(_payer("medicare_b"), 1, REMIT) == REMIT + timedelta(days=125)
    assert appeal_deadline(_payer("medicare_b"), 2, REMIT) == REMIT + timedelta(days=185)


@pytest.mark.parametrize(
    ("plan_type", "level", "days"),
    [
        ("medicare_advantage", 1, 60),
        ("medicaid_mco", 1, 60),
        ("medicaid_mco", 2, 120),
        ("medicaid_ffs", 1, 60),
        ("commercial", 1, 180),
        ("erisa", 1, 180),
    ],
)
def test_plan_type_default_windows_count_from_the_notice_date(plan_type, level, days):
    assert appeal_deadline(_payer(plan_type), level, REMIT) == REMIT + timedelta(days=days)


def test_the_payers_own_levels_replace_the_defaults():
    levels = (AppealLevel(2, "Second review", 30), AppealLevel(1, "Reconsideration", 365))
    uhc = _payer("commercial", appeal_levels=levels)
    assert [level.level for level in appeal_levels(uhc)] == [1, 2]
    assert appeal_deadline(uhc, 1, REMIT) == REMIT + timedelta(days=365)
    assert appeal_deadline(uhc, 3, REMIT) is None


def test_every_plan_type_has_default_levels_starting_at_one():
    for plan_type, levels in DEFAULT_APPEAL_LEVELS.items():
        assert [level.level for level in levels] == list(range(1, len(levels) + 1)), plan_type


def test_reminders_fall_14_and_3_days_before_and_are_configurable():
    deadline = date(2024, 6, 30)
    assert reminder_dates(deadline) == (date(2024, 6, 16), date(2024, 6, 27))
    assert reminder_dates(deadline, (30, 7, 1)) == (
        date(2024, 5, 31),
        date(2024, 6, 23),
        date(2024, 6, 29),
    )
    assert reminder_dates(deadline, today=date(2024, 6, 20)) == (date(2024, 6, 27),)


def test_follow_up_after_the_payers_processing_days():
    assert follow_up_date(date(2024, 3, 1), 30) == date(2024, 3, 31)


def test_reopening_within_a_year_and_leap_days():
    assert reopening_deadline(REMIT) == date(2025, 2, 15)
    assert add_years(date(2024, 2, 29), 1) == date(2025, 2, 28)


def _next(plan_type="commercial", **facts):
    facts.setdefault("service_dates", [DOS, DOS + timedelta(days=7)])
    return next_hard_deadline(payer=_payer(plan_type, timely_filing_days=365), **facts)


def test_before_any_remittance_the_claim_must_be_filed_in_time():
    assert _next() == HardDeadline("timely_filing", DOS + timedelta(days=365))


def test_paid_claims_have_no_hard_deadline():
    assert _next(result="paid", remit_date=REMIT) is None


def test_ma130_is_not_appealable_and_needs_a_new_claim_in_time():
    found = _next(
        result="denied",
        category="missing_info",
        action="new_claim",
        appealable=False,
        remit_date=REMIT,
    )
    assert found == HardDeadline("timely_filing", DOS + timedelta(days=365))


def test_an_appeal_action_gets_the_first_level_window():
    found = _next(
        "medicare_b",
        result="denied",
        category="medical_necessity",
        action="appeal_medical_necessity",
        remit_date=REMIT,
    )
    assert found == HardDeadline("appeal", REMIT + timedelta(days=125), 1, "Redetermination")


def test_after_a_lost_appeal_the_next_level_counts_from_its_decision():
    decision = date(2024, 6, 1)
    found = _next(
        "medicare_b",
        result="denied",
        action="appeal_medical_necessity",
        remit_date=decision,
        level_reached=1,
    )
    assert found.kind == "appeal" and found.level == 2
    assert found.on == decision + timedelta(days=185)
    spent = _next(
        result="denied", action="appeal_medical_necessity", remit_date=decision, level_reached=3
    )
    assert spent is None  # commercial plans have three levels


@pytest.mark.parametrize(
    ("method", "kind", "on"),
    [
        ("replacement_7", "corrected_claim", DOS + timedelta(days=365)),
        ("new_claim", "timely_filing", DOS + timedelta(days=365)),
        ("reopening", "reopening", date(2025, 2, 15)),
    ],
)
def test_correct_and_resubmit_follows_the_payers_correction_method(method, kind, on):
    found = next_hard_deadline(
        payer=_payer("commercial", correction_method=method, timely_filing_days=365),
        service_dates=[DOS],
        result="denied",
        category="coding",
        action="correct_resubmit",
        remit_date=REMIT,
    )
    assert found == HardDeadline(kind, on)


def test_a_timely_filing_denial_is_won_only_on_appeal():
    found = _next(
        result="denied", category="timely_filing", action="correct_resubmit", remit_date=REMIT
    )
    assert found.kind == "appeal" and found.on == REMIT + timedelta(days=180)


def test_medicare_untimely_filing_is_proved_by_reopening_not_appealed():
    found = _next(
        "medicare_b",
        result="denied",
        category="timely_filing",
        action="timely_proof_or_exception",
        appealable=False,
        remit_date=REMIT,
    )
    assert found == HardDeadline("reopening", reopening_deadline(REMIT))


def test_patient_or_other_payer_actions_carry_no_deadline_of_this_payer():
    for action in ("bill_patient", "bill_other_payer"):
        assert _next(result="denied", action=action, remit_date=REMIT) is None


def test_the_earliest_service_date_counts():
    found = _next(service_dates=[DOS + timedelta(days=30), DOS])
    assert found.on == DOS + timedelta(days=365)


def test_external_review_is_four_calendar_months_after_the_notice():
    assert appeal_deadline(_payer("commercial"), 3, date(2024, 2, 15)) == date(2024, 6, 15)
    # 120 days would be 2024-12-29; a month without the 31st ends on its last day.
    assert appeal_deadline(_payer("erisa"), 3, date(2024, 8, 31)) == date(2024, 12, 31)
    assert appeal_deadline(_payer("erisa"), 3, date(2024, 10, 31)) == date(2025, 2, 28)


def test_a_bill_patient_denial_has_no_payer_deadline_even_when_not_appealable():
    found = next_hard_deadline(
        payer=_payer("commercial", timely_filing_days=90),
        service_dates=[DOS],
        result="denied",
        category="benefit_limit",
        action="bill_patient",
        appealable=False,
        remit_date=date(2024, 2, 1),
    )
    assert found is None
