"""A stored claim payment read back as the 835 parser's ClaimPayment, so the one denial
analysis (domain.denials) serves the workflow's activities and the claim detail alike."""

from __future__ import annotations

from decimal import Decimal

from sqlmodel import Session, select

from denialdesk.domain.x12 import remit_model
from denialdesk.store.models import ClaimPayment, PaymentAdjustment, PaymentLine, PaymentRemark


def to_remit_payment(session: Session, row: ClaimPayment) -> remit_model.ClaimPayment:
    """The stored CLP loop as the parser built it (file order kept through row ids)."""
    lines = list(
        session.exec(
            select(PaymentLine)
            .where(PaymentLine.claim_payment_id == row.id)
            .order_by(PaymentLine.id)
        )
    )
    adjustments = list(
        session.exec(
            select(PaymentAdjustment)
            .where(PaymentAdjustment.claim_payment_id == row.id)
            .order_by(PaymentAdjustment.id)
        )
    )
    remarks = list(
        session.exec(
            select(PaymentRemark)
            .where(PaymentRemark.claim_payment_id == row.id)
            .order_by(PaymentRemark.id)
        )
    )

    def adjustments_of(line_id: int | None) -> tuple[remit_model.Adjustment, ...]:
        return tuple(
            remit_model.Adjustment(a.group, a.carc, a.amount, a.quantity)
            for a in adjustments
            if a.payment_line_id == line_id
        )

    def remarks_of(line_id: int | None) -> tuple[str, ...]:
        return tuple(r.code for r in remarks if r.payment_line_id == line_id)

    return remit_model.ClaimPayment(
        control_number=row.control_number,
        status_code=row.status_code,
        charge=row.charge,
        paid=row.paid,
        patient_responsibility=row.patient_responsibility,
        filing_indicator="",
        payer_claim_number=row.payer_claim_number,
        adjustments=adjustments_of(None),
        remarks=remarks_of(None),
        lines=tuple(
            remit_model.ServiceLine(
                qualifier="HC",
                code=line.code,
                modifiers=tuple(line.modifiers),
                charge=line.charge,
                paid=line.paid,
                units=line.units if line.units is not None else Decimal(1),
                service_from=line.service_date,
                service_to=line.service_date_end,
                adjustments=adjustments_of(line.id),
                remarks=remarks_of(line.id),
            )
            for line in lines
        ),
    )
