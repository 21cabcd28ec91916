"""Shared fixtures: dev-mode settings in a temporary var folder, a migrated SQLite database,
and an app client. PostgreSQL fixtures live in tests/pg.py; browser ones in tests/browser."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from suites import check_required

from denialdesk.app.asgi import create_app
from denialdesk.app.settings import Settings
from denialdesk.store.db import make_engine
from denialdesk.store.migrate import upgrade

# tests/pg.py: the session's PostgreSQL cluster and the sqlite/postgres `backend_engine`.
pytest_plugins = ["pg"]


def pytest_configure(config) -> None:
    # DENIALDESK_REQUIRE_SUITES (set by `make test`): stop now if a required suite cannot run.
    check_required()


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


# --- per-suite timing (SPEC section 7: each suite prints its time) -----------------------

_suite_seconds: dict[str, float] = {}


def pytest_runtest_logreport(report) -> None:
    parts = report.nodeid.split("/")
    suite = parts[1] if len(parts) > 2 and parts[0] == "tests" else parts[0].split("::")[0]
    _suite_seconds[suite] = _suite_seconds.get(suite, 0.0) + report.duration


def pytest_terminal_summary(terminalreporter) -> None:
    if not _suite_seconds:
        return
    terminalreporter.section("time per suite")
    for suite, seconds in sorted(_suite_seconds.items(), key=lambda item: -item[1]):
        terminalreporter.write_line(f"{suite:<10} {seconds:7.1f} s")
