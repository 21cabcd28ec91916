"""SEND_APPEAL: a sent appeal leaves a packet for the payer in the outbox (appeals/)."""

from __future__ import annotations

import json
import os
from datetime import date
from decimal import Decimal

from claim_data import line, new_claim, world
from remit_builder import RemitClaim, build_835
from sqlmodel import select
from temporalio.exceptions import ApplicationError

from denialdesk.contracts import claim as contracts
from denialdesk.domain.x12.remit import parse_835
from denialdesk.store.db import session_scope
from denialdesk.store.models import ClaimPayment, Payer
from denialdesk.store.remittances import import_remittance


def denied_claim(engine):
    with session_scope(engine) as session:
        w = world(session)
        claim = new_claim(session, w, line(service_date=date(2026, 3, 2), charge=Decimal("180")))
        payer_id = session.get(Payer, claim.payer_id).payer_id
    denial = RemitClaim(
        claim.control_number,
        Decimal("180"),
        Decimal("0"),
        "PCN-77",
        date(2026, 3, 2),
        status="4",
        adjustments=[("CO", "50", Decimal("150")), ("PR", "1", Decimal("30"))],
    )
    with session_scope(engine) as session:
        import_remittance(
            session,
            remit=parse_835(build_835([denial], trace="T77", paid_on=date(2026, 4, 1))),
            practice_ids=None,
            user_id=None,
            workflow_id=lambda slug, claim_id: f"claim-{slug}-{claim_id}",
        )
        assert session.exec(select(ClaimPayment)).one().claim_id == claim.id
    return claim, payer_id


def request(claim_id: int, **fields) -> contracts.AppealPacketRequest:
    values = {
        "claim_id": claim_id,
        "level": 1,
        "category": "medical_necessity",
        "letter_id": 5,
        "no_letter_reason": None,
        "enclosures": ["medical records", "treatment plan"],
        "sent_on": "2026-04-20",
    }
    return contracts.AppealPacketRequest(**(values | fields))


def test_the_packet_names_the_claim_the_denial_and_the_evidence(engine, acts, outbox):
    claim, payer_id = denied_claim(engine)
    name = acts.send_appeal_packet(request(claim.id))
    assert name == f"APPEAL-{claim.control_number}-L1.json"
    path = outbox / "appeals" / name
    packet = json.loads(path.read_text())
    assert packet == {
        "control_number": claim.control_number,
        "payer_claim_number": "PCN-77",
        "payer_id": payer_id,
        "level": 1,
        "category": "medical_necessity",
        "carcs": ["50"],  # the payer's reasons, not the patient's share
        "letter_id": 5,
        "no_letter_reason": None,
        "enclosures": ["medical records", "treatment plan"],
        "sent_on": "2026-04-20",
    }
    # The control number is ours, never a patient identifier; nothing else is in the name.
    assert os.listdir(outbox / "appeals") == [name]


def test_a_retry_leaves_the_first_packet_and_level_two_is_its_own(engine, acts, outbox):
    claim, _ = denied_claim(engine)
    first = acts.send_appeal_packet(request(claim.id))
    before = (outbox / "appeals" / first).read_text()
    assert acts.send_appeal_packet(request(claim.id, enclosures=[])) == first
    assert (outbox / "appeals" / first).read_text() == before
    second = acts.send_appeal_packet(request(claim.id, level=2, letter_id=None,
                                             no_letter_reason="payer form"))  # fmt: skip
    assert second.endswith("-L2.json") and second != first


def test_a_claim_that_is_gone_is_a_data_error_not_a_retry(acts):
    try:
        acts.send_appeal_packet(request(987654))
    except ApplicationError as error:
        assert error.type == contracts.DATA_ERROR and error.non_retryable
    else:
        raise AssertionError("expected a DataError")
