"""APPLY_PAYMENT holds a payment that makes no sense for its claim instead of applying it
(SQLite and PostgreSQL): another payer's remittance, more than the charge, negative and not a
reversal, a second payment of a paid claim. Held payments count in no total; a person's
`force` applies one after review. Unreadable data is a DataError, never a retry."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from remit_builder import RemitClaim, build_835
from temporalio.exceptions import ApplicationError, ApplicationErrorCategory
from test_payment_activities import claim_on, store_835

from denialdesk.contracts import claim as contracts
from denialdesk.store.db import session_scope
from denialdesk.store.models import Claim, ClaimPayment, ServiceLine

DOS = date(2026, 3, 2)
D = Decimal


def _pay(engine, claim: Claim, paid: str, *, trace: str, status: str = "1", **kw) -> int:
    charge = D("180")
    # The file must balance: an overpayment carries a negative adjustment, as payers send it.
    adjustments = [("CO", "45", charge - D(paid))] if D(paid) != charge else []
    remit = RemitClaim(
        claim.control_number, charge, D(paid), "PCN-1", DOS, status=status,
        adjustments=adjustments,
    )  # fmt: skip
    payments = store_835(engine, build_835([remit], trace=trace, paid_on=DOS, **kw))
    return payments[-1].id


def _apply(acts, claim: Claim, payment_id: int, force: bool = False):
    return acts.apply_payment(contracts.PaymentRequest(claim.id, payment_id, 0, force))


def _stored(engine, claim: Claim, payment_id: int) -> tuple[Decimal, str | None]:
    with session_scope(engine) as session:
        total = session.get(Claim, claim.id).total_paid
        return total, session.get(ClaimPayment, payment_id).held_reason


@pytest.mark.parametrize(
    ("paid", "status", "reason"),
    [
        ("1000000.00", "1", "payments would total 1000000.00, more than the charge 180.00"),
        ("-500.00", "1", "a negative payment (-500.00) that is not a reversal"),
    ],
)
def test_money_that_makes_no_sense_is_held_not_applied(engine, acts, paid, status, reason):
    claim = claim_on(engine, DOS)
    payment_id = _pay(engine, claim, paid, trace="T1", status=status)
    outcome = _apply(acts, claim, payment_id)
    assert (outcome.result, outcome.held_reason) == ("held", reason)
    assert _stored(engine, claim, payment_id) == (D("0.00"), reason)
    # Applying it again (a retried activity) holds it again and applies nothing.
    assert _apply(acts, claim, payment_id).result == "held"
    assert _stored(engine, claim, payment_id)[0] == D("0.00")


def test_a_remittance_from_another_payer_is_held(engine, acts):
    claim = claim_on(engine, DOS)
    payment_id = _pay(
        engine, claim, "150.00", trace="T2", payer_ref="OTHER9", payer_tax_id="1999999999"
    )
    outcome = _apply(acts, claim, payment_id)
    assert outcome.result == "held"
    assert outcome.held_reason == (
        "the remittance's payer (1999999999, OTHER9) is not the claim's payer"
    )


def test_a_second_payment_of_a_paid_claim_under_another_trace_is_held(engine, acts):
    claim = claim_on(engine, DOS)
    first = _pay(engine, claim, "150.00", trace="T3")
    assert _apply(acts, claim, first).result == "paid"
    with session_scope(engine) as session:
        session.get(Claim, claim.id).status = "paid"  # what the workflow records next
    again = _pay(engine, claim, "150.00", trace="T3-AGAIN")
    outcome = _apply(acts, claim, again)
    assert outcome.held_reason == "the claim is already paid: a second payment"
    assert _stored(engine, claim, again) == (
        D("150.00"),
        "the claim is already paid: a second payment",
    )


def test_a_reviewed_payment_is_applied_when_forced(engine, acts):
    claim = claim_on(engine, DOS)
    payment_id = _pay(
        engine, claim, "150.00", trace="T4", payer_ref="OTHER9", payer_tax_id="1999999999"
    )
    assert _apply(acts, claim, payment_id).result == "held"
    forced = _apply(acts, claim, payment_id, force=True)
    assert forced.result == "paid" and forced.held_reason is None
    assert _stored(engine, claim, payment_id) == (D("150.00"), None)


def test_a_domain_error_in_an_activity_is_a_non_retryable_data_error(engine, acts):
    # A stored service date no deadline can follow (rows written before the API checked).
    claim = claim_on(engine, DOS)
    payment_id = _pay(engine, claim, "0.00", trace="T5")
    with session_scope(engine) as session:
        for row in session.exec(ServiceLine.__table__.select()).all():
            session.get(ServiceLine, row.id).service_date = date(9999, 12, 31)
    with pytest.raises(ApplicationError) as raised:
        _apply(acts, claim, payment_id)
    error = raised.value
    assert error.type == contracts.DATA_ERROR and error.non_retryable
    assert error.category == ApplicationErrorCategory.BENIGN  # logged at debug only
    assert "OverflowError" in error.message
