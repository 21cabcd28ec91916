"""API tests run on SQLite and on PostgreSQL.

`engine` (and so `client`) is a fresh database per test for tests that write. Read-only
look-up tests share `world`: three practices with their rows and one user per role, built
once per module and backend, because hashing a password costs ~0.1 s.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import factories
import pytest
from fastapi.testclient import TestClient
from pg import BACKENDS, database

from denialdesk.app.asgi import create_app
from denialdesk.app.settings import Settings
from denialdesk.store.db import session_scope
from denialdesk.store.models import Practice, User
from denialdesk.store.tokens import issue_token

ROLES = ("specialist", "supervisor", "admin", "integration")


@pytest.fixture
def engine(backend_engine):
    return backend_engine


@dataclass
class Rows:
    """Ids of one practice's rows, in creation (and so id) order."""

    practice: Practice
    payers: list[int] = field(default_factory=list)
    providers: list[int] = field(default_factory=list)
    patients: list[int] = field(default_factory=list)
    # patient id -> its coverage ids
    coverages: dict[int, list[int]] = field(default_factory=dict)


@dataclass
class World:
    client: TestClient
    home: Rows  # every role user works here...
    second: Rows  # ...and here
    other: Rows  # nobody but the admin of every practice sees this one
    tokens: dict[str, str]  # role (and "admin_all") -> bearer token

    def get(self, path: str, who: str | None, **params):
        headers = {"Authorization": f"Bearer {self.tokens[who]}"} if who else {}
        return self.client.get(f"/api/v1{path}", headers=headers, params=params)


def _fill(session, *, patients: int, coverages_of_first: int) -> Rows:
    practice = factories.practice(session)
    rows = Rows(practice=practice)
    payers = [factories.payer(session, practice) for _ in range(2)]
    rows.payers = [p.id for p in payers]
    rows.providers = [factories.provider(session, practice).id for _ in range(2)]
    for index in range(patients):
        patient = factories.patient(session, practice)
        count = coverages_of_first if index == 0 else 1
        rows.patients.append(patient.id)
        rows.coverages[patient.id] = [
            factories.coverage(session, patient, payers[n % 2], order=order).id
            for n, order in zip(range(count), ("primary", "secondary", "tertiary"), strict=False)
        ]
    return rows


@pytest.fixture(scope="module", params=BACKENDS)
def world(request, tmp_path_factory) -> Iterator[World]:
    folder = tmp_path_factory.mktemp("world")
    settings = Settings(mode="dev", var_dir=folder / "var", _env_file=None)
    with database(request, request.param, folder) as engine:
        with session_scope(engine) as session:
            home = _fill(session, patients=7, coverages_of_first=3)
            second = _fill(session, patients=1, coverages_of_first=1)
            other = _fill(session, patients=2, coverages_of_first=2)
            users: dict[str, User] = {
                role: factories.user(session, role=role, practices=[home.practice, second.practice])
                for role in ROLES
            }
            users["admin_all"] = factories.user(session, role="admin")
        app = create_app(settings, engine)
        secret = app.state.secret_key
        tokens = {who: issue_token(secret, user) for who, user in users.items()}
        with TestClient(app) as client:
            yield World(client=client, home=home, second=second, other=other, tokens=tokens)
