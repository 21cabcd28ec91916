"""Code sets: ICD-10-CM billability and groups, procedures, modifiers, places, plan constants."""

from __future__ import annotations

import pytest

from denialdesk.domain.codes import (
    DEFAULT_FILING_INDICATOR,
    FILING_INDICATORS,
    PLAN_TYPES,
    PROCEDURES,
    describe_modifier,
    describe_place,
    describe_procedure,
    is_billable,
    is_mental_health,
    is_prescriber,
    is_substance_use,
)
from denialdesk.domain.codes.diagnoses import describe_diagnosis, dotted, lookup, x12_form
from denialdesk.domain.codes.em import EM_CODES
from denialdesk.domain.codes.modifiers import MODIFIERS, is_modifier_format
from denialdesk.domain.codes.places import PLACES_OF_SERVICE, TELEHEALTH_PLACES
from denialdesk.domain.codes.plans import CORRECTION_METHODS, DEFAULT_CORRECTION_METHOD
from denialdesk.domain.codes.procedures import (
    ADD_ON_PRIMARIES,
    SUBSTANCE_USE_CODES,
    Program,
    crisis_add_on_units,
    is_procedure_format,
    procedure,
    program_of,
    psychotherapy_code_for,
)


@pytest.mark.parametrize("code", ["F32.9", "F329", "f32.9", " F10.20 ", "F1020", "F32.A", "F99"])
def test_billable_codes_with_or_without_the_dot(code):
    assert is_billable(code)


@pytest.mark.parametrize("code", ["F32", "F10.2", "F10", "F43.1"])
def test_a_category_with_children_is_valid_but_not_billable(code):
    found = lookup(code)
    assert found is not None and not found.billable
    assert found.children and all(child.startswith(dotted(code)) for child in found.children)


@pytest.mark.parametrize("code", ["F32.Z", "XYZ", "F10-F19", "5", "", "F3", "F32.99999"])
def test_unknown_codes_are_neither_found_nor_billable(code):
    assert lookup(code) is None
    assert not is_billable(code)


def test_descriptions_are_the_library_plain_english():
    assert describe_diagnosis("F329") == "Major depressive disorder, single episode, unspecified"
    assert describe_diagnosis("F10.20") == "Alcohol dependence, uncomplicated"
    assert "Unknown" in describe_diagnosis("Q99.99X")


def test_dot_handling_round_trips():
    assert x12_form("f33.1") == "F331"
    assert dotted("F331") == "F33.1"
    assert dotted("F99") == "F99"
    assert lookup("F331").code == "F33.1"


@pytest.mark.parametrize(
    ("code", "mental", "substance"),
    [
        ("F01.50", True, False),
        ("F10.20", True, True),
        ("F19.20", True, True),
        ("F20.9", True, False),
        ("F09", True, False),
        ("F99", True, False),
        ("Z63.0", False, False),
        ("G47.00", False, False),
        ("F00", False, False),  # not in F01–F99
    ],
)
def test_mental_and_substance_use_groups(code, mental, substance):
    assert is_mental_health(code) is mental
    assert is_substance_use(code) is substance


@pytest.mark.parametrize(
    ("minutes", "code", "add_on"),
    [
        (15, None, None),
        (16, "90832", "90833"),
        (37, "90832", "90833"),
        (38, "90834", "90836"),
        (52, "90834", "90836"),
        (53, "90837", "90838"),
        (120, "90837", "90838"),
    ],
)
def test_psychotherapy_code_follows_the_time_rule(minutes, code, add_on):
    assert psychotherapy_code_for(minutes) == code
    assert psychotherapy_code_for(minutes, add_on=True) == add_on


@pytest.mark.parametrize(
    ("minutes", "units"), [(60, 0), (74, 0), (75, 1), (104, 1), (105, 2), (135, 3)]
)
def test_crisis_add_on_units(minutes, units):
    assert crisis_add_on_units(minutes) == units


def test_every_code_named_in_the_brief_is_known_with_plain_english():
    wanted = (
        (
            "90791 90792 90832 90833 90834 90836 90837 90838 90839 90840 90846 90847 90853 90785 "
            "H0001 H0004 H0005 H0015 H0031 H0032 H2036 G0410"
        ).split()
        + [f"992{n:02d}" for n in range(2, 6)]
        + [f"992{n}" for n in range(11, 16)]
    )
    for code in wanted:
        assert code in PROCEDURES, code
        assert describe_procedure(code) != f"Procedure {code}"


def test_add_on_relations():
    assert ADD_ON_PRIMARIES["90833"] == EM_CODES
    assert ADD_ON_PRIMARIES["90840"] == {"90839"}
    assert {"90791", "90792", "90853", "90832", "90838"} <= ADD_ON_PRIMARIES["90785"]
    assert not ADD_ON_PRIMARIES["90785"] & ({"90839", "90840"} | EM_CODES)
    assert all(PROCEDURES[code].add_on for code in ADD_ON_PRIMARIES)


def test_prescriber_only_codes_and_credentials():
    assert procedure("90792").prescriber_only and procedure("99214").prescriber_only
    assert not procedure("90791").prescriber_only
    assert is_prescriber("M.D.") and is_prescriber("np") and is_prescriber("PA")
    assert not is_prescriber("LCSW") and not is_prescriber("PsyD") and not is_prescriber("LPC")


@pytest.mark.parametrize("code", ["90834", "99214", "H0004", "G0410", "0591T", " h2036 "])
def test_procedure_format_accepts_cpt_and_hcpcs(code):
    assert is_procedure_format(code)


@pytest.mark.parametrize("code", ["9083", "908344", "HH004", "", "90834-95"])
def test_procedure_format_rejects_the_rest(code):
    assert not is_procedure_format(code)


def test_modifiers():
    assert MODIFIERS["GT"].obsolete and MODIFIERS["GT"].use_instead == "95"
    assert not MODIFIERS["95"].obsolete
    assert describe_modifier("hf") == "Substance abuse program"
    for code in ("95", "93", "HO", "HN", "25", "59", "XE", "XS", "XP", "XU", "GA"):
        assert code in MODIFIERS
    assert is_modifier_format("xe") and not is_modifier_format("959")


def test_places_of_service():
    for code in ("02", "10", "11", "12", "22", "49", "52", "53", "55", "57", "58"):
        assert code in PLACES_OF_SERVICE
    assert TELEHEALTH_PLACES == {"02", "10"}
    assert "home" in describe_place("10").lower()
    assert describe_place("98").startswith("Unknown")


def test_plan_types_filing_indicators_and_defaults():
    assert set(PLAN_TYPES) == {
        "medicare_b",
        "medicare_advantage",
        "medicaid_ffs",
        "medicaid_mco",
        "commercial",
        "erisa",
    }
    assert set(DEFAULT_FILING_INDICATOR) == set(PLAN_TYPES)
    assert set(DEFAULT_FILING_INDICATOR.values()) <= set(FILING_INDICATORS)
    assert DEFAULT_FILING_INDICATOR["medicare_b"] == "MB"
    assert DEFAULT_CORRECTION_METHOD["medicare_b"] == "reopening"
    assert set(DEFAULT_CORRECTION_METHOD.values()) <= set(CORRECTION_METHODS)


def test_substance_use_by_code_alone_includes_methadone_not_h0004():
    assert SUBSTANCE_USE_CODES == {"H0001", "H0005", "H0015", "H0020", "H2036"}
    assert program_of("h0020", ()) is Program.SUBSTANCE_USE
    assert program_of("H0004", ()) is None
    assert program_of("H0004", ("hf",)) is Program.SUBSTANCE_USE
    assert program_of("H0004", (), {"H0004": "mental_health"}) is Program.MENTAL_HEALTH
    assert program_of("H0004", (), {"H0004": "other"}) is None


def test_cpt_2025_telemedicine_em_codes_are_known_and_carry_the_add_ons():
    telemedicine = {f"980{n:02d}" for n in range(16)}
    for code in telemedicine:
        assert procedure(code).prescriber_only, code
        assert describe_procedure(code) != f"Procedure {code}"
    for add_on in ("90833", "90836", "90838"):
        assert telemedicine <= ADD_ON_PRIMARIES[add_on]
