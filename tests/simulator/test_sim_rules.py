"""Each payer rule: a claim that breaks it gets its CARC (and RARC), one that does not is paid."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from decimal import Decimal
from random import Random

import pytest
from sim_world import (
    DOS,
    MEMBER,
    RECEIVED,
    THERAPIST_NPI,
    book,
    line,
    received,
    remarks,
    run,
)

from denialdesk.domain.codes.procedures import PROCEDURES
from denialdesk.simulator import Ledger, UnknownPayerError, adjudicate
from denialdesk.simulator.fees import fee_schedule

PAID = "paid"


def outcome(done) -> str | tuple[tuple[str, str], ...]:
    """PAID when every line was allowed, else the denial adjustments (group, CARC)."""
    decision = done.payments[-1]
    denials = [
        (a.group, a.carc)
        for a in [*decision.adjustments, *(a for ln in decision.lines for a in ln.adjustments)]
        if a.carc not in ("45", "253", "1", "2", "3")
    ]
    if not denials:
        assert decision.status == "1" and all(ln.allowed is not None for ln in decision.lines)
        return PAID
    return tuple(denials)


def test_a_clean_claim_is_paid_at_the_fee_schedule():
    done = run(received(), book())
    (decision,) = done.payments
    (paid_line,) = decision.lines
    assert decision.status == "1" and decision.control_number == "DD0000001"
    assert paid_line.allowed == fee_schedule("commercial")["90834"]
    assert paid_line.control == "1"
    assert outcome(done) == PAID


def test_authorization_denial_only_from_a_payer_that_requires_it():
    payers = book()
    # COMM1 authorizes 90837: nothing on file, no number on the claim.
    denied = run(received(line("90837")), payers)
    assert outcome(denied) == (("CO", "197"),) and remarks(denied) == ["M62"]
    # Medicare Part B requires none: the same service is paid.
    assert outcome(run(received(line("90837"), payer="MCARE"), payers)) == PAID
    # With the authorization on file and its number on the claim: paid.
    payers.add_authorization(
        "COMM1", MEMBER, number="A100", start=date(2026, 1, 1), end=date(2026, 6, 30), approved=2
    )
    assert outcome(run(received(line("90837"), authorization="A100"), payers)) == PAID


def test_an_authorization_number_the_payer_does_not_have_is_n54():
    payers = book()
    payers.add_authorization(
        "COMM1", MEMBER, number="A100", start=date(2026, 1, 1), end=date(2026, 6, 30), approved=2
    )
    done = run(received(line("90837"), authorization="OTHER9"), payers)
    assert outcome(done) == (("CO", "197"),) and remarks(done) == ["N54"]
    july = line("90837", service_date=date(2026, 7, 1))
    expired = run(received(july, authorization="A100"), payers)
    assert outcome(expired) == (("CO", "197"),) and remarks(expired) == ["N54"]


def test_an_authorization_used_up_is_co_198():
    payers, ledger = book(), Ledger(instance="T")
    payers.add_authorization(
        "COMM1",
        MEMBER,
        number="A100",
        start=date(2026, 1, 1),
        end=date(2026, 6, 30),
        approved=2,
        used=1,
    )
    first = run(received(line("90837"), authorization="A100"), payers, ledger)
    assert outcome(first) == PAID  # the second of two visits
    later = line("90837", service_date=DOS + timedelta(days=7))
    second = run(received(later, authorization="A100", control="DD2"), payers, ledger)
    assert outcome(second) == (("CO", "198"),)


def test_visits_past_the_yearly_limit_are_co_119():
    payers, ledger = book(), Ledger(instance="T")
    payers.add_visits("MCAID", MEMBER, 2026, 23)  # paid before the simulator started
    assert outcome(run(received(payer="MCAID"), payers, ledger)) == PAID  # the 24th
    # A second service the same day is the same visit.
    same_day = received(line("90785"), payer="MCAID", control="DD2")
    assert outcome(run(same_day, payers, ledger)) == PAID
    next_week = received(line(service_date=DOS + timedelta(days=7)), payer="MCAID", control="DD3")
    done = run(next_week, payers, ledger)
    assert outcome(done) == (("CO", "119"),) and remarks(done) == ["N362"]
    # A new year starts a new count.
    january = line(service_date=date(2027, 1, 5))
    new_year = received(january, payer="MCAID", control="DD4")
    assert outcome(run(new_year, payers, ledger, received_on=date(2027, 1, 6))) == PAID


@pytest.mark.parametrize(
    ("code", "diagnosis", "expected"),
    [
        ("90834", "Z00.00", (("CO", "11"),)),  # psychotherapy for a general exam
        ("90834", "F32.9", PAID),
        ("H0020", "F32.9", (("CO", "11"),)),  # methadone for depression
        ("H0004", "F32.9", PAID),  # behavioral health counseling: either program
        ("H0004", "F10.20", PAID),
        ("99214", "Z00.00", PAID),  # a medical visit needs no mental disorder
    ],
)
def test_the_diagnosis_must_support_the_procedure(code, diagnosis, expected):
    assert outcome(run(received(line(code), diagnoses=(diagnosis,)), book())) == expected


@pytest.mark.parametrize(
    ("place", "modifiers", "expected"),
    [
        ("02", (), (("CO", "4"),)),  # telehealth without the modifier the payer wants
        ("02", ("95",), PAID),
        ("02", ("93",), PAID),  # audio only replaces 95
        ("02", ("GT",), (("CO", "4"),)),  # retired
        ("10", ("95",), (("CO", "5"),)),  # a telehealth place this payer does not take
        ("11", ("95",), (("CO", "5"),)),  # a telehealth modifier in the office
        ("11", (), PAID),
    ],
)
def test_telehealth_place_and_modifier(place, modifiers, expected):
    claim = received(line(place_of_service=place, modifiers=modifiers))
    done = run(claim, book())
    assert outcome(done) == expected
    if expected == (("CO", "5"),):
        assert remarks(done) == ["M77"]


@pytest.mark.parametrize(
    ("place", "modifiers", "expected"),
    [
        ("11", ("95",), PAID),  # the in-person place with the payer's modifier
        ("10", ("95",), (("CO", "5"),)),  # a telehealth place, however modified
        ("02", ("95",), (("CO", "5"),)),
        ("11", (), PAID),
    ],
)
def test_a_payer_that_wants_telehealth_at_the_in_person_place(place, modifiers, expected):
    payers = book()
    terms = payers.terms("COMM1")
    terms.rules = {**terms.rules, "telehealth": {"modifier": "95", "in_person_place": True}}
    done = run(received(line(place_of_service=place, modifiers=modifiers)), payers)
    assert outcome(done) == expected


def test_late_claims_are_co_29_and_answered_when_they_arrive():
    limit = DOS + timedelta(days=90)  # COMM1 files within 90 days
    assert outcome(run(received(), book(), received_on=limit)) == PAID
    late = run(received(), book(), received_on=limit + timedelta(days=1))
    assert outcome(late) == (("CO", "29"),)
    assert late.answered_on == limit + timedelta(days=1)


def test_medicare_counts_timely_filing_as_one_calendar_year():
    in_time = run(received(payer="MCARE"), book(), received_on=date(2027, 3, 2))
    late = run(received(payer="MCARE"), book(), received_on=date(2027, 3, 3))
    assert outcome(in_time) == PAID and outcome(late) == (("CO", "29"),)


def test_services_after_the_coverage_ended_are_co_27():
    payers = book()
    payers.end_coverage("COMM1", MEMBER, DOS - timedelta(days=1))
    assert outcome(run(received(), payers)) == (("CO", "27"),)
    payers.end_coverage("COMM1", MEMBER, DOS)
    assert outcome(run(received(), payers)) == PAID
    # Another member of the same payer is not touched.
    assert outcome(run(received(member="OTHER1"), payers)) == PAID


@pytest.mark.parametrize(
    ("code", "carc"), [("90837", "152"), ("99215", "150"), ("90792", "150"), ("H0015", "50")]
)
def test_a_records_review_of_high_intensity_services(code, carc):
    diagnoses = ("F10.20",) if code.startswith("H") else ("F32.9",)
    claim = received(line(code), payer="ERISA", diagnoses=diagnoses)
    assert outcome(run(claim, book(review_rate=1.0))) == (("CO", carc),)
    assert outcome(run(claim, book(review_rate=0.0))) == PAID
    # Ordinary services are never reviewed.
    assert outcome(run(received(payer="ERISA"), book(review_rate=1.0))) == PAID


def test_records_reviews_are_rare_at_the_default_rate():
    payers = book(review_rate=0.04)
    claim = received(line("90837"), payer="ERISA")
    denied = sum(outcome(run(claim, payers, seed=seed)) != PAID for seed in range(400))
    assert 4 <= denied <= 35


def test_co_16_with_a_remark_for_a_code_the_payer_does_not_know():
    done = run(received(line("97110")), book())
    assert outcome(done) == (("CO", "16"),) and remarks(done) == ["M51"]


def test_medicare_does_not_pay_state_h_codes():
    done = run(received(line("H0004"), payer="MCARE", diagnoses=("F10.20",)), book())
    assert outcome(done) == (("CO", "96"),) and remarks(done) == ["N130"]


def test_an_unprocessable_claim_is_rejected_with_ma130_at_claim_level():
    bad_diagnosis = run(received(diagnoses=("1234",)), book())
    (decision,) = bad_diagnosis.payments
    assert decision.status == "4" and decision.lines == ()
    assert [(a.group, a.carc, a.amount) for a in decision.adjustments] == [
        ("CO", "16", Decimal("150"))
    ]
    assert decision.remarks == ("MA130", "M76")


def test_a_clinician_the_payer_has_not_credentialed_is_denied_b7():
    not_enrolled = run(received(), book(enrolled_npis=["1234567893"]))
    assert outcome(not_enrolled) == (("CO", "B7"),) and remarks(not_enrolled) == ["N570"]
    enrolled = run(received(), book(enrolled_npis=[THERAPIST_NPI]))
    assert outcome(enrolled) == PAID


def test_only_the_line_that_breaks_a_rule_is_denied():
    claim = received(
        line("99214", charge=Decimal("180.00")),
        line("90833", place_of_service="02"),  # telehealth without 95
        diagnoses=("F32.9",),
    )
    (decision,) = run(claim, book()).payments
    first, second = decision.lines
    assert first.allowed is not None and first.paid > 0
    assert [(a.group, a.carc) for a in second.adjustments] == [("CO", "4")]
    assert decision.status == "1" and decision.paid == first.paid


def test_every_code_the_demo_bills_has_a_fee_at_every_plan_but_medicare_h_codes():
    for plan in ("medicare_advantage", "medicaid_ffs", "medicaid_mco", "commercial", "erisa"):
        assert set(PROCEDURES) <= set(fee_schedule(plan)), plan
    medicare = fee_schedule("medicare_b")
    assert {c for c in PROCEDURES if c not in medicare} == {
        c for c in PROCEDURES if c.startswith("H")
    }
    assert fee_schedule("medicaid_mco")["90834"] < medicare["90834"]
    assert fee_schedule("commercial")["90834"] > medicare["90834"]


def test_a_replacement_is_adjudicated_again_under_the_same_payer_claim_number():
    payers, ledger = book(), Ledger(instance="T")
    first = run(received(line(place_of_service="02")), payers, ledger)
    assert outcome(first) == (("CO", "4"),)
    number = first.payments[0].payer_claim_number
    fixed = received(
        line(place_of_service="02", modifiers=("95",)), frequency="7", payer_claim_number=number
    )
    replaced = run(fixed, payers, ledger, received_on=RECEIVED + timedelta(days=30))
    reversal, decision = replaced.payments
    assert reversal.status == "22" and reversal.charge == -first.payments[0].charge
    assert decision.payer_claim_number == number and outcome(replaced) == PAID
    assert replaced.answered_on > first.answered_on
    assert len(ledger.entries) == 1 and ledger.entries[number].result.paid == decision.paid


def test_a_void_reverses_what_was_paid():
    payers, ledger = book(), Ledger(instance="T")
    first = run(received(), payers, ledger)
    number = first.payments[0].payer_claim_number
    void = run(received(frequency="8", payer_claim_number=number), payers, ledger)
    (reversal,) = void.payments
    assert reversal.status == "22" and reversal.paid == -first.payments[0].paid
    assert sum(ln.paid for ln in reversal.lines) == reversal.paid
    assert ledger.entries[number].voided
    # Voided, it no longer counts: a second void finds nothing to void.
    again = run(received(frequency="8", payer_claim_number=number), payers, ledger)
    assert again.payments[0].remarks == ("MA130", "M47")


def test_a_replacement_of_a_claim_the_payer_never_had_is_rejected():
    claim = received(frequency="7", payer_claim_number="NOPE1", control="DD9")
    done = run(claim, book())
    assert done.payments[0].status == "4" and done.payments[0].remarks == ("MA130", "M47")


def test_a_payer_not_in_the_book_raises():
    claim = dataclasses.replace(received(), payer_id="UNKNOWN")
    with pytest.raises(UnknownPayerError):
        adjudicate(claim, book(), received_on=RECEIVED, rng=Random(1))
