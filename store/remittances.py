"""Store a parsed 835: remittances, claim payments and the payment outbox, in one transaction.

Idempotent per transaction: a (payer identifier, trace number) already stored for the same
practice is a duplicate and changes nothing, so importing a file twice, or two files that share
a payment, is safe; the practice is the one the file is for (its payee, else the importer's
only practice), so one practice's import can never make another's file a duplicate.
Each claim payment is matched to our claim by CLP01 (our control number), then CLP07 (the
payer's claim number), among the claims of the caller's practices only: a payment naming
another practice's claim is stored unmatched and applied to nothing. Every matched payment
gets a PaymentOutbox row in the same transaction, which the relay (app/relay.py) turns into
exactly one signal to the claim's workflow; the workflow's activity checks the payment makes
sense for the claim (activities/payment_checks.py) before applying it. The caller commits; on
any error it rolls back and nothing of the file is kept.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import asdict, dataclass, field

from sqlalchemy import or_, update
from sqlmodel import Session, col, select

from denialdesk.domain.denials import analyse_claim
from denialdesk.domain.line_posting import OurLine, PaidLine, post_lines
from denialdesk.domain.x12.remit_model import ClaimPayment as ClaimRemit
from denialdesk.domain.x12.remit_model import RemittanceFile, Transaction
from denialdesk.store.claim_views import current_lines
from denialdesk.store.models import (
    Claim,
    ClaimPayment,
    Payer,
    PaymentAdjustment,
    PaymentLine,
    PaymentOutbox,
    PaymentRemark,
    Practice,
    Remittance,
)
from denialdesk.store.types import utcnow

# (practice slug, claim id) -> workflow id; passed in because the store sits below workflows.
WorkflowId = Callable[[str, int], str]


@dataclass
class ImportResult:
    """The SPEC response of POST /remittances (and `import-835 --json`)."""

    trace_numbers: list[str] = field(default_factory=list)
    duplicate_trace_numbers: list[str] = field(default_factory=list)
    claims_matched: int = 0
    claims_unmatched: list[str] = field(default_factory=list)
    payments: int = 0
    denials: int = 0
    duplicate: bool = False
    # Not part of the response: the outbox rows written, for the caller to relay at once.
    outbox_ids: list[int] = field(default_factory=list, repr=False)

    def response(self) -> dict:
        body = asdict(self)
        body.pop("outbox_ids")
        return body


def payer_identifier(transaction: Transaction) -> str:
    """TRN03 (the originating company), else REF*2U / N1*PR: how the payer names itself."""
    return transaction.originator or transaction.payer.id or transaction.payer.name


def import_remittance(
    session: Session,
    *,
    remit: RemittanceFile,
    practice_ids: Collection[int] | None,
    user_id: int | None,
    workflow_id: WorkflowId,
) -> ImportResult:
    """Store every new transaction of the file; report as seen from `practice_ids` (None: all).

    A payment naming a claim outside `practice_ids` is stored unmatched and applied to
    nothing: the caller may not write to that claim. That practice can still import the
    payer's file itself, since duplicates are told apart per practice. Unmatched payments are
    listed only to the practices the file is for (its payee), so no reply leaks a claim.
    """
    result = ImportResult()
    seen: set[tuple[str, str, int | None]] = set()
    for transaction in remit.transactions:
        payer = payer_identifier(transaction)
        payees = _payee_practices(session, transaction, payer)
        key = (payer, transaction.trace_number, _file_practice(payees, practice_ids))
        result.trace_numbers.append(transaction.trace_number)
        if key in seen or _stored(session, key):
            result.duplicate_trace_numbers.append(transaction.trace_number)
            continue
        seen.add(key)
        _store_transaction(
            session, transaction, key, payees, practice_ids, user_id, workflow_id, result
        )
    result.duplicate = bool(remit.transactions) and len(result.duplicate_trace_numbers) == len(
        remit.transactions
    )
    return result


def _stored(session: Session, key: tuple[str, str, int | None]) -> bool:
    payer, trace, practice_id = key
    same_practice = (
        col(Remittance.practice_id).is_(None)
        if practice_id is None
        else Remittance.practice_id == practice_id
    )
    found = session.exec(
        select(Remittance.id).where(
            Remittance.payer_identifier == payer, Remittance.trace_number == trace, same_practice
        )
    ).first()
    return found is not None


def _file_practice(payees: list[int], practice_ids: Collection[int] | None) -> int | None:
    """The practice a transaction is for: its payee among the caller's practices, else the
    caller's only practice; None when that cannot be told (an all-practice import of a file
    whose payee is none or several of ours)."""
    if practice_ids is None:
        return payees[0] if len(payees) == 1 else None
    mine = [p for p in payees if p in practice_ids]
    if len(mine) == 1:
        return mine[0]
    allowed = sorted(set(practice_ids))
    return allowed[0] if len(allowed) == 1 else None


def _payer_ids(transaction: Transaction) -> list[str]:
    found = [transaction.originator, transaction.payer.id]
    return sorted({value for value in found if value})


def _store_transaction(
    session: Session,
    transaction: Transaction,
    key: tuple[str, str, int | None],
    payee_practices: list[int],
    practice_ids: Collection[int] | None,
    user_id: int | None,
    workflow_id: WorkflowId,
    result: ImportResult,
) -> None:
    remittance = Remittance(
        payer_identifier=key[0],
        trace_number=key[1],
        payer_name=transaction.payer.name[:60],
        payer_ids=_payer_ids(transaction),
        practice_id=key[2],
        amount=transaction.amount,
        payment_date=transaction.payment_date,
        method=transaction.method or None,
        provider_adjustments=[
            {
                "provider_id": a.provider_id,
                "fiscal_period_end": a.fiscal_period_end.isoformat(),
                "reason": a.reason,
                "reference": a.reference,
                "amount": str(a.amount),
            }
            for a in transaction.provider_adjustments
        ],
        imported_by=user_id,
    )
    session.add(remittance)
    session.flush()
    for remit in transaction.claims:
        claim = _match(session, remit, practice_ids)
        payment = _store_payment(session, remittance.id, remit, claim)
        result.payments += 1
        if payment.denial_category is not None:
            result.denials += 1
        if claim is None:
            if practice_ids is None or set(payee_practices) & set(practice_ids):
                result.claims_unmatched.append(remit.control_number)
            continue
        result.claims_matched += 1
        slug = session.get(Practice, claim.practice_id).slug
        outbox = PaymentOutbox(
            claim_payment_id=payment.id, claim_id=claim.id, workflow_id=workflow_id(slug, claim.id)
        )
        session.add(outbox)
        session.flush()
        result.outbox_ids.append(outbox.id)


def _match(
    session: Session, remit: ClaimRemit, practice_ids: Collection[int] | None
) -> Claim | None:
    """Our claim for a claim payment, among the caller's practices (None: all)."""
    mine = True if practice_ids is None else col(Claim.practice_id).in_(list(practice_ids))
    by_control = session.exec(
        select(Claim).where(Claim.control_number == remit.control_number, mine)
    ).first()
    if by_control is not None or not remit.payer_claim_number:
        return by_control
    # Payer claim numbers are the payer's, not unique across practices: only an unambiguous
    # match counts (a wrong match would pay the wrong claim).
    found = session.exec(
        select(Claim).where(Claim.payer_claim_number == remit.payer_claim_number, mine).limit(2)
    ).all()
    return found[0] if len(found) == 1 else None


def _payee_practices(session: Session, transaction: Transaction, payer_id: str) -> list[int]:
    """Which practices an unmatched payment is probably for: the payee's NPI or tax id, else
    the practices that know this payer identifier (so it is listed to their staff only)."""
    payee = transaction.payee
    keys = [Practice.npi == payee.npi] if payee.npi else []
    keys += [Practice.tax_id == payee.tax_id] if payee.tax_id else []
    if keys:
        found = session.exec(select(Practice.id).where(or_(*keys))).all()
        if found:
            return list(found)
    payers = session.exec(select(Payer.practice_id, Payer.remittance_ids)).all()
    return sorted({practice for practice, ids in payers if payer_id in (ids or [])})


def _store_payment(
    session: Session, remittance_id: int, remit: ClaimRemit, claim: Claim | None
) -> ClaimPayment:
    analysis = analyse_claim(remit)
    payment = ClaimPayment(
        remittance_id=remittance_id,
        claim_id=claim.id if claim else None,
        practice_id=claim.practice_id if claim else None,
        control_number=remit.control_number[:38],
        status_code=remit.status_code,
        charge=remit.charge,
        paid=remit.paid,
        patient_responsibility=remit.patient_responsibility,
        payer_claim_number=remit.payer_claim_number,
        result=str(analysis.result),
        denial_category=analysis.category,
    )
    session.add(payment)
    session.flush()
    for adjustment in remit.adjustments:
        session.add(_adjustment(payment.id, None, adjustment))
    for code in remit.remarks:
        session.add(PaymentRemark(claim_payment_id=payment.id, code=code, source="MOA"))
    posted = _post_to_lines(session, claim, remit.lines)
    for line, service_line_id in zip(remit.lines, posted, strict=True):
        row = PaymentLine(
            claim_payment_id=payment.id,
            line_control=(line.control_number or "")[:50] or None,
            service_line_id=service_line_id,
            code=line.code,
            modifiers=list(line.modifiers),
            # A line without its own DTM takes the claim's statement date (the guide's rule).
            service_date=line.service_from or remit.statement_from,
            service_date_end=line.service_to,
            charge=line.charge,
            paid=line.paid,
            units=line.units,
        )
        session.add(row)
        session.flush()
        for adjustment in line.adjustments:
            session.add(_adjustment(payment.id, row.id, adjustment))
        for code in line.remarks:
            session.add(
                PaymentRemark(
                    claim_payment_id=payment.id, payment_line_id=row.id, code=code, source="LQ"
                )
            )
    session.flush()
    return payment


def _adjustment(payment_id: int, line_id: int | None, adjustment) -> PaymentAdjustment:
    return PaymentAdjustment(
        claim_payment_id=payment_id,
        payment_line_id=line_id,
        group=adjustment.group,
        carc=adjustment.carc,
        amount=adjustment.amount,
        quantity=adjustment.quantity,
    )


@dataclass(frozen=True)
class PendingPayment:
    outbox_id: int
    claim_payment_id: int
    claim_id: int
    practice_slug: str
    workflow_id: str


def pending_outbox(session: Session, *, limit: int) -> list[PendingPayment]:
    """Unsent outbox rows, fewest attempts first so one failing workflow cannot starve the rest."""
    rows = session.exec(
        select(PaymentOutbox, Practice.slug)
        .join(Claim, col(Claim.id) == PaymentOutbox.claim_id)
        .join(Practice, col(Practice.id) == Claim.practice_id)
        .where(col(PaymentOutbox.sent_at).is_(None))
        .order_by(col(PaymentOutbox.attempts), col(PaymentOutbox.id))
        .limit(limit)
    ).all()
    return [
        PendingPayment(row.id, row.claim_payment_id, row.claim_id, slug, row.workflow_id)
        for row, slug in rows
    ]


def mark_sent(session: Session, *, outbox_id: int) -> None:
    session.exec(
        update(PaymentOutbox)
        .where(col(PaymentOutbox.id) == outbox_id, col(PaymentOutbox.sent_at).is_(None))
        .values(sent_at=utcnow(), attempts=PaymentOutbox.attempts + 1, last_error=None)
    )


def mark_failed(session: Session, *, outbox_id: int, error: str) -> None:
    session.exec(
        update(PaymentOutbox)
        .where(col(PaymentOutbox.id) == outbox_id, col(PaymentOutbox.sent_at).is_(None))
        .values(attempts=PaymentOutbox.attempts + 1, last_error=error[:200])
    )


def _post_to_lines(session: Session, claim: Claim | None, lines) -> list[int | None]:
    """The id of our service line each SVC loop pays, in the claim's current version (the one
    the payer answers): domain/line_posting.py."""
    if claim is None:
        return [None] * len(lines)
    ours = current_lines(session, claim)
    ids = {line.line_number: line.id for line in ours}
    numbers = post_lines(
        [OurLine(line.line_number, line.code, line.service_date) for line in ours],
        [PaidLine(line.control_number, line.code, line.service_from) for line in lines],
    )
    return [ids[number] if number is not None else None for number in numbers]
