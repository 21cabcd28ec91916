"""Scrubber pairing rules: add-ons with their primaries, same-day bundles, duplicate lines."""

from __future__ import annotations

from datetime import timedelta

import pytest
from test_scrub_builders import DOS, claim_input, codes, line, psychiatrist, run


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
    assert run(claim_input(line("90834"), line("90834", modifiers=("59",)))) == []


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
