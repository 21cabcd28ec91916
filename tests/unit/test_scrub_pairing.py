"""Scrubber pairing rules: add-ons with their primaries, same-day bundles, duplicate lines."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from decimal import Decimal

import pytest
from test_scrub_builders import DOS, claim_input, codes, line, psychiatrist, run, therapist


def _psychiatry(*lines):
    return claim_input(*lines, provider=psychiatrist())


@pytest.mark.parametrize("em", ["99213", "99215", "99204", "99232", "99348"])
def test_psychotherapy_add_on_with_an_em_the_same_day_passes(em):
    assert run(_psychiatry(line(em, minutes=None), line("90836", minutes=40))) == []


def test_psychotherapy_add_on_without_an_em_blocks():
    [finding] = run(_psychiatry(line("90833", minutes=20)))
    assert finding.code == "add_on_without_primary" and finding.line == 1
    assert "E/M" in finding.message


def test_psychotherapy_add_on_with_an_em_on_another_day_blocks():
    ci = _psychiatry(
        line("99213", minutes=None, service_date=DOS - timedelta(days=1)),
        line("90833", minutes=20),
    )
    assert codes(run(ci)) == ["add_on_without_primary"]


@pytest.mark.parametrize("other", ["90832", "90834", "90837", "90839", "90840", "90846", "90847"])
def test_psychotherapy_add_on_never_goes_with_standalone_psychotherapy(other):
    minutes = {"90832": 20, "90834": 40, "90837": 55, "90839": 60, "90840": 30}.get(other, 50)
    ci = _psychiatry(
        line("99213", minutes=None), line("90833", minutes=20), line(other, minutes=minutes)
    )
    found = [f for f in run(ci) if f.code == "add_on_excluded"]
    assert [f.line for f in found] == [2]
    assert other in found[0].message


@pytest.mark.parametrize("primary", ["90791", "90792", "90832", "90834", "90837", "90853"])
def test_interactive_complexity_with_a_qualifying_code_passes(primary):
    minutes = {"90832": 20, "90834": 40, "90837": 55}.get(primary)
    ci = _psychiatry(line(primary, minutes=minutes), line("90785", minutes=None))
    assert run(ci) == []


def test_interactive_complexity_with_an_em_and_add_on_passes():
    ci = _psychiatry(
        line("99214", minutes=None), line("90836", minutes=40), line("90785", minutes=None)
    )
    assert run(ci) == []


def test_interactive_complexity_with_an_em_alone_blocks():
    [finding] = run(_psychiatry(line("99214", minutes=None), line("90785", minutes=None)))
    assert finding.code == "add_on_without_primary" and finding.line == 2


def test_interactive_complexity_never_goes_with_crisis():
    ci = _psychiatry(
        line("90839", minutes=60), line("90840", minutes=30), line("90785", minutes=None)
    )
    found = run(ci)
    assert ("add_on_excluded", 3) in [(f.code, f.line) for f in found]
    assert ("add_on_without_primary", 3) in [(f.code, f.line) for f in found]


def test_diagnostic_evaluation_and_psychotherapy_the_same_day_conflict():
    ci = _psychiatry(line("90791", minutes=None), line("90834", minutes=45))
    [finding] = run(ci)
    assert finding.code == "same_day_conflict" and finding.line == 2


def test_a_distinct_service_modifier_lifts_the_same_day_conflict():
    ci = _psychiatry(line("90791", minutes=None), line("90834", minutes=45, modifiers=("XE",)))
    assert run(ci) == []


def test_em_with_standalone_psychotherapy_asks_for_the_add_on():
    [finding] = run(_psychiatry(line("99213", minutes=None), line("90834", minutes=45)))
    assert finding.code == "same_day_conflict" and "90836" in finding.message


def test_the_same_codes_on_different_days_do_not_conflict():
    later = DOS + timedelta(days=7)
    ci = _psychiatry(line("90791", minutes=None), line("90834", minutes=45, service_date=later))
    assert run(ci) == []


def test_duplicate_lines_block_the_repeat_only():
    ci = claim_input(line("90834"), line("90834"))
    [finding] = run(ci)
    assert finding.code == "duplicate_line" and finding.line == 2
    assert "line 1" in finding.message


def test_modifier_order_does_not_hide_a_duplicate():
    ci = claim_input(
        line("90834", place_of_service="10", modifiers=("95", "HO")),
        line("90834", place_of_service="10", modifiers=("HO", "95")),
    )
    assert codes(run(ci)) == ["duplicate_line"]


def test_same_code_with_other_modifiers_or_dates_is_not_a_duplicate():
    other_day = line("90834", service_date=DOS + timedelta(days=1))
    assert run(claim_input(line("90834"), other_day)) == []
    screening = line("96127", minutes=None, charge=Decimal("10.00"))
    twice = dataclasses.replace(screening, modifiers=("59",))
    assert run(claim_input(screening, twice)) == []


def test_pairing_and_bundling_are_per_rendering_provider():
    # The therapist's session and the psychiatrist's visit the same day are separate services…
    ci = claim_input(line("99213", minutes=None, rendering=psychiatrist()), line("90834"))
    assert run(ci) == []
    # …and the psychiatrist's E/M does not carry an add-on the therapist billed.
    ci = claim_input(
        line("99213", minutes=None, rendering=psychiatrist()), line("90833", minutes=20)
    )
    assert "add_on_without_primary" in codes(run(ci))


def test_the_same_code_by_two_providers_is_not_a_duplicate():
    ci = claim_input(line("90834"), line("90834", rendering=psychiatrist()))
    assert run(ci) == []


# One a day: payers deny the second (CO-97 bundled, CO-236 not with that code that day, B15).
@pytest.mark.parametrize("modifiers", [(), ("59",), ("XU",)])
def test_one_psychotherapy_code_per_provider_per_day(modifiers):
    ci = claim_input(line("90832", minutes=20), line("90837", minutes=55, modifiers=modifiers))
    [finding] = run(ci)
    assert (finding.code, finding.line, finding.blocking) == ("psychotherapy_once_per_day", 2, True)
    assert "90832" in finding.message and "total time" in finding.message


def test_psychotherapy_by_two_providers_or_on_two_days_is_not_limited():
    other_provider = line("90837", minutes=55, rendering=therapist(npi=psychiatrist().npi))
    assert run(claim_input(line("90832", minutes=20), other_provider)) == []
    next_day = line("90837", minutes=55, service_date=DOS + timedelta(days=1))
    assert run(claim_input(line("90832", minutes=20), next_day)) == []


def test_one_psychotherapy_add_on_per_em():
    ci = _psychiatry(
        line("99214", minutes=None), line("90833", minutes=20), line("90836", minutes=40)
    )
    [finding] = run(ci)
    assert (finding.code, finding.line) == ("add_on_once_per_em", 3)


def test_two_em_visits_by_one_provider_the_same_day():
    ci = _psychiatry(line("99213", minutes=None), line("99214", minutes=None))
    [finding] = run(ci)
    assert (finding.code, finding.line) == ("em_once_per_day", 2)
    assert "99213" in finding.message


def test_family_psychotherapy_with_and_without_the_patient_the_same_day():
    ci = claim_input(line("90846", minutes=50), line("90847", minutes=50, modifiers=("59",)))
    [finding] = run(ci)
    assert (finding.code, finding.line) == ("family_once_per_day", 2)


@pytest.mark.parametrize("x", ["XU", "XE"])
def test_modifier_59_with_an_x_modifier_is_flagged(x):
    ci = claim_input(line("96127", minutes=None, charge=Decimal("10.00"), modifiers=("59", x)))
    [finding] = run(ci)
    assert (finding.code, finding.line, finding.blocking) == ("modifier_59_with_x", 1, True)
    assert f"use {x}" in finding.message


def test_modifier_59_or_xu_alone_passes():
    for modifier in ("59", "XU"):
        screening = line("96127", minutes=None, charge=Decimal("10.00"), modifiers=(modifier,))
        assert run(claim_input(screening)) == []
