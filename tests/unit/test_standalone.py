"""The repository stands alone, and `make test` runs everything (issue 9 item 10).

Nothing in it reads or points at a path outside the repository; the suites that need PostgreSQL
or Chromium are skipped with a reason under plain pytest, but stop the run when it requires them
(DENIALDESK_REQUIRE_SUITES, set by `make test`); the soak run is a real, registered suite that
the default run leaves out.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import suites

ROOT = Path(__file__).resolve().parents[2]
SKIP = {".git", ".venv", ".tools", "node_modules", "var", "build", "static", "__pycache__"}
SKIP_SUFFIXES = {".lock", ".pyc", ".sqlite", ".docx", ".png", ".ico"}
# A path that leaves the repository, and the documents that only exist outside it (the
# repository's own architecture lives in docs/ARCHITECTURE.md).
OUTSIDE = re.compile(
    r"\.\./shared|\bshared/(reference|SPEC|ARCHITECTURE|SETUP)|parents\[3\]"
    r"|(?<!docs/)\b(SPEC|ARCHITECTURE|SETUP-NOTES)\.md\b"
    r"|\breference/[\w.-]+\.(md|csv)\b"
)


def repository_files() -> list[Path]:
    found = []
    for path in ROOT.rglob("*"):
        relative = path.relative_to(ROOT)
        if any(part in SKIP for part in relative.parts) or path.suffix in SKIP_SUFFIXES:
            continue
        if path.is_file():
            found.append(path)
    return found


def test_nothing_points_outside_the_repository() -> None:
    offenders = []
    for path in repository_files():
        try:
            text = path.read_text("utf-8")
        except UnicodeDecodeError:
            continue
        for number, line in enumerate(text.splitlines(), 1):
            if OUTSIDE.search(line) and path != Path(__file__).resolve():
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def run_pytest(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    """pytest in a child process, from the repository, without `make test`'s requirements."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DENIALDESK_")}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", *args],
        cwd=ROOT,
        env=clean | {"DENIALDESK_TEST_PG_BIN": str(tmp_path / "no-pg")} | env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


PG_TESTS = ("tests/store/test_store_types.py", "-m", "postgres")


def test_without_postgresql_plain_pytest_skips_with_the_reason(tmp_path) -> None:
    result = run_pytest(tmp_path, *PG_TESTS)
    assert result.returncode == 0, result.stdout + result.stderr
    assert " skipped" in result.stdout and " passed" not in result.stdout
    assert f"PostgreSQL 15 is not installed ({tmp_path}/no-pg/initdb missing)" in result.stdout


def test_a_required_suite_that_cannot_run_fails_the_run(tmp_path) -> None:
    result = run_pytest(tmp_path, *PG_TESTS, DENIALDESK_REQUIRE_SUITES="postgres,browser")
    assert result.returncode == pytest.ExitCode.USAGE_ERROR, result.stdout + result.stderr
    assert "DENIALDESK_REQUIRE_SUITES requires suites that cannot run" in result.stderr
    assert f"postgres: PostgreSQL 15 is not installed ({tmp_path}/no-pg" in result.stderr


def test_chromium_is_required_too_and_an_unknown_suite_name_is_refused(
    tmp_path, monkeypatch
) -> None:
    monkeypatch.setattr(suites, "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.setenv(suites.REQUIRE_VARIABLE, "browser")
    with pytest.raises(
        pytest.UsageError, match=re.escape(f"browser: {tmp_path}/no-chromium is missing")
    ):
        suites.check_required()
    # A fixture that still cannot start a required suite fails its tests; others skip them.
    with pytest.raises(pytest.fail.Exception, match="required suite browser cannot run"):
        suites.unavailable("browser", "no chromium")
    with pytest.raises(pytest.skip.Exception, match="no PostgreSQL"):
        suites.unavailable("postgres", "no PostgreSQL")
    monkeypatch.setenv(suites.REQUIRE_VARIABLE, "postgress")
    with pytest.raises(pytest.UsageError, match=r"unknown suites \['postgress'\]"):
        suites.check_required()


def test_make_test_requires_every_suite() -> None:
    makefile = (ROOT / "Makefile").read_text()
    recipe = re.search(r"^test:(.*)\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    assert recipe is not None
    assert {"install", "chromium", "postgresql", "lint"} <= set(recipe.group(1).split())
    assert "DENIALDESK_REQUIRE_SUITES=postgres,browser $(VENV)/bin/pytest" in recipe.group(2)
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_the_soak_suite_is_registered_and_left_out_of_the_default_run(tmp_path) -> None:
    soak = run_pytest(tmp_path, "--collect-only", "-m", "soak", "tests/smoke")
    assert soak.returncode == 0, soak.stdout + soak.stderr
    assert "test_soak_many_claims_survive_repeated_worker_kills" in soak.stdout
    default = run_pytest(tmp_path, "--collect-only", "tests/smoke")
    assert default.returncode == 0, default.stdout + default.stderr
    assert "test_fifty_claims_survive_worker_kills" in default.stdout
    assert "test_soak" not in default.stdout and "1 deselected" in default.stdout
