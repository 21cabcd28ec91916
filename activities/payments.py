"""APPLY_PAYMENT: what a stored claim payment means for its claim.

The stored CLP loop is rebuilt as the parser's value (domain.x12.remit_model.ClaimPayment) so
the one analysis in domain/denials.py decides result, category and action; the deadline and the
priority are counted from the remittance date, never from today, so replayed history gets the
dates it had. Applying the same payment twice gives the same outcome and one event.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from sqlmodel import Session, col, select

from denialdesk.activities.authorization_requests import authorization_detail
from denialdesk.activities.payment_checks import hold_reason
from denialdesk.contracts import claim as contracts
from denialdesk.domain import deadlines
from denialdesk.domain.denials import DenialAnalysis, Result, analyse_claim
from denialdesk.domain.priority import priority
from denialdesk.domain.x12 import remit_model
from denialdesk.store import claims as store_claims
from denialdesk.store.claim_input import line_rows, to_payer, version_row
from denialdesk.store.models import (
    Claim,
    ClaimPayment,
    Payer,
    Remittance,
)
from denialdesk.store.payment_rows import to_remit_payment

REVERSAL = remit_model.REVERSAL


def apply_claim_payment(
    session: Session, request: contracts.PaymentRequest
) -> contracts.PaymentOutcome:
    row = session.get(ClaimPayment, request.claim_payment_id)
    if row is None or row.claim_id != request.claim_id:
        raise LookupError(f"claim payment {request.claim_payment_id} is not one of this claim")
    claim = session.get(Claim, request.claim_id)
    payer_row = session.get(Payer, claim.payer_id) if claim is not None else None
    if claim is None or payer_row is None:
        raise LookupError(f"claim {request.claim_id} or its payer not found")
    remittance = session.get(Remittance, row.remittance_id)
    if request.force:
        row.held_reason = None  # a person reviewed it and chose to apply it
    else:
        paid_before = _total_paid(session, claim.id, row.id - 1)
        row.held_reason = hold_reason(row, claim, payer_row, remittance, paid_before)
    session.add(row)
    if row.held_reason is not None:
        return contracts.held_outcome(row.held_reason, str(row.paid.quantize(Decimal("0.01"))))
    remit_date = remittance.payment_date or remittance.imported_at.date()
    payer = to_payer(payer_row)
    analysis = analyse_claim(to_remit_payment(session, row), plan_type=payer.plan_type)

    service_dates = [
        line.service_date
        for line in line_rows(session, version_row(session, claim.id, claim.version).id)
    ]
    deadline = deadlines.next_hard_deadline(
        payer=payer,
        service_dates=service_dates,
        result=analysis.result.value,
        category=analysis.category,
        action=analysis.action,
        appealable=analysis.appealable,
        remit_date=remit_date,
        level_reached=request.appeal_level,
    )
    at_stake = analysis.amount_at_stake  # PR denials are the patient's, not at stake
    ranked = priority(
        amount=at_stake,
        category=analysis.category,
        deadline=deadline.on if deadline else None,
        today=remit_date,
    )
    reverses = _reversed_payment(session, row) if analysis.result is Result.REVERSAL else None
    task_detail, because = {}, None
    if analysis.category == "authorization" and analysis.result is not Result.REVERSAL:
        task_detail, because = authorization_detail(session, claim, analysis)
    reason = f"{ranked.reason} · {because}" if because else ranked.reason

    claim.total_paid = _total_paid(session, claim.id, row.id)
    if row.payer_claim_number and row.status_code != REVERSAL:
        claim.payer_claim_number = row.payer_claim_number
    session.add(claim)
    store_claims.add_event(
        session,
        claim_id=claim.id,
        kind="payment",
        detail=json.dumps(_event_detail(row, analysis, reverses, remit_date)),
        key=f"payment:{row.id}",
    )
    levels = deadlines.appeal_levels(payer)
    return contracts.PaymentOutcome(
        result=analysis.result.value,
        category=analysis.category,
        action=analysis.action,
        appealable=analysis.appealable,
        amount_at_stake=str(at_stake.quantize(Decimal("0.01"))),
        due_at=deadline.on.isoformat() if deadline else None,
        deadline_kind=deadline.kind if deadline else None,
        priority=ranked.score,
        priority_reason=reason,
        resubmit_method=_resubmit_method(analysis, payer.correction_method),
        max_appeal_level=max((level.level for level in levels), default=0),
        reverses_payment_id=reverses,
        task_detail=task_detail,
    )


def _reversed_payment(session: Session, reversal: ClaimPayment) -> int | None:
    """The earlier payment of the claim this reversal undoes: same payer claim number (or
    control number when the payer sent none), not already reversed; the one whose amount it
    negates if several, else the latest."""
    earlier = list(
        session.exec(
            select(ClaimPayment)
            .where(
                ClaimPayment.claim_id == reversal.claim_id,
                ClaimPayment.id < reversal.id,
                col(ClaimPayment.held_reason).is_(None),  # never applied: nothing to undo
            )
            .order_by(ClaimPayment.id)
        )
    )
    open_payments: list[ClaimPayment] = []
    for payment in earlier:
        if payment.status_code == REVERSAL:
            undone = _match(open_payments, payment)
            if undone is not None:
                open_payments.remove(undone)
        else:
            open_payments.append(payment)
    found = _match(open_payments, reversal)
    return found.id if found is not None else None


def _match(candidates: list[ClaimPayment], reversal: ClaimPayment) -> ClaimPayment | None:
    def same_claim(payment: ClaimPayment) -> bool:
        if reversal.payer_claim_number and payment.payer_claim_number:
            return payment.payer_claim_number == reversal.payer_claim_number
        return payment.control_number == reversal.control_number

    matching = [p for p in candidates if same_claim(p)]
    negating = [p for p in matching if p.paid == -reversal.paid]
    chosen = negating or matching
    return chosen[-1] if chosen else None


def _total_paid(session: Session, claim_id: int, up_to_id: int) -> Decimal:
    """Net paid by the payments applied so far (reversals carry negative amounts; held
    payments were not applied)."""
    paid = session.exec(
        select(ClaimPayment.paid).where(
            ClaimPayment.claim_id == claim_id,
            ClaimPayment.id <= up_to_id,
            col(ClaimPayment.held_reason).is_(None),
        )
    )
    return sum(paid, Decimal("0.00"))


def _resubmit_method(analysis: DenialAnalysis, correction_method: str) -> str:
    # MA130 and other claims without appeal rights go in again as a new frequency-1 claim;
    # Medicare's untimely denial is proved on the claim it denied (a reopening), since a new
    # claim would be as late.
    denied = analysis.result in (Result.DENIED, Result.PARTIALLY_PAID)
    keeps_claim = ("bill_patient", deadlines.TIMELY_PROOF_OR_EXCEPTION)
    no_appeal = not analysis.appealable and analysis.action not in keeps_claim
    if denied and (analysis.action == "new_claim" or no_appeal):
        return "new_claim"
    return correction_method


def _event_detail(
    row: ClaimPayment, analysis: DenialAnalysis, reverses: int | None, remit_date: date
) -> dict:
    return {
        "claim_payment_id": row.id,
        "remit_date": remit_date.isoformat(),
        "result": analysis.result.value,
        "category": analysis.category,
        "action": analysis.action,
        "paid": str(row.paid),
        "denied": str(analysis.denied_amount),
        "carcs": [f"{a.group}-{a.carc}" for a in analysis.adjustments],
        "reverses_payment_id": reverses,
    }
