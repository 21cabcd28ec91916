"""The payer book from the database: each practice's payers with their rules, and what the
payers know of the members (authorizations, ended coverages, visits already paid).

    build_book(engine, salt=None) -> PayerBook

The book is the simulator's starting point; afterwards the simulator's ledger counts what it
pays, so the counts taken here are of what happened before it: authorization units drawn by
claims the database does not hold (`used` minus the uses its claims recorded) and visit days of
claims already paid. Member ids only pass through: the book keys members by salted SHA-256.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from dataclasses import fields
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from denialdesk.app.payer_sim import stored_book
from denialdesk.domain.claim import AppealLevel
from denialdesk.simulator import PatientShare, PayerBook, PayerTerms
from denialdesk.store.models import (
    Authorization,
    AuthorizationUse,
    Claim,
    ClaimVersion,
    Coverage,
    Payer,
    Practice,
    ServiceLine,
)

PAID_STATUSES = ("paid", "partially_paid", "patient_responsibility")
_LEVEL_FIELDS = {f.name for f in fields(AppealLevel)}


def load_or_build_book(engine: Engine, state_dir: Path) -> PayerBook:
    """The book a simulator kept in `state_dir` (its counts go with its ledger), else a new one
    from the database."""
    return stored_book(state_dir) or build_book(engine)


def build_book(engine: Engine, *, salt: str | None = None) -> PayerBook:
    book = PayerBook(salt=salt or secrets.token_hex(16))
    with Session(engine) as session:
        npis = {p.id: p.npi for p in session.exec(select(Practice))}
        payers = {p.id: p for p in session.exec(select(Payer))}
        for payer in payers.values():
            book.add(_terms(payer, npis[payer.practice_id]))
        coverages = {c.id: c for c in session.exec(select(Coverage))}
        _ended_coverages(book, coverages.values(), payers)
        _authorizations(book, session, coverages, payers)
        _visits_paid(book, session, coverages, payers)
    return book


def merge_authorizations(book: PayerBook, engine: Engine) -> None:
    """Bring the book's authorizations up to the database's: the payer issued every one the
    practice records, so one entered (or extended) after the book was built is on the payer's
    file too. Units the payer counted stay its own."""
    with Session(engine) as session:
        payers = {p.id: p for p in session.exec(select(Payer))}
        coverages = {c.id: c for c in session.exec(select(Coverage))}
        fresh = PayerBook(salt=book.salt)
        _authorizations(fresh, session, coverages, payers)
    for payer_id, records in fresh.records.items():
        known = {(a.number, a.member): a for a in book.of(payer_id).authorizations}
        for auth in records.authorizations:
            found = known.get((auth.number, auth.member))
            if found is None:
                book.of(payer_id).authorizations.append(auth)
            else:
                found.start, found.end, found.approved = auth.start, auth.end, auth.approved
                found.codes, found.unit_type = auth.codes, auth.unit_type


def _terms(payer: Payer, billing_npi: str) -> PayerTerms:
    return PayerTerms(
        payer_id=payer.payer_id,
        name=payer.name,
        plan_type=payer.plan_type,
        remittance_ids=list(payer.remittance_ids or []),
        rules=dict(payer.rules or {}),
        timely_filing_days=payer.timely_filing_days,
        share=PatientShare.for_plan(payer.plan_type),
        address=(
            payer.address1 or "PO BOX 1",
            payer.city or "ANYTOWN",
            payer.state or "PA",
            payer.zip or "19101",
        ),
        billing_npi=billing_npi,
        appeal_levels=[
            AppealLevel(**{k: v for k, v in level.items() if k in _LEVEL_FIELDS})
            for level in payer.appeal_levels or []
        ],
    )


def _ended_coverages(book: PayerBook, coverages, payers: dict[int, Payer]) -> None:
    """A member whose every coverage with the payer has an end date: covered up to the last."""
    ends: dict[tuple[str, str], list[date | None]] = defaultdict(list)
    for coverage in coverages:
        payer = payers.get(coverage.payer_id)
        if payer is not None:
            ends[(payer.payer_id, coverage.member_id)].append(coverage.effective_to)
    for (payer_id, member_id), last_days in ends.items():
        if None not in last_days:
            book.end_coverage(payer_id, member_id, max(d for d in last_days if d is not None))


def _authorizations(book: PayerBook, session: Session, coverages, payers) -> None:
    uses: dict[int, list[AuthorizationUse]] = defaultdict(list)
    live = select(AuthorizationUse).where(col(AuthorizationUse.released).is_(False))
    for use in session.exec(live):
        uses[use.authorization_id].append(use)
    for auth in session.exec(select(Authorization)):
        coverage = coverages.get(auth.coverage_id)
        payer = payers.get(coverage.payer_id) if coverage else None
        if coverage is None or payer is None:
            continue
        mine = uses.get(auth.id, [])
        if auth.unit_type == "units":
            by_claims = sum(use.units for use in mine)
        else:
            by_claims = len({use.service_date for use in mine})
        book.add_authorization(
            payer.payer_id,
            coverage.member_id,
            number=auth.number,
            start=auth.start_date,
            end=auth.end_date,
            approved=auth.approved,
            codes=list(auth.codes or []),
            unit_type=auth.unit_type,
            used=max(0, auth.used - by_claims),
        )


def _visits_paid(book: PayerBook, session: Session, coverages, payers) -> None:
    query = (
        select(Claim.coverage_id, ServiceLine.service_date)
        .join(ClaimVersion, col(ClaimVersion.claim_id) == Claim.id)
        .join(ServiceLine, col(ServiceLine.claim_version_id) == ClaimVersion.id)
        .where(ClaimVersion.version == Claim.version)
        .where(col(Claim.status).in_(PAID_STATUSES), Claim.total_paid > Decimal(0))
    )
    days: dict[tuple[str, str, int], set[date]] = defaultdict(set)
    for coverage_id, day in session.exec(query):
        coverage = coverages.get(coverage_id)
        payer = payers.get(coverage.payer_id) if coverage else None
        if coverage is not None and payer is not None:
            days[(payer.payer_id, coverage.member_id, day.year)].add(day)
    for (payer_id, member_id, year), found in days.items():
        book.add_visits(payer_id, member_id, year, len(found))
