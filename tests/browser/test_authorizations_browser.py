"""Renewing an authorization in Chromium: the list with what is expiring, a filter that keeps
the URL, the authorization's burn-down, the renewal recorded; screenshots of both pages."""

from __future__ import annotations

import re
from datetime import timedelta

import factories
import pytest
import work_data
from fake_temporal import FakeTemporal
from playwright.sync_api import expect
from sqlmodel import select

from denialdesk.app.asgi import create_app
from denialdesk.store.db import session_scope
from denialdesk.store.models import Authorization, AuthorizationUse, Practice, ScheduledVisit
from denialdesk.store.types import utcnow
from denialdesk.store.users import create_user

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"
PATIENTS = [
    ("Dana", "Okafor"),
    ("Lee", "Marsh"),
    ("Ruth", "Abernathy-Castellanos"),
    ("Omar", "Said"),
    ("Ines", "Duarte"),
    ("Kofi", "Mensah"),
    ("Mia", "Lindqvist"),
    ("Tom", "Reyes"),
]


@pytest.fixture
def temporal() -> FakeTemporal:
    """Stands in for Temporal: records the renewal's Update."""
    return FakeTemporal()


@pytest.fixture
def live_server(serve, settings, engine, temporal):
    """The app with `temporal` as its Temporal client (the plain live_server has none)."""
    with serve(create_app(settings, engine, temporal_client=temporal)) as url:
        yield url


@pytest.fixture
def renewals(engine):
    """Eight authorizations of Riverbend over two payers; the first ends in six days with
    seven visits left, two claims drew from it."""
    today = utcnow().date()
    with session_scope(engine) as session:
        practice = factories.practice(session, slug="riverbend", legal_name="Riverbend Psychiatry")
        create_user(
            session,
            username="sam",
            password=PASSWORD,
            role="specialist",
            practice_slugs=["riverbend"],
        )
        where = work_data.parties(session, practice)
        payers = [
            factories.payer(session, practice, name="Zenith Health"),
            factories.payer(session, practice, name="Blue Harbor Medicaid Managed Care"),
        ]
        rows, patients = [], []
        for n, (first, last) in enumerate(PATIENTS):
            patient = factories.patient(session, practice, first_name=first, last_name=last)
            patients.append(patient.id)
            coverage = factories.coverage(session, patient, payers[n % 2])
            row = Authorization(
                practice_id=practice.id,
                coverage_id=coverage.id,
                number=f"PA{n + 1:03d}-2231",
                codes=["90837", "90834"] if n % 3 else ["90837"],
                approved=12 + 4 * (n % 3),
                unit_type="visits",
                start_date=today - timedelta(days=120),
                end_date=today + timedelta(days=6 + 17 * n),
            )
            session.add(row)
            session.flush()
            rows.append(row)
        soon = rows[0]
        dana = work_data.Parties(
            practice, payers[0].id, patients[0], soon.coverage_id, where.provider_id
        )
        for n, days_ago in enumerate((21, 14)):
            claim = work_data.claim(
                session,
                dana,
                authorization_id=soon.id,
                control_number=f"DD{n + 1:010d}",
                first_service_date=today - timedelta(days=days_ago),
            )
            session.add(
                AuthorizationUse(
                    authorization_id=soon.id,
                    claim_id=claim.id,
                    service_date=today - timedelta(days=days_ago),
                )
            )
            if n:
                work_data.task(session, practice, claim_id=claim.id)
        for week in range(3):
            session.add(
                ScheduledVisit(
                    authorization_id=soon.id, visit_date=today + timedelta(days=1 + 7 * week)
                )
            )
        return soon.id


def test_a_specialist_renews_an_expiring_authorization(
    page, live_server, renewals, temporal, screenshot
):
    page.goto(f"{live_server}/login?next=/authorizations")
    page.get_by_label("Username").fill("sam")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{live_server}/authorizations")
    rows = page.locator("#auth-rows tr[id^=auth-]")
    expect(rows).to_have_count(8)
    first = page.locator(f"#auth-{renewals}")
    expect(first).to_contain_text("expiring soon")
    expect(first).to_contain_text("Okafor, Dana")
    expect(first.locator(".left")).to_have_text("7")  # 12 - 2 used - 3 scheduled
    screenshot(page, "authorizations")

    # The status filter narrows the list in place and lands in the URL.
    page.get_by_label("Status").select_option(label="Expiring soon")
    expect(rows).to_have_count(1)
    expect(page).to_have_url(re.compile(r"status=expiring"))
    page.keyboard.press("/")
    expect(page.get_by_label("Authorization #")).to_be_focused()

    page.get_by_role("link", name="PA001-2231").click()
    expect(page).to_have_url(f"{live_server}/authorizations/{renewals}")
    expect(page.get_by_text("12 approved · 2 used · 3 scheduled")).to_be_visible()
    later = utcnow().date() + timedelta(days=180)
    page.get_by_label("New end date").fill(later.isoformat())
    page.get_by_label("New approved total").fill("24")
    page.get_by_role("button", name="Record the renewal").click()
    expect(page.get_by_role("status")).to_contain_text("Authorization updated")
    expect(page.locator("#end-date")).to_have_text(later.isoformat())
    expect(page.get_by_text("24 approved · 2 used · 3 scheduled")).to_be_visible()
    assert [name for _, name, _, _ in temporal.updates] == ["extend"]
    screenshot(page, "authorization-detail")

    page.get_by_role("link", name="← Authorizations").click()
    expect(page.locator(f"#auth-{renewals}")).to_contain_text("active")


def test_a_renewal_task_records_the_payers_next_authorization(
    page, live_server, renewals, temporal, engine, screenshot
):
    """The payer issued a new authorization instead of extending: recorded from the task, with
    the old one's codes and the day after it ends prefilled."""
    with session_scope(engine) as session:
        old = session.get(Authorization, renewals)
        task = work_data.task(session, session.get(Practice, old.practice_id),
                              kind="renew_authorization", category=None,
                              authorization_id=old.id, priority=80)  # fmt: skip
        task_id, next_day = task.id, old.end_date + timedelta(days=1)
    page.goto(f"{live_server}/login?next=/tasks/{task_id}")
    page.get_by_label("Username").fill("sam")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    form = page.locator("section[aria-labelledby=h-renew]")
    expect(form.get_by_label("Codes")).to_have_value("90837")
    expect(form.get_by_label("From")).to_have_value(next_day.isoformat())
    form.get_by_label("Authorization number").fill("PA001-3001")
    form.get_by_label("Approved", exact=True).fill("12")
    form.get_by_label("To").fill((next_day + timedelta(days=120)).isoformat())
    screenshot(page, "renewal-task")
    form.get_by_role("button", name="Record the new authorization").click()
    expect(page.get_by_role("status")).to_contain_text("New authorization recorded")
    assert [name for _, name, _, _ in temporal.updates] == ["renewed"]
    with session_scope(engine) as session:
        numbers = [a.number for a in session.exec(select(Authorization).order_by(Authorization.id))]
    assert numbers[-1] == "PA001-3001" and len(numbers) == len(PATIENTS) + 1
