"""The billing company's rejected_file task over the API: only an admin of every practice sees,
assigns or decides it (404 for everyone else, a specialist never sees it); `dismiss` closes
it, `retry` puts the file back into the inbox; no Temporal is needed for either."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
import work_data
from desk import Desk, desk_fixture  # noqa: F401 (the `desk` fixture)
from fastapi.testclient import TestClient
from sqlmodel import select

from denialdesk.app.asgi import create_app
from denialdesk.app.inbox import REJECTED, take_file
from denialdesk.services.drop_folder import DropFolder
from denialdesk.store.db import session_scope
from denialdesk.store.models import Task, User
from denialdesk.store.tokens import issue_token

TODAY = date(2026, 3, 10)
EVERYONE_ELSE = ("specialist", "supervisor", "admin", "outsider")


@pytest.fixture
def inbox(settings) -> DropFolder:
    folder = DropFolder(settings.inbox_dir)
    folder.prepare()
    return folder


@pytest.fixture
def rejected(desk: Desk, inbox: DropFolder):
    """A file the inbox rejected, and its task; plus a claim task of the home practice."""
    path = inbox.root / "payer-7.835"
    path.write_text("ISA*this is no interchange~")
    assert take_file(desk.engine, inbox, path, today=TODAY) == REJECTED
    with session_scope(desk.engine) as session:
        task = session.exec(select(Task).where(Task.kind == "rejected_file")).one()
        claim_task = work_data.task(session, desk.home.practice)
        return SimpleNamespace(id=task.id, version=task.version, claim_task_id=claim_task.id)


def _row(desk: Desk, task_id: int) -> Task:
    with session_scope(desk.engine) as session:
        return session.get(Task, task_id)


def _decide(desk: Desk, task, who: str, **body):
    payload = {"note": "", "version": task.version} | body
    return desk.call("POST", f"/tasks/{task.id}/decision", who, json=payload)


def _listed(desk: Desk, who: str, **params) -> list[int]:
    response = desk.call("GET", "/tasks", who, params=params)
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


def test_only_an_admin_of_every_practice_sees_it(desk: Desk, rejected):
    assert rejected.id in _listed(desk, "admin_all")
    assert _listed(desk, "admin_all", kind="rejected_file") == [rejected.id]
    # A practice filter means that practice's tasks: the company's are not among them.
    slug = desk.home.practice.slug
    assert rejected.id not in _listed(desk, "admin_all", practice=slug)
    for who in EVERYONE_ELSE:
        seen = _listed(desk, who)
        assert rejected.id not in seen, who
        assert _listed(desk, who, kind="rejected_file") == [], who
    assert rejected.claim_task_id in _listed(desk, "specialist")  # the listing still works
    (item,) = desk.call("GET", "/tasks", "admin_all", params={"kind": "rejected_file"}).json()[
        "items"
    ]
    assert (item["practice_id"], item["claim_id"], item["status"]) == (None, None, "open")
    assert item["rejected_file"] == {
        "file": "payer-7.835",
        "rejected_as": "payer-7.835",
        "reason_file": "payer-7.835.reason.txt",
        "problem": "unparsable",
        "segment": 1,
    }
    claim_item = desk.call("GET", "/tasks", "specialist").json()["items"][0]
    assert claim_item["rejected_file"] is None


def test_everyone_else_gets_404_for_it(desk: Desk, rejected):
    for who in EVERYONE_ELSE:
        assert _decide(desk, rejected, who, action="dismiss").status_code == 404, who
        assign = {"assignee": desk.names[who], "version": rejected.version}
        assert (
            desk.call("POST", f"/tasks/{rejected.id}/assign", who, json=assign).status_code == 404
        )
        pend = {"until": "2099-01-01", "reason": "later", "version": rejected.version}
        assert desk.call("POST", f"/tasks/{rejected.id}/pend", who, json=pend).status_code == 404
    bulk = {"task_ids": [rejected.id], "assignee": None}
    assert desk.call("POST", "/tasks/assign", "supervisor", json=bulk).status_code == 404
    assert desk.call("POST", "/tasks/next", "specialist").json()["id"] != rejected.id
    assert _row(desk, rejected.id).status == "open"


def test_dismiss_closes_it_and_leaves_the_file_rejected(desk: Desk, rejected, inbox):
    response = _decide(desk, rejected, "admin_all", action="dismiss", note="payer resends it")
    assert response.status_code == 200, response.text
    row = _row(desk, rejected.id)
    assert (row.status, row.version) == ("done", rejected.version + 1)
    assert row.closed_at is not None
    decision = row.detail["decision"]
    assert (decision["action"], decision["user_id"], decision["note"]) == (
        "dismiss", desk.users["admin_all"], "payer resends it",
    )  # fmt: skip
    assert sorted(p.name for p in inbox.rejected.iterdir()) == [
        "payer-7.835",
        "payer-7.835.reason.txt",
    ]
    assert desk.temporal.updates == [] and desk.temporal.signals == []
    # Decided once: a second decision finds it closed.
    again = _decide(desk, SimpleNamespace(id=rejected.id, version=row.version), "admin_all",
                    action="dismiss")  # fmt: skip
    assert again.status_code == 409


def test_retry_puts_the_fixed_file_back_into_the_inbox(desk: Desk, rejected, inbox):
    (inbox.rejected / "payer-7.835").write_text("fixed by someone")
    response = _decide(desk, rejected, "admin_all", action="retry")
    assert response.status_code == 200, response.text
    assert (inbox.root / "payer-7.835").read_text() == "fixed by someone"
    assert list(inbox.rejected.iterdir()) == []  # the reason file went with it
    row = _row(desk, rejected.id)
    assert (row.status, row.detail["retried_as"]) == ("done", "payer-7.835")
    assert desk.temporal.updates == []


def test_retry_of_a_file_gone_from_rejected_changes_nothing(desk: Desk, rejected, inbox):
    (inbox.rejected / "payer-7.835").unlink()
    response = _decide(desk, rejected, "admin_all", action="retry")
    assert response.status_code == 409
    assert "no longer in the inbox's rejected/ folder" in response.json()["detail"]
    row = _row(desk, rejected.id)
    assert (row.status, row.version) == ("open", rejected.version)


def test_stale_versions_and_claim_actions_are_refused(desk: Desk, rejected, inbox):
    stale = SimpleNamespace(id=rejected.id, version=rejected.version + 1)
    assert _decide(desk, stale, "admin_all", action="dismiss").status_code == 409
    sent = _decide(desk, rejected, "admin_all", action="sent")
    assert sent.status_code == 409
    assert sent.json()["detail"] == "action 'sent' does not fit a rejected_file task"
    assert _row(desk, rejected.id).status == "open"
    assert (inbox.rejected / "payer-7.835").exists()


def test_admins_of_every_practice_assign_it_among_themselves_but_never_pend_it(
    desk: Desk, rejected
):
    path = f"/tasks/{rejected.id}"
    to_specialist = {"assignee": desk.names["specialist"], "version": rejected.version}
    assert desk.call("POST", f"{path}/assign", "admin_all", json=to_specialist).status_code == 422
    mine = {"assignee": desk.names["admin_all"], "version": rejected.version}
    taken = desk.call("POST", f"{path}/assign", "admin_all", json=mine)
    assert taken.status_code == 200, taken.text
    assert taken.json()["assignee"] == desk.names["admin_all"]
    pend = {"until": "2099-01-01", "reason": "later", "version": rejected.version + 1}
    refused = desk.call("POST", f"{path}/pend", "admin_all", json=pend)
    assert refused.status_code == 409
    assert "no workflow" in refused.json()["detail"]
    assert desk.temporal.signals == []  # nobody to tell about the assignment


def test_deciding_it_needs_no_temporal(settings, desk: Desk, rejected):
    # The same database through an app whose Temporal cannot be reached (nothing on port 9).
    settings.temporal_address = "127.0.0.1:9"
    app = create_app(settings, desk.engine)
    with session_scope(desk.engine) as session:
        admin = session.get(User, desk.users["admin_all"])
        token = issue_token(app.state.secret_key, admin)
    headers = {"Authorization": f"Bearer {token}"}
    with TestClient(app) as client:
        claim_task = client.post(
            f"/api/v1/tasks/{rejected.claim_task_id}/decision",
            headers=headers,
            json={"action": "sent", "note": "", "version": 1},
        )
        assert claim_task.status_code == 503  # a workflow's task needs Temporal...
        response = client.post(
            f"/api/v1/tasks/{rejected.id}/decision",
            headers=headers,
            json={"action": "dismiss", "note": "", "version": rejected.version},
        )
    assert response.status_code == 200, response.text  # ...the company's does not
    assert _row(desk, rejected.id).status == "done"
