"""Scrubber coverage rules: authorizations, coverage dates, visit limits, timely filing."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from test_scrub_builders import (
    DOS,
    TODAY,
    authorization,
    claim_input,
    codes,
    coverage,
    line,
    payer,
    run,
)

_AUTH = {"auth_required_codes": ["90837", "H0015"]}


def _authorized(*lines, auth=None, **kwargs):
    lines = lines or (line("90837", minutes=55),)
    return claim_input(*lines, payer=payer(_AUTH), authorization=auth, **kwargs)


def test_codes_the_payer_does_not_authorize_need_nothing():
    assert run(claim_input(line("90834"), payer=payer(_AUTH))) == []


def test_an_attached_authorization_covering_code_and_date_passes():
    assert run(_authorized(auth=authorization())) == []


def test_a_missing_authorization_holds_the_claim_for_authorization():
    [finding] = run(_authorized())
    assert finding.code == "auth_missing" and finding.blocking and finding.authorization
    assert "Obtain one" in finding.message


def test_a_missing_authorization_points_at_one_on_file():
    on_file = [authorization(number="OLD-1", end=DOS - timedelta(days=1)), authorization()]
    [finding] = run(_authorized(), on_file=on_file)
    assert "AUTH-4411 on file" in finding.message and "OLD-1" not in finding.message


def test_an_authorization_for_other_codes_blocks():
    [finding] = run(_authorized(auth=authorization(codes=frozenset({"90834"}))))
    assert finding.code == "auth_code_not_covered" and finding.authorization


def test_an_authorization_without_codes_covers_any_code():
    assert run(_authorized(auth=authorization(codes=frozenset()))) == []


@pytest.mark.parametrize(
    ("start", "end", "code"),
    [
        (DOS + timedelta(days=1), DOS + timedelta(days=90), "auth_not_started"),
        (DOS - timedelta(days=90), DOS - timedelta(days=1), "auth_expired"),
    ],
)
def test_an_authorization_outside_the_date_of_service_blocks(start, end, code):
    [finding] = run(_authorized(auth=authorization(start=start, end=end)))
    assert finding.code == code and finding.line == 1


def test_authorization_dates_are_inclusive():
    assert run(_authorized(auth=authorization(start=DOS, end=DOS))) == []


def test_scheduled_visits_count_against_the_authorization():
    # 12 approved, 10 used, 1 scheduled: one visit left, enough for this claim…
    assert run(_authorized(auth=authorization(used=10, scheduled=1))) == []
    # …but two scheduled leave none, although used alone would still allow it.
    [finding] = run(_authorized(auth=authorization(used=10, scheduled=2)))
    assert finding.code == "auth_exhausted" and finding.authorization
    assert "0 visits left" in finding.message and "2 scheduled" in finding.message


def test_visits_count_distinct_dates_and_units_count_units():
    two_days = (
        line("90837", minutes=55),
        line("90837", minutes=55, service_date=DOS + timedelta(days=1)),
    )
    one_left = authorization(used=11, scheduled=0)
    assert codes(run(_authorized(*two_days, auth=one_left))) == ["auth_exhausted"]
    units = authorization(unit_type="units", codes=frozenset({"H0015"}), used=10, scheduled=0)
    per_diem = line("H0015", minutes=None, modifiers=("HF",))
    assert run(_authorized(per_diem, auth=units, diagnoses=("F10.20",))) == []
    exhausted = authorization(unit_type="units", codes=frozenset({"H0015"}), used=12)
    found = run(_authorized(per_diem, auth=exhausted, diagnoses=("F10.20",)))
    assert codes(found) == ["auth_exhausted"]


def test_coverage_must_be_in_effect_on_the_date_of_service():
    ended = coverage(effective_to=DOS - timedelta(days=1))
    [finding] = run(claim_input(coverage=ended))
    assert finding.code == "coverage_inactive" and finding.line == 1
    assert run(claim_input(coverage=coverage(effective_to=DOS))) == []
    later = coverage(effective_from=DOS + timedelta(days=1))
    assert codes(run(claim_input(coverage=later))) == ["coverage_inactive"]


def test_visit_limit_warns_when_this_claim_goes_past_it():
    limited = payer({"visit_limit_per_year": 20})
    assert run(claim_input(payer=limited), visits_this_year=19) == []
    [finding] = run(claim_input(payer=limited), visits_this_year=20)
    assert finding.code == "visit_limit_reached" and not finding.blocking
    assert "21" in finding.message
    # Unknown visit counts say nothing.
    assert run(claim_input(payer=limited)) == []


def test_timely_filing_counts_from_the_date_of_service():
    tight = payer(timely_filing_days=90)
    last_day = DOS + timedelta(days=90)
    assert run(claim_input(payer=tight), today=last_day) == []
    [finding] = run(claim_input(payer=tight), today=last_day + timedelta(days=1))
    assert finding.code == "timely_filing_passed" and finding.blocking
    assert last_day.strftime("%m/%d/%Y") in finding.message


def test_corrected_claims_use_the_payers_remittance_window_when_it_has_one():
    from_remit = payer({"corrected_claim_days_from_remit": 60}, timely_filing_days=90)
    late = DOS + timedelta(days=120)
    ci = claim_input(payer=from_remit, frequency="7", payer_claim_number="PCN1")
    assert run(ci, today=late, last_remit_date=late - timedelta(days=30)) == []
    assert codes(run(ci, today=late, last_remit_date=late - timedelta(days=61))) == [
        "timely_filing_passed"
    ]
    # Without the payer rule the window still counts from the date of service.
    plain = claim_input(payer=payer(timely_filing_days=90), frequency="7", payer_claim_number="P")
    assert codes(run(plain, today=late, last_remit_date=late)) == ["timely_filing_passed"]


def test_a_void_has_no_filing_limit():
    ci = claim_input(payer=payer(timely_filing_days=90), frequency="8", payer_claim_number="P")
    assert run(ci, today=DOS + timedelta(days=400)) == []


def test_a_future_date_of_service_blocks():
    ci = claim_input(line(service_date=TODAY + timedelta(days=1)))
    assert codes(run(ci)) == ["service_date_future"]
    assert run(claim_input(line(service_date=TODAY))) == []


def test_authorization_findings_are_told_apart_from_coding_ones():
    ci = _authorized(line("90837", minutes=20, charge=Decimal("10")))
    found = run(ci)
    assert {f.code for f in found if f.authorization} == {"auth_missing"}
    assert {f.code for f in found if not f.authorization} == {"psychotherapy_time_mismatch"}
