"""The appeal packet: what a sent appeal leaves for the payer in the clearinghouse outbox.

Clearinghouses carry appeals and their attachments beside the claims (an attachment channel,
in real life often a portal upload). The packet names the claim by its control number and the
payer's claim number, never the patient; the letter and the records stay with the practice,
the packet says which of them went (the payer simulator weighs that evidence).
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlmodel import col, select

from denialdesk.contracts.claim import AppealPacketRequest
from denialdesk.store.db import session_scope
from denialdesk.store.models import Claim, ClaimPayment, Payer, PaymentAdjustment

APPEALS_FOLDER = "appeals"


def appeal_packet(session, request: AppealPacketRequest) -> tuple[str, dict]:
    """(file name, packet) for the claim's appeal at the request's level."""
    claim = session.get(Claim, request.claim_id)
    if claim is None:
        raise LookupError(f"claim {request.claim_id} not found")
    payer = session.get(Payer, claim.payer_id)
    latest = session.exec(
        select(ClaimPayment)
        .where(ClaimPayment.claim_id == claim.id, col(ClaimPayment.held_reason).is_(None))
        .order_by(col(ClaimPayment.id).desc())
    ).first()
    carcs: list[str] = []
    if latest is not None:
        rows = session.exec(
            select(PaymentAdjustment.carc)
            .where(
                PaymentAdjustment.claim_payment_id == latest.id,
                PaymentAdjustment.group != "PR",
            )
            .order_by(col(PaymentAdjustment.id))
        ).all()
        carcs = list(dict.fromkeys(rows))  # in order, once each
    packet = {
        "control_number": claim.control_number,
        "payer_claim_number": claim.payer_claim_number
        or (latest.payer_claim_number if latest else None),
        "payer_id": payer.payer_id if payer else None,
        "level": request.level,
        "category": request.category,
        "carcs": carcs,
        "letter_id": request.letter_id,
        "no_letter_reason": request.no_letter_reason,
        "enclosures": list(request.enclosures),
        "sent_on": request.sent_on,
    }
    return f"APPEAL-{claim.control_number}-L{request.level}.json", packet


def write_appeal_packet(engine, outbox_dir: Path, request: AppealPacketRequest, write) -> str:
    with session_scope(engine) as session:
        name, packet = appeal_packet(session, request)
    write(outbox_dir / APPEALS_FOLDER / name, json.dumps(packet, indent=2, sort_keys=True) + "\n")
    return name
