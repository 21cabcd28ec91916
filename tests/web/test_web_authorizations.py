"""The Authorizations page: the caller's practices only, filters and sort in the URL with bad
values named, the same counts as the task page, and the renewal recorded (stored, then the
workflow's Update) or refused with a message on the page."""

from __future__ import annotations

import re
from datetime import timedelta

import factories
import pytest
import work_data
from fake_temporal import FakeTemporal
from sqlmodel import Session

from denialdesk.contracts.authorization import EXTEND_UPDATE
from denialdesk.store.db import session_scope
from denialdesk.store.models import (
    Authorization,
    AuthorizationUse,
    Practice,
    ScheduledVisit,
)
from denialdesk.store.types import utcnow

ROW = re.compile(r'<tr id="auth-(\d+)"')


def shown(html: str) -> list[int]:
    return [int(n) for n in ROW.findall(html)]


def row_of(html: str, authorization_id: int) -> str:
    row = html[html.index(f'id="auth-{authorization_id}"') :]
    return row[: row.index("</tr>")]


def _authorization(session, where, number, *, approved, start, end, **fields) -> Authorization:
    row = Authorization(
        practice_id=where.practice.id,
        coverage_id=where.coverage_id,
        number=number,
        codes=["90837"],
        approved=approved,
        start_date=start,
        end_date=end,
        **fields,
    )
    session.add(row)
    session.flush()
    return row


@pytest.fixture
def auths(logged_in, engine, practice):
    """Riverbend's authorizations in each state, and one of another practice."""
    today = utcnow().date()
    with session_scope(engine) as session:
        river = session.get(Practice, practice.id)
        where = work_data.parties(session, river)
        patient = factories.patient(session, river, first_name="Dana", last_name="Okafor")
        zenith = factories.payer(session, river, name="Zenith Health")
        coverage = factories.coverage(session, patient, zenith)
        dana = work_data.Parties(river, zenith.id, patient.id, coverage.id, where.provider_id)
        start = today - timedelta(days=90)
        soon = _authorization(
            session, dana, "AUTH-SOON-1", approved=12, start=start, end=today + timedelta(days=6)
        )
        later = _authorization(
            session, where, "PA-LATER", approved=10, start=start, end=today + timedelta(days=120)
        )
        empty = _authorization(
            session, where, "PA-EMPTY", approved=4, start=start, end=today + timedelta(days=60)
        )
        gone = _authorization(
            session,
            where,
            "PA-GONE",
            approved=8,
            start=start,
            end=today - timedelta(days=9),
            status="expired",
        )
        # Two claims drew from AUTH-SOON-1, one of them denied with its task open; three
        # visits are scheduled; PA-EMPTY has five visits booked on four approved.
        claims = []
        for n, days_ago in enumerate((20, 13)):
            claim = work_data.claim(
                session,
                dana,
                authorization_id=soon.id,
                control_number=f"DD00000007{n}",
                first_service_date=today - timedelta(days=days_ago),
            )
            session.add(
                AuthorizationUse(
                    authorization_id=soon.id,
                    claim_id=claim.id,
                    service_date=today - timedelta(days=days_ago),
                )
            )
            claims.append(claim)
        denial = work_data.task(session, river, claim_id=claims[1].id)
        for week in (1, 2, 3):
            session.add(
                ScheduledVisit(
                    authorization_id=soon.id, visit_date=today + timedelta(days=7 * week - 6)
                )
            )
        for week in range(5):
            session.add(
                ScheduledVisit(
                    authorization_id=empty.id, visit_date=today + timedelta(days=7 * week + 1)
                )
            )
        renewal = work_data.task(
            session,
            river,
            kind="renew_authorization",
            category=None,
            authorization_id=soon.id,
            workflow_id=f"auth-riverbend-{soon.id}",
        )
        elsewhere = work_data.parties(session, factories.practice(session, slug="elsewhere"))
        hidden = _authorization(
            session, elsewhere, "PA-HIDDEN", approved=5, start=start, end=today + timedelta(days=5)
        )
        return {
            "soon": soon.id,
            "later": later.id,
            "empty": empty.id,
            "gone": gone.id,
            "hidden": hidden.id,
            "renewal": renewal.id,
            "denial": denial.id,
            "zenith": zenith.id,
        }


def test_the_list_shows_the_callers_current_authorizations_soonest_end_first(logged_in, auths):
    html = logged_in.get("/authorizations").text
    assert shown(html) == [auths["soon"], auths["empty"], auths["later"]]  # no expired, no hidden
    assert "PA-HIDDEN" not in html and "PA-GONE" not in html
    soon = row_of(html, auths["soon"])
    for text in (
        "AUTH-SOON-1",
        "Okafor, Dana",
        "Zenith Health",
        "90837",
        "ends in 6 days",
        "of 12 visits",
        "2 used · 3 scheduled",
        "expiring soon",
    ):
        assert text in soon, text
    assert re.search(r">7</strong>", soon)  # 12 approved - 2 used - 3 scheduled
    assert re.search(r'<td class="num">2</td>\s*$', soon)  # two linked claims
    assert "exhausted" in row_of(html, auths["empty"])
    assert "active" in row_of(html, auths["later"])
    assert '<a href="/authorizations">Authorizations</a>' in html  # in the top bar


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=expiring", ["soon"]),
        ("status=exhausted", ["empty"]),
        ("status=active", ["later"]),
        ("status=expired", ["gone"]),
        ("within=30", ["soon"]),
        ("within=60&status=exhausted", ["empty"]),
        ("q=auth-soon", ["soon"]),  # any part of the number, any case
        ("q=pa-", ["empty", "later"]),
        ("sort=remaining", ["empty", "soon", "later"]),  # -1, 7, 10 left
        ("practice=riverbend", ["soon", "empty", "later"]),
    ],
)
def test_filters_and_sort_live_in_the_url(logged_in, auths, query, expected):
    html = logged_in.get(f"/authorizations?{query}").text
    assert shown(html) == [auths[name] for name in expected]


def test_the_payer_filter(logged_in, auths):
    html = logged_in.get(f"/authorizations?payer={auths['zenith']}").text
    assert shown(html) == [auths["soon"]]
    assert f'<option value="{auths["zenith"]}" selected>Zenith Health' in html


def test_bad_values_are_named_and_dropped_not_a_crash(logged_in, auths):
    response = logged_in.get(
        "/authorizations?within=-3&payer=lots&status=renewed&sort=remaining&cursor=garbage"
    )
    assert response.status_code == 200
    html = response.text
    assert "within: &#39;-3&#39; is not a number of days" in html
    assert "payer: &#39;lots&#39; is not a payer" in html
    assert "status: no such status &#39;renewed&#39;" in html
    assert "that page of the list is gone" in html
    assert shown(html) == [auths["empty"], auths["soon"], auths["later"]]  # the rest still holds
    other = logged_in.get("/authorizations?practice=elsewhere")
    assert other.status_code == 200 and "practice: not found" in other.text
    assert shown(other.text) == []
    expired = logged_in.get("/authorizations?status=expired&sort=remaining").text
    assert "sort: expired authorizations are listed by end date" in expired
    assert shown(expired) == [auths["gone"]]


def test_empty_states_say_what_is_not_there(logged_in, auths):
    html = logged_in.get("/authorizations?within=2").text
    assert shown(html) == [] and "No authorizations expiring — nothing to renew." in html
    html = logged_in.get("/authorizations?q=nothing-like-it").text
    assert "No authorizations match these filters." in html


def test_htmx_gets_the_results_only(logged_in, auths):
    response = logged_in.get("/authorizations?status=expiring", headers={"HX-Request": "true"})
    assert response.status_code == 200
    part = response.text
    assert "<html" not in part and "<header" not in part and "<form" not in part
    assert shown(part) == [auths["soon"]]


@pytest.mark.parametrize("sort", ["end", "remaining"])
def test_load_more_appends_the_next_page_through_htmx(logged_in, auths, engine, practice, sort):
    today = utcnow().date()
    with session_scope(engine) as session:
        where = work_data.parties(session, session.get(Practice, practice.id))
        for n in range(60):
            _authorization(
                session,
                where,
                f"BULK-{n}",
                approved=20 + n % 7,
                start=today,
                end=today + timedelta(days=200 + n % 5),
            )
    html = logged_in.get(f"/authorizations?sort={sort}").text
    first = shown(html)
    assert len(first) == 50
    more = re.search(r'hx-get="(/authorizations\?[^"]*cursor=[^"]+)"', html).group(1)
    part = logged_in.get(more.replace("&amp;", "&"), headers={"HX-Request": "true"}).text
    rest = shown(part)
    assert "<thead" not in part and len(rest) == 63 - 50
    assert not set(first) & set(rest)
    assert "cursor=" not in part  # the last page


def test_the_counts_are_the_task_pages(logged_in, auths):
    """One way of counting: the list, the authorization and the renewal task say the same."""
    task = logged_in.get(f"/tasks/{auths['renewal']}").text
    burn = "12 approved · 2 used · 3 scheduled"
    assert burn in task and "7 left" in task
    detail = logged_in.get(f"/authorizations/{auths['soon']}").text
    assert burn in detail and "7 left" in detail
    assert re.search(r">7</strong>", row_of(logged_in.get("/authorizations").text, auths["soon"]))


def test_the_authorization_shows_visits_claims_and_their_tasks(logged_in, auths):
    html = logged_in.get(f"/authorizations/{auths['soon']}").text
    for text in (
        "Authorization AUTH-SOON-1",
        "Okafor, Dana",
        "Zenith Health",
        "DD000000070",
        "DD000000071",
        "Linked claims (2)",
        "Record the renewal",
        f'href="/tasks/{auths["denial"]}"',
        f'href="/tasks/{auths["renewal"]}"',
        "renew authorization",
    ):
        assert text in html, text
    assert html.count("<time datetime=") == 3  # the three scheduled visits
    # It ends in 6 days: the visits of the next two weeks are past it.
    second = (utcnow().date() + timedelta(days=8)).isoformat()
    assert f"Not covered from the visit on {second}" in html
    assert html.count("— not covered") == 2
    exhausted = logged_in.get(f"/authorizations/{auths['empty']}").text
    fifth = (utcnow().date() + timedelta(days=29)).isoformat()
    assert f"Not covered from the visit on {fifth}" in exhausted
    assert exhausted.count("— not covered") == 1  # four of the five fit


def test_another_practices_authorization_is_not_found(logged_in, auths, csrf_from):
    for path in (
        f"/authorizations/{auths['hidden']}",
        "/authorizations/999999",
        "/authorizations/abc",
        "/authorizations/99999999999999999999",
    ):
        response = logged_in.get(path)
        assert response.status_code == 404 and "cannot be shown" in response.text, path
    token = csrf_from(logged_in.get(f"/authorizations/{auths['soon']}").text)
    later = (utcnow().date() + timedelta(days=200)).isoformat()
    # 404 even with Temporal down: existence never leaks through a 503.
    response = logged_in.post(
        f"/authorizations/{auths['hidden']}/extend", data={"csrf_token": token, "end_date": later}
    )
    assert response.status_code == 404


def test_a_renewal_is_stored_the_workflow_told_and_the_page_says_so(
    logged_in, auths, engine, csrf_from
):
    temporal = FakeTemporal()
    logged_in.app.state.temporal = temporal
    token = csrf_from(logged_in.get(f"/authorizations/{auths['soon']}").text)
    later = utcnow().date() + timedelta(days=200)
    response = logged_in.post(
        f"/authorizations/{auths['soon']}/extend",
        data={"csrf_token": token, "end_date": later.isoformat(), "approved": "24"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/authorizations/{auths['soon']}?notice=extended"
    html = logged_in.get(response.headers["location"]).text
    assert "Authorization updated" in html and 'role="status"' in html
    assert f'<strong id="end-date">{later.isoformat()}</strong>' in html
    assert "24 approved · 2 used · 3 scheduled" in html and "19 left" in html
    with Session(engine) as session:
        row = session.get(Authorization, auths["soon"])
        assert (row.end_date, row.approved) == (later, 24)
    ((workflow_id, name, extension, _),) = temporal.updates
    assert (workflow_id, name) == (f"auth-riverbend-{auths['soon']}", EXTEND_UPDATE)
    assert (extension.end_date, extension.approved) == (later.isoformat(), 24)
    listed = row_of(logged_in.get("/authorizations").text, auths["soon"])
    assert "active" in listed and "ends in 200 days" in listed


@pytest.mark.parametrize(
    ("fields", "message", "field"),
    [
        ({}, "Give the new end date, the new approved total, or both.", None),
        ({"end_date": "soon"}, "end_date: Input should be a valid date", "end_date"),
        ({"end_date": "-100"}, "end_date: must not be before the current end date", "end_date"),
        ({"approved": "0"}, "approved: Input should be greater than 0", "approved"),
        ({"approved": "3"}, "approved: must not be below the current approval", "approved"),
        ({"end_date": "+4000"}, "end_date:", "end_date"),  # past five years ahead
    ],
)
def test_a_bad_renewal_is_refused_beside_the_form(
    logged_in, auths, engine, csrf_from, fields, message, field
):
    logged_in.app.state.temporal = temporal = FakeTemporal()
    token = csrf_from(logged_in.get(f"/authorizations/{auths['soon']}").text)
    today = utcnow().date()
    for name, value in fields.items():  # "-100": before the start; "+N": N days from today
        if value.lstrip("+-").isdigit() and name == "end_date":
            fields[name] = (today + timedelta(days=int(value))).isoformat()
    response = logged_in.post(
        f"/authorizations/{auths['soon']}/extend", data={"csrf_token": token, **fields}
    )
    assert response.status_code == 422
    assert message in response.text and 'role="alert"' in response.text
    if field:
        assert re.search(rf'name="{field}"[^>]*aria-invalid="true"', response.text, re.S)
    assert 'class="page-title"' in response.text  # the page, not an error page
    with Session(engine) as session:
        row = session.get(Authorization, auths["soon"])
        assert (row.approved, row.end_date) == (12, today + timedelta(days=6))
    assert temporal.updates == []


def test_a_renewal_without_workflows_is_a_message_and_nothing_changes(
    logged_in, auths, engine, csrf_from
):
    token = csrf_from(logged_in.get(f"/authorizations/{auths['soon']}").text)
    later = (utcnow().date() + timedelta(days=200)).isoformat()
    response = logged_in.post(
        f"/authorizations/{auths['soon']}/extend", data={"csrf_token": token, "end_date": later}
    )
    assert response.status_code == 503
    assert "workflows unavailable" in response.text and 'role="alert"' in response.text
    assert f'value="{later}"' in response.text  # what was typed is kept
    with Session(engine) as session:
        row = session.get(Authorization, auths["soon"])
        assert row.end_date == utcnow().date() + timedelta(days=6)
