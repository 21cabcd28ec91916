"""The 835 writer: what it writes reads back with parse_835 as the values it was given, and is
valid 005010X221A1 to pyx12; values that cannot balance are refused before anything is written."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from decimal import Decimal as D

import pytest
from x12_check import pyx12_errors

from denialdesk.domain.x12.remit import parse_835
from denialdesk.domain.x12.remit_model import Adjustment
from denialdesk.domain.x12.remit_out import (
    ClaimOut,
    LineOut,
    PatientOut,
    PaymentOut,
    RemitEnvelope,
    RemitOutError,
    RemitPayee,
    RemitPayer,
    filing_indicator_for,
    write_835,
)

DOS, PAID_ON = date(2026, 3, 2), date(2026, 3, 20)
PAYER = RemitPayer("Evergreen Mutual Health", "1411289245", "87726", "PO Box 30555",
                   "Salt Lake City", "UT", "84130")  # fmt: skip
PAYEE = RemitPayee("Calm Waters Psychiatric Associates, P.C.", "1234567893", "23-2874519")
ENVELOPE = RemitEnvelope("P87726", "DENIALDESK", 41, 41)
NOW = datetime(2026, 3, 20, 12, 0)
CR_GROUP = (Adjustment("CR", "45", D("29.64")), Adjustment("PR", "3", D(30)))  # CR: not in 5010


def paid_line(**changes) -> LineOut:
    base = LineOut(
        "90834", D("150.00"), D("90.36"), DOS,
        modifiers=("95",),
        adjustments=(Adjustment("CO", "45", D("29.64")), Adjustment("PR", "3", D("30.00"))),
        control="1",
        allowed=D("120.36"),
    )  # fmt: skip
    return dataclasses.replace(base, **changes)


def denied_line(**changes) -> LineOut:
    base = LineOut(
        "90837", D("200.00"), D("0"), DOS,
        adjustments=(Adjustment("CO", "197", D("200.00")),), remarks=("N54",), control="2",
    )  # fmt: skip
    return dataclasses.replace(base, **changes)


def claim(*lines: LineOut, **changes) -> ClaimOut:
    lines = lines or (paid_line(), denied_line())
    base = ClaimOut(
        control_number="DD2603000001",
        status="1",
        charge=sum((ln.charge for ln in lines), D(0)),
        paid=sum((ln.paid for ln in lines), D(0)),
        filing_indicator="12",
        payer_claim_number="2606100000001",
        lines=lines,
        patient=PatientOut("Doe", "Jane", "EVG000123456"),
        rendering_npi="1987654328",
        facility="11",
        frequency="1",
        statement_from=DOS,
        statement_to=DOS,
        received_on=date(2026, 3, 4),
    )
    return dataclasses.replace(base, **changes)


def write(*claims: ClaimOut, **changes) -> str:
    payment = PaymentOut("EFT0000001", PAID_ON, PAYER, PAYEE, claims or (claim(),))
    return write_835([dataclasses.replace(payment, **changes)], envelope=ENVELOPE, now=NOW)


def test_a_payment_reads_back_as_written_and_is_valid_5010():
    text = write()
    assert pyx12_errors(text) == []
    remit = parse_835(text, today=PAID_ON)
    (tx,) = remit.transactions
    assert (tx.amount, tx.method, tx.handling_code, tx.payment_date) == (
        D("90.36"),
        "ACH",
        "I",
        PAID_ON,
    )
    assert (tx.trace_number, tx.originator, tx.payer.id) == ("EFT0000001", "1411289245", "87726")
    assert (tx.payee.npi, tx.payee.tax_id) == ("1234567893", "232874519")
    (cp,) = tx.claims
    assert (cp.control_number, cp.status_code, cp.charge, cp.paid) == (
        "DD2603000001",
        "1",
        D(350),
        D("90.36"),
    )
    assert (cp.patient_responsibility, cp.filing_indicator, cp.payer_claim_number) == (
        D(30),
        "12",
        "2606100000001",
    )
    assert (cp.rendering_npi, cp.received, cp.statement_from) == (
        "1987654328",
        date(2026, 3, 4),
        DOS,
    )
    first, second = cp.lines
    assert (first.code, first.modifiers, first.allowed, first.control_number) == (
        "90834",
        ("95",),
        D("120.36"),
        "1",
    )
    assert [(a.group, a.carc, a.amount) for a in first.adjustments] == [
        ("CO", "45", D("29.64")), ("PR", "3", D(30))
    ]  # fmt: skip
    assert (second.remarks, second.paid, second.service_from) == (("N54",), D(0), DOS)
    assert "NM1*QC*1*DOE*JANE****MI*EVG000123456~" in text


def test_every_kind_of_answer_is_valid_and_balanced():
    rejected = claim(
        control_number="DD2603000002", status="4", lines=(), charge=D(150), paid=D(0),
        adjustments=(Adjustment("CO", "16", D(150)),), remarks=("MA130", "N290"),
        patient=PatientOut(),  # an answer written without the claim at hand names no patient
    )  # fmt: skip
    reversal = claim(
        control_number="DD2603000003", status="22", charge=D(-150), paid=D("-90.36"),
        lines=(paid_line(charge=D(-150), paid=D("-90.36"), allowed=D("-120.36"), adjustments=(
            Adjustment("CO", "45", D("-29.64")), Adjustment("PR", "3", D(-30)))),),
    )  # fmt: skip
    six = tuple(Adjustment("CO", str(c), D(10)) for c in (45, 253, 4, 5, 11, 16, 27))
    many = claim(
        control_number="DD2603000004", charge=D(100), paid=D(30),
        lines=(paid_line(charge=D(100), paid=D(30), adjustments=six, remarks=("M77", "N362")),),
    )  # fmt: skip
    for claims, amount, method in (
        ((claim(), rejected, many), D("120.36"), "ACH"),
        ((rejected,), D(0), ""),  # nothing paid: BPR*H, NON
        ((reversal,), D("-90.36"), "ACH"),  # the provider owes: a debit
        ((reversal, claim()), D(0), ""),  # a wash
    ):
        text = write(*claims)
        assert pyx12_errors(text) == [], claims
        (tx,) = parse_835(text, today=PAID_ON).transactions
        assert tx.amount == amount and len(tx.claims) == len(claims)
        assert tx.method == (method or "NON")
    (cp,) = parse_835(write(many), today=PAID_ON).claims
    assert len(cp.lines[0].adjustments) == 7  # two CAS segments: six reasons at most in one


def test_a_check_payment_and_several_transactions_in_one_file():
    first = PaymentOut("CHK0001", PAID_ON, PAYER, PAYEE, (claim(),), method="CHK")
    second = PaymentOut("CHK0002", date(2026, 3, 21), PAYER, PAYEE, (claim(control_number="DD9"),))
    text = write_835([first, second], envelope=ENVELOPE, now=NOW)
    assert pyx12_errors(text) == []
    remit = parse_835(text, today=PAID_ON)
    assert remit.trace_numbers == ["CHK0001", "CHK0002"] and remit.transactions[0].method == "CHK"


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (lambda: write(claim(paid=D(100))), "does not balance"),
        (lambda: write(claim(paid_line(paid=D(91)))), "does not balance"),
        (lambda: write(claim(filing_indicator="CI")), "not an 835 code"),
        (lambda: write(claim(status="9")), "not a claim status"),
        (lambda: write(claim(remarks=("A", "B", "C", "D", "E", "F"))), "five remarks"),
        (lambda: write(claim(paid_line(adjustments=CR_GROUP))), "not CO, PR"),
        (lambda: write(payee=dataclasses.replace(PAYEE, npi="1234567890")), "NPI"),
        (lambda: write(trace_number="EFT*1"), "trace number"),
        (lambda: write(method="WIRE"), "ACH or CHK"),
        (lambda: write_835([], envelope=ENVELOPE, now=NOW), "at least one"),
    ],
)
def test_values_that_cannot_make_a_valid_835_are_refused(bad, message):
    with pytest.raises(RemitOutError, match=message):
        bad()


def test_the_837p_filing_indicators_map_to_the_835_list():
    assert [filing_indicator_for(c) for c in ("CI", "BL", "MB", "MC", "HM", "16", "FI", "XX")] == [
        "12", "12", "MB", "MC", "HM", "16", "OF", "ZZ"
    ]  # fmt: skip
