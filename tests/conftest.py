"""Shared fixtures: dev-mode settings in a temporary var folder, a migrated SQLite database,
and an app client. PostgreSQL fixtures live in tests/pg.py; browser ones in tests/browser."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from denialdesk.app.asgi import create_app
from denialdesk.app.settings import Settings
from denialdesk.store.db import make_engine
from denialdesk.store.migrate import upgrade

# tests/pg.py: the session's PostgreSQL cluster and the sqlite/postgres `backend_engine`.
pytest_plugins = ["pg"]


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(mode="dev", var_dir=tmp_path / "var", _env_file=None)


@pytest.fixture
def engine(settings: Settings) -> Iterator[Engine]:
    engine = make_engine(settings.db_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def client(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(settings, engine)) as test_client:
        yield test_client
