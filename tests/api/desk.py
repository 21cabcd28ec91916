"""A worklist desk for API tests: two practices, a user per role, a fake Temporal client.

Users are inserted with a placeholder password hash and given tokens directly: these tests
are about what each role may do, not about logging in (and argon2 costs ~0.1 s a user).
Import `desk_fixture` into a test module to get the `desk` fixture.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import work_data
from fake_temporal import FakeTemporal
from fastapi.testclient import TestClient

from denialdesk.app.asgi import create_app
from denialdesk.store.db import session_scope
from denialdesk.store.models import User, UserRole
from denialdesk.store.tokens import issue_token

ROLES = ("specialist", "supervisor", "admin", "integration")


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
