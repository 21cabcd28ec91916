"""What the scrub counts against the attached authorization: the claim's own earlier use and
its own scheduled visit are the claim itself, never a second draw on the authorization."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from claim_data import TODAY, line, new_claim, world

from denialdesk.contracts import claim as contracts
from denialdesk.store import authorizations as store_auth
from denialdesk.store.claims import add_version
from denialdesk.store.db import session_scope
from denialdesk.store.models import Authorization, AuthorizationUse, Claim

DAY = timedelta(days=1)


def scrub(acts, claim_id: int, version: int = 1) -> contracts.ScrubOutcome:
    return acts.scrub_claim(contracts.ScrubRequest(claim_id, version, TODAY.isoformat()))


def _one_visit_claim(engine, *lines, approved: int = 1, **auth_fields):
    with session_scope(engine) as session:
        w = world(session, rules={"auth_required_codes": ["90837", "H0004"]})
        auth = session.get(Authorization, w.authorization.id)
        auth.approved, auth.used = approved, 0
        for name, value in auth_fields.items():
            setattr(auth, name, value)
        lines = lines or (line("90837", minutes=55),)
        claim = new_claim(session, w, *lines, authorization_id=auth.id)
        return w, claim.id, auth.id


def test_a_corrected_claim_does_not_count_its_own_earlier_use(engine, acts):
    _, claim_id, auth_id = _one_visit_claim(engine)
    assert scrub(acts, claim_id).authorization_problem is None
    acts.submit_claim(contracts.SubmitRequest(claim_id, 1, "1", TODAY.isoformat()))
    with session_scope(engine) as session:
        assert session.get(Authorization, auth_id).used == 1  # the one visit approved
        row = session.get(Claim, claim_id)
        row.payer_claim_number = "PCN-7"
        add_version(session, claim=row, diagnoses=["F33.2"])

    corrected = scrub(acts, claim_id, version=2)

    # The replacement draws the same visit the original did: nothing more is needed.
    assert "auth_exhausted" not in corrected.finding_codes
    assert corrected.authorization_problem is None


def test_another_claims_use_still_counts(engine, acts):
    w, claim_id, auth_id = _one_visit_claim(engine)
    with session_scope(engine) as session:
        other = new_claim(session, w, line("90837", minutes=55, service_date=TODAY - 3 * DAY))
        session.add(
            AuthorizationUse(
                authorization_id=auth_id,
                claim_id=other.id,
                service_date=TODAY - 3 * DAY,
            )
        )
        store_auth.refresh_counts(
            session, authorization=session.get(Authorization, auth_id), today=TODAY
        )
    assert scrub(acts, claim_id).authorization_problem == "exhausted"


def test_a_claim_on_the_day_of_its_scheduled_visit_counts_the_visit_once(engine, acts):
    _, claim_id, auth_id = _one_visit_claim(engine, line("90837", minutes=55, service_date=TODAY))
    with session_scope(engine) as session:
        auth = session.get(Authorization, auth_id)
        store_auth.set_scheduled(session, authorization=auth, dates=[TODAY], today=TODAY)
        assert auth.scheduled == 1

    outcome = scrub(acts, claim_id)

    # Today's scheduled visit is the one this claim bills.
    assert "auth_exhausted" not in outcome.finding_codes


def test_scheduled_visits_on_other_days_still_count(engine, acts):
    _, claim_id, auth_id = _one_visit_claim(engine, line("90837", minutes=55, service_date=TODAY))
    with session_scope(engine) as session:
        auth = session.get(Authorization, auth_id)
        dates = [TODAY, TODAY + 7 * DAY]
        store_auth.set_scheduled(session, authorization=auth, dates=dates, today=TODAY)
    assert scrub(acts, claim_id).authorization_problem == "exhausted"


def test_units_scheduled_are_weighted_by_the_codes_session(engine, acts):
    # 40 approved, 32 used, three 60-minute H0004 visits scheduled: 12 units for 8 left.
    h0004 = line("H0004", minutes=60, units=Decimal(4), charge=Decimal("80"), service_date=TODAY)
    w, claim_id, auth_id = _one_visit_claim(
        engine, h0004, approved=40, unit_type="units", codes=["H0004"]
    )
    with session_scope(engine) as session:
        other = new_claim(session, w, h0004)
        for days in range(8):
            session.add(
                AuthorizationUse(
                    authorization_id=auth_id,
                    claim_id=other.id,
                    service_date=TODAY - (days + 1) * DAY,
                    units=4,
                )
            )
        auth = session.get(Authorization, auth_id)
        dates = [TODAY + 7 * DAY, TODAY + 14 * DAY, TODAY + 21 * DAY]
        found = store_auth.set_scheduled(session, authorization=auth, dates=dates, today=TODAY)
        assert (found.used, found.scheduled, found.remaining) == (32, 12, -4)

    # Today's claim needs 4 more units on top: the authorization is short.
    assert scrub(acts, claim_id).authorization_problem == "exhausted"
