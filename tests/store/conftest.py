"""Store tests run twice: on SQLite and on the session's PostgreSQL cluster (tests/pg.py)."""

import pytest


@pytest.fixture
def engine(backend_engine):
    return backend_engine
