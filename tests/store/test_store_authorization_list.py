"""The Authorizations page's reads, on SQLite and PostgreSQL: counts_many is counts() for many
authorizations at once, and the list's filters, order and keyset."""

from __future__ import annotations

from datetime import date, timedelta

import factories
import work_data

from denialdesk.store import authorization_list as store_list
from denialdesk.store import authorizations as store_auth
from denialdesk.store.db import session_scope
from denialdesk.store.models import Authorization, AuthorizationUse, ScheduledVisit

TODAY = date(2026, 5, 1)
DAY = timedelta(days=1)


def _authorization(session, where, number, end, **fields) -> Authorization:
    values = {
        "practice_id": where.practice.id,
        "coverage_id": where.coverage_id,
        "number": number,
        "codes": ["90837"],
        "approved": 10,
        "start_date": TODAY - 60 * DAY,
        "end_date": end,
    }
    row = Authorization(**(values | fields))
    session.add(row)
    session.flush()
    return row


def test_counts_many_are_counts_one_by_one(engine):
    with session_scope(engine) as session:
        where = work_data.parties(session)
        payer = factories.payer(session, where.practice, rules={"renewal_notice_days": 30})
        patient = factories.patient(session, where.practice)
        other = work_data.Parties(
            where.practice,
            payer.id,
            patient.id,
            factories.coverage(session, patient, payer).id,
            where.provider_id,
        )
        visits = _authorization(session, where, "A-1", TODAY + 20 * DAY)
        units = _authorization(
            session, other, "A-2", TODAY + 40 * DAY, unit_type="units", codes=["H0004"], approved=40
        )
        bare = _authorization(session, where, "A-3", TODAY + 90 * DAY)
        claim = work_data.claim(session, where, authorization_id=visits.id)
        for day, released in ((TODAY - 7 * DAY, False), (TODAY - 14 * DAY, True)):
            session.add(
                AuthorizationUse(
                    authorization_id=visits.id,
                    claim_id=claim.id,
                    service_date=day,
                    released=released,
                )
            )
        session.add(
            AuthorizationUse(
                authorization_id=units.id, claim_id=claim.id, service_date=TODAY - DAY, units=4
            )
        )
        for n in range(3):  # one in the past: no longer scheduled
            for row in (visits, units):
                session.add(
                    ScheduledVisit(authorization_id=row.id, visit_date=TODAY + (7 * n - 1) * DAY)
                )
        session.flush()
        rows = [visits, units, bare]
        many = store_auth.counts_many(session, authorizations=rows, today=TODAY)
        assert many == {
            row.id: store_auth.counts(session, authorization=row, today=TODAY) for row in rows
        }
        seen = many[visits.id]
        assert (seen.used, seen.scheduled, seen.remaining) == (1, 2, 7)
        assert many[units.id].notice_days == 30 and many[units.id].scheduled == 8  # 2 x 4 units
        assert store_auth.counts_many(session, authorizations=[], today=TODAY) == {}


def test_the_list_filters_orders_and_pages(engine):
    with session_scope(engine) as session:
        where = work_data.parties(session)
        elsewhere = work_data.parties(session)
        ids = {
            name: _authorization(session, where, number, TODAY + days * DAY, **extra).id
            for name, number, days, extra in (
                ("late", "PA-late", 90, {}),
                ("soon", "PA-soon", 5, {}),
                ("soon2", "pa-Soon-2", 5, {}),
                ("ended", "PA-ended", -1, {}),  # not yet marked by its workflow
                ("marked", "PA-marked", 3, {"status": "expired"}),
            )
        }
        hidden = _authorization(session, elsewhere, "PA-hidden", TODAY + DAY).id
        claim = work_data.claim(session, where, authorization_id=ids["soon"])
        work_data.claim(session, where, authorization_id=ids["soon"], control_number="X2")
        assert claim.id

        def listed(*, practice_ids=(where.practice.id,), after=None, limit=None, **fields):
            found = store_list.list_authorizations(
                session,
                practice_ids=practice_ids,
                where=store_list.AuthorizationFilter(**fields),
                today=TODAY,
                after=after,
                limit=limit,
            )
            return [item.authorization.id for item in found]

        assert listed() == [ids["soon"], ids["soon2"], ids["late"]]
        assert listed(ended=True) == [ids["marked"], ids["ended"]]  # latest end first
        assert listed(number="SOON") == [ids["soon"], ids["soon2"]]
        assert listed(number="%") == []  # a wildcard is a character
        assert listed(ends_by=TODAY + 30 * DAY) == [ids["soon"], ids["soon2"]]
        assert hidden in listed(practice_ids=None) and hidden not in listed()
        assert listed(limit=2) == [ids["soon"], ids["soon2"]]
        assert listed(after=(TODAY + 5 * DAY, ids["soon"])) == [ids["soon2"], ids["late"]]
        assert listed(ended=True, after=(TODAY + 3 * DAY, ids["marked"])) == [ids["ended"]]
        counts = store_list.claim_counts(session, [ids["soon"], ids["late"]])
        assert counts == {ids["soon"]: 2}
