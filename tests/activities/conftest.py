"""Activity tests run on SQLite and on PostgreSQL (tests/pg.py), each with its own outbox."""

import pytest

from denialdesk.activities.claims import ClaimActivities


@pytest.fixture
def engine(backend_engine):
    return backend_engine


@pytest.fixture
def outbox(tmp_path):
    return tmp_path / "outbox"


@pytest.fixture
def acts(engine, outbox) -> ClaimActivities:
    return ClaimActivities(engine, outbox)
