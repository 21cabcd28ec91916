"""POST/PATCH/GET /authorizations and PUT …/scheduled: roles, 404 across practices, 422 naming
the field, and what the workflow is told (start, the extend Update, usage_changed)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from desk import ROLES, Desk, desk_fixture  # noqa: F401 (the `desk` fixture)
from fake_temporal import FakeHandle
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError

from denialdesk.contracts.authorization import (
    AUTH_WORKFLOW,
    EXTEND_UPDATE,
    USAGE_CHANGED_SIGNAL,
    AuthStart,
    Extension,
)
from denialdesk.contracts.claim import CONFLICT

TODAY = datetime.now(UTC).date()
DAY = timedelta(days=1)


@pytest.fixture(autouse=True)
def argless_signals(monkeypatch):
    # usage_changed carries no argument; the shared fake expects one.
    original = FakeHandle.signal

    async def signal(self, name, arg=None, **kwargs):
        await original(self, name, arg, **kwargs)

    monkeypatch.setattr(FakeHandle, "signal", signal)


def _body(desk: Desk, **changes) -> dict:
    body = {
        "coverage_id": desk.home.coverage_id,
        "number": "A-123",
        "codes": ["90837"],
        "unit_type": "visits",
        "approved": 6,
        "start_date": TODAY.isoformat(),
        "end_date": (TODAY + 60 * DAY).isoformat(),
    }
    return body | changes


def _create(desk: Desk, who: str = "specialist", **changes):
    slug = desk.home.practice.slug
    return desk.call("POST", f"/practices/{slug}/authorizations", who, json=_body(desk, **changes))


def test_create_stores_and_starts_the_workflow(desk: Desk):
    created = _create(desk)
    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["status"], body["used"], body["scheduled"], body["remaining"]) == (
        "active",
        0,
        0,
        6,
    )
    ((workflow, start, workflow_id, *_),) = desk.temporal.started
    assert workflow == AUTH_WORKFLOW and isinstance(start, AuthStart)
    assert workflow_id == f"auth-{desk.home.practice.slug}-{body['id']}"
    assert start.authorization_id == body["id"]  # ids only: no number in the payload


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"unit_type": "hours"}, "unit_type"),
        ({"codes": ["9083X"]}, "codes[0]"),
        ({"end_date": (TODAY - 2 * DAY).isoformat()}, "end_date"),
        ({"approved": 0}, "approved"),
    ],
)
def test_bad_input_is_422_naming_the_field(desk: Desk, changes, field):
    response = _create(desk, **changes)
    assert response.status_code == 422 and field in str(response.json()["detail"])
    assert desk.temporal.started == []


def test_roles_and_404_across_practices(desk: Desk):
    for role in ROLES:  # SPEC: authorizations are written by every role, integration too
        assert _create(desk, role).status_code == 201
    assert _create(desk, "outsider").status_code == 404
    other = _create(desk, coverage_id=desk.other.coverage_id)
    assert other.status_code == 422 and "coverage_id" in other.json()["detail"]
    auth_id = desk.temporal.started[0][1].authorization_id
    assert desk.call("GET", f"/authorizations/{auth_id}", "integration").status_code == 200
    assert desk.call("GET", f"/authorizations/{auth_id}", "admin_all").status_code == 200
    assert desk.call("GET", f"/authorizations/{auth_id}", None).status_code == 401
    for method, path, json in (
        ("GET", f"/authorizations/{auth_id}", None),
        ("PATCH", f"/authorizations/{auth_id}", {"approved": 9}),
        ("PUT", f"/authorizations/{auth_id}/scheduled", {"dates": []}),
        ("GET", "/authorizations/999999", None),
    ):
        assert desk.call(method, path, "outsider", json=json).status_code == 404
    assert desk.temporal.updates == [] and desk.temporal.signals == []


def test_extend_stores_then_sends_the_update(desk: Desk):
    auth_id = _create(desk).json()["id"]
    new_end = (TODAY + 120 * DAY).isoformat()
    path = f"/authorizations/{auth_id}"
    response = desk.call("PATCH", path, "integration", json={"end_date": new_end, "approved": 8})
    assert response.status_code == 200, response.text
    assert (response.json()["end_date"], response.json()["remaining"]) == (new_end, 8)
    ((workflow_id, name, extension, update_id),) = desk.temporal.updates
    assert name == EXTEND_UPDATE and workflow_id.endswith(f"-{auth_id}")
    assert extension == Extension(end_date=new_end, approved=8, user_id=desk.users["integration"])
    assert update_id == f"extend-{new_end}-8"

    backwards = desk.call("PATCH", path, "specialist", json={"approved": 2})
    assert backwards.status_code == 422 and "approved" in backwards.json()["detail"]
    desk.temporal.update_error = WorkflowUpdateFailedError(
        ApplicationError("moved on", type=CONFLICT)
    )
    refused = desk.call("PATCH", path, "specialist", json={"approved": 9})
    assert refused.status_code == 409 and refused.json()["detail"] == "moved on"
    desk.temporal.update_error = TimeoutError()
    late = desk.call("PATCH", path, "specialist", json={"approved": 10})
    assert late.status_code == 503


def test_scheduled_visits_replace_the_set_and_signal_the_workflow(desk: Desk):
    auth_id = _create(desk).json()["id"]
    path = f"/authorizations/{auth_id}/scheduled"
    dates = [(TODAY + k * 7 * DAY).isoformat() for k in range(1, 6)]
    response = desk.call("PUT", path, "integration", json={"dates": [*dates, dates[0]]})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["scheduled"], body["remaining"], body["first_uncovered_visit"]) == (5, 1, None)
    ((workflow_id, name, arg),) = desk.temporal.signals
    assert (name, arg) == (USAGE_CHANGED_SIGNAL, None) and workflow_id.endswith(f"-{auth_id}")

    later = [*dates, (TODAY + 61 * DAY).isoformat(), (TODAY + 62 * DAY).isoformat()]
    body = desk.call("PUT", path, "specialist", json={"dates": later}).json()
    assert (body["scheduled"], body["remaining"]) == (7, -1)
    assert body["first_uncovered_visit"] == later[5]  # past the end date, and the 6th visit
    got = desk.call("GET", f"/authorizations/{auth_id}", "integration").json()
    assert got["scheduled"] == 7 and "patient" not in str(got)
    bad = desk.call("PUT", path, "specialist", json={"dates": ["someday"]})
    assert bad.status_code == 422


def _post_csv(desk: Desk, path: str, who: str, text: str):
    headers = {"Authorization": f"Bearer {desk.tokens[who]}", "Content-Type": "text/csv"}
    return desk.client.post(f"/api/v1{path}", content=text, headers=headers)


def test_schedule_csv_import_is_all_or_nothing(desk: Desk):
    first = _create(desk).json()["id"]
    second = _create(desk, number="B-9").json()["id"]
    slug = desk.home.practice.slug
    visits = [(TODAY + k * DAY).isoformat() for k in (1, 2, 3)]
    csv = "authorization_number,visit_date\n" + "".join(f"A-123,{v}\n" for v in visits)
    csv += f"B-9,{visits[0]}\n"
    path = f"/practices/{slug}/schedule"
    response = _post_csv(desk, path, "integration", csv)
    assert response.status_code == 200, response.text
    assert response.json() == {"visits": 4, "authorization_ids": [first, second]}
    assert sorted(w for w, *_ in desk.temporal.signals) == [
        f"auth-{slug}-{first}",
        f"auth-{slug}-{second}",
    ]
    got = desk.call("GET", f"/authorizations/{first}", "integration").json()
    assert (got["scheduled"], got["remaining"]) == (3, 3)

    bad = csv + "NOPE-1,2027-01-01\n"
    refused = _post_csv(desk, path, "specialist", bad)
    assert refused.status_code == 422
    assert refused.json()["detail"] == f"body: row 6: no such authorization in {slug}"
    replace = f"authorization_id,visit_date\n{first},{visits[2]}\n{first},someday\n"
    assert _post_csv(desk, path, "specialist", replace).status_code == 422
    assert desk.call("GET", f"/authorizations/{first}", "integration").json()["scheduled"] == 3
    assert _post_csv(desk, path, "outsider", csv).status_code == 404
