"""The demo's reference data, seeded once per session (seeding hashes five passwords): tests
copy the file and work on their own copy."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from demo_day import DEMO_TODAY
from sqlalchemy.engine import Engine

from denialdesk.app.seed import seed_demo
from denialdesk.store.db import make_engine
from denialdesk.store.migrate import upgrade


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    """Practices, payers, patients and users as `seed_demo` writes them, without the history."""
    path = tmp_path_factory.mktemp("demo-template") / "demo.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    seed_demo(engine, today=DEMO_TODAY, history=False)
    engine.dispose()  # closing the last connection folds the WAL back into the file
    return path


@pytest.fixture(scope="session")
def demo_copy(demo_template) -> Callable[[Path], Engine]:
    """An engine on a fresh copy of the template in `folder`."""

    def copy(folder: Path) -> Engine:
        path = folder / "demo.sqlite"
        shutil.copyfile(demo_template, path)
        return make_engine(f"sqlite:///{path}")

    return copy
