"""A renewal task that the authorization's workflow opens while a specialist has the worklist
open appears without a reload (htmx polling)."""

from __future__ import annotations

from datetime import date, timedelta

import factories
import pytest
from playwright.sync_api import expect

from denialdesk.app.asgi import create_app
from denialdesk.contracts.authorization import AuthTaskSpec, auth_workflow_id
from denialdesk.store.auth_tasks import upsert_authorization_task
from denialdesk.store.db import session_scope
from denialdesk.store.models import Authorization
from denialdesk.store.users import create_user

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery"


def test_a_renewal_task_appears_on_an_open_worklist(page, settings, engine, serve):
    with session_scope(engine) as session:
        practice = factories.practice(session, slug="riverbend")
        payer = factories.payer(session, practice, name="Zenith Health")
        coverage = factories.coverage(session, factories.patient(session, practice), payer)
        authorization = Authorization(
            practice_id=practice.id, coverage_id=coverage.id, number="PA-LIVE", codes=["90837"],
            approved=12, start_date=date.today() - timedelta(days=90),
            end_date=date.today() + timedelta(days=10),
        )  # fmt: skip
        session.add(authorization)
        session.flush()
        create_user(session, username="sam", password=PASSWORD, role="specialist",
                    practice_slugs=["riverbend"])  # fmt: skip
        authorization_id = authorization.id
    app = create_app(settings.model_copy(update={"worklist_poll_seconds": 1}), engine)
    with serve(app) as base:
        page.goto(f"{base}/login?next=/worklist%3Ftab%3Dunassigned")
        page.get_by_label("Username").fill("sam")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_text("No tasks due — nice work.")).to_be_visible()
        page.evaluate("window.loadedOnce = true")  # gone if the page were loaded again

        # What the authorization's workflow writes when the visits run short.
        workflow_id = auth_workflow_id("riverbend", authorization_id)
        with session_scope(engine) as session:
            upsert_authorization_task(session, AuthTaskSpec(
                key=f"{workflow_id}:renew:1", workflow_id=workflow_id,
                authorization_id=authorization_id, kind="renew_authorization",
                due_at=(date.today() + timedelta(days=3)).isoformat(),
                priority_reason="1 visit short · renew by the end date",
            ))  # fmt: skip

        row = page.locator("#task-rows tr[id^=task-]")
        expect(row).to_have_count(1)
        expect(row).to_contain_text("renew authorization")
        expect(row).to_contain_text("Zenith Health")
        expect(page.locator("#tab-unassigned .count")).to_have_text("1")
        assert page.evaluate("window.loadedOnce") is True  # no reload happened
