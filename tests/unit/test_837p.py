"""837P round trips: every generated interchange passes pyx12's 005010X222A1 validation with
zero errors, and carries what the claim says (and nothing it should not)."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from test_scrub_builders import (
    DOS,
    PRACTICE_NPI,
    authorization,
    claim_input,
    coverage,
    line,
    patient,
    payer,
    practice,
    psychiatrist,
    therapist,
)
from x12_check import pyx12_errors

from denialdesk.domain.claim import Person
from denialdesk.domain.npi import npi_with_check_digit
from denialdesk.domain.x12.claim_in import read_837p
from denialdesk.domain.x12.claim_out import Envelope, Transaction, write_837p

NOW = datetime(2024, 3, 1, 9, 30)


def envelope(**changes) -> Envelope:
    base = Envelope(
        sender_id="DENIALDESK",
        receiver_id="CLEARHOUSE",
        submitter_name="Denialdesk Billing",
        receiver_name="Clearing House",
        contact_name="Billing Office",
        contact_phone="(555) 555-0100",
        interchange_control=17,
        group_control=17,
    )
    return dataclasses.replace(base, **changes)


def write(*claims, **envelope_changes) -> str:
    return write_837p(
        [Transaction("0001", tuple(claims))], envelope=envelope(**envelope_changes), now=NOW
    )


def segments(interchange: str) -> list[list[str]]:
    return [segment.split("*") for segment in interchange.split("~") if segment]


def find(interchange: str, tag: str, first: str | None = None) -> list[list[str]]:
    return [s for s in segments(interchange) if s[0] == tag and (first is None or s[1] == first)]


def test_the_validator_catches_a_broken_interchange():
    good = write(claim_input())
    assert pyx12_errors(good) == []
    se = find(good, "SE")[0]
    broken = good.replace("*".join(se), f"SE*{int(se[1]) - 1}*{se[2]}")
    assert any("SE count" in error for error in pyx12_errors(broken))
    long_modifier = good.replace("HC:90834", "HC:90834:ABC")
    assert pyx12_errors(long_modifier)


def test_patient_is_the_subscriber():
    out = write(claim_input())
    assert pyx12_errors(out) == []
    assert find(out, "SBR")[0][:3] == ["SBR", "P", "18"]
    assert find(out, "SBR")[0][9] == "CI"  # SBR09 from the payer
    assert find(out, "NM1", "IL")[0][3:5] == ["DOE", "JANE"]
    assert not find(out, "PAT") and not find(out, "NM1", "QC")
    assert find(out, "HL")[1] == ["HL", "2", "1", "22", "0"]


def test_child_with_a_parent_subscriber_gets_the_patient_loop():
    parent = Person("Mary", "Doe", DOS.replace(year=1980), "F", patient().address)
    ci = claim_input(
        patient=patient(first_name="Tim", birth_date=DOS.replace(year=2012), sex="M"),
        coverage=coverage(relationship="child", subscriber=parent),
    )
    out = write(ci)
    assert pyx12_errors(out) == []
    assert find(out, "SBR")[0][2] == ""  # relationship is told in the patient loop
    assert find(out, "NM1", "IL")[0][3:5] == ["DOE", "MARY"]
    assert find(out, "HL")[1:] == [["HL", "2", "1", "22", "1"], ["HL", "3", "2", "23", "0"]]
    assert find(out, "PAT") == [["PAT", "19"]]
    assert find(out, "NM1", "QC")[0][3:5] == ["DOE", "TIM"]
    assert ["DMG", "D8", "20120220", "M"] in find(out, "DMG")


def test_rendering_provider_loop_only_when_it_differs_from_billing():
    out = write(claim_input())
    assert pyx12_errors(out) == []
    [rendering] = find(out, "NM1", "82")
    assert rendering[3:5] == ["REYES", "DANA"] and rendering[-1] == therapist().npi
    assert find(out, "PRV", "PE") == [["PRV", "PE", "PXC", "1041C0700X"]]
    solo = claim_input(provider=therapist(npi=PRACTICE_NPI))
    out = write(solo)
    assert pyx12_errors(out) == []
    assert not find(out, "NM1", "82")


def test_a_line_by_another_clinician_gets_its_own_rendering_provider():
    ci = claim_input(
        line("99214", minutes=None, rendering=psychiatrist()),
        line("90834"),
        provider=therapist(),
    )
    out = write(ci)
    assert pyx12_errors(out) == []
    assert [s[-1] for s in find(out, "NM1", "82")] == [therapist().npi, psychiatrist().npi]


@pytest.mark.parametrize("frequency", ["7", "8"])
def test_replacement_and_void_carry_the_payer_claim_number(frequency):
    ci = claim_input(
        frequency=frequency, payer_claim_number="2024051500123", authorization=authorization()
    )
    out = write(ci)
    assert pyx12_errors(out) == []
    assert find(out, "CLM")[0][5] == f"11:B:{frequency}"
    assert find(out, "REF", "F8") == [["REF", "F8", "2024051500123"]]
    assert find(out, "REF", "G1") == [["REF", "G1", "AUTH-4411"]]


def test_an_original_claim_has_no_ref_f8():
    out = write(claim_input(frequency="1", payer_claim_number="IGNORED"))
    assert pyx12_errors(out) == []
    assert find(out, "CLM")[0][5] == "11:B:1" and not find(out, "REF", "F8")


def test_lines_diagnoses_and_money():
    ci = claim_input(
        line("99214", minutes=None, charge=Decimal("185.50"), dx_pointers=(2, 1)),
        line("90836", minutes=45, charge=Decimal("95"), place_of_service="10", modifiers=("95",)),
        line("H0004", minutes=60, units=Decimal(4), modifiers=("hf", "HO"), dx_pointers=(2,)),
        diagnoses=("F33.1", "f10.20"),
        provider=psychiatrist(),
        authorization=authorization(),
    )
    out = write(ci)
    assert pyx12_errors(out) == []
    assert find(out, "HI") == [["HI", "ABK:F331", "ABF:F1020"]]
    assert find(out, "CLM")[0][1:3] == ["DD0000001", "430.5"]
    assert [s[1:] for s in find(out, "SV1")] == [
        ["HC:99214", "185.5", "UN", "1", "", "", "2:1"],
        ["HC:90836:95", "95", "UN", "1", "10", "", "1"],  # SV105 only where the place differs
        ["HC:H0004:HF:HO", "150", "UN", "4", "", "", "2"],
    ]
    assert find(out, "DTP", "472") == [["DTP", "472", "D8", "20240220"]] * 3
    # Minutes are for scrubbing only: no segment carries them (no MJ minute units either).
    assert all(s[3] == "UN" for s in find(out, "SV1"))
    assert "MJ" not in out and "*45*" not in out and "*60*" not in out


def test_many_claims_many_practices_and_transactions_in_one_file():
    other = practice(name="Lakeside Recovery", npi=npi_with_check_digit("167890123"))
    claims = [
        claim_input(line(service_date=DOS - timedelta(days=n)), control_number=f"DD{n:07d}")
        for n in range(1, 4)
    ]
    claims.append(claim_input(control_number="DD0000009", practice=other))
    medicaid = payer(name="State Medicaid", payer_id="SKCO0", filing_indicator="MC")
    second = claim_input(control_number="DD0000010", payer=medicaid)
    out = write_837p(
        [Transaction("0001", tuple(claims)), Transaction("0002", (second,))],
        envelope=envelope(),
        now=NOW,
    )
    assert pyx12_errors(out) == []
    assert [s[1] for s in find(out, "CLM")] == [
        "DD0000001",
        "DD0000002",
        "DD0000003",
        "DD0000009",
        "DD0000010",
    ]
    assert [s[2] for s in find(out, "ST")] == ["0001", "0002"]
    assert find(out, "GE") == [["GE", "2", "17"]]
    # The fourth claim hangs under a second billing provider HL.
    assert [s[1:4] for s in find(out, "HL") if s[3] == "20"] == [
        ["1", "", "20"],
        ["5", "", "20"],
        ["1", "", "20"],
    ]
    assert find(out, "SBR")[-1][9] == "MC"


def test_special_characters_in_names_and_addresses_still_validate():
    address = dataclasses.replace(patient().address, line1="12 Oak*St ~ Apt:3^B", city="Sánta~Fe")
    ci = claim_input(
        patient=patient(first_name="Zoë:Ann", last_name="O'Brien*Smith~Jr^", address=address),
        provider=therapist(last_name="Nuñez~Ruiz"),
        practice=practice(name="Mind & Body: Care * Group ~ LLC^"),
        payer=payer(name="Acme~Health*Plan"),
    )
    out = write(ci)
    assert pyx12_errors(out) == []
    assert find(out, "NM1", "IL")[0][3:5] == ["O'BRIEN SMITH JR", "ZOE ANN"]
    assert find(out, "NM1", "85")[0][3] == "MIND & BODY CARE GROUP LLC"
    assert find(out, "N3")[1] == ["N3", "12 OAK ST APT 3 B"]
    assert find(out, "N4")[1][1] == "SANTA FE"
    assert find(out, "NM1", "82")[0][3] == "NUNEZ RUIZ"


def test_each_line_carries_its_control_number_for_the_835_to_return():
    # Two sessions of the same code on the same day: REF*6R tells their payments apart.
    out = write(claim_input(line("90837"), line("90837"), line("90785", minutes=None)))
    assert pyx12_errors(out) == []
    assert find(out, "REF", "6R") == [["REF", "6R", "1"], ["REF", "6R", "2"], ["REF", "6R", "3"]]
    tags = [s[0] for s in segments(out)]
    first = tags.index("LX")
    assert tags[first : first + 4] == ["LX", "SV1", "DTP", "REF"]  # 2400: after the dates
    # The payer (simulator) reads them back, to return with each line's payment.
    [received] = read_837p(out).claims
    assert [line.control for line in received.lines] == ["1", "2", "3"]
