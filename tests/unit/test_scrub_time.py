"""Scrubber time and unit rules: psychotherapy minutes, crisis, family therapy, units."""

from __future__ import annotations

from decimal import Decimal

import pytest
from test_scrub_builders import claim_input, codes, line, psychiatrist, run


@pytest.mark.parametrize(
    ("code", "minutes"),
    [("90832", 16), ("90832", 37), ("90834", 38), ("90834", 52), ("90837", 53), ("90837", 90)],
)
def test_psychotherapy_minutes_within_the_code_range_pass(code, minutes):
    assert run(claim_input(line(code, minutes=minutes))) == []


@pytest.mark.parametrize(
    ("code", "minutes", "fits"),
    [
        ("90832", 38, "90834"),
        ("90834", 37, "90832"),
        ("90834", 53, "90837"),
        ("90837", 52, "90834"),
    ],
)
def test_psychotherapy_minutes_outside_the_code_range_block(code, minutes, fits):
    [finding] = run(claim_input(line(code, minutes=minutes)))
    assert finding.code == "psychotherapy_time_mismatch" and finding.blocking
    assert finding.line == 1
    assert f"supports {fits}" in finding.message and str(minutes) in finding.message


@pytest.mark.parametrize("minutes", [0, 10, 15])
def test_psychotherapy_under_16_minutes_is_not_billable(minutes):
    [finding] = run(claim_input(line("90832", minutes=minutes)))
    assert finding.code == "psychotherapy_too_short" and finding.blocking


def test_missing_minutes_warn_without_blocking():
    [finding] = run(claim_input(line("90834", minutes=None)))
    assert finding.code == "minutes_missing" and not finding.blocking


@pytest.mark.parametrize(
    ("add_on", "minutes", "ok"),
    [("90833", 16, True), ("90833", 38, False), ("90836", 45, True), ("90838", 52, False)],
)
def test_psychotherapy_add_ons_use_the_same_ranges(add_on, minutes, ok):
    ci = claim_input(
        line("99213", minutes=None),
        line(add_on, minutes=minutes),
        provider=psychiatrist(),
    )
    assert codes(run(ci)) == ([] if ok else ["psychotherapy_time_mismatch"])


def test_crisis_first_hour_within_30_to_74_minutes_passes():
    assert run(claim_input(line("90839", minutes=30))) == []
    assert run(claim_input(line("90839", minutes=74))) == []


def test_crisis_under_30_minutes_blocks():
    [finding] = run(claim_input(line("90839", minutes=29)))
    assert finding.code == "crisis_too_short" and "90832" in finding.message


def test_crisis_is_billed_once_a_day():
    two_lines = claim_input(line("90839", minutes=60), line("90839", minutes=45, modifiers=("59",)))
    assert "crisis_once_per_day" in codes(run(two_lines))
    two_units = claim_input(line("90839", minutes=60, units=Decimal(2)))
    assert "crisis_once_per_day" in codes(run(two_units))


def test_crisis_add_on_beyond_74_minutes_passes():
    ci = claim_input(line("90839", minutes=60), line("90840", minutes=30))
    assert run(ci) == []
    ci = claim_input(line("90839", minutes=110), line("90840", minutes=None, units=Decimal(2)))
    assert run(ci) == []


def test_crisis_add_on_without_the_time_blocks():
    ci = claim_input(line("90839", minutes=60), line("90840", minutes=10))
    [finding] = run(ci)
    assert finding.code == "crisis_add_on_time" and finding.line == 2
    ci = claim_input(line("90839", minutes=90), line("90840", minutes=None, units=Decimal(2)))
    assert codes(run(ci)) == ["crisis_add_on_time"]


def test_crisis_add_on_time_is_not_judged_when_the_first_hour_has_no_minutes():
    ci = claim_input(line("90839", minutes=None), line("90840", minutes=30))
    assert codes(run(ci)) == ["minutes_missing"]


def test_crisis_add_on_without_90839_needs_its_primary():
    [finding] = run(claim_input(line("90840", minutes=30)))
    assert finding.code == "add_on_without_primary" and "90839" in finding.message


@pytest.mark.parametrize("code", ["90846", "90847"])
def test_family_therapy_from_26_minutes(code):
    assert run(claim_input(line(code, minutes=26))) == []
    [finding] = run(claim_input(line(code, minutes=25)))
    assert finding.code == "family_too_short" and finding.blocking


@pytest.mark.parametrize(("minutes", "units"), [(15, 1), (22, 1), (23, 2), (60, 4), (67, 4)])
def test_fifteen_minute_codes_follow_the_midpoint_rule(minutes, units):
    ci = claim_input(
        line("H0004", minutes=minutes, units=Decimal(units), modifiers=("HF",)),
        diagnoses=("F10.20",),
    )
    assert run(ci) == []


def test_fifteen_minute_units_that_do_not_match_the_minutes_block():
    ci = claim_input(
        line("H0004", minutes=60, units=Decimal(2), modifiers=("HF",)), diagnoses=("F10.20",)
    )
    [finding] = run(ci)
    assert finding.code == "units_mismatch" and "4 unit" in finding.message
    short = claim_input(line("H0004", minutes=7, modifiers=("HF",)), diagnoses=("F10.20",))
    assert codes(run(short)) == ["units_mismatch"]


@pytest.mark.parametrize(("code", "minutes"), [("90834", 45), ("H2036", None), ("90791", None)])
def test_session_and_per_diem_codes_bill_one_unit(code, minutes):
    diagnoses = ("F10.20",) if code == "H2036" else ("F32.9",)
    ok = claim_input(line(code, minutes=minutes), diagnoses=diagnoses)
    assert run(ok) == []
    two = claim_input(line(code, minutes=minutes, units=Decimal(2)), diagnoses=diagnoses)
    assert codes(run(two)) == ["units_mismatch"]


def test_zero_units_block():
    assert codes(run(claim_input(line("96127", minutes=None, units=Decimal(0))))) == [
        "units_invalid"
    ]
    # A code billed per instrument may carry several units.
    assert run(claim_input(line("96127", minutes=None, units=Decimal(2)))) == []


def test_partial_hospitalization_groups_may_bill_several_sessions_a_day():
    assert run(claim_input(line("G0410", minutes=None, units=Decimal(3)))) == []
    assert codes(run(claim_input(line("90853", minutes=None, units=Decimal(3))))) == [
        "units_mismatch"
    ]
