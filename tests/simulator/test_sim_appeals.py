"""Appeals: the answer depends on the evidence, and says so in an 835 claim payment."""

from __future__ import annotations

from datetime import date, timedelta
from random import Random

from sim_world import DOS, MEMBER, book, line, received, run

from denialdesk.simulator import AppealPacket, Ledger, decide_appeal, find_appealed
from denialdesk.simulator.appeals import overturn_probability

SENT = date(2026, 4, 20)


def packet(control: str, category: str, **changes) -> AppealPacket:
    values = {
        "control_number": control,
        "payer_claim_number": None,
        "payer_id": "ERISA",
        "level": 1,
        "category": category,
        "carcs": ["152"],
        "letter_id": 7,
        "no_letter_reason": None,
        "enclosures": [],
        "sent_on": SENT.isoformat(),
    }
    return AppealPacket.from_json(values | changes)


def reviewed_denial(payers, ledger):
    """A 60-minute session denied after a records review (CO-152, medical necessity)."""
    claim = received(line("90837"), payer="ERISA")
    done = run(claim, payers, ledger)
    assert [a.carc for a in done.payments[0].lines[0].adjustments] == ["152"]
    return done


def overturn_rate(appeal: AppealPacket, payers, ledger, draws: int = 300) -> float:
    entry = find_appealed(ledger, appeal)
    decisions = [decide_appeal(appeal, entry, payers, Random(seed)) for seed in range(draws)]
    return sum(d.overturned for d in decisions) / draws


def test_records_make_a_medical_necessity_appeal_succeed_more_often():
    payers, ledger = book(review_rate=1.0), Ledger(instance="T")
    reviewed_denial(payers, ledger)
    with_records = packet("DD0000001", "medical_necessity", enclosures=["Medical records"])
    letter_only = packet("DD0000001", "medical_necessity")
    no_letter = packet(
        "DD0000001", "medical_necessity", letter_id=None, no_letter_reason="payer form"
    )
    rates = [overturn_rate(p, payers, ledger) for p in (with_records, letter_only, no_letter)]
    assert rates[0] > rates[1] > rates[2]
    assert 0.5 < rates[0] < 0.8 and rates[2] < 0.12


def test_an_overturned_appeal_is_paid_under_the_same_payer_claim_number():
    payers, ledger = book(review_rate=1.0), Ledger(instance="T")
    original = reviewed_denial(payers, ledger).payments[0]
    appeal = packet("DD0000001", "medical_necessity", enclosures=["progress notes"])
    entry = find_appealed(ledger, appeal)
    seed = next(s for s in range(50) if decide_appeal(appeal, entry, payers, Random(s)).overturned)
    decision = decide_appeal(appeal, entry, payers, Random(seed), today=date(2026, 12, 1))
    payment = decision.payment
    assert payment.status == "1" and payment.paid > 0
    assert payment.payer_claim_number == original.payer_claim_number
    (paid_line,) = payment.lines
    assert paid_line.allowed is not None and paid_line.control == "1"
    assert {a.carc for a in paid_line.adjustments} <= {"45", "1", "2", "3"}  # no denial left
    assert 20 <= (decision.answered_on - SENT).days <= 45
    ledger.record(decision.entry)
    # The payer now holds the claim paid: a second appeal has nothing to decide.
    assert ledger.entries[payment.payer_claim_number].result.paid == payment.paid
    again = packet("DD0000001", "medical_necessity", level=2)
    assert decide_appeal(again, find_appealed(ledger, again), payers, Random(1)) is None


def test_an_upheld_appeal_repeats_the_denial_with_n10():
    payers, ledger = book(review_rate=1.0), Ledger(instance="T")
    payers.payers["ERISA"].appeal_levels = []  # no level known after the first
    original = reviewed_denial(payers, ledger).payments[0]
    appeal = packet("DD0000001", "medical_necessity", letter_id=None, no_letter_reason="none")
    entry = find_appealed(ledger, appeal)
    seed = next(
        s for s in range(50) if not decide_appeal(appeal, entry, payers, Random(s)).overturned
    )
    payment = decide_appeal(appeal, entry, payers, Random(seed)).payment
    assert payment.status == "4" and payment.paid == 0
    assert payment.lines == original.lines and payment.remarks == ("N10",)
    assert payment.payer_claim_number == original.payer_claim_number


def test_an_authorization_appeal_wins_when_the_authorization_is_on_file():
    payers, ledger = book(), Ledger(instance="T")
    run(received(line("90837"), payer="COMM1"), payers, ledger)  # CO-197: none on file
    appeal = packet("DD0000001", "authorization", payer_id="COMM1", carcs=["197"])
    entry = find_appealed(ledger, appeal)
    low = overturn_probability(appeal, entry, payers)
    # The payer finds the authorization after all (entered late, or under another number).
    payers.add_authorization(
        "COMM1", MEMBER, number="A9", start=date(2026, 1, 1), end=date(2026, 12, 31), approved=9
    )
    high = overturn_probability(appeal, entry, payers)
    assert low < 0.2 < 0.7 < high
    retro = packet(
        "DD0000001", "authorization", payer_id="COMM1", enclosures=["Retro authorization approval"]
    )
    assert overturn_probability(retro, entry, book()) == high


def test_a_timely_filing_appeal_needs_proof_of_submission():
    payers, ledger = book(), Ledger(instance="T")
    run(received(), payers, ledger, received_on=DOS + timedelta(days=120))  # CO-29
    plain = packet("DD0000001", "timely_filing", payer_id="COMM1")
    proof = packet("DD0000001", "timely_filing", payer_id="COMM1",
                   enclosures=["Clearinghouse acceptance report (999)"])  # fmt: skip
    entry = find_appealed(ledger, plain)
    assert overturn_probability(proof, entry, payers) > 10 * overturn_probability(
        plain, entry, payers
    )


def test_an_unprocessable_claim_is_never_overturned():
    payers, ledger = book(), Ledger(instance="T")
    run(received(diagnoses=("1234",)), payers, ledger)  # CO-16 MA130 M76
    appeal = packet("DD0000001", "missing_info", payer_id="COMM1", enclosures=["records"])
    entry = find_appealed(ledger, appeal)
    assert overturn_probability(appeal, entry, payers) == 0
    payment = decide_appeal(appeal, entry, payers, Random(1)).payment
    assert payment.status == "4" and "MA130" in payment.remarks and "N10" in payment.remarks


def test_an_appeal_for_a_claim_the_payer_never_had_decides_nothing():
    appeal = packet("DD0000404", "medical_necessity")
    assert (
        decide_appeal(appeal, find_appealed(Ledger(instance="T"), appeal), book(), Random(1))
        is None
    )


def test_a_packet_missing_a_field_is_refused():
    try:
        AppealPacket.from_json({"control_number": "DD1", "payer_id": "X", "level": 1})
    except ValueError as error:
        assert "sent_on" in str(error)
    else:
        raise AssertionError("accepted a packet without sent_on")
