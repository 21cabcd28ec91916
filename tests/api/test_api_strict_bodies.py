"""Every JSON body refuses unknown fields (422 naming them), and text holding a NUL byte or a
lone surrogate is a 422 naming the field, never a 500, and never echoed back."""

from __future__ import annotations

import json
import logging

import pytest
import work_data
from desk import Desk, desk_fixture  # noqa: F401 (the `desk` fixture)
from fake_temporal import FakeTemporal

from denialdesk.store.db import session_scope

BOGUS = "bogus_field"
# (body model, method, path, body with an unknown field somewhere)
UNKNOWN_FIELD_CASES = [
    ("ClaimCreate", "POST", "/practices/x/claims", {BOGUS: 1}),
    ("LineBody", "POST", "/practices/x/claims", {"lines": [{BOGUS: 1}]}),
    ("ClaimCorrect", "PATCH", "/claims/1", {BOGUS: 1}),
    ("NoteBody", "POST", "/claims/1/notes", {"text": "ok", BOGUS: 1}),
    ("AuthorizationCreate", "POST", "/practices/x/authorizations", {BOGUS: 1}),
    ("AuthorizationExtend", "PATCH", "/authorizations/1", {BOGUS: 1}),
    ("ScheduledBody", "PUT", "/authorizations/1/scheduled", {"dates": [], BOGUS: 1}),
    ("DecisionBody", "POST", "/tasks/1/decision", {BOGUS: 1}),
    ("Resubmit", "POST", "/tasks/1/decision", {"resubmit": {BOGUS: 1}}),
    ("Appeal", "POST", "/tasks/1/decision", {"appeal": {BOGUS: 1}}),
    ("WriteOff", "POST", "/tasks/1/decision", {"write_off": {BOGUS: 1}}),
    ("BillPatient", "POST", "/tasks/1/decision", {"bill_patient": {BOGUS: 1}}),
    ("Reroute", "POST", "/tasks/1/decision", {"reroute": {"queue": 1, BOGUS: 1}}),
    ("AssignBody", "POST", "/tasks/1/assign", {"assignee": None, "version": 1, BOGUS: 1}),
    ("BulkAssignBody", "POST", "/tasks/assign", {"task_ids": [1], "assignee": None, BOGUS: 1}),
    ("PendBody", "POST", "/tasks/1/pend", {BOGUS: 1}),
]


@pytest.mark.parametrize(
    ("model", "method", "path", "body"),
    UNKNOWN_FIELD_CASES,
    ids=[c[0] for c in UNKNOWN_FIELD_CASES],
)
def test_an_unknown_field_is_422_naming_it(world, model, method, path, body):
    # Routes that talk to Temporal need a client before FastAPI looks at the body.
    world.client.app.state.temporal = FakeTemporal()
    response = world.client.request(
        method,
        f"/api/v1{path}",
        json=body,
        headers={"Authorization": f"Bearer {world.tokens['admin_all']}"},
    )
    assert response.status_code == 422, model
    unknown = [e for e in response.json()["detail"] if e["type"] == "extra_forbidden"]
    assert unknown and all(e["loc"][-1] == BOGUS for e in unknown), response.json()


def test_every_json_body_in_the_schema_forbids_unknown_fields(world):
    schema = world.client.get("/api/v1/openapi.json").json()
    components = schema["components"]["schemas"]
    seen: set[str] = set()

    def check(ref: str) -> None:
        name = ref.rsplit("/", 1)[-1]
        if name in seen:
            return
        if components[name].get("type") != "object":
            return  # an enum (e.g. DecisionAction) has no fields to forbid
        seen.add(name)
        assert components[name].get("additionalProperties") is False, name
        for nested in _refs(components[name]):
            check(nested)

    for path in schema["paths"].values():
        for operation in path.values():
            content = operation.get("requestBody", {}).get("content", {})
            for ref in _refs(content.get("application/json", {})):
                check(ref)
    assert {case[0] for case in UNKNOWN_FIELD_CASES} <= seen
    assert len(seen) == len(UNKNOWN_FIELD_CASES)  # a new body needs a case above


def _refs(node) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [ref for value in node.values() for ref in _refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in _refs(value)]
    return []


@pytest.mark.parametrize("bad", ["\\u0000", "\\ud800"], ids=["nul", "lone-surrogate"])
def test_nul_and_lone_surrogates_are_422_naming_the_field(desk: Desk, caplog, bad):
    with session_scope(desk.engine) as session:
        claim = work_data.claim(session, desk.home)
    secret = f"patient said {bad} MARKER-7731"
    body = ('{"text": "' + secret + '"}').encode()
    caplog.set_level(logging.DEBUG)
    response = post_json(desk, f"/claims/{claim.id}/notes", body)
    assert response.status_code == 422
    [error] = json.loads(response.content)["detail"]
    assert error["loc"] == ["body", "text"] and "input" not in error
    assert "MARKER-7731" not in response.text
    assert "MARKER-7731" not in caplog.text
    # A list of strings and a nested body are checked the same way.
    nested = b'{"action": "write_off", "version": 1, "write_off": {"reason": "x\\u0000"}}'
    response = post_json(desk, "/tasks/1/decision", nested)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "write_off", "reason"]


def post_json(desk: Desk, path: str, raw: bytes):
    # Raw bytes: httpx would refuse to encode a lone surrogate itself.
    headers = {"Authorization": f"Bearer {desk.tokens['specialist']}"}
    headers["Content-Type"] = "application/json"
    return desk.client.post(f"/api/v1{path}", content=raw, headers=headers)
