"""The durable claim end to end over the API, on the real Temporal dev server (encrypted
payloads): create a claim → pyx12-valid 837P in the outbox → an 835 denies it CO-197 →
work_denial task of category authorization with a due date → a corrected version attaching the
retro-authorization, decided `resubmit` → frequency-7 837P with REF*F8 → a paying 835 → paid."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from claim_data import DOS, world
from desk import _user
from fastapi.testclient import TestClient
from pg import sqlite_database
from remit_builder import RemitClaim, build_835
from sqlmodel import select
from temporal_harness import Temporal, until_row
from x12_check import pyx12_errors

from denialdesk.app.asgi import create_app
from denialdesk.store.db import session_scope
from denialdesk.store.models import Authorization, Claim, Submission, Task
from denialdesk.store.tokens import issue_token

PAYER_CLAIM_NUMBER = "PCN-E2E-0001"


@pytest.fixture
def engine(sqlite_template, tmp_path):
    with sqlite_database(tmp_path, template=sqlite_template) as engine:
        yield engine


def submission(engine, claim_id: int, frequency: str) -> Submission:
    return until_row(
        engine,
        lambda s: s.exec(
            select(Submission).where(
                Submission.claim_id == claim_id, Submission.frequency == frequency
            )
        ).first(),
    )


def segments(interchange: str) -> list[list[str]]:
    return [s.strip().split("*") for s in interchange.split("~") if s.strip()]


def test_denied_for_authorization_then_resubmitted_and_paid(settings, engine, tmp_path):
    with session_scope(engine) as session:
        w = world(session)
        specialist = _user(session, "e2e-spec", "specialist", [w.practice.id])
        integration = _user(session, "e2e-pms", "integration", [w.practice.id])
        # The retro-authorization the specialist obtains after the denial (any code).
        retro = Authorization(
            practice_id=w.practice.id, coverage_id=w.coverage.id, number="RETRO-77",
            codes=[], approved=5, start_date=date(2026, 1, 1), end_date=date(2026, 12, 31),
        )  # fmt: skip
        session.add(retro)
        session.flush()
        slug, retro_id = w.practice.slug, retro.id
        ids = (w.patient.id, w.coverage.id, w.provider.id)
    outbox = tmp_path / "outbox"
    with Temporal(
        engine, outbox, settings.temporal_task_queue, local=True, key_ring=settings.key_ring()
    ) as temporal:
        app = create_app(settings, engine, temporal_client=temporal.client)
        tokens = {
            u.username: issue_token(app.state.secret_key, u) for u in (specialist, integration)
        }

        def call(method, path, user, **kwargs):
            headers = {"Authorization": f"Bearer {tokens[user.username]}"}
            response = client.request(method, f"/api/v1{path}", headers=headers, **kwargs)
            assert response.status_code < 300, (path, response.status_code, response.text)
            return response.json() if response.content else None

        with TestClient(app) as client:
            body = {
                "patient_id": ids[0], "coverage_id": ids[1], "provider_id": ids[2],
                "diagnoses": ["F33.1"],
                "lines": [{"service_date": DOS.isoformat(), "code": "90834", "minutes": 45,
                           "charge": "150.00", "place_of_service": "11", "dx_pointers": [1]}],
            }  # fmt: skip
            created = call("POST", f"/practices/{slug}/claims", integration, json=body)
            claim_id, control = created["id"], created["control_number"]

            original = submission(engine, claim_id, "1")
            assert pyx12_errors(original.content) == []
            assert (outbox / original.file_name).read_text() == original.content
            clm = next(s for s in segments(original.content) if s[0] == "CLM")
            assert clm[1] == control and clm[5].endswith(":1")

            denial = RemitClaim(control, Decimal(150), Decimal(0), PAYER_CLAIM_NUMBER, DOS,
                                status="4", adjustments=[("CO", "197", Decimal(150))])  # fmt: skip
            text = build_835([denial], trace="E2E-DENY", paid_on=date(2026, 4, 1))
            assert (
                call("POST", "/remittances", integration, content=text.encode())["claims_matched"]
                == 1
            )

            task = until_row(
                engine,
                lambda s: s.exec(
                    select(Task).where(
                        Task.claim_id == claim_id, Task.kind == "work_denial", Task.status == "open"
                    )
                ).first(),
            )
            assert task.category == "authorization"
            assert task.due_at is not None and task.due_at > date(2026, 4, 1)
            assert call("GET", f"/claims/{claim_id}", specialist)["status"] == "denied"

            taken = call("POST", "/tasks/next", specialist)
            assert taken["id"] == task.id
            corrected = call("PATCH", f"/claims/{claim_id}", specialist,
                             json={"authorization_id": retro_id})  # fmt: skip
            assert corrected["version"] == 2
            call("POST", f"/tasks/{task.id}/decision", specialist,
                 json={"action": "resubmit", "version": taken["version"], "note": "retro auth",
                       "resubmit": {"claim_version": 2}})  # fmt: skip

            replacement = submission(engine, claim_id, "7")
            assert pyx12_errors(replacement.content) == []
            found = segments(replacement.content)
            clm = next(s for s in found if s[0] == "CLM")
            assert clm[1] == control and clm[5].endswith(":7")
            assert ["REF", "F8", PAYER_CLAIM_NUMBER] in found
            assert ["REF", "G1", "RETRO-77"] in found
            assert replacement.interchange_control != original.interchange_control
            until_row(engine, lambda s: s.get(Claim, claim_id).status == "resubmitted")

            paid = RemitClaim(control, Decimal(150), Decimal(150), PAYER_CLAIM_NUMBER, DOS)
            text = build_835([paid], trace="E2E-PAY", paid_on=date(2026, 5, 1), control=102)
            call("POST", "/remittances", integration, content=text.encode())
            until_row(engine, lambda s: s.get(Claim, claim_id).status == "paid")
            detail = call("GET", f"/claims/{claim_id}", specialist)
            assert detail["total_paid"] == "150.00"
            assert detail["version"] == 2
            kinds = [event["kind"] for event in detail["events"]]
            assert "payment" in kinds
