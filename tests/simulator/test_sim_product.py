"""The product and the simulator together: 837Ps the claim activity writes are answered with 835s
the product imports, matched to their claims, from the claim's own payer."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import claim_data
from sqlmodel import select

from denialdesk.activities.claims import ClaimActivities
from denialdesk.activities.payment_checks import hold_reason
from denialdesk.app.payer_book import build_book
from denialdesk.app.payer_sim import PayerSimulator
from denialdesk.contracts.claim import SubmitRequest
from denialdesk.domain.x12.remit import parse_835
from denialdesk.store.db import session_scope
from denialdesk.store.models import Claim, ClaimPayment, Payer, Remittance
from denialdesk.store.remittances import import_remittance

TODAY = date(2026, 7, 10)
AFTER_THE_AUTHORIZATION = date(2026, 7, 1)  # AUTH-1001 on file ends 2026-06-30


def test_the_product_imports_what_the_simulator_answers(engine, tmp_path):
    outbox, inbox = tmp_path / "outbox", tmp_path / "inbox"
    with session_scope(engine) as session:
        world = claim_data.world(session)  # the payer authorizes 90837
        clean = claim_data.new_claim(session, world)
        needs_auth = claim_data.new_claim(
            session,
            world,
            claim_data.line(
                "90837", minutes=60, charge=Decimal("200.00"), service_date=AFTER_THE_AUTHORIZATION
            ),
        )
        ids = (clean.id, needs_auth.id)
    acts = ClaimActivities(engine, outbox)
    for claim_id in ids:
        acts.submit_claim(SubmitRequest(claim_id, 1, "1", TODAY.isoformat()))
    simulator = PayerSimulator(outbox, inbox, tmp_path / "state", build_book(engine), delay=(0, 0))
    written = simulator.process_once(today=TODAY)
    assert len(written) == 2  # answered on different days: two payments
    with session_scope(engine) as session:
        for path in written:
            result = import_remittance(
                session,
                remit=parse_835(path.read_bytes(), today=TODAY),
                practice_ids=None,
                user_id=None,
                workflow_id=lambda slug, claim_id: f"claim-{slug}-{claim_id}",
            )
            assert (result.claims_matched, result.claims_unmatched) == (1, [])
        payments = {p.claim_id: p for p in session.exec(select(ClaimPayment))}
        for claim_id in ids:
            claim = session.get(Claim, claim_id)
            payer = session.get(Payer, claim.payer_id)
            remittance = session.get(Remittance, payments[claim_id].remittance_id)
            assert hold_reason(payments[claim_id], claim, payer, remittance, Decimal(0)) is None
            assert claim.first_service_date < remittance.payment_date <= TODAY
        assert (payments[ids[0]].result, payments[ids[0]].denial_category) == ("paid", None)
        assert (payments[ids[1]].result, payments[ids[1]].denial_category) == (
            "denied",
            "authorization",
        )
