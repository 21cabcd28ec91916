"""Claims over the API: create and correct through the workflow, search, detail, notes."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
import work_data
from desk import Desk, desk_fixture  # noqa: F401 (the `desk` fixture)
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError

from denialdesk.contracts.claim import CONFLICT, CORRECT_UPDATE, ClaimStart
from denialdesk.store.db import session_scope
from denialdesk.store.models import (
    ClaimEvent,
    ClaimPayment,
    PaymentAdjustment,
    PaymentRemark,
    Remittance,
)


def _body(desk: Desk, **changes) -> dict:
    body = {
        "patient_id": desk.home.patient_id,
        "coverage_id": desk.home.coverage_id,
        "provider_id": desk.home.provider_id,
        "diagnoses": ["F33.1"],
        "lines": [
            {
                "service_date": "2026-03-02",
                "code": "90837",
                "modifiers": [],
                "units": "1",
                "minutes": 55,
                "charge": "180.00",
                "place_of_service": "11",
                "dx_pointers": [1],
            }
        ],
    }
    return body | changes


def _create(desk: Desk, who: str = "integration", **changes):
    slug = desk.home.practice.slug
    return desk.call("POST", f"/practices/{slug}/claims", who, json=_body(desk, **changes))


def test_create_stores_and_starts_the_workflow(desk: Desk):
    response = _create(desk)
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["status"] == "draft" and created["version"] == 1
    assert len(created["control_number"]) <= 20
    ((workflow, start, workflow_id, task_queue, signal, _),) = desk.temporal.started
    assert workflow == "ClaimWorkflow" and signal is None
    assert start == ClaimStart(claim_id=created["id"], practice_slug=desk.home.practice.slug)
    assert workflow_id == f"claim-{desk.home.practice.slug}-{created['id']}"
    assert task_queue == desk.client.app.state.settings.temporal_task_queue


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"coverage_id": 10**6}, "coverage_id"),
        ({"diagnoses": []}, "diagnoses"),
        ({"lines": [{"code": "90837"}]}, "service_date"),
        ({"patient_id": "me"}, "patient_id"),
    ],
)
def test_bad_input_is_422_naming_the_field(desk: Desk, changes, field):
    response = _create(desk, **changes)
    assert response.status_code == 422 and field in str(response.json()["detail"])
    assert desk.temporal.started == []


def test_pointer_past_the_diagnoses_names_the_line(desk: Desk):
    line = _body(desk)["lines"][0] | {"dx_pointers": [2]}
    response = _create(desk, lines=[line])
    assert response.status_code == 422
    assert response.json()["detail"].startswith("lines[0].dx_pointers")


def test_create_roles(desk: Desk):
    assert _create(desk, "specialist").status_code == 201
    assert _create(desk, "admin_all").status_code == 201
    assert _create(desk, "outsider").status_code == 404
    assert _create(desk, None).status_code == 401


def test_a_failed_start_still_creates_the_claim(desk: Desk):
    # The worker's sweep (app/relay.py start_unstarted) starts it later.
    desk.temporal.start_error = RuntimeError("unreachable")
    response = _create(desk)
    assert response.status_code == 201 and response.json()["status"] == "draft"


def test_no_temporal_at_all_is_503_and_nothing_stored(desk: Desk):
    desk.client.app.state.temporal = None
    desk.client.app.state.temporal_connect = None
    assert _create(desk).status_code == 503
    assert desk.call("GET", "/claims", "specialist").json()["items"] == []


def test_correct_only_while_a_task_waits(desk: Desk):
    claim_id = _create(desk).json()["id"]
    patch = {"diagnoses": ["F33.2"]}
    refused = desk.call("PATCH", f"/claims/{claim_id}", "specialist", json=patch)
    assert refused.status_code == 409 and desk.temporal.updates == []
    with session_scope(desk.engine) as session:
        work_data.task(session, desk.home.practice, claim_id=claim_id, kind="scrub_findings")
    fixed = desk.call("PATCH", f"/claims/{claim_id}", "specialist", json=patch)
    assert fixed.status_code == 200 and fixed.json() == {"id": claim_id, "version": 2}
    ((workflow_id, name, correction, _),) = desk.temporal.updates
    assert name == CORRECT_UPDATE and correction.version == 2
    assert workflow_id == f"claim-{desk.home.practice.slug}-{claim_id}"
    bad = desk.call("PATCH", f"/claims/{claim_id}", "specialist", json={"lines": []})
    assert bad.status_code == 422 and "lines" in str(bad.json()["detail"])
    assert desk.call("PATCH", f"/claims/{claim_id}", "outsider", json=patch).status_code == 404
    desk.temporal.update_error = WorkflowUpdateFailedError(
        ApplicationError("no correction now", type=CONFLICT)
    )
    late = desk.call("PATCH", f"/claims/{claim_id}", "specialist", json=patch)
    assert late.status_code == 409 and late.json()["detail"] == "no correction now"


def test_search_filters_and_paging(desk: Desk):
    with session_scope(desk.engine) as session:
        early = work_data.claim(session, desk.home, first_service_date=date(2026, 1, 5))
        paid = work_data.claim(session, desk.home, status="paid", payer_claim_number="PCN-9")
        work_data.claim(session, desk.other)

    def ids(who="specialist", **params):
        response = desk.call("GET", "/claims", who, params=params)
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    assert ids() == [early.id, paid.id]
    assert ids(status="paid") == [paid.id]
    assert ids(payer_claim_number="PCN-9") == [paid.id]
    assert ids(control_number=early.control_number) == [early.id]
    assert ids(service_to="2026-02-01") == [early.id]
    assert ids(service_from="2026-02-01") == [paid.id]
    assert ids(payer=desk.home.payer_id, provider=desk.home.provider_id) == [early.id, paid.id]
    assert len(ids("admin_all")) == 3
    page = desk.call("GET", "/claims", "specialist", params={"limit": 1}).json()
    assert page["items"][0]["payer"].startswith("Payer ")
    assert page["items"][0]["total_charge"] == "180.00"
    second = desk.call("GET", "/claims", "specialist", params={"cursor": page["next_cursor"]})
    assert [item["id"] for item in second.json()["items"]] == [paid.id]
    assert desk.call("GET", "/claims", "integration").status_code == 403
    slug = desk.home.practice.slug
    assert desk.call("GET", "/claims", "outsider", params={"practice": slug}).status_code == 404


def test_detail_findings_denials_deadline_events(desk: Desk):
    with session_scope(desk.engine) as session:
        claim = work_data.claim(session, desk.home, status="denied")
        findings = [{"code": "G0410-UNITS", "message": "too many units", "blocking": True}]
        session.add(ClaimEvent(claim_id=claim.id, kind="scrubbed",
                               detail=json.dumps({"findings": findings})))  # fmt: skip
        session.add(ClaimEvent(claim_id=claim.id, kind="denied", detail="CO-197"))
        remittance = Remittance(payer_identifier="P", trace_number="T", payer_name="P",
                                amount=Decimal(0))  # fmt: skip
        session.add(remittance)
        session.flush()
        payment = ClaimPayment(
            remittance_id=remittance.id, claim_id=claim.id, control_number=claim.control_number,
            status_code="4", charge=Decimal(180), paid=Decimal(0), result="denied",
            denial_category="authorization",
        )  # fmt: skip
        session.add(payment)
        session.flush()
        session.add(PaymentAdjustment(claim_payment_id=payment.id, group="CO", carc="197",
                                      amount=Decimal(180)))  # fmt: skip
        session.add(PaymentRemark(claim_payment_id=payment.id, code="N54", source="MOA"))
        work_data.task(session, desk.home.practice, claim_id=claim.id, due_at=date(2026, 9, 1),
                       detail={"deadline_kind": "appeal"})  # fmt: skip
    response = desk.call("GET", f"/claims/{claim.id}", "specialist")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["scrub_findings"] == findings
    assert body["denials"] == [
        {"group": "CO", "carc": "197", "rarc": ["N54"], "amount": "180.00",
         "category": "authorization", "appealable": True}
    ]  # fmt: skip
    assert body["next_deadline"] == {"kind": "appeal", "at": "2026-09-01"}
    assert [e["kind"] for e in body["events"]] == ["scrubbed", "denied"]
    assert body["closed_at"] is None and "patient_id" not in body
    assert desk.call("GET", f"/claims/{claim.id}", "outsider").status_code == 404
    assert desk.call("GET", f"/claims/{claim.id}", "integration").status_code == 403
    assert desk.call("GET", "/claims/999999", "specialist").status_code == 404


def test_notes(desk: Desk):
    with session_scope(desk.engine) as session:
        claim_id = work_data.claim(session, desk.home).id
    note = desk.call("POST", f"/claims/{claim_id}/notes", "specialist", json={"text": "called"})
    assert note.status_code == 201 and note.json()["kind"] == "note"
    assert desk.call("POST", f"/claims/{claim_id}/notes", "integration",
                     json={"text": "x"}).status_code == 403  # fmt: skip
    assert desk.call("POST", f"/claims/{claim_id}/notes", "specialist",
                     json={"text": ""}).status_code == 422  # fmt: skip
    events = desk.call("GET", f"/claims/{claim_id}", "specialist").json()["events"]
    assert [(e["kind"], e["detail"]) for e in events] == [("note", "called")]
