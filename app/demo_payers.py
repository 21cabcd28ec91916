"""What the demo's payers know that the practices do not (dev mode only, once per book).

A real practice is denied for facts it could not see at billing time: the member's coverage
ended and nobody told the office, another provider already used the year's visits, the payer
pulled the records of a long session. The scrubber cannot catch these, so they are what
reaches the worklist from the live claims. Deterministic (a seeded generator over the
coverages in id order); member ids go into the book hashed, as everywhere in it.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from denialdesk.app.demo_data import SEED
from denialdesk.simulator.book import PayerBook
from denialdesk.store.models import Coverage, Payer, Practice, Provider

REVIEW_RATE = 0.3  # records reviews of high-intensity services
ENDED_SHARE = 0.12  # coverage ended at the payer, unknown to the practice
VISITS_USED_SHARE = 0.12  # the year's visits used up elsewhere
WITHDRAWN_SHARE = 0.12  # authorizations the payer's file shows withdrawn (the office's not)
# Plans other than Medicare have not finished credentialing each practice's newest clinician.
CREDENTIALED_BY_ALL = ("medicare_b", "medicare_advantage")
# This commercial plan now wants telehealth billed at the office's place of service with 95;
# the practices' payer setup still says place 02 (a policy bulletin nobody read).
TELEHEALTH_CHANGED = "Crestline Blue Cross Blue Shield"


def add_demo_truths(book: PayerBook, engine: Engine, *, today: date) -> None:
    rng = random.Random(f"{SEED}:payers")  # noqa: S311 (reproducible, not secret)
    for terms in book.payers.values():
        terms.review_rate = REVIEW_RATE
    for payer_id in sorted(book.records):
        for auth in sorted(book.of(payer_id).authorizations, key=lambda a: (a.number, a.member)):
            # Kept by merge_authorizations, which refreshes dates and units, not this flag.
            if rng.random() < WITHDRAWN_SHARE:
                auth.active = False
    with Session(engine) as session:
        payers = {p.id: p for p in session.exec(select(Payer))}
        for payer in payers.values():
            if payer.name != TELEHEALTH_CHANGED:
                continue
            terms = book.terms(payer.payer_id, _npi(session, payer.practice_id))
            if terms is not None:
                telehealth = {"modifier": "95", "in_person_place": True}
                terms.rules = {**terms.rules, "telehealth": telehealth}
        _credentialing_pending(book, session)
        coverages = session.exec(
            select(Coverage)
            .where(Coverage.order == "primary", col(Coverage.effective_to).is_(None))
            .order_by(col(Coverage.id))
        ).all()
    for coverage in coverages:
        payer = payers[coverage.payer_id]
        draw = rng.random()
        if draw < ENDED_SHARE:
            last_day = today - timedelta(days=rng.randint(20, 75))
            book.end_coverage(payer.payer_id, coverage.member_id, last_day)
        elif draw < ENDED_SHARE + VISITS_USED_SHARE:
            limit = payer.rules.get("visit_limit_per_year")
            if isinstance(limit, int) and limit > 0:
                for year in (today.year - 1, today.year):
                    book.add_visits(payer.payer_id, coverage.member_id, year, limit)


def _npi(session: Session, practice_id: int) -> str | None:
    practice = session.get(Practice, practice_id)
    return practice.npi if practice else None


def _credentialing_pending(book: PayerBook, session: Session) -> None:
    """A plan pays every clinician of the practice but its newest one (still pending)."""
    for practice in session.exec(select(Practice).order_by(col(Practice.id))):
        npis = list(
            session.exec(
                select(Provider.npi)
                .where(Provider.practice_id == practice.id)
                .order_by(col(Provider.id))
            )
        )
        for payer in session.exec(select(Payer).where(Payer.practice_id == practice.id)):
            if payer.plan_type not in CREDENTIALED_BY_ALL and len(npis) > 1:
                terms = book.terms(payer.payer_id, practice.npi)
                if terms is not None:
                    terms.enrolled_npis = npis[:-1]
