"""Adjudicate one claim as its payer would: deny lines by the payer's rules and records, pay the
rest at the fee schedule with the patient's share, and say when.

    adjudicate(claim, book, received_on=..., rng=..., ledger=...) -> Adjudication

Pure: the caller records `Adjudication.entry` in its ledger (before adjudicating the next
claim, so counts and payer claim numbers move on) and writes the payments into an 835.

Business dates are data: the answer comes `min(received_on, last service date + lag)`, the
lag 10–30 days drawn from `rng`, so a claim for today's service is answered today and a claim
for old services gets an old remittance date, as if it had been sent in time; a claim the
payer finds late (CO-29) is answered the day it arrived. Replacements (frequency 7) are
adjudicated again under the original's payer claim number, after a reversal of what the
original paid; voids (8) reverse the original. A replacement or void whose original the payer
cannot find is rejected (CO-16, MA130, M47), as payers do.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from random import Random

from denialdesk.domain.x12.claim_in import ReceivedClaim
from denialdesk.domain.x12.remit_model import Adjustment
from denialdesk.domain.x12.remit_out import (
    ClaimOut,
    LineOut,
    PatientOut,
    filing_indicator_for,
)
from denialdesk.simulator.book import PayerBook, PayerTerms
from denialdesk.simulator.ledger import Ledger, LedgerEntry
from denialdesk.simulator.pricing import PatientCosts, denied, price
from denialdesk.simulator.rules import ClaimContext, Denial, line_denial, rejection

LAG_DAYS = (10, 30)
ZERO = Decimal(0)
DENIED, REVERSAL = "4", "22"
_PROCESSED = {"P": "1", "S": "2", "T": "3"}  # CLP02 by the payer's responsibility (SBR01)


class UnknownPayerError(LookupError):
    """The 837P names a payer the book does not hold (a clearinghouse rejects the claim)."""


@dataclass(frozen=True)
class Adjudication:
    payer_key: str
    billing_npi: str
    answered_on: date
    payments: tuple[ClaimOut, ...]  # a reversal first when there is one, then the decision
    entry: LedgerEntry


def adjudicate(
    claim: ReceivedClaim,
    book: PayerBook,
    *,
    received_on: date,
    rng: Random,
    ledger: Ledger | None = None,
    source: str | None = None,
) -> Adjudication:
    ledger = ledger if ledger is not None else Ledger(instance="T")
    terms = book.terms(claim.payer_id, claim.billing_npi)
    if terms is None:
        raise UnknownPayerError(f"payer id {claim.payer_id!r} is not in the payer book")
    original = None
    if claim.frequency in ("7", "8"):
        original = ledger.find(claim.payer_id, claim.payer_claim_number, claim.control_number)
    ctx = ClaimContext(
        claim=claim,
        terms=terms,
        records=book.of(terms.payer_id),
        ledger=ledger,
        member=book.member_key(claim.member_id),
        received_on=received_on,
        rng=rng,
        besides=original.payer_claim_number if original else None,
        last_answer=original.answered_on if original else None,
    )
    lag = timedelta(days=rng.randint(*LAG_DAYS))
    start = max(claim.last_service_date, original.answered_on if original else date.min)
    answered_on = min(received_on, start + lag)
    if claim.frequency in ("7", "8") and original is None:
        # The payer has no claim under that number to replace or void.
        return _rejected(ctx, Denial("16", ("MA130", "M47")), answered_on, ledger, source)
    if claim.frequency == "8":
        assert original is not None
        entry = dataclasses.replace(original, voided=True, answered_on=answered_on, source=source)
        reversal = _reversal(original, claim)
        return Adjudication(terms.key, claim.billing_npi, answered_on, (reversal,), entry)
    problem = rejection(ctx)
    if problem is not None:
        return _rejected(ctx, problem, answered_on, ledger, source, original)
    lines = _lines(ctx)
    if any(_late(line) for line in lines):
        answered_on = max(answered_on, received_on)  # it could not be late before it came
    number = (
        original.payer_claim_number if original else ledger.next_payer_claim_number(answered_on)
    )
    decision = _claim_out(ctx, lines, number, answered_on)
    payments = (decision,)
    if original is not None and (original.result.paid != 0 or original.result.lines):
        payments = (_reversal(original, claim), decision)
    entry = _entry(ctx, decision, answered_on, source, original)
    return Adjudication(terms.key, claim.billing_npi, answered_on, payments, entry)


def _lines(ctx: ClaimContext) -> list[LineOut]:
    costs = PatientCosts(ctx.terms, ctx.ledger, ctx.member, ctx.besides)
    result = []
    for line in sorted(ctx.claim.lines, key=lambda line: (line.service_date, line.number)):
        denial = line_denial(ctx, line)
        if denial is None:
            result.append(price(line, costs))
        else:
            result.append(denied(line, denial.carc, denial.remarks, denial.group))
    return sorted(result, key=lambda line: int(line.control or 0))


def _late(line: LineOut) -> bool:
    return any(a.carc == "29" for a in line.adjustments)


def _claim_out(ctx: ClaimContext, lines: list[LineOut], number: str, answered_on: date) -> ClaimOut:
    claim = ctx.claim
    paid = sum((line.paid for line in lines), ZERO)
    allowed_any = any(line.allowed is not None for line in lines)
    status = _PROCESSED.get(claim.responsibility, "1") if allowed_any else DENIED
    return ClaimOut(
        control_number=claim.control_number,
        status=status,
        charge=sum((line.charge for line in lines), ZERO),
        paid=paid,
        filing_indicator=filing_indicator_for(claim.filing_indicator),
        payer_claim_number=number,
        lines=tuple(lines),
        patient=_patient(claim),
        rendering_npi=claim.rendering_npi,
        facility=claim.place_of_service,
        frequency=claim.frequency,
        statement_from=claim.first_service_date,
        statement_to=claim.last_service_date,
        received_on=min(ctx.received_on, answered_on),
    )


def _rejected(
    ctx: ClaimContext,
    denial: Denial,
    answered_on: date,
    ledger: Ledger,
    source: str | None,
    original: LedgerEntry | None = None,
) -> Adjudication:
    """Unprocessable: the whole charge at claim level, no service lines, the remarks in MOA."""
    claim = ctx.claim
    number = (
        original.payer_claim_number if original else ledger.next_payer_claim_number(answered_on)
    )
    charge = sum((line.charge for line in claim.lines), ZERO)
    decision = ClaimOut(
        control_number=claim.control_number,
        status=DENIED,
        charge=charge,
        paid=ZERO,
        filing_indicator=filing_indicator_for(claim.filing_indicator),
        payer_claim_number=number,
        adjustments=(Adjustment(denial.group, denial.carc, charge),),
        remarks=denial.remarks,
        patient=_patient(claim),
        facility=claim.place_of_service,
        frequency=claim.frequency,
        statement_from=claim.first_service_date,
        statement_to=claim.last_service_date,
        received_on=min(ctx.received_on, answered_on),
    )
    payments: tuple[ClaimOut, ...] = (decision,)
    if original is not None and (original.result.paid != 0 or original.result.lines):
        payments = (_reversal(original, claim), decision)
    entry = _entry(ctx, decision, answered_on, source, original)
    return Adjudication(ctx.terms.key, claim.billing_npi, answered_on, payments, entry)


def _entry(
    ctx: ClaimContext,
    decision: ClaimOut,
    answered_on: date,
    source: str | None,
    original: LedgerEntry | None,
) -> LedgerEntry:
    claim = ctx.claim
    return LedgerEntry(
        payer_claim_number=decision.payer_claim_number,
        control_number=claim.control_number,
        payer_id=ctx.terms.payer_id,
        payer_key=ctx.terms.key,
        billing_npi=claim.billing_npi,
        member=ctx.member,
        received_on=ctx.received_on,
        answered_on=answered_on,
        frequency=claim.frequency,
        result=dataclasses.replace(decision, patient=None),
        authorizations=dict(ctx.authorizations),
        source=source,
        payee_name=claim.billing_name,
        payee_tax_id=claim.billing_tax_id,
        appeals=list(original.appeals) if original else [],
    )


def _reversal(original: LedgerEntry, claim: ReceivedClaim) -> ClaimOut:
    """Undo what the payer holds for the claim: every amount negated, status 22."""
    result = original.result
    return dataclasses.replace(
        result,
        status=REVERSAL,
        charge=-result.charge,
        paid=-result.paid,
        adjustments=_negated(result.adjustments),
        lines=tuple(
            dataclasses.replace(
                line,
                charge=-line.charge,
                paid=-line.paid,
                adjustments=_negated(line.adjustments),
                allowed=-line.allowed if line.allowed is not None else None,
                remarks=(),
            )
            for line in result.lines
        ),
        remarks=(),
        patient=_patient(claim),
    )


def _negated(adjustments: tuple[Adjustment, ...]) -> tuple[Adjustment, ...]:
    return tuple(Adjustment(a.group, a.carc, -a.amount, a.quantity) for a in adjustments)


def _patient(claim: ReceivedClaim) -> PatientOut:
    return PatientOut(claim.patient_last_name, claim.patient_first_name, claim.member_id)


def terms_for(book: PayerBook, entry: LedgerEntry) -> PayerTerms:
    terms = book.payers.get(entry.payer_key) or book.terms(entry.payer_id, entry.billing_npi)
    if terms is None:
        raise UnknownPayerError(f"payer id {entry.payer_id!r} is not in the payer book")
    return terms
