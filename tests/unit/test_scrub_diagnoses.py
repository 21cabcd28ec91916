"""Scrubber diagnosis rules: billable codes, pointers, the condition each line treats."""

from __future__ import annotations

import pytest
from test_scrub_builders import claim_input, codes, line, payer, run


@pytest.mark.parametrize("dx", ["F32.9", "F329", "f41.1", "F43.10"])
def test_billable_diagnoses_pass_with_or_without_the_dot(dx):
    assert run(claim_input(diagnoses=(dx,))) == []


def test_a_category_is_not_billable_and_the_finding_lists_choices():
    [finding] = run(claim_input(diagnoses=("F32",)))
    assert finding.code == "diagnosis_not_billable" and finding.blocking
    assert finding.line is None
    assert "F32.9" in finding.message and "Depressive episode" in finding.message


def test_an_unknown_diagnosis_blocks():
    [finding] = run(claim_input(diagnoses=("F32.Z",)))
    assert finding.code == "diagnosis_unknown"


def test_a_repeated_diagnosis_blocks():
    ci = claim_input(line(dx_pointers=(1,)), diagnoses=("F32.9", "F329"))
    assert codes(run(ci)) == ["diagnosis_duplicate"]


def test_no_diagnosis_blocks():
    assert "diagnosis_missing" in codes(run(claim_input(diagnoses=())))


def test_more_than_twelve_diagnoses_block():
    many = ("F32.9", "F41.1", "F43.10", "F90.0", "F90.1", "F90.2", "F40.10", "F42.2", "F50.00")
    many += ("F51.01", "F60.3", "F63.81", "F84.0")
    assert codes(run(claim_input(diagnoses=many))) == ["too_many_diagnoses"]


def test_pointers_within_range_pass():
    ci = claim_input(line(dx_pointers=(2, 1)), diagnoses=("F32.9", "F41.1"))
    assert run(ci) == []


def test_a_pointer_past_the_diagnoses_blocks():
    [finding] = run(claim_input(line(dx_pointers=(1, 3)), diagnoses=("F32.9", "F41.1")))
    assert finding.code == "dx_pointer_out_of_range" and finding.line == 1
    assert "3" in finding.message


@pytest.mark.parametrize(
    ("pointers", "code"),
    [
        ((), "dx_pointer_missing"),
        ((1, 1), "dx_pointer_repeated"),
        ((0,), "dx_pointer_out_of_range"),
    ],
)
def test_missing_repeated_or_zero_pointers_block(pointers, code):
    assert codes(run(claim_input(line(dx_pointers=pointers)))) == [code]


def test_more_than_four_pointers_block():
    dx = ("F32.9", "F41.1", "F43.10", "F90.0", "F42.2")
    ci = claim_input(line(dx_pointers=(1, 2, 3, 4, 5)), diagnoses=dx)
    assert codes(run(ci)) == ["too_many_pointers"]


@pytest.mark.parametrize("code", ["H0001", "H0005", "H0015", "H2036", "H0020"])
def test_substance_use_line_pointing_first_at_f10_f19_passes(code):
    ci = claim_input(line(code, minutes=None, dx_pointers=(2, 1)), diagnoses=("F33.1", "F11.20"))
    assert run(ci) == []


@pytest.mark.parametrize("code", ["H0001", "H0005", "H0015", "H2036", "H0020"])
def test_substance_use_line_pointing_first_at_depression_blocks(code):
    ci = claim_input(line(code, minutes=None, dx_pointers=(1, 2)), diagnoses=("F33.1", "F11.20"))
    [finding] = run(ci)
    assert finding.code == "dual_diagnosis_order" and finding.line == 1
    assert "F11.20 (diagnosis 2)" in finding.message


def test_modifier_hf_makes_a_psychotherapy_line_substance_use_treatment():
    ok = claim_input(line(modifiers=("HF",), dx_pointers=(2,)), diagnoses=("F41.1", "F10.20"))
    assert run(ok) == []
    wrong = claim_input(line(modifiers=("HF",), dx_pointers=(1,)), diagnoses=("F41.1", "F10.20"))
    assert codes(run(wrong)) == ["dual_diagnosis_order"]


def test_substance_use_line_on_a_claim_without_a_substance_diagnosis_says_so():
    [finding] = run(claim_input(line("H0001", minutes=None), diagnoses=("F41.1",)))
    assert finding.code == "dual_diagnosis_order"
    assert "no substance-use diagnosis" in finding.message


def test_mental_health_line_pointing_first_at_a_non_mental_code_blocks():
    ci = claim_input(line(dx_pointers=(1, 2)), diagnoses=("Z63.0", "F43.23"))
    [finding] = run(ci)
    assert finding.code == "dual_diagnosis_order" and "F43.23 (diagnosis 2)" in finding.message
    fixed = claim_input(line(dx_pointers=(2, 1)), diagnoses=("Z63.0", "F43.23"))
    assert run(fixed) == []


def test_lines_outside_both_groups_may_point_anywhere():
    # A screening instrument is not psychotherapy: a medical first diagnosis is fine.
    ci = claim_input(line("96127", minutes=None), diagnoses=("R45.851",))
    assert run(ci) == []


# H0004 is behavioral health counseling: many Medicaid programs bill it for mental health.
_DUAL = ("F33.1", "F11.20")


def _h0004(*, first: int, modifiers: tuple[str, ...] = (), rules: dict | None = None):
    pointers = (first, 3 - first)
    counseling = line("H0004", minutes=60, units=4, dx_pointers=pointers, modifiers=modifiers)
    return claim_input(counseling, diagnoses=_DUAL, payer=payer(rules))


def test_h0004_alone_may_treat_a_mental_disorder_or_substance_use():
    assert run(_h0004(first=1)) == []  # depression first: mental health counseling
    assert run(_h0004(first=2)) == []  # opioid use first: substance use counseling


def test_h0004_with_hf_is_substance_use_treatment():
    assert run(_h0004(first=2, modifiers=("HF",))) == []
    [finding] = run(_h0004(first=1, modifiers=("HF",)))
    assert finding.code == "dual_diagnosis_order" and "F11.20 (diagnosis 2)" in finding.message


def test_h0004_with_he_is_mental_health_treatment():
    assert run(_h0004(first=1, modifiers=("HE",))) == []
    [finding] = run(_h0004(first=2, modifiers=("HE",)))
    assert finding.code == "dual_diagnosis_order" and "mental health program" in finding.message
    assert "F33.1 (diagnosis 1)" in finding.message


def test_the_payers_program_for_a_code_decides_when_the_line_has_no_program_modifier():
    substance = {"programs": {"H0004": "substance_use"}}
    assert run(_h0004(first=2, rules=substance)) == []
    assert codes(run(_h0004(first=1, rules=substance))) == ["dual_diagnosis_order"]
    mental = {"programs": {"H0004": "mental_health"}}
    assert codes(run(_h0004(first=2, rules=mental))) == ["dual_diagnosis_order"]
    # The line's own modifier wins over the payer's default for the code.
    assert run(_h0004(first=1, modifiers=("HE",), rules=substance)) == []


def test_hf_and_he_on_one_line_contradict_each_other():
    [finding] = run(_h0004(first=2, modifiers=("HF", "HE")))
    assert (finding.code, finding.line) == ("program_modifiers_conflict", 1)
