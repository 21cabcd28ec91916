"""Submitted claims draw on their authorization, give units back when replaced elsewhere or
voided, and tell the authorization's workflow (SPEC section 1: used = distinct service dates of
submitted, non-voided claims)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from claim_data import DOS, TODAY, line, new_claim, world
from sqlmodel import select

from denialdesk.contracts import claim as contracts
from denialdesk.contracts.authorization import auth_workflow_id
from denialdesk.store.claims import add_version
from denialdesk.store.db import session_scope
from denialdesk.store.models import Authorization, AuthorizationUse, Claim


def submit(acts, claim_id: int, version: int, frequency: str = "1") -> contracts.SubmitOutcome:
    return acts.submit_claim(
        contracts.SubmitRequest(claim_id, version, frequency, TODAY.isoformat())
    )


def used(engine, authorization_id: int) -> int:
    with session_scope(engine) as session:
        return session.get(Authorization, authorization_id).used


def test_visits_are_distinct_dates_and_a_void_gives_them_back(engine, acts):
    with session_scope(engine) as session:
        w = world(session)
        two_dates = [
            line("90837", minutes=55),
            line("90837", minutes=55, service_date=DOS + timedelta(days=1)),
            line("90785", minutes=None, charge=Decimal("20")),  # same date, add-on
        ]
        claim = new_claim(session, w, *two_dates, authorization_id=w.authorization.id)
        slug, auth_id = w.practice.slug, w.authorization.id
        session.get(Claim, claim.id).payer_claim_number = "PCN-1"

    sent = submit(acts, claim.id, 1)
    assert sent.authorization_workflow_ids == [auth_workflow_id(slug, auth_id)]
    assert used(engine, auth_id) == 2  # two dates of service, not three lines
    again = submit(acts, claim.id, 1)  # a retried activity changes nothing, still reports
    assert again.interchange_control == sent.interchange_control
    assert used(engine, auth_id) == 2

    submit(acts, claim.id, 1, frequency="8")
    assert used(engine, auth_id) == 0
    with session_scope(engine) as session:
        rows = session.exec(select(AuthorizationUse).where(AuthorizationUse.claim_id == claim.id))
        assert [r.released for r in rows] == [True, True]


def test_a_replacement_under_a_retro_authorization_moves_the_units(engine, acts):
    with session_scope(engine) as session:
        w = world(session)
        claim = new_claim(
            session, w, line("90837", minutes=55), authorization_id=w.authorization.id
        )
        retro = Authorization(
            practice_id=w.practice.id, coverage_id=w.coverage.id, number="RETRO-9", codes=[],
            approved=4, start_date=date(2026, 1, 1), end_date=date(2026, 12, 31),
        )  # fmt: skip
        session.add(retro)
        session.flush()
        first_id, retro_id = w.authorization.id, retro.id
    submit(acts, claim.id, 1)
    assert (used(engine, first_id), used(engine, retro_id)) == (1, 0)
    with session_scope(engine) as session:
        row = session.get(Claim, claim.id)
        row.payer_claim_number = "PCN-2"
        add_version(session, claim=row, authorization_id=retro_id)
    sent = submit(acts, claim.id, 2, frequency="7")
    assert (used(engine, first_id), used(engine, retro_id)) == (0, 1)
    assert len(sent.authorization_workflow_ids) == 2


def test_units_authorizations_count_units_and_skip_uncovered_codes(engine, acts):
    with session_scope(engine) as session:
        w = world(session)
        auth = session.get(Authorization, w.authorization.id)
        auth.unit_type, auth.codes = "units", ["H0004"]
        lines = [
            line("H0004", minutes=60, units=Decimal(4), charge=Decimal("80")),
            line("90834", minutes=45),
        ]
        claim = new_claim(session, w, *lines, authorization_id=auth.id)
    submit(acts, claim.id, 1)
    assert used(engine, w.authorization.id) == 4
