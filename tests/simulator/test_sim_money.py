"""Money and dates: patient shares by plan type, the balancing invariant on every claim payment,
and every 835 the answers make parses with parse_835 and validates with pyx12."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from random import Random

import pytest
from sim_world import DOS, PAYERS, RECEIVED, book, line, received, run
from x12_check import pyx12_errors

from denialdesk.domain.x12.remit import parse_835
from denialdesk.domain.x12.remit_out import (
    PaymentOut,
    RemitEnvelope,
    RemitPayee,
    RemitPayer,
    write_835,
)
from denialdesk.simulator import Ledger
from denialdesk.simulator.fees import fee_schedule
from denialdesk.simulator.pricing import initial_deductible_met

ZERO = Decimal(0)


def shares(decision) -> dict[str, Decimal]:
    found: dict[str, Decimal] = {}
    for adjustment in (a for ln in decision.lines for a in ln.adjustments):
        key = f"{adjustment.group}-{adjustment.carc}"
        found[key] = found.get(key, ZERO) + adjustment.amount
    return found


def member_with_deductible_met(payers, payer_id: str, met: bool) -> str:
    deductible = payers.terms(payer_id).share.deductible
    for n in range(200):
        member = f"MBR{n:05d}"
        already = initial_deductible_met(payers.member_key(member), DOS.year, deductible)
        if (already == deductible) == met and (met or already == 0):
            return member
    raise AssertionError("no such member among 200")


def test_commercial_and_medicare_advantage_charge_a_copay_medicaid_nothing():
    payers = book()
    commercial = run(received(payer="COMM1"), payers).payments[0]
    assert shares(commercial).get("PR-3") == Decimal("30.00")
    assert commercial.patient_responsibility == Decimal("30.00")
    advantage = run(received(payer="MADV"), payers).payments[0]
    assert shares(advantage).get("PR-3") == Decimal("20.00")
    medicaid = run(received(payer="MCAID"), payers).payments[0]
    assert not [k for k in shares(medicaid) if k.startswith("PR")]
    assert medicaid.patient_responsibility == 0
    assert medicaid.paid == fee_schedule("medicaid_mco")["90834"]


def test_medicare_deductible_then_coinsurance_then_sequestration():
    payers, ledger = book(), Ledger(instance="T")
    member = member_with_deductible_met(payers, "MCARE", met=False)
    evaluation = received(line("90791", charge=Decimal("250.00")), payer="MCARE", member=member)
    first = run(evaluation, payers, ledger).payments[0]
    assert shares(first) == {"CO-45": Decimal("76.00"), "PR-1": Decimal("174.00")}
    assert first.paid == 0 and first.status == "1"  # processed: the patient owes it all
    later = line(service_date=DOS + timedelta(days=7))
    second = run(received(later, payer="MCARE", member=member, control="DD2"), payers, ledger)
    found = shares(second.payments[0])
    assert found["PR-1"] == Decimal("83.00")  # what is left of the 257.00 deductible
    assert found["PR-2"] == Decimal("3.80")  # 20 % of the remaining 19.00
    assert found["CO-253"] == Decimal("0.30")  # 2 % of what Medicare pays
    assert second.payments[0].paid == Decimal("14.90")
    third = run(
        received(line(service_date=DOS + timedelta(days=14)), payer="MCARE", member=member,
                 control="DD3"), payers, ledger,
    ).payments[0]  # fmt: skip
    assert "PR-1" not in shares(third) and shares(third)["PR-2"] == Decimal("20.40")


def test_an_employer_plan_with_its_deductible_met_charges_coinsurance():
    payers = book()
    member = member_with_deductible_met(payers, "ERISA", met=True)
    decision = run(received(payer="ERISA", member=member), payers).payments[0]
    allowed = fee_schedule("erisa")["90834"]
    assert shares(decision) == {
        "CO-45": Decimal("150.00") - allowed,
        "PR-2": (allowed * Decimal("0.2")).quantize(Decimal("0.01")),
    }


def random_claim(rng: Random, n: int):
    payer = rng.choice(sorted(PAYERS))
    codes = ["90791", "90832", "90834", "90837", "90846", "90847", "90853", "99213", "99214"]
    codes += ["99215", "96130", "H0004", "H0015", "H2036", "H0001", "97110"]
    lines = []
    for _ in range(rng.randint(1, 4)):
        code = rng.choice(codes)
        place = rng.choice(["11", "11", "11", "02", "10", "53"])
        modifiers = rng.choice([(), (), ("95",), ("93",), ("HF",)])
        units = Decimal(rng.choice([1, 1, 1, 2, 4])) if code == "H0004" else Decimal(1)
        lines.append(
            line(
                code,
                service_date=DOS + timedelta(days=rng.randint(0, 20)),
                charge=Decimal(rng.randint(5000, 40000)) / 100,
                place_of_service=place,
                modifiers=modifiers,
                units=units,
                dx_pointers=(rng.randint(1, 2),),
            )
        )
    diagnoses = rng.choice([("F32.9", "F10.20"), ("F10.20", "F41.1"), ("Z00.00", "F32.9")])
    return received(
        *lines,
        payer=payer,
        diagnoses=diagnoses,
        member=f"M{rng.randint(1, 25):04d}",
        control=f"DD{n:07d}",
        responsibility=rng.choice(["primary", "primary", "secondary"]),
    )


def check_balanced(payment) -> None:
    for ln in payment.lines:
        assert ln.charge - ln.paid == sum((a.amount for a in ln.adjustments), ZERO), ln
        if ln.allowed is not None:
            assert ln.allowed <= ln.charge and ln.paid >= 0
    adjusted = sum((a.amount for a in payment.all_adjustments()), ZERO)
    assert payment.charge - payment.paid == adjusted
    assert payment.patient_responsibility == sum(
        (a.amount for a in payment.all_adjustments() if a.group == "PR"), ZERO
    )


def test_every_claim_payment_balances_and_every_835_reads_back():
    rng, payers, ledger = Random(2026), book(review_rate=0.1), Ledger(instance="T")
    by_payer: dict[str, list] = {}
    for n in range(300):
        claim = random_claim(rng, n)
        received_on = claim.last_service_date + timedelta(days=rng.randint(0, 120))
        done = run(claim, payers, ledger, received_on=received_on, seed=n)
        assert claim.last_service_date <= done.answered_on <= received_on or any(
            a.carc == "29" for a in done.payments[-1].all_adjustments()
        )
        for payment in done.payments:
            check_balanced(payment)
            if payment.status != "22":
                assert payment.paid >= 0
            if claim.payer_id == "MCAID":
                assert payment.patient_responsibility == 0
        by_payer.setdefault(claim.payer_id, []).extend(done.payments)
    statuses = {p.status for payments in by_payer.values() for p in payments}
    assert {"1", "2", "4"} <= statuses  # paid, paid as secondary, denied all occur
    for number, (payer_id, payments) in enumerate(sorted(by_payer.items()), start=1):
        text = write_835(
            [
                PaymentOut(
                    f"TRACE{number}",
                    RECEIVED + timedelta(days=40),
                    RemitPayer(f"{payer_id} Health Plan", f"1{number:09d}", payer_id),
                    RemitPayee("Calm Waters", "1649382011", "232874519"),
                    tuple(payments),
                )
            ],
            envelope=RemitEnvelope(f"P{payer_id}", "DENIALDESK", number, number),
            now=datetime(2026, 4, 15, 12, 0),
        )
        remit = parse_835(text, today=date(2026, 12, 31))
        assert len(remit.claims) == len(payments)
        assert remit.amount == sum((p.paid for p in payments), ZERO)
        if number == 1:  # pyx12 is slow; one payer's file is enough to trust the shape
            assert pyx12_errors(text) == []


@pytest.mark.parametrize("days_ago", [0, 3, 200])
def test_the_answer_date_is_the_last_service_plus_a_lag_but_never_after_receipt(days_ago):
    today = date(2026, 10, 1)
    service = today - timedelta(days=days_ago)
    claim = received(line(service_date=service), payer="MCARE")
    done = run(claim, book(), received_on=today)
    if days_ago == 0:
        assert done.answered_on == today  # today's service is answered today
    elif days_ago == 3:
        assert done.answered_on == today
    else:
        assert 10 <= (done.answered_on - service).days <= 30  # an old claim, an old answer


def test_lags_spread_between_ten_and_thirty_days():
    lags = {
        (run(received(payer="MCARE"), book(), received_on=date(2026, 12, 1), seed=s).answered_on
         - DOS).days
        for s in range(60)
    }  # fmt: skip
    assert min(lags) >= 10 and max(lags) <= 30 and len(lags) > 10
