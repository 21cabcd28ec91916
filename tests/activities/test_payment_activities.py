"""APPLY_PAYMENT on payments stored by the real import (store.remittances) from the corpus
835s (tests/data/835) and from built remittances, pointed at claims created for the test."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from claim_data import line, new_claim, world
from remit_builder import RemitClaim, build_835
from sqlmodel import select
from temporalio.exceptions import ApplicationError

from denialdesk.contracts import claim as contracts
from denialdesk.domain.priority import priority
from denialdesk.domain.x12.remit import parse_835
from denialdesk.store.claim_views import claim_detail
from denialdesk.store.db import session_scope
from denialdesk.store.models import Claim, ClaimEvent, ClaimPayment
from denialdesk.store.remittances import import_remittance

CORPUS = Path(__file__).parent.parent / "data" / "835"


def claim_on(engine, service_date: date, **payer_fields) -> Claim:
    with session_scope(engine) as session:
        w = world(session, **payer_fields)
        return new_claim(session, w, line(service_date=service_date, charge=Decimal("180")))


def store_835(engine, text: str) -> list[ClaimPayment]:
    with session_scope(engine) as session:
        result = import_remittance(
            session,
            remit=parse_835(text),
            practice_ids=None,
            user_id=None,
            workflow_id=lambda slug, claim_id: f"claim-{slug}-{claim_id}",
        )
        assert result.claims_matched >= 1
        return list(session.exec(select(ClaimPayment).order_by(ClaimPayment.id)))


def corpus(name: str, control_number: str, original: str) -> str:
    """A corpus file with one CLP01 replaced by our claim's control number."""
    text = (CORPUS / name).read_text()
    return re.sub(rf"CLP\*{original}\*", f"CLP*{control_number}*", text)


def apply(acts, claim_id: int, payment_id: int, level: int = 0) -> contracts.PaymentOutcome:
    return acts.apply_payment(contracts.PaymentRequest(claim_id, payment_id, level))


def test_a_paid_claim(engine, acts):
    claim = claim_on(engine, date(2024, 3, 1))
    (payment,) = store_835(engine, corpus("01_paid_single.835", claim.control_number, r"\w+"))
    outcome = apply(acts, claim.id, payment.id)
    assert (outcome.result, outcome.category, outcome.action) == ("paid", None, "none")
    assert outcome.due_at is None and outcome.priority == 0
    assert outcome.amount_at_stake == "0.00"
    with session_scope(engine) as session:
        stored = session.get(Claim, claim.id)
    assert stored.total_paid == Decimal("140.00")
    assert stored.payer_claim_number == "BH24075000001"


def test_a_missing_authorization_is_corrected_within_timely_filing(engine, acts):
    claim = claim_on(engine, date(2024, 3, 6))
    (payment,) = store_835(
        engine, corpus("03_denied_authorization.835", claim.control_number, r"\w+")
    )
    outcome = apply(acts, claim.id, payment.id)
    remit_date = date(2024, 3, 20)  # BPR16
    due = date(2024, 3, 6) + timedelta(days=365)  # the factory payer's timely filing
    assert (outcome.result, outcome.category) == ("denied", "authorization")
    assert outcome.action == "obtain_retro_authorization" and outcome.appealable
    assert outcome.amount_at_stake == "180.00"
    assert (outcome.deadline_kind, outcome.due_at) == ("corrected_claim", due.isoformat())
    expected = priority(
        amount=Decimal("180"), category="authorization", deadline=due, today=remit_date
    )
    # The patient has an authorization for this payer (claim_data.world): the retro request
    # belongs on it (test_authorization_requests.py).
    on_file = f" · request on authorization {outcome.task_detail['authorization_id']}"
    assert outcome.priority == expected.score
    assert outcome.priority_reason == expected.reason + on_file
    assert outcome.priority_reason.startswith(f"$180 · {(due - remit_date).days} days left")
    assert outcome.resubmit_method == "replacement_7" and outcome.max_appeal_level == 1
    assert outcome.reverses_payment_id is None
    with session_scope(engine) as session:
        event = session.exec(select(ClaimEvent).where(ClaimEvent.claim_id == claim.id)).one()
    detail = json.loads(event.detail)
    assert (event.kind, detail["result"], detail["carcs"]) == ("payment", "denied", ["CO-197"])


def test_ma130_means_a_new_claim_not_an_appeal(engine, acts):
    claim = claim_on(engine, date(2024, 3, 7))
    text = corpus("04_co16_remarks.835", claim.control_number, "DD2403000006")
    payment = next(p for p in store_835(engine, text) if p.claim_id == claim.id)
    outcome = apply(acts, claim.id, payment.id)
    assert outcome.result == "denied" and not outcome.appealable
    assert outcome.action == "new_claim" and outcome.resubmit_method == "new_claim"
    assert outcome.deadline_kind == "timely_filing"


def test_a_medicare_untimely_filing_denial_is_a_reopening_with_proof_not_an_appeal(engine, acts):
    claim = claim_on(
        engine, date(2024, 3, 1), plan_type="medicare_b", correction_method="reopening"
    )
    paid_on = date(2025, 4, 1)
    late = RemitClaim(
        claim.control_number, Decimal("180"), Decimal("0"), "PCN-29", date(2024, 3, 1),
        status="4", adjustments=[("CO", "29", Decimal("180"))],
    )  # fmt: skip
    (payment,) = store_835(engine, build_835([late], trace="T29", paid_on=paid_on))
    outcome = apply(acts, claim.id, payment.id)
    assert (outcome.category, outcome.action) == ("timely_filing", "timely_proof_or_exception")
    assert not outcome.appealable
    assert (outcome.resubmit_method, outcome.deadline_kind) == ("reopening", "reopening")
    assert outcome.due_at == date(2026, 4, 1).isoformat()  # a year from the determination
    with session_scope(engine) as session:  # the claim page says the same
        detail = claim_detail(session, claim=session.get(Claim, claim.id))
    assert [(d.carc, d.appealable) for d in detail.denials] == [("29", False)]


def test_an_appeal_then_the_next_level(engine, acts):
    levels = [
        {"level": 1, "name": "First level", "window_days": 90},
        {"level": 2, "name": "Second level", "window_days": 60},
    ]
    claim = claim_on(engine, date(2026, 3, 2), appeal_levels=levels)
    paid_on = date(2026, 4, 1)
    denial = RemitClaim(
        claim.control_number,
        Decimal("180"),
        Decimal("0"),
        "PCN-50",
        date(2026, 3, 2),
        status="4",
        adjustments=[("CO", "50", Decimal("180"))],
    )
    (payment,) = store_835(engine, build_835([denial], trace="T50", paid_on=paid_on))
    first = apply(acts, claim.id, payment.id)
    assert (first.category, first.deadline_kind) == ("medical_necessity", "appeal")
    assert first.due_at == (paid_on + timedelta(days=90)).isoformat()
    assert first.max_appeal_level == 2
    second = apply(acts, claim.id, payment.id, level=1)  # level 1 was lost: level 2 is next
    assert second.due_at == (paid_on + timedelta(days=60)).isoformat()
    spent = apply(acts, claim.id, payment.id, level=2)
    assert spent.due_at is None and spent.priority_reason.endswith("no deadline")
    with session_scope(engine) as session:  # applied three times, one event
        events = session.exec(select(ClaimEvent).where(ClaimEvent.claim_id == claim.id)).all()
    assert len(events) == 1


def test_a_reversal_names_the_payment_it_reverses(engine, acts):
    claim = claim_on(engine, date(2024, 2, 15))
    original = RemitClaim(
        claim.control_number,
        Decimal("180"),
        Decimal("140"),
        "BH24050000014",
        date(2024, 2, 15),
        adjustments=[("CO", "45", Decimal("40"))],
    )
    other = RemitClaim(
        claim.control_number,
        Decimal("180"),
        Decimal("20"),
        "SOMETHING-ELSE",
        date(2024, 2, 15),
        adjustments=[("CO", "45", Decimal("160"))],
    )
    store_835(engine, build_835([original], trace="ORIG", paid_on=date(2024, 3, 1)))
    store_835(engine, build_835([other], trace="OTHER", paid_on=date(2024, 3, 2)))
    payments = store_835(engine, corpus("08_reversal.835", claim.control_number, "DD2402000014"))
    first, _other, reversal, corrected = (p for p in payments if p.claim_id == claim.id)
    for payment in (first, _other):
        apply(acts, claim.id, payment.id)
    undone = apply(acts, claim.id, reversal.id)
    assert undone.result == "reversal" and undone.reverses_payment_id == first.id
    assert undone.due_at is None
    redone = apply(acts, claim.id, corrected.id)
    assert redone.result == "paid" and redone.reverses_payment_id is None
    with session_scope(engine) as session:
        stored = session.get(Claim, claim.id)
    assert stored.total_paid == Decimal("120.00")  # 140 + 20 − 140 + 100
    assert stored.payer_claim_number == "BH24089000014"


def test_a_payment_of_another_claim_is_a_data_error(engine, acts):
    claim = claim_on(engine, date(2024, 3, 1))
    other = claim_on(engine, date(2024, 3, 1))
    (payment,) = store_835(engine, corpus("01_paid_single.835", claim.control_number, r"\w+"))
    with pytest.raises(ApplicationError) as raised:
        apply(acts, other.id, payment.id)
    assert raised.value.type == "DataError" and raised.value.non_retryable
