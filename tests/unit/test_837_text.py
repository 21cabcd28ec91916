"""837P writer: control numbers, refusals of claims that cannot be sent, and free text that
can never break the segment structure."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_837p import NOW, envelope, find, segments, write
from test_scrub_builders import claim_input, coverage, line, patient, practice, therapist

from denialdesk.domain.x12.claim_out import ClaimOutError, Transaction, ident, text, write_837p


def test_the_isa_is_fixed_width_and_carries_the_separators():
    out = write(claim_input(), interchange_control=42, production=False)
    isa = out.split("~")[0]
    assert len(isa) == 105 and len(isa + "~") == 106
    assert isa[3] == "*" and isa[-1] == ":" and isa.split("*")[11] == "^"
    assert isa.split("*")[13] == "000000042" and isa.split("*")[15] == "T"
    assert find(out, "IEA") == [["IEA", "1", "000000042"]]
    assert isa.split("*")[9:11] == ["240301", "0930"]  # the interchange time passed in


@pytest.mark.parametrize(
    "changes",
    [
        {"interchange_control": 0},
        {"interchange_control": 1_000_000_000},
        {"group_control": 0},
        {"sender_id": "A*B"},
        {"sender_id": "SIXTEEN-CHARS-ID"},
        {"receiver_id": ""},
    ],
)
def test_bad_envelope_values_are_refused(changes):
    with pytest.raises(ClaimOutError):
        write(claim_input(), **changes)


@pytest.mark.parametrize("st02s", [("0001", "0001"), ("001",), ("0001", "00*2"), ("1234567890",)])
def test_transaction_control_numbers_are_valid_and_never_repeat(st02s):
    transactions = [
        Transaction(st02, (claim_input(control_number=f"C{n}"),)) for n, st02 in enumerate(st02s)
    ]
    with pytest.raises(ClaimOutError):
        write_837p(transactions, envelope=envelope(), now=NOW)


def test_a_claim_control_number_never_repeats_in_a_file():
    with pytest.raises(ClaimOutError, match="twice"):
        write(claim_input(), claim_input())


@pytest.mark.parametrize(
    "ci",
    [
        claim_input(control_number="X" * 21),
        claim_input(control_number="DD*1"),
        claim_input(frequency="7"),  # no payer claim number for REF*F8
        claim_input(frequency="2"),
        claim_input(line(dx_pointers=(1, 2))),
        claim_input(line(dx_pointers=())),
        claim_input(diagnoses=()),
        claim_input(practice=practice(npi="1234567890")),
        claim_input(provider=therapist(npi="1987654321")),
        claim_input(practice=practice(tax_id="12-34567")),
        claim_input(patient=patient(last_name="***")),
        claim_input(coverage=coverage(member_id="MEM*1")),
        claim_input(frequency="7", payer_claim_number="PCN~7"),
        claim_input(line(modifiers=("959",))),
        claim_input(line(modifiers=("HO", "HE", "XE", "59", "25"))),
        claim_input(line(code="9083*")),
        claim_input(line(place_of_service="1*")),
        claim_input(patient=patient(address=dataclasses.replace(patient().address, zip="6270"))),
    ],
)
def test_claims_that_cannot_make_a_valid_837p_are_refused(ci):
    with pytest.raises(ClaimOutError):
        write(ci)


def test_a_transaction_without_claims_is_refused():
    with pytest.raises(ClaimOutError):
        write_837p([Transaction("0001", ())], envelope=envelope(), now=NOW)


def test_text_keeps_the_basic_character_set_and_drops_separators():
    assert text("O'Brien*Smith~Jr:^", 60) == "O'BRIEN SMITH JR"
    assert text("  Zoë  Ñúñez ", 60) == "ZOE NUNEZ"
    assert text("A" * 80, 35) == "A" * 35
    assert text("100 Main St. #5, Suite (B)/C", 55) == "100 MAIN ST. 5, SUITE (B)/C"
    assert ident(" ab-12.3/4 X ", 50) == "ab-12.3/4 X"  # identifiers keep their case


@pytest.mark.parametrize("value", ["AB*12", "AB~12", "AB:12", "AB^12", "", "-A", "A" * 51, "Ä1"])
def test_identifiers_are_refused_rather_than_changed(value):
    with pytest.raises(ClaimOutError):
        ident(value, 50)


_TAGS = set(
    "ISA GS ST BHT NM1 PER HL PRV N3 N4 REF SBR DMG PAT CLM HI LX SV1 DTP SE GE IEA".split()
)


def _check_structure(out: str) -> None:
    """SE01 counts the segments from ST to SE, and every NM1 has at most nine elements."""
    parts = segments(out)
    start = next(i for i, s in enumerate(parts) if s[0] == "ST")
    end = next(i for i, s in enumerate(parts) if s[0] == "SE")
    assert int(parts[end][1]) == end - start + 1
    assert {s[0] for s in parts} <= _TAGS  # no stray segment split off a name
    assert all(len(s) <= 10 for s in parts if s[0] == "NM1")


def test_a_separator_in_a_name_does_not_break_the_segment_count():
    plain = write(claim_input())
    tricky = write(
        claim_input(
            patient=patient(first_name="Ann~NM1*XX", last_name="Lee*~SE*1*0001~"),
            provider=therapist(first_name="A:B^C", last_name="D~E"),
        )
    )
    _check_structure(tricky)
    assert len(segments(tricky)) == len(segments(plain))
    assert find(tricky, "SE")[0][1] == find(plain, "SE")[0][1]
    assert find(tricky, "NM1", "IL")[0][3:5] == ["LEE SE 1 0001", "ANN NM1 XX"]


@settings(max_examples=60, deadline=None)
@given(
    first=st.text(min_size=1, max_size=40),
    last=st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=70).filter(
        lambda value: any(char.isascii() and char.isalnum() for char in value)
    ),
)
def test_any_name_keeps_the_structure(first, last):
    out = write(claim_input(patient=patient(first_name=first, last_name=last)))
    _check_structure(out)
    [nm1] = find(out, "NM1", "IL")
    assert nm1[3] == text(last, 60) and nm1[4] == text(first, 35)


def test_units_and_amounts_are_plain_decimals():
    out = write(
        claim_input(line("H0004", minutes=None, units=Decimal("1.50"), charge=Decimal("0.5")))
    )
    assert find(out, "SV1")[0][2:5] == ["0.5", "UN", "1.5"]
