"""Authorizations in the store: validation, extension, scheduled visits, counts, expiry."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import work_data
from sqlmodel import select

from denialdesk.activities.authorizations import AuthorizationActivities
from denialdesk.contracts.authorization import AuthExpiry, AuthRead, AuthTaskClose, AuthTaskSpec
from denialdesk.store import authorizations as store_auth
from denialdesk.store.auth_tasks import expire_authorization
from denialdesk.store.db import session_scope
from denialdesk.store.models import AuthorizationUse, ClaimVersion, Payer, ServiceLine, Task

TODAY = date(2026, 5, 1)
DAY = timedelta(days=1)


def _create(session, where, **fields):
    values = {
        "practice": where.practice,
        "coverage_id": where.coverage_id,
        "number": "AUTH-1",
        "codes": ["90837", "h0004"],
        "unit_type": "visits",
        "approved": 10,
        "start_date": TODAY,
        "end_date": TODAY + 60 * DAY,
    }
    return store_auth.create_authorization(session, **(values | fields))


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"codes": []}, "codes"),
        ({"codes": ["90837", "9083"]}, "codes[1]"),
        ({"unit_type": "hours"}, "unit_type"),
        ({"approved": 0}, "approved"),
        ({"end_date": TODAY - DAY}, "end_date"),
        ({"number": "  "}, "number"),
    ],
)
def test_create_refuses_bad_input_naming_the_field(engine, fields, field):
    with session_scope(engine) as session:
        where = work_data.parties(session)
        with pytest.raises(store_auth.AuthorizationInputError) as error:
            _create(session, where, **fields)
        assert error.value.field == field


def test_a_coverage_of_another_practice_is_not_found(engine):
    with session_scope(engine) as session:
        home, other = work_data.parties(session), work_data.parties(session)
        with pytest.raises(store_auth.AuthorizationInputError, match="coverage_id"):
            _create(session, home, coverage_id=other.coverage_id)
        row = _create(session, home)
        assert row.codes == ["90837", "H0004"] and row.status == "active"


def test_counts_scheduled_future_unbilled_visits_and_used_units(engine):
    with session_scope(engine) as session:
        where = work_data.parties(session)
        auth = _create(session, where, approved=6)
        claim = work_data.claim(session, where, authorization_id=auth.id)
        visits = [TODAY - DAY, TODAY, TODAY + 7 * DAY, TODAY + 14 * DAY, TODAY + 70 * DAY]
        session.add(AuthorizationUse(authorization_id=auth.id, claim_id=claim.id,
                                     service_date=TODAY, units=1))  # fmt: skip
        released = AuthorizationUse(
            authorization_id=auth.id,
            claim_id=claim.id,
            service_date=TODAY - 9 * DAY,
            units=2,
            released=True,
        )
        session.add(released)
        found = store_auth.set_scheduled(session, authorization=auth, dates=visits, today=TODAY)
        # Past visit gone, today's already billed; +70 days is past the end date.
        assert (found.used, found.scheduled, found.remaining) == (1, 3, 2)
        assert found.first_uncovered == TODAY + 70 * DAY
        assert (auth.used, auth.scheduled, auth.remaining) == (1, 3, 2)
        assert (found.notice_days, found.threshold) == (14, 2)
        again = store_auth.set_scheduled(session, authorization=auth, dates=[], today=TODAY)
        assert (again.scheduled, again.first_uncovered) == (0, None)


def test_a_units_authorization_counts_each_scheduled_visit_as_a_session(engine):
    # 40 approved, 32 used, three 60-minute H0004 visits (per 15 minutes): 4 units short.
    with session_scope(engine) as session:
        where = work_data.parties(session)
        auth = _create(session, where, codes=["H0004"], unit_type="units", approved=40)
        claim = work_data.claim(session, where, authorization_id=auth.id)
        for week in range(1, 9):
            session.add(AuthorizationUse(authorization_id=auth.id, claim_id=claim.id,
                                         service_date=TODAY - week * 7 * DAY, units=4))  # fmt: skip
        visits = [TODAY + 7 * DAY, TODAY + 14 * DAY, TODAY + 21 * DAY]
        found = store_auth.set_scheduled(session, authorization=auth, dates=visits, today=TODAY)
        assert (found.used, found.scheduled, found.remaining) == (32, 12, -4)
        assert found.first_uncovered == TODAY + 21 * DAY  # 8 units pay for two sessions
        assert (auth.scheduled, auth.remaining) == (12, -4)


def test_counts_for_a_claim_leave_out_its_own_use_and_its_own_scheduled_day(engine):
    with session_scope(engine) as session:
        where = work_data.parties(session)
        auth = _create(session, where, approved=3)
        mine = work_data.claim(session, where, authorization_id=auth.id)
        other = work_data.claim(session, where, authorization_id=auth.id)
        for claim, day in ((mine, TODAY - 7 * DAY), (other, TODAY - 14 * DAY)):
            session.add(AuthorizationUse(authorization_id=auth.id, claim_id=claim.id,
                                         service_date=day))  # fmt: skip
        store_auth.set_scheduled(
            session, authorization=auth, dates=[TODAY, TODAY + 7 * DAY], today=TODAY
        )
        everyone = store_auth.counts(session, authorization=auth, today=TODAY)
        assert (everyone.used, everyone.scheduled, everyone.remaining) == (2, 2, -1)
        for_mine = store_auth.counts_for_claim(
            session, authorization=auth, claim_id=mine.id, service_dates=[TODAY], today=TODAY
        )
        assert (for_mine.used, for_mine.scheduled, for_mine.remaining) == (1, 1, 1)


def test_extend_moves_forward_only_and_reactivates(engine):
    with session_scope(engine) as session:
        auth = _create(session, work_data.parties(session))
        auth.status = "expired"
        with pytest.raises(store_auth.AuthorizationInputError, match="end_date"):
            store_auth.extend_authorization(
                session, authorization=auth, end_date=TODAY, approved=None, today=TODAY
            )
        with pytest.raises(store_auth.AuthorizationInputError, match="approved"):
            store_auth.extend_authorization(
                session, authorization=auth, end_date=None, approved=3, today=TODAY
            )
        store_auth.extend_authorization(
            session, authorization=auth, end_date=TODAY + 90 * DAY, approved=12, today=TODAY
        )
        assert (auth.status, auth.approved, auth.end_date) == ("active", 12, TODAY + 90 * DAY)


def test_expiring_lists_active_authorizations_soonest_first(engine):
    with session_scope(engine) as session:
        home, other = work_data.parties(session), work_data.parties(session)
        late = _create(session, home, number="LATE", end_date=TODAY + 40 * DAY)
        soon = _create(session, home, number="SOON", end_date=TODAY + 5 * DAY)
        _create(session, other, number="OTHER", end_date=TODAY + 6 * DAY)
        gone = _create(session, home, number="GONE", end_date=TODAY + 2 * DAY)
        gone.status = "expired"
        session.flush()
        found = store_auth.expiring(session, within_days=30, today=TODAY)
        assert [e.number for e in found] == ["SOON", "OTHER"]
        mine = store_auth.expiring(
            session, within_days=45, today=TODAY, practice_ids=[home.practice.id]
        )
        assert [(e.number, e.practice) for e in mine] == [
            ("SOON", home.practice.slug),
            ("LATE", home.practice.slug),
        ]
        assert late.id and soon.id


def _held_claim(session, where, auth, *, reason, service_date):
    claim = work_data.claim(session, where, authorization_id=auth.id, status="on_hold",
                            hold_reason=reason)  # fmt: skip
    version = ClaimVersion(claim_id=claim.id, version=1, total_charge=180)
    session.add(version)
    session.flush()
    session.add(ServiceLine(claim_version_id=version.id, line_number=1, service_date=service_date,
                            code="90837", charge=180, place_of_service="11"))  # fmt: skip
    session.flush()
    return claim


def test_expiry_tells_the_held_claims_waiting_on_it_once(engine):
    acts = AuthorizationActivities(engine)
    with session_scope(engine) as session:
        where = work_data.parties(session)
        auth = _create(session, where, end_date=TODAY)
        held_auth = _held_claim(session, where, auth, reason="authorization", service_date=TODAY)
        held_scrub = _held_claim(session, where, auth, reason="scrub", service_date=TODAY + DAY)
        _held_claim(session, where, auth, reason="scrub", service_date=TODAY)  # not waiting
        work_data.task(session, where.practice, claim_id=held_scrub.id, kind="scrub_findings",
                       key="claim-x-1:1")  # fmt: skip
        ids = (auth.id, held_auth.id, held_scrub.id)
    request = AuthExpiry(ids[0], "auth-x-1", TODAY.isoformat())
    assert acts.expire(request) == [ids[1], ids[2]]
    assert acts.expire(request) == [ids[1], ids[2]]  # retried: nothing new
    assert acts.expire(AuthExpiry(ids[0], "auth-x-1", (TODAY - DAY).isoformat())) == []
    with session_scope(engine) as session:
        tasks = session.exec(select(Task).order_by(Task.id)).all()
        assert [(t.claim_id, t.kind, t.key) for t in tasks] == [
            (ids[2], "scrub_findings", "claim-x-1:1"),
            (ids[1], "obtain_authorization", f"auth-x-1:claim-{ids[1]}"),
        ]
        assert tasks[0].detail["authorization_expired"] == ids[0] and tasks[0].version == 2
        assert tasks[1].authorization_id == ids[0]
        assert store_auth.expiring(session, within_days=0, today=TODAY) == []
        assert expire_authorization(session, authorization_id=ids[0], workflow_id="auth-x-1",
                                    end_date=TODAY) == [ids[1], ids[2]]  # fmt: skip


def test_activities_read_counts_and_keep_one_renewal_task_by_key(engine):
    acts = AuthorizationActivities(engine)
    with session_scope(engine) as session:
        where = work_data.parties(session)
        where.practice.renewal_notice_days = 20
        payer = session.get(Payer, where.payer_id)
        payer.rules = {"renewal_notice_days": 30}
        auth_id = _create(session, where).id
    counts = acts.read_authorization(AuthRead(auth_id, TODAY.isoformat()))
    assert (counts.remaining, counts.notice_days, counts.end_date) == (
        10,
        30,
        (TODAY + 60 * DAY).isoformat(),
    )
    spec = AuthTaskSpec(key="auth-x-9:1", workflow_id="auth-x-9", authorization_id=auth_id,
                        kind="renew_authorization", due_at="2026-06-30", priority_reason="2 left",
                        detail={"reason": "units"})  # fmt: skip
    first = acts.open_task(spec)
    assert acts.open_task(spec) == first
    acts.close_task(AuthTaskClose("auth-x-9:1", "done"))
    with session_scope(engine) as session:
        task = session.get(Task, first)
        assert (task.authorization_id, task.claim_id, task.status, task.version) == (
            auth_id,
            None,
            "done",
            2,
        )
