"""The API over the real ClaimWorkflow, activities and database (time-skipping test server):
create a claim, import its denial, take the task and write the claim off."""

from __future__ import annotations

from decimal import Decimal

import pytest
from claim_data import DOS, world
from desk import _user
from fastapi.testclient import TestClient
from pg import sqlite_database
from remit_builder import RemitClaim, build_835
from sqlmodel import select
from temporal_harness import Temporal, until_row

from denialdesk.app.asgi import create_app
from denialdesk.store.db import session_scope
from denialdesk.store.models import Claim, Task
from denialdesk.store.tokens import issue_token


@pytest.fixture
def engine(sqlite_template, tmp_path):
    """SQLite only: the workflow and activity suites cover PostgreSQL; this is about the API."""
    with sqlite_database(tmp_path, template=sqlite_template) as engine:
        yield engine


def test_claim_denied_then_written_off_through_the_api(settings, engine, tmp_path):
    with session_scope(engine) as session:
        w = world(session)
        specialist = _user(session, "e2e-specialist", "specialist", [w.practice.id])
        integration = _user(session, "e2e-integration", "integration", [w.practice.id])
        slug, queue_id = w.practice.slug, w.queue.id
        ids = (w.patient.id, w.coverage.id, w.provider.id)
    with Temporal(engine, tmp_path / "outbox", settings.temporal_task_queue) as temporal:
        app = create_app(settings, engine, temporal_client=temporal.client)
        tokens = {
            u.username: issue_token(app.state.secret_key, u) for u in (specialist, integration)
        }

        def call(method, path, user, **kwargs):
            headers = {"Authorization": f"Bearer {tokens[user.username]}"}
            return client.request(method, f"/api/v1{path}", headers=headers, **kwargs)

        with TestClient(app) as client:
            body = {
                "patient_id": ids[0],
                "coverage_id": ids[1],
                "provider_id": ids[2],
                "diagnoses": ["F33.1"],
                "lines": [{"service_date": DOS.isoformat(), "code": "90834", "minutes": 45,
                           "charge": "150.00", "place_of_service": "11", "dx_pointers": [1]}],
            }  # fmt: skip
            created = call("POST", f"/practices/{slug}/claims", integration, json=body)
            assert created.status_code == 201, created.text
            claim_id, control = created.json()["id"], created.json()["control_number"]
            until_row(engine, lambda s: s.get(Claim, claim_id).status == "submitted")

            denial = RemitClaim(control, Decimal(150), Decimal(0), "PCN-API", DOS, status="4",
                                adjustments=[("CO", "197", Decimal(150))])  # fmt: skip
            text = build_835([denial], trace="API-E2E", paid_on=DOS)
            imported = call("POST", "/remittances", integration, content=text.encode())
            assert imported.status_code == 200 and imported.json()["claims_matched"] == 1

            def denial_task(session):
                return session.exec(
                    select(Task).where(Task.claim_id == claim_id, Task.kind == "work_denial")
                ).first()

            task = until_row(engine, denial_task)
            assert task.queue_id == queue_id
            taken = call("POST", "/tasks/next", specialist)
            assert taken.status_code == 200 and taken.json()["id"] == task.id
            version = taken.json()["version"]
            stale = call("POST", f"/tasks/{task.id}/decision", specialist,
                         json={"action": "write_off", "version": version - 1,
                               "write_off": {"reason": "small"}})  # fmt: skip
            assert stale.status_code == 409
            body = {"action": "write_off", "version": version, "note": "not worth it",
                    "write_off": {"reason": "small balance"}}  # fmt: skip
            # $150 is above the default $100 threshold: a specialist may not.
            assert (
                call("POST", f"/tasks/{task.id}/decision", specialist, json=body).status_code == 403
            )
            with session_scope(engine) as session:
                session.get(type(w.practice), w.practice.id).write_off_threshold = Decimal(500)
            decided = call("POST", f"/tasks/{task.id}/decision", specialist, json=body)
            assert decided.status_code == 200, decided.text
            until_row(engine, lambda s: s.get(Claim, claim_id).status == "written_off")
            detail = call("GET", f"/claims/{claim_id}", specialist).json()
            assert detail["denials"][0]["carc"] == "197"
            assert detail["closed_at"] is not None
            again = call("POST", f"/tasks/{task.id}/decision", specialist, json=body)
            assert again.status_code in (409, 200)  # the same Update id, or the task is done


def test_an_835_naming_another_practices_claims_pays_only_the_callers(settings, engine, tmp_path):
    """Issue: a user of practice A posted an 835 naming practice B's claims and B's claims
    were denied. Now B's claim is unmatched and untouched; A's own claim in the file is
    applied; B can still import the payer's file for its claim afterwards."""
    with session_scope(engine) as session:
        a, b = world(session), world(session)
        users = {
            "a": _user(session, "a-integration", "integration", [a.practice.id]),
            "b": _user(session, "b-integration", "integration", [b.practice.id]),
        }
        parties = {
            key: (w.practice.slug, w.patient.id, w.coverage.id, w.provider.id)
            for key, w in (("a", a), ("b", b))
        }
    with Temporal(engine, tmp_path / "outbox", settings.temporal_task_queue) as temporal:
        app = create_app(settings, engine, temporal_client=temporal.client)
        tokens = {key: issue_token(app.state.secret_key, user) for key, user in users.items()}

        def call(method, path, who, **kwargs):
            headers = {"Authorization": f"Bearer {tokens[who]}"}
            return client.request(method, f"/api/v1{path}", headers=headers, **kwargs)

        def create(who) -> tuple[int, str]:
            slug, patient, coverage, provider = parties[who]
            body = {
                "patient_id": patient, "coverage_id": coverage, "provider_id": provider,
                "diagnoses": ["F33.1"],
                "lines": [{"service_date": DOS.isoformat(), "code": "90834", "minutes": 45,
                           "charge": "150.00", "place_of_service": "11", "dx_pointers": [1]}],
            }  # fmt: skip
            created = call("POST", f"/practices/{slug}/claims", who, json=body)
            assert created.status_code == 201, created.text
            return created.json()["id"], created.json()["control_number"]

        def denial(control: str) -> RemitClaim:
            return RemitClaim(control, Decimal(150), Decimal(0), f"PCN-{control}", DOS,
                              status="4", adjustments=[("CO", "197", Decimal(150))])  # fmt: skip

        def status(claim_id: int) -> str:
            with session_scope(engine) as session:
                return session.get(Claim, claim_id).status

        with TestClient(app) as client:
            (a_claim, a_control), (b_claim, b_control) = create("a"), create("b")
            for claim_id in (a_claim, b_claim):
                until_row(engine, lambda s, c=claim_id: s.get(Claim, c).status == "submitted")
            text = build_835([denial(a_control), denial(b_control)], trace="CROSS",
                             paid_on=DOS, payee_npi=a.practice.npi)  # fmt: skip
            imported = call("POST", "/remittances", "a", content=text.encode())
            assert imported.status_code == 200, imported.text
            assert imported.json()["claims_matched"] == 1
            assert imported.json()["claims_unmatched"] == [b_control]
            until_row(engine, lambda s: s.get(Claim, a_claim).status == "denied")
            with session_scope(engine) as session:
                assert session.exec(select(Task).where(Task.claim_id == b_claim)).all() == []
            assert status(b_claim) == "submitted"
            # B's own import of the payer's file (same payer, same trace) is not a duplicate.
            own = build_835([denial(b_control)], trace="CROSS", paid_on=DOS,
                            payee_npi=b.practice.npi)  # fmt: skip
            mine = call("POST", "/remittances", "b", content=own.encode())
            assert mine.status_code == 200 and mine.json()["duplicate"] is False
            assert mine.json()["claims_matched"] == 1
            until_row(engine, lambda s: s.get(Claim, b_claim).status == "denied")
            assert status(a_claim) == "denied"
