"""Whether a claim payment makes sense for its claim before it is applied.

A payer's file is outside data: a payment can come from another payer's remittance (a file
posted against the wrong practice, or forged), be larger than what was billed, be negative
without being a reversal, or pay a claim that is already paid (the same payment again under
another trace number). Applying any of those would move money on the claim that nobody can
explain. Each is held instead: the reason goes to a review_payment task and a person decides.
"""

from __future__ import annotations

from decimal import Decimal

from denialdesk.domain.x12.remit_model import REVERSAL
from denialdesk.store.models import Claim, ClaimPayment, Payer, Remittance


def hold_reason(
    row: ClaimPayment, claim: Claim, payer: Payer, remittance: Remittance, paid_before: Decimal
) -> str | None:
    """Why `row` must not be applied to `claim`, or None. `paid_before`: what the payments
    already applied to the claim add up to."""
    known = {value for value in (payer.remittance_ids or []) if value}
    known.add(payer.payer_id)
    sent = set(remittance.payer_ids or []) or {remittance.payer_identifier}
    if not sent & known:
        names = ", ".join(sorted(sent))
        return f"the remittance's payer ({names}) is not the claim's payer"
    if row.status_code == REVERSAL:
        return None  # a reversal is negative by nature; it is matched to what it undoes
    if row.paid < 0:
        return f"a negative payment ({row.paid}) that is not a reversal"
    if claim.status == "paid" and row.paid > 0:
        return "the claim is already paid: a second payment"
    if paid_before + row.paid > claim.total_charge:
        return (
            f"payments would total {paid_before + row.paid}, more than the charge "
            f"{claim.total_charge}"
        )
    return None
