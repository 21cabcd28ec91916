"""Suites that need something outside Python: PostgreSQL 15 and Debian's Chromium.

A developer running plain `pytest` without them gets skips that say what is missing. `make test`
sets DENIALDESK_REQUIRE_SUITES=postgres,browser (after installing both): then a missing one is
a usage error before anything runs, and a fixture that still cannot start it fails its tests,
so a run that leaves out a required suite never passes.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NoReturn

import pytest

REQUIRE_VARIABLE = "DENIALDESK_REQUIRE_SUITES"
PG_BIN = Path(os.environ.get("DENIALDESK_TEST_PG_BIN", "/usr/lib/postgresql/15/bin"))
CHROMIUM = Path(os.environ.get("DENIALDESK_TEST_CHROMIUM", "/usr/bin/chromium"))


def postgres_missing() -> str | None:
    if (PG_BIN / "initdb").exists():
        return None
    return f"PostgreSQL 15 is not installed ({PG_BIN}/initdb missing): run `make postgresql`"


def browser_missing() -> str | None:
    if CHROMIUM.exists():
        return None
    return f"{CHROMIUM} is missing: run `make chromium` (apt-get install chromium)"


SUITES = {"postgres": postgres_missing, "browser": browser_missing}


def required() -> set[str]:
    """The suites DENIALDESK_REQUIRE_SUITES names; an unknown name is a usage error."""
    names = {n.strip() for n in os.environ.get(REQUIRE_VARIABLE, "").split(",") if n.strip()}
    unknown = names - SUITES.keys()
    if unknown:
        raise pytest.UsageError(
            f"{REQUIRE_VARIABLE} names unknown suites {sorted(unknown)}; known: {sorted(SUITES)}"
        )
    return names


def check_required() -> None:
    """At start-up: every required suite can run, or the run stops before it starts."""
    problems = [f"{name}: {reason}" for name in sorted(required()) if (reason := SUITES[name]())]
    if problems:
        raise pytest.UsageError(
            f"{REQUIRE_VARIABLE} requires suites that cannot run: " + "; ".join(problems)
        )


def unavailable(suite: str, reason: str) -> NoReturn:
    """Skip a suite that cannot run, or fail it when the run requires it."""
    if suite in required():
        pytest.fail(f"required suite {suite} cannot run ({REQUIRE_VARIABLE}): {reason}")
    pytest.skip(reason)
