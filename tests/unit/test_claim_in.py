"""The 837P reader (the payer's side): whatever write_837p produces reads back as the claims it
was written from, and a broken file is refused naming the segment, never a value."""

from __future__ import annotations

import dataclasses
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_837p import NOW, envelope
from test_scrub_builders import (
    DOS,
    authorization,
    claim_input,
    coverage,
    line,
    patient,
    practice,
    psychiatrist,
    therapist,
)

from denialdesk.domain.codes.diagnoses import x12_form
from denialdesk.domain.npi import npi_with_check_digit
from denialdesk.domain.x12.claim_in import ClaimInError, ReceivedClaim, read_837p
from denialdesk.domain.x12.claim_out import Transaction, write_837p

CODES = ("90791", "90832", "90834", "90837", "99214", "90833", "H0004", "H0015", "96130")
DIAGNOSES = ("F32.9", "F10.20", "F41.1", "F33.1", "Z63.0")
PLACES = ("11", "02", "10", "53", "57")
MODIFIERS = ("95", "93", "HF", "HO", "25", "59")


def expected(ci) -> dict:
    claim, practice_npi = ci.claim, ci.practice.npi
    claim_rendering = ci.provider.npi if ci.provider.npi != practice_npi else None
    lines = []
    for number, ln in enumerate(claim.lines, start=1):
        own = ln.rendering.npi if ln.rendering and ln.rendering.npi != ci.provider.npi else None
        lines.append(
            (
                number, ln.code, ln.modifiers, ln.charge, ln.units, ln.place_of_service,
                ln.service_date, ln.dx_pointers, own or claim_rendering,
            )
        )  # fmt: skip
    relationship = {"self": "18", "spouse": "01", "child": "19"}.get(ci.coverage.relationship)
    person = ci.patient if ci.coverage.relationship != "self" else ci.patient
    return {
        "control_number": claim.control_number,
        "charge": claim.total_charge,
        "frequency": claim.frequency,
        "payer_claim_number": claim.payer_claim_number if claim.frequency != "1" else None,
        "authorization_number": ci.authorization.number if ci.authorization else None,
        "diagnoses": tuple(x12_form(d) for d in claim.diagnoses),
        "payer_id": ci.payer.payer_id,
        "member_id": ci.coverage.member_id,
        "billing_npi": practice_npi,
        "rendering_npi": claim_rendering,
        "relationship": relationship or "G8",
        "patient": (person.last_name.upper(), person.first_name.upper()),
        "lines": lines,
    }


def actual(received: ReceivedClaim) -> dict:
    return {
        "control_number": received.control_number,
        "charge": received.charge,
        "frequency": received.frequency,
        "payer_claim_number": received.payer_claim_number,
        "authorization_number": received.authorization_number,
        "diagnoses": received.diagnoses,
        "payer_id": received.payer_id,
        "member_id": received.member_id,
        "billing_npi": received.billing_npi,
        "rendering_npi": received.rendering_npi,
        "relationship": received.relationship,
        "patient": (received.patient_last_name, received.patient_first_name),
        "lines": [
            (
                ln.number, ln.code, ln.modifiers, ln.charge, ln.units, ln.place_of_service,
                ln.service_date, ln.dx_pointers, ln.rendering_npi,
            )
            for ln in received.lines
        ],
    }  # fmt: skip


@st.composite
def claims(draw, control: str):
    diagnoses = tuple(
        draw(st.lists(st.sampled_from(DIAGNOSES), min_size=1, max_size=4, unique=True))
    )
    other = psychiatrist(npi=npi_with_check_digit(f"1{draw(st.integers(10**7, 10**8 - 1))}"))
    lines = []
    for _ in range(draw(st.integers(1, 5))):
        lines.append(
            line(
                draw(st.sampled_from(CODES)),
                minutes=None,
                service_date=DOS - timedelta(days=draw(st.integers(0, 60))),
                charge=Decimal(draw(st.integers(1, 99999))) / 100,
                units=Decimal(draw(st.integers(1, 8))),
                place_of_service=draw(st.sampled_from(PLACES)),
                modifiers=tuple(
                    draw(st.lists(st.sampled_from(MODIFIERS), max_size=4, unique=True))
                ),
                dx_pointers=tuple(
                    draw(
                        st.lists(
                            st.integers(1, len(diagnoses)), min_size=1, max_size=4, unique=True
                        )
                    )
                ),
                rendering=draw(st.sampled_from([None, other])),
            )
        )
    relationship = draw(st.sampled_from(["self", "spouse", "child", "other"]))
    subscriber = None if relationship == "self" else patient(first_name="Pat", last_name="Holder")
    frequency = draw(st.sampled_from(["1", "7", "8"]))
    return claim_input(
        *lines,
        diagnoses=diagnoses,
        frequency=frequency,
        payer_claim_number=draw(st.sampled_from(["ICN-0042", "26061000000123"])),
        control_number=control,
        provider=draw(st.sampled_from([therapist(), therapist(npi=practice().npi)])),
        coverage=coverage(relationship=relationship, subscriber=subscriber),
        authorization=draw(st.sampled_from([None, authorization()])),
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_what_the_writer_writes_reads_back(data):
    first = [data.draw(claims(f"DD{n:07d}")) for n in range(data.draw(st.integers(1, 3)))]
    second = [data.draw(claims(f"DE{n:07d}")) for n in range(data.draw(st.integers(0, 2)))]
    transactions = [Transaction("0001", tuple(first))]
    if second:
        transactions.append(Transaction("0002", tuple(second)))
    text = write_837p(transactions, envelope=envelope(), now=NOW)
    received = read_837p(text)
    assert (received.sender_id, received.control_number) == ("DENIALDESK", "000000017")
    assert [actual(c) for c in received.claims] == [expected(ci) for ci in first + second]
    assert {c.created_on for c in received.claims} == {NOW.date()}
    assert [c.transaction for c in received.claims] == ["0001"] * len(first) + ["0002"] * len(
        second
    )


def test_the_subscriber_and_payer_details_a_payer_needs():
    ci = claim_input(
        line("90834", minutes=45),
        coverage=coverage(
            order="secondary", relationship="child", subscriber=patient(first_name="Mom")
        ),
    )
    (claim,) = read_837p(
        write_837p([Transaction("0001", (ci,))], envelope=envelope(), now=NOW)
    ).claims
    assert (claim.responsibility, claim.filing_indicator) == ("S", "CI")
    assert (claim.patient_last_name, claim.patient_first_name) == ("DOE", "JANE")  # not Mom
    assert (claim.billing_name, claim.billing_tax_id) == (
        "RIVERSIDE BEHAVIORAL HEALTH",
        "123456789",
    )
    assert claim.rendering_taxonomy == "1041C0700X"
    assert claim.first_service_date == claim.last_service_date == DOS


def good() -> str:
    return write_837p([Transaction("0001", (claim_input(),))], envelope=envelope(), now=NOW)


@pytest.mark.parametrize(
    ("broken", "where"),
    [
        (lambda t: "NOT X12", "segment 1"),
        (lambda t: t.replace("GS*HC", "GS*HP"), "segment 2"),
        (lambda t: t.replace("IEA*1*000000017~", ""), "without IEA"),
        (lambda t: t.replace("SE*", "SE*9"), "SE01"),
        (lambda t: t.replace("NM1*IL*1*DOE*JANE****MI*MEM123456~", ""), "member id"),
        (lambda t: t.replace("DTP*472*D8*20240220~", "DTP*472*D8*20241340~"), "not a date"),
        (lambda t: t.replace("*150*UN*", "*1X0*UN*"), "not an amount"),
    ],
)
def test_a_broken_interchange_is_refused_naming_the_segment_not_the_value(broken, where):
    with pytest.raises(ClaimInError) as raised:
        read_837p(broken(good()))
    assert where in str(raised.value)
    for value in ("MEM123456", "DOE", "JANE", "20241340"):
        assert value not in str(raised.value)


def test_a_date_range_counts_from_its_first_day():
    text = good().replace("DTP*472*D8*20240220", "DTP*472*RD8*20240220-20240224")
    (claim,) = read_837p(text).claims
    assert claim.lines[0].service_date == date(2024, 2, 20)


def test_unused_segments_are_skipped():
    text = good().replace("HI*", "NTE*ADD*SEE NOTES~HI*")
    count = int(re.search(r"~SE\*(\d+)\*", text).group(1))
    text = text.replace(f"~SE*{count}*", f"~SE*{count + 1}*")
    assert read_837p(text).claims[0].diagnoses == ("F329",)
    assert dataclasses.asdict(read_837p(good()).claims[0]) == dataclasses.asdict(
        read_837p(good().encode()).claims[0]
    )
