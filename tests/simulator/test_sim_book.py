"""build_book: the payers, authorizations, ended coverages and paid visits of the database, as
the simulator's book, with no member id in clear."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import claim_data
import factories
from sqlmodel import Session, select

from denialdesk.app.demo_data import PRACTICES, payers_for
from denialdesk.app.payer_book import build_book, merge_authorizations
from denialdesk.domain.npi import npi_with_check_digit
from denialdesk.store.models import Authorization, AuthorizationUse, Payer, Practice


def demo_payers(session: Session) -> dict[str, Practice]:
    """The demo's practices and payers as app/seed.py stores them (without its people)."""
    practices = {}
    for spec in PRACTICES:
        practice = factories.practice(
            session,
            slug=spec["slug"],
            state=spec["state"],
            npi=npi_with_check_digit(spec["npi_stem"]),
        )
        for payer in payers_for(spec).values():
            address1, city, state, zip_code = payer["address"]
            fields = {k: v for k, v in payer.items() if k != "address"}
            session.add(Payer(practice_id=practice.id, address1=address1, city=city,
                              state=state, zip=zip_code, **fields))  # fmt: skip
        practices[spec["slug"]] = practice
    session.flush()
    return practices


def test_the_demo_payers_with_their_own_rules_per_practice(engine):
    with Session(engine) as session:
        practices = demo_payers(session)
        calm, harbor = practices["calm-psych"], practices["harbor-recovery"]
        evergreen = session.exec(
            select(Payer).where(Payer.practice_id == calm.id, Payer.payer_id == "87726")
        ).one()
        patient = factories.patient(session, calm)
        factories.coverage(
            session, patient, evergreen, member_id="EVG000000001", effective_to=date(2025, 12, 31)
        )
        current = factories.coverage(session, patient, evergreen, member_id="EVG000000002")
        first_half = {"start_date": date(2026, 1, 1), "end_date": date(2026, 6, 30)}
        session.add(
            Authorization(practice_id=calm.id, coverage_id=current.id, number="A1",
                          codes=["96130"], unit_type="units", approved=4, used=1, **first_half)
        )  # fmt: skip
        session.commit()
        calm_npi, harbor_npi = calm.npi, harbor.npi
    book = build_book(engine, salt="s")
    assert len(book.payers) == 10  # five payers for each practice
    evergreen_calm = book.terms("87726", calm_npi)
    assert evergreen_calm.rules == payers_for(PRACTICES[0])["evergreen"]["rules"]
    assert evergreen_calm.rules != book.terms("87726", harbor_npi).rules  # contracted apart
    assert evergreen_calm.originator == "1411289245" and evergreen_calm.reference == "87726"
    assert book.terms("87726", "1999999999") is None  # a practice the payer does not know
    medicare = book.terms("12502", calm_npi)
    assert (medicare.plan_type, medicare.share.deductible) == ("medicare_b", Decimal("257.00"))
    assert [level.level for level in medicare.appeal_levels] == [1, 2]
    records = book.of("87726")
    assert records.coverage_ended == {book.member_key("EVG000000001"): date(2025, 12, 31)}
    (auth,) = records.authorizations
    assert (auth.number, auth.member, auth.used) == ("A1", book.member_key("EVG000000002"), 1)
    text = book.to_json().decode()
    assert "EVG000000001" not in text and "EVG000000002" not in text
    assert type(book).from_json(text) == book


def test_counts_from_before_the_simulator(engine):
    with Session(engine) as session:
        world = claim_data.world(session)  # authorization AUTH-1001: 10 approved, 2 used
        claim = claim_data.new_claim(session, world)
        session.add(AuthorizationUse(authorization_id=world.authorization.id,
                                     claim_id=claim.id, service_date=claim_data.DOS))  # fmt: skip
        claim.status, claim.total_paid = "paid", Decimal("100.00")
        session.add(claim)
        payer_id = session.get(Payer, world.payer.id).payer_id
        member = world.coverage.member_id
        session.commit()
    book = build_book(engine, salt="s")
    (auth,) = book.of(payer_id).authorizations
    assert (auth.number, auth.approved, auth.used) == ("AUTH-1001", 10, 1)  # one use is a claim's
    assert auth.codes == ["90837"] and auth.start == date(2026, 1, 1)
    key = f"{book.member_key(member)}:{claim_data.DOS.year}"
    assert book.of(payer_id).visits_paid == {key: 1}


def test_authorizations_entered_later_reach_the_payers_file(engine):
    with Session(engine) as session:
        world = claim_data.world(session)
        payer_id, member = world.payer.payer_id, world.coverage.member_id
        ids = (world.authorization.id, world.practice.id, world.coverage.id)
        session.commit()
    book = build_book(engine, salt="s")
    auth_id, practice_id, coverage_id = ids
    with Session(engine) as session:
        auth = session.get(Authorization, auth_id)
        auth.end_date = date(2026, 12, 31)  # extended by the payer
        session.add(auth)
        session.add(
            Authorization(practice_id=practice_id, coverage_id=coverage_id,
                          number="AUTH-2002", codes=["90847"], approved=6,
                          start_date=date(2026, 7, 1), end_date=date(2026, 12, 31))
        )  # fmt: skip
        session.commit()
    merge_authorizations(book, engine)
    merged = {a.number: a for a in book.of(payer_id).authorizations}
    assert merged["AUTH-1001"].end == date(2026, 12, 31)
    assert merged["AUTH-2002"].member == book.member_key(member)
    assert merged["AUTH-2002"].covers("90847", date(2026, 8, 1))
