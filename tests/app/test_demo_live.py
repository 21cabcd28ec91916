"""The demo's recent claims (app/demo_live) and what its payers know that the practices do not
(app/demo_payers), on a copy of the seeded demo data."""

from __future__ import annotations

from datetime import timedelta

from demo_day import DEMO_TODAY
from sqlalchemy import func
from sqlmodel import Session, col, select

from denialdesk.app import demo_clock
from denialdesk.app.demo_live import LIVE_CLAIMS, live_window, write_live_claims
from denialdesk.app.demo_payers import add_demo_truths
from denialdesk.app.payer_book import build_book, merge_authorizations
from denialdesk.domain.claim import PayerRules
from denialdesk.store.models import Claim, ClaimVersion, Coverage, Payer


def test_recent_claims_are_drafts_of_the_last_months_stored_once(demo_copy, tmp_path):
    engine = demo_copy(tmp_path)
    with Session(engine) as session:
        clocked = demo_clock.rearmed_authorization(session)
    made = write_live_claims(
        engine, today=DEMO_TODAY, show_progress=False, keep_off={clocked.coverage_id}
    )
    window = live_window(DEMO_TODAY)
    with Session(engine) as session:
        claims = session.exec(select(Claim)).all()
        versions = session.exec(select(func.count()).select_from(ClaimVersion)).one()
    # Most visits pass the claim checks; every stored one is a draft the worker will start.
    assert LIVE_CLAIMS * 0.8 <= made <= LIVE_CLAIMS and len(claims) == made == versions
    assert {c.status for c in claims} == {"draft"}
    days = sorted(c.first_service_date for c in claims)
    assert window.first_service <= days[0] and days[-1] <= DEMO_TODAY - timedelta(days=2)
    assert (days[-1] - days[0]).days >= 60  # spread over the months, not bunched
    assert clocked.coverage_id not in {c.coverage_id for c in claims}
    assert {c.practice_id for c in claims} == {1, 2}
    # Once: a second run adds nothing.
    assert write_live_claims(engine, today=DEMO_TODAY, show_progress=False) == 0


def test_the_demo_payers_know_what_the_practices_do_not(demo_copy, tmp_path):
    engine = demo_copy(tmp_path)
    book = build_book(engine, salt="fixed")
    add_demo_truths(book, engine, today=DEMO_TODAY)
    ended = sum(len(r.coverage_ended) for r in book.records.values())
    used_up = sum(len(r.visits_paid) for r in book.records.values())
    with Session(engine) as session:
        open_primary = session.exec(
            select(func.count())
            .select_from(Coverage)
            .where(Coverage.order == "primary", col(Coverage.effective_to).is_(None))
        ).one()
    assert 0 < ended < open_primary / 3
    assert used_up > 0
    assert all(day < DEMO_TODAY for r in book.records.values() for day in r.coverage_ended.values())
    pending = [t for t in book.payers.values() if t.enrolled_npis is not None]
    assert len(pending) >= 4  # the plans other than Medicare at each practice...
    assert all(len(t.enrolled_npis) in (4, 6) for t in pending)  # ...one clinician short
    withdrawn = [a for r in book.records.values() for a in r.authorizations if not a.active]
    assert withdrawn
    # One commercial plan's telehealth policy moved on (CO-5 M77 for claims at place 02).
    moved = [t for t in book.payers.values() if t.payer_rules.telehealth.in_person_place]
    assert {t.name for t in moved} == {"Crestline Blue Cross Blue Shield"}
    with Session(engine) as session:
        office = session.exec(select(Payer).where(Payer.name == moved[0].name)).first()
    assert not PayerRules.from_json(office.rules).telehealth.in_person_place
    merge_authorizations(book, engine)  # the runner's refresh keeps the payer's own records
    assert [a for r in book.records.values() for a in r.authorizations if not a.active] == withdrawn
    # Deterministic: the same truths again, and member ids only hashed.
    again = build_book(engine, salt="fixed")
    add_demo_truths(again, engine, today=DEMO_TODAY)
    assert again.to_json() == book.to_json()
    with Session(engine) as session:
        member = session.exec(select(Coverage.member_id)).first()
    assert member.encode() not in book.to_json()
