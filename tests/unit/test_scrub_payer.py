"""Scrubber payer rules: telehealth place and modifier, credentials, identifiers, claim shape."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from decimal import Decimal

import pytest
from test_scrub_builders import (
    DOS,
    claim_input,
    codes,
    line,
    payer,
    practice,
    psychiatrist,
    run,
    therapist,
)

_TELE_95 = {"telehealth": {"places_of_service": ["02", "10"], "modifier": "95"}}


@pytest.mark.parametrize("place", ["02", "10"])
def test_telehealth_place_with_the_payer_modifier_passes(place):
    ci = claim_input(line(place_of_service=place, modifiers=("95",)), payer=payer(_TELE_95))
    assert run(ci) == []


@pytest.mark.parametrize("place", ["02", "10"])
def test_telehealth_place_without_the_payer_modifier_blocks(place):
    [finding] = run(claim_input(line(place_of_service=place), payer=payer(_TELE_95)))
    assert finding.code == "telehealth_modifier_missing" and finding.blocking
    assert "95" in finding.message and "Acme Health" in finding.message


def test_audio_only_modifier_satisfies_telehealth():
    ci = claim_input(line(place_of_service="10", modifiers=("93",)), payer=payer(_TELE_95))
    assert run(ci) == []


def test_the_payers_own_modifier_and_places_are_used():
    rules = {"telehealth": {"places_of_service": ["02"], "modifier": "GQ"}}
    assert (
        run(claim_input(line(place_of_service="02", modifiers=("GQ",)), payer=payer(rules))) == []
    )
    wrong = claim_input(line(place_of_service="02", modifiers=("95",)), payer=payer(rules))
    assert codes(run(wrong)) == ["telehealth_modifier_missing"]
    # POS 10 is not telehealth for this payer, so 95 there is out of place.
    home = claim_input(line(place_of_service="10", modifiers=("95",)), payer=payer(rules))
    assert codes(run(home)) == ["telehealth_place_mismatch"]


def test_a_payer_without_a_telehealth_modifier_wants_none():
    rules = {"telehealth": {"places_of_service": ["02", "10"], "modifier": None}}
    assert run(claim_input(line(place_of_service="10"), payer=payer(rules))) == []


def test_telehealth_modifier_in_the_office_blocks():
    [finding] = run(claim_input(line(place_of_service="11", modifiers=("95",))))
    assert finding.code == "telehealth_place_mismatch" and "Office" in finding.message


def test_gt_is_obsolete():
    ci = claim_input(line(place_of_service="02", modifiers=("GT",)), payer=payer(_TELE_95))
    found = codes(run(ci))
    assert "modifier_obsolete" in found and "telehealth_modifier_missing" in found


def test_a_payer_that_still_wants_gt_gets_gt():
    # The payer's own telehealth modifier wins over the national retirement of GT.
    rules = {"telehealth": {"places_of_service": ["02", "10"], "modifier": "GT"}}
    gt = claim_input(line(place_of_service="02", modifiers=("GT",)), payer=payer(rules))
    assert run(gt) == []
    ninety_five = claim_input(line(place_of_service="02", modifiers=("95",)), payer=payer(rules))
    assert codes(run(ninety_five)) == ["telehealth_modifier_missing"]


_IN_PERSON_95 = {"telehealth": {"in_person_place": True, "modifier": "95"}}


@pytest.mark.parametrize("modifiers", [("95",), ("93",), ()])
def test_a_payer_wanting_the_in_person_place_takes_office_with_95(modifiers):
    ci = claim_input(line(place_of_service="11", modifiers=modifiers), payer=payer(_IN_PERSON_95))
    assert run(ci) == []


@pytest.mark.parametrize("place", ["02", "10"])
def test_a_payer_wanting_the_in_person_place_refuses_the_telehealth_places(place):
    ci = claim_input(line(place_of_service=place, modifiers=("95",)), payer=payer(_IN_PERSON_95))
    [finding] = run(ci)
    assert finding.code == "telehealth_place_mismatch" and finding.blocking
    assert "in person" in finding.message and "95" in finding.message


def test_a_payer_wanting_the_in_person_place_still_wants_its_modifier():
    ci = claim_input(line(place_of_service="11", modifiers=("GQ",)), payer=payer(_IN_PERSON_95))
    [finding] = run(ci)
    assert finding.code == "telehealth_modifier_missing" and "95" in finding.message


def test_the_in_person_place_option_is_read_from_the_payer_rules():
    rule = payer(_IN_PERSON_95).rules.telehealth
    assert rule.in_person_place and rule.modifier == "95"
    assert not payer().rules.telehealth.in_person_place


@pytest.mark.parametrize("credential", ["MD", "DO", "NP", "PA", "M.D."])
def test_prescribers_may_bill_90792_and_em(credential):
    provider = psychiatrist(credential=credential)
    assert run(claim_input(line("90792", minutes=None), provider=provider)) == []
    assert run(claim_input(line("99214", minutes=None), provider=provider)) == []


@pytest.mark.parametrize("credential", ["LCSW", "PhD", "PsyD", "LPC", "LMFT"])
def test_non_prescribers_may_not_bill_90792_or_em(credential):
    provider = therapist(credential=credential)
    [finding] = run(claim_input(line("90792", minutes=None), provider=provider))
    assert finding.code == "credential_not_allowed" and credential in finding.message
    assert codes(run(claim_input(line("99213", minutes=None), provider=provider))) == [
        "credential_not_allowed"
    ]


def test_payer_credential_rules_decide_for_the_codes_they_name():
    rules = {"credentials_allowed": {"90837": ["MD", "PhD", "LCSW"]}}
    ok = claim_input(line("90837", minutes=60), payer=payer(rules))
    assert run(ok) == []
    lpc = claim_input(
        line("90837", minutes=60), payer=payer(rules), provider=therapist(credential="LPC")
    )
    [finding] = run(lpc)
    assert finding.code == "credential_not_allowed" and "LCSW, MD, PhD" in finding.message


def test_a_line_rendering_provider_is_checked_on_its_own():
    ci = claim_input(
        line("99213", minutes=None, rendering=psychiatrist()),
        line("90834", minutes=45),
        provider=therapist(),
    )
    assert run(ci) == []
    swapped = claim_input(
        line("99213", minutes=None, rendering=therapist()), provider=psychiatrist()
    )
    assert codes(run(swapped)) == ["credential_not_allowed"]


def test_invalid_npis_block():
    assert codes(run(claim_input(practice=practice(npi="1234567890")))) == ["npi_invalid"]
    bad = therapist(npi="1987654321")
    assert codes(run(claim_input(provider=bad))) == ["npi_invalid"]


def test_billing_provider_needs_zip_plus_four():
    short = practice(address=dataclasses.replace(practice().address, zip="62701"))
    assert codes(run(claim_input(practice=short))) == ["billing_zip_incomplete"]


def test_line_basics_block_bad_codes_places_charges_and_modifiers():
    ci = claim_input(
        line("9083", minutes=None),
        line("90834", place_of_service="98"),
        # One psychotherapy code a day: the sessions are on days of their own.
        line("90837", minutes=60, charge=Decimal("0"), service_date=DOS - timedelta(days=1)),
        line("90832", minutes=20, modifiers=("959",), service_date=DOS - timedelta(days=2)),
        line("90791", minutes=None, modifiers=("HO", "HE", "XE", "GA", "25")),
    )
    assert codes(run(ci)) == [
        "procedure_code_invalid",
        "place_of_service_invalid",
        "charge_invalid",
        "modifier_invalid",
        "too_many_modifiers",
    ]


@pytest.mark.parametrize(
    ("frequency", "number", "method", "expected"),
    [
        ("7", "PCN123", "replacement_7", []),
        ("8", "PCN123", "replacement_7", []),
        ("7", None, "replacement_7", ["payer_claim_number_missing"]),
        ("8", " ", "replacement_7", ["payer_claim_number_missing"]),
        ("7", "PCN123", "reopening", ["replacement_not_accepted"]),
        ("5", None, "replacement_7", ["frequency_invalid"]),
    ],
)
def test_claim_frequency_rules(frequency, number, method, expected):
    ci = claim_input(
        frequency=frequency, payer_claim_number=number, payer=payer(correction_method=method)
    )
    assert codes(run(ci)) == expected


def test_a_claim_without_lines_or_with_too_many_blocks():
    ci = claim_input()
    empty = dataclasses.replace(ci, claim=dataclasses.replace(ci.claim, lines=()))
    assert codes(run(empty)) == ["no_lines"]
    many = [line(service_date=DOS - timedelta(days=n)) for n in range(51)]
    assert codes(run(claim_input(*many))) == ["too_many_lines"]


def test_psychotherapy_add_ons_go_with_the_prescribers_visit():
    ci = claim_input(line("99213", minutes=None), line("90833", minutes=20), provider=therapist())
    found = run(ci)
    assert [(f.code, f.line) for f in found] == [
        ("credential_not_allowed", 1),
        ("credential_not_allowed", 2),
    ]


# CPT 2025 telemedicine E/M visits (98000–98015) ---------------------------------------------
@pytest.mark.parametrize("em", ["98000", "98005", "98007", "98012", "98015"])
def test_telemedicine_em_carries_the_psychotherapy_add_on(em):
    ci = claim_input(
        line(em, minutes=None, place_of_service="10"),
        line("90833", minutes=25, place_of_service="10", modifiers=("95",)),
        provider=psychiatrist(),
        payer=payer(_TELE_95),
    )
    # The code says audio-video or audio-only itself: no 95 on the visit line.
    assert run(ci) == []


def test_telemedicine_em_is_an_em_visit():
    ci = claim_input(
        line("98006", minutes=None, place_of_service="10"),
        line("90834", minutes=45, place_of_service="10", modifiers=("95",)),
        provider=psychiatrist(),
    )
    assert codes(run(ci)) == ["same_day_conflict"]  # bill the session as 90836 instead
    assert codes(run(claim_input(line("98006", minutes=None, place_of_service="10")))) == [
        "credential_not_allowed"  # a therapist bills no E/M
    ]


# Clinician-level modifiers against the rendering provider's credential ----------------------
@pytest.mark.parametrize(
    ("credential", "modifier"),
    [("LCSW", "AJ"), ("LICSW", "AJ"), ("LCSW", "HO"), ("LPC", "HO"), ("PhD", "AH"),
     ("Psy.D.", "AH"), ("PsyD", "HP"), ("MD", "HP"), ("CPRS", "HN"), ("LISW", "AJ")],
)  # fmt: skip
def test_a_level_modifier_matching_the_credential_passes(credential, modifier):
    provider = therapist(credential=credential)
    assert run(claim_input(line(modifiers=(modifier,)), provider=provider)) == []


@pytest.mark.parametrize(
    ("credential", "modifier"),
    [("LPC", "AJ"), ("LCSW", "AH"), ("PhD", "AJ"), ("PhD", "HO"), ("LCSW", "HN"),
     ("LMFT", "HP"), ("MD", "HO")],
)  # fmt: skip
def test_a_level_modifier_against_the_credential_blocks(credential, modifier):
    provider = therapist(credential=credential)
    [finding] = run(claim_input(line(modifiers=(modifier,)), provider=provider))
    assert (finding.code, finding.line, finding.blocking) == ("level_modifier_mismatch", 1, True)
    assert modifier in finding.message and credential in finding.message
