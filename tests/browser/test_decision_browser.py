"""A specialist's decision reaches a running claim workflow: the claim is created and denied
through the API (ClaimWorkflow on Temporal's test server), the specialist works the denial
in Chromium — Next task, the denial in plain English, a note, resubmit — and the claim's
timeline shows the workflow's answer."""

from __future__ import annotations

import re
from decimal import Decimal

import httpx
import pytest
from claim_data import DOS, world
from playwright.sync_api import expect
from remit_builder import RemitClaim, build_835
from sqlmodel import select
from temporal_harness import Temporal, until_row

from denialdesk.app.asgi import create_app
from denialdesk.store.db import session_scope
from denialdesk.store.models import Claim, ClaimEvent, Task
from denialdesk.store.tokens import issue_token
from denialdesk.store.users import create_user

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery"


def test_specialist_resubmits_a_denied_claim_of_a_running_workflow(
    page, settings, engine, tmp_path, serve, screenshot
):
    with session_scope(engine) as session:
        w = world(session)
        slug = w.practice.slug
        integration = create_user(session, username="feed", password=PASSWORD,
                                  role="integration", practice_slugs=[slug])  # fmt: skip
        create_user(session, username="sam", password=PASSWORD, role="specialist",
                    practice_slugs=[slug])  # fmt: skip
        ids = (w.patient.id, w.coverage.id, w.provider.id)
    with Temporal(engine, tmp_path / "outbox", settings.temporal_task_queue) as temporal:
        app = create_app(settings, engine, temporal_client=temporal.client)
        token = issue_token(app.state.secret_key, integration)
        with serve(app) as base:
            api = httpx.Client(base_url=f"{base}/api/v1", timeout=30,
                               headers={"Authorization": f"Bearer {token}"})  # fmt: skip
            body = {
                "patient_id": ids[0], "coverage_id": ids[1], "provider_id": ids[2],
                "diagnoses": ["F33.1"],
                "lines": [{"service_date": DOS.isoformat(), "code": "90834", "minutes": 45,
                           "charge": "150.00", "place_of_service": "11", "dx_pointers": [1]}],
            }  # fmt: skip
            created = api.post(f"/practices/{slug}/claims", json=body)
            assert created.status_code == 201, created.text
            claim_id, control = created.json()["id"], created.json()["control_number"]
            until_row(engine, lambda s: s.get(Claim, claim_id).status == "submitted")
            denial = RemitClaim(control, Decimal(150), Decimal(0), "PCN-BROWSER", DOS,
                                status="4", adjustments=[("CO", "16", Decimal(150))],
                                remarks=["MA130"])  # fmt: skip
            remittance = build_835([denial], trace="BR-1", paid_on=DOS)
            imported = api.post("/remittances", content=remittance.encode())
            assert imported.status_code == 200 and imported.json()["claims_matched"] == 1
            until_row(engine, lambda s: s.exec(select(Task).where(
                Task.claim_id == claim_id, Task.kind == "work_denial")).first())  # fmt: skip

            page.goto(f"{base}/login?next=/worklist")
            page.get_by_label("Username").fill("sam")
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Log in").click()
            page.get_by_role("button", name=re.compile("Next task")).click()
            expect(page).to_have_url(re.compile(r"/tasks/\d+$"))
            # The denial, in plain English beside its codes.
            codes = page.get_by_role("region", name="Denial")
            expect(codes).to_contain_text("CO-16")
            expect(codes).to_contain_text("lacks information")
            page.get_by_label("Add a note").fill("Missing information fixed in the claim")
            page.get_by_role("button", name="Add note").click()
            expect(
                page.locator("#timeline li").filter(has_text="Missing information")
            ).to_be_visible()

            page.get_by_role("radio", name="resubmit").check()
            page.get_by_label("Note", exact=True).fill("corrected and resubmitted")
            page.get_by_role("button", name="Send decision").click()
            expect(page.get_by_role("status")).to_contain_text("Decision sent")
            # The workflow records the decision on the claim's timeline, with who made it.
            decision_event = select(ClaimEvent).where(
                ClaimEvent.claim_id == claim_id, ClaimEvent.kind == "resubmit_decided"
            )
            until_row(engine, lambda s: s.exec(decision_event).first())
            page.reload()
            decided = page.locator("#timeline li.event-resubmit_decided")
            expect(decided).to_contain_text("sam")
            expect(decided).to_contain_text("version 1 as new_claim")  # CO-16: a new claim
            screenshot(page, "task-decided")
            api.close()
