"""GET /tasks, POST /tasks/next, assign, bulk assign, pend: roles, filters, paging, races."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
import work_data
from desk import Desk, _user, desk_fixture  # noqa: F401 (the `desk` fixture)
from fastapi.testclient import TestClient
from sqlmodel import Session

from denialdesk.contracts.claim import TASK_CHANGED_SIGNAL
from denialdesk.services.cursors import encode_key
from denialdesk.store.db import session_scope
from denialdesk.store.models import Task
from denialdesk.store.tokens import issue_token


def _tasks(d: Desk, *specs: dict, practice=None) -> list[Task]:
    with session_scope(d.engine) as session:
        return [work_data.task(session, practice or d.home.practice, **spec) for spec in specs]


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


def test_list_roles_and_practices(desk: Desk):
    mine, foreign = _tasks(desk, {}) + _tasks(desk, {}, practice=desk.other.practice)
    for who in ("specialist", "supervisor", "admin"):
        assert _ids(desk.call("GET", "/tasks", who)) == [mine.id]
    assert _ids(desk.call("GET", "/tasks", "admin_all")) == [mine.id, foreign.id]
    assert _ids(desk.call("GET", "/tasks", "outsider")) == [foreign.id]
    assert desk.call("GET", "/tasks", "integration").status_code == 403
    assert desk.call("GET", "/tasks", None).status_code == 401
    slug = desk.home.practice.slug
    assert desk.call("GET", "/tasks", "outsider", params={"practice": slug}).status_code == 404
    assert desk.call("GET", "/tasks", "outsider", params={"practice": "nope"}).status_code == 404


def test_list_filters(desk: Desk):
    with session_scope(desk.engine) as session:
        claim = work_data.claim(session, desk.home)
        queue = work_data.queue(session, desk.home.practice)
    mine, free, scrub, done = _tasks(
        desk,
        {"assignee_id": desk.users["specialist"], "claim_id": claim.id, "queue_id": queue.id},
        {},
        {"kind": "scrub_findings", "category": None},
        {"status": "done", "category": "coding"},
    )

    def ids(**params):
        return sorted(_ids(desk.call("GET", "/tasks", "supervisor", params=params)))

    assert ids(assignee="me") == []  # the supervisor has none
    assert _ids(desk.call("GET", "/tasks", "specialist", params={"assignee": "me"})) == [mine.id]
    assert ids(assignee="specialist") == [mine.id]
    assert ids(assignee="nobody-by-this-name") == []
    assert ids(assignee="none", status="open") == sorted([free.id, scrub.id])
    assert ids(status="done") == [done.id]
    assert ids(kind="scrub_findings") == [scrub.id]
    assert ids(category="coding") == [done.id]
    assert ids(queue=queue.id) == [mine.id]
    assert ids(payer=desk.home.payer_id) == [mine.id]
    assert ids(claim_id=claim.id) == [mine.id]
    item = desk.call("GET", "/tasks", "supervisor", params={"claim_id": claim.id}).json()
    assert item["items"][0]["assignee"] == "specialist"
    assert item["items"][0]["amount"] == "100.00" and item["items"][0]["version"] == 1
    bad = desk.call("GET", "/tasks", "supervisor", params={"status": "closed"})
    assert bad.status_code == 422 and "status" in str(bad.json()["detail"])


def test_paging_by_priority_and_bad_cursors(desk: Desk):
    tasks = _tasks(desk, *({"priority": float(n % 4)} for n in range(9)))
    expected = [t.id for t in sorted(tasks, key=lambda t: (-t.priority, t.id))]
    seen, cursor = [], None
    while True:
        params = {"limit": 4} | ({"cursor": cursor} if cursor else {})
        page = desk.call("GET", "/tasks", "specialist", params=params).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == expected
    nan = encode_key(("NaN", 1), sort="priority")
    for cursor in ("garbage", "YWZ0ZXI6MQ", nan):  # a look-up cursor ("after:1"), a NaN key
        bad = desk.call("GET", "/tasks", "specialist", params={"cursor": cursor})
        assert bad.status_code == 422 and "cursor" in str(bad.json()["detail"])
    # A cursor of one sort does not fit another.
    page = desk.call("GET", "/tasks", "specialist", params={"limit": 2, "sort": "age"}).json()
    bad = desk.call(
        "GET", "/tasks", "specialist", params={"cursor": page["next_cursor"], "sort": "amount"}
    )
    assert bad.status_code == 422
    bad = desk.call("GET", "/tasks", "specialist", params={"cursor": nan, "sort": "amount"})
    assert bad.status_code == 422


def test_next_task(desk: Desk):
    low, high = _tasks(desk, {"priority": 1.0}, {"priority": 8.0})
    _tasks(desk, {"priority": 99.0}, practice=desk.other.practice)
    first = desk.call("POST", "/tasks/next", "specialist")
    assert first.status_code == 200 and first.json()["id"] == high.id
    assert first.json()["assignee"] == "specialist" and first.json()["version"] == 2
    assert desk.temporal.signals[-1][0] == high.workflow_id
    assert desk.temporal.signals[-1][1] == TASK_CHANGED_SIGNAL
    assert desk.temporal.signals[-1][2].change == "assigned"
    assert desk.call("POST", "/tasks/next", "supervisor").json()["id"] == low.id
    assert desk.call("POST", "/tasks/next", "specialist").status_code == 204
    assert desk.call("POST", "/tasks/next", "integration").status_code == 403


def test_ten_parallel_next_never_share_a_task(desk: Desk):
    _tasks(desk, *({"priority": float(n)} for n in range(7)))
    app = desk.client.app
    with session_scope(desk.engine) as session:
        takers = [
            _user(session, f"taker{n}", "specialist", [desk.home.practice.id]) for n in range(10)
        ]
        tokens = [issue_token(app.state.secret_key, user) for user in takers]
    results: list = [None] * 10
    barrier = threading.Barrier(10)

    def take(index: int) -> None:
        client = TestClient(app)  # its own client, so its own session per request
        barrier.wait()
        response = client.post(
            "/api/v1/tasks/next", headers={"Authorization": f"Bearer {tokens[index]}"}
        )
        results[index] = (response.status_code, response.json() if response.content else None)

    threads = [threading.Thread(target=take, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    codes = sorted(code for code, _ in results)
    assert codes == [200] * 7 + [204] * 3
    handed = [body["id"] for code, body in results if code == 200]
    assert len(set(handed)) == 7
    with Session(desk.engine) as session:
        for code, body in results:
            if code == 200:
                assert session.get(Task, body["id"]).assignee_id is not None


def test_assign_rules(desk: Desk):
    (task,) = _tasks(desk, {})

    def assign(who, assignee, version, task_id=task.id):
        body = {"assignee": assignee, "version": version}
        return desk.call("POST", f"/tasks/{task_id}/assign", who, json=body)

    # A specialist may take an unassigned task for themselves, not give it to someone else.
    assert assign("specialist", "specialist2", 1).status_code == 403
    taken = assign("specialist", "specialist", 1)
    assert taken.status_code == 200 and taken.json()["version"] == 2
    assert assign("specialist2", "specialist2", 2).status_code == 403  # not theirs to take
    stale = assign("specialist", None, 1)
    assert stale.status_code == 409 and "version" in stale.json()["detail"]
    assert assign("specialist", None, 2).json()["assignee"] is None  # gave it back
    assert assign("supervisor", "specialist2", 3).json()["assignee"] == "specialist2"
    unknown = assign("supervisor", "ghost", 4)
    assert unknown.status_code == 422 and unknown.json()["detail"].startswith("assignee:")
    # Someone of another practice cannot be given the task either.
    assert assign("supervisor", "outsider", 4).status_code == 422
    assert assign("outsider", None, 4).status_code == 404
    assert assign("integration", None, 4).status_code == 403
    assert assign("supervisor", None, 4, task_id=10**9).status_code == 404
    signals = [(s[2].task_id, s[2].change) for s in desk.temporal.signals]
    assert signals == [(task.id, "assigned"), (task.id, "released"), (task.id, "assigned")]


def test_signal_failure_does_not_fail_the_write(desk: Desk):
    (task,) = _tasks(desk, {})
    desk.temporal.signal_error = RuntimeError("temporal down")
    body = {"assignee": "specialist", "version": 1}
    response = desk.call("POST", f"/tasks/{task.id}/assign", "specialist", json=body)
    assert response.status_code == 200
    with Session(desk.engine) as session:
        assert session.get(Task, task.id).assignee_id == desk.users["specialist"]


def test_bulk_assign_all_or_nothing(desk: Desk):
    a, b, closed = _tasks(desk, {}, {}, {"status": "done"})
    (foreign,) = _tasks(desk, {}, practice=desk.other.practice)
    body = {"task_ids": [a.id, b.id], "assignee": "specialist"}
    assert desk.call("POST", "/tasks/assign", "specialist", json=body).status_code == 403
    conflict = desk.call(
        "POST", "/tasks/assign", "supervisor", json=body | {"task_ids": [a.id, closed.id, b.id]}
    )
    assert conflict.status_code == 409 and conflict.json()["conflicts"] == [closed.id]
    with Session(desk.engine) as session:
        assert session.get(Task, a.id).assignee_id is None  # nothing assigned
    foreign_ids = body | {"task_ids": [foreign.id]}
    outside = desk.call("POST", "/tasks/assign", "supervisor", json=foreign_ids)
    assert outside.status_code == 404
    done = desk.call("POST", "/tasks/assign", "supervisor", json=body)
    assert done.status_code == 200
    assert [(t["id"], t["assignee"], t["version"]) for t in done.json()] == [
        (a.id, "specialist", 2),
        (b.id, "specialist", 2),
    ]
    nothing = {"task_ids": [], "assignee": None}
    empty = desk.call("POST", "/tasks/assign", "supervisor", json=nothing)
    assert empty.status_code == 422


def test_pend(desk: Desk):
    own, others = _tasks(desk, {"assignee_id": None}, {})
    desk.call("POST", f"/tasks/{own.id}/assign", "specialist",
              json={"assignee": "specialist", "version": 1})  # fmt: skip
    until = (date.today() + timedelta(days=30)).isoformat()
    body = {"until": until, "reason": "waiting for records", "version": 2}
    pended = desk.call("POST", f"/tasks/{own.id}/pend", "specialist", json=body)
    assert pended.status_code == 200
    assert pended.json()["status"] == "pended" and pended.json()["pended_until"] == until
    assert desk.call("POST", f"/tasks/{own.id}/pend", "specialist", json=body).status_code == 409
    assert (
        desk.call(
            "POST", f"/tasks/{others.id}/pend", "specialist", json=body | {"version": 1}
        ).status_code
        == 403
    )
    ok = desk.call("POST", f"/tasks/{others.id}/pend", "supervisor", json=body | {"version": 1})
    assert ok.status_code == 200 and ok.json()["pend_reason"] == "waiting for records"
    bad = desk.call("POST", f"/tasks/{others.id}/pend", "supervisor",
                    json=body | {"until": "someday"})  # fmt: skip
    assert bad.status_code == 422 and "until" in str(bad.json()["detail"])
    # A date the pend timer cannot count to (or one already gone) is refused, naming the field.
    for wrong in ("9999-12-31", "2000-01-01"):
        refused = desk.call("POST", f"/tasks/{others.id}/pend", "supervisor",
                            json=body | {"until": wrong, "version": 2})  # fmt: skip
        assert refused.status_code == 422 and refused.json()["detail"].startswith("until: ")
    assert desk.temporal.signals[-1][2].change == "pended"
    assert pended.json()["pended_until"] == until


@pytest.mark.parametrize("path", ["/tasks/0/assign", "/tasks/99999999999999999999/pend"])
def test_bad_ids_are_422(desk: Desk, path: str):
    assert desk.call("POST", path, "supervisor", json={}).status_code == 422


@pytest.mark.parametrize(
    ("first", "then"),
    [("priority", "due"), ("priority", "amount"), ("amount", "priority"), ("due", "age")],
)
def test_a_cursor_from_another_sort_order_is_422(desk: Desk, first, then):
    _tasks(desk, *({"priority": 20240101.0 + n} for n in range(3)))
    page = desk.call("GET", "/tasks", "specialist", params={"limit": 1, "sort": first}).json()
    assert page["next_cursor"]
    bad = desk.call(
        "GET", "/tasks", "specialist", params={"cursor": page["next_cursor"], "sort": then}
    )
    assert bad.status_code == 422, bad.text
    assert bad.json()["detail"][0]["loc"] == ["query", "cursor"]
