"""A worklist desk for API tests: two practices, a user per role, a fake Temporal client.

Users are inserted with a placeholder password hash and given tokens directly: these tests
are about what each role may do, not about logging in (and argon2 costs ~0.1 s a user).
Import `desk_fixture` into a test module to get the `desk` fixture.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import work_data
from fastapi.testclient import TestClient

from denialdesk.app.asgi import create_app
from denialdesk.store.db import session_scope
from denialdesk.store.models import User, UserRole
from denialdesk.store.tokens import issue_token

ROLES = ("specialist", "supervisor", "admin", "integration")


class FakeHandle:
    def __init__(self, temporal: FakeTemporal, workflow_id: str) -> None:
        self.temporal, self.workflow_id = temporal, workflow_id

    async def execute_update(self, name: str, arg: Any, *, id: str, **_: Any) -> None:
        if self.temporal.update_error is not None:
            raise self.temporal.update_error
        self.temporal.updates.append((self.workflow_id, name, arg, id))

    async def signal(self, name: str, arg: Any, **_: Any) -> None:
        if self.temporal.signal_error is not None:
            raise self.temporal.signal_error
        self.temporal.signals.append((self.workflow_id, name, arg))


@dataclass
class FakeTemporal:
    """Records what the API asks of Temporal; set an error to make the next calls fail."""

    started: list = field(default_factory=list)
    updates: list = field(default_factory=list)
    signals: list = field(default_factory=list)
    update_error: BaseException | None = None
    signal_error: BaseException | None = None
    start_error: BaseException | None = None

    async def start_workflow(self, workflow: str, arg: Any, *, id: str, task_queue: str, **kw):
        if self.start_error is not None:
            raise self.start_error
        self.started.append((workflow, arg, id, task_queue, kw.get("start_signal"),
                             list(kw.get("start_signal_args") or [])))  # fmt: skip

    def get_workflow_handle(self, workflow_id: str, **_: Any) -> FakeHandle:
        return FakeHandle(self, workflow_id)


@dataclass
class Desk:
    client: TestClient
    engine: Any
    temporal: FakeTemporal
    home: work_data.Parties
    other: work_data.Parties
    users: dict[str, int]  # who -> user id
    names: dict[str, str]  # who -> username
    tokens: dict[str, str]

    def call(self, method: str, path: str, who: str | None, **kwargs):
        headers = {"Authorization": f"Bearer {self.tokens[who]}"} if who else {}
        return self.client.request(method, f"/api/v1{path}", headers=headers, **kwargs)


def _user(session, name: str, role: str, practice_ids) -> User:
    user = User(username=name, password_hash="not-a-hash")
    session.add(user)
    session.flush()
    for practice_id in practice_ids or [None]:
        session.add(UserRole(user_id=user.id, practice_id=practice_id, role=role))
    session.flush()
    return user


@pytest.fixture(name="desk")
def desk_fixture(settings, engine) -> Iterator[Desk]:
    with session_scope(engine) as session:
        home = work_data.parties(session)
        other = work_data.parties(session)
        users = {role: _user(session, role, role, [home.practice.id]) for role in ROLES}
        users["specialist2"] = _user(session, "specialist2", "specialist", [home.practice.id])
        users["outsider"] = _user(session, "outsider", "supervisor", [other.practice.id])
        users["admin_all"] = _user(session, "admin_all", "admin", [])
    temporal = FakeTemporal()
    app = create_app(settings, engine, temporal_client=temporal)
    secret = app.state.secret_key
    tokens = {who: issue_token(secret, user) for who, user in users.items()}
    with TestClient(app) as client:
        yield Desk(
            client=client,
            engine=engine,
            temporal=temporal,
            home=home,
            other=other,
            users={who: u.id for who, u in users.items()},
            names={who: u.username for who, u in users.items()},
            tokens=tokens,
        )
