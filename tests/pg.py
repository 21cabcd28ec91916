"""Test databases: a throwaway PostgreSQL 15 cluster for the session, and `backend_engine`,
one fresh migrated database per test on SQLite and on PostgreSQL (copies of migrated templates).

Registered from tests/conftest.py (`pytest_plugins = ["pg"]`) so the cluster is one
session-scoped fixture for every folder. PostgreSQL refuses to run as root, so as root the
cluster belongs to the `postgres` user (`runuser`); it listens on a free port of 127.0.0.1 and
we connect through its unix socket. Databases are copies of a migrated template
(CREATE DATABASE ... TEMPLATE), which costs far less than running the migrations per test.
"""

from __future__ import annotations

import itertools
import os
import pwd
import shlex
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from suites import PG_BIN, postgres_missing, unavailable

from denialdesk.store.db import make_engine
from denialdesk.store.migrate import upgrade

MIGRATED_TEMPLATE = "denialdesk_template"
SERVER_SETTINGS = (
    # Durability is worthless for a cluster deleted at the end of the run; speed is not.
    "fsync=off",
    "synchronous_commit=off",
    "full_page_writes=off",
    # Shared memory segments as files in the data folder, so deleting it leaves nothing.
    "dynamic_shared_memory_type=mmap",
)

SHM_NEEDED_BYTES = 512 * 1024 * 1024

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


class PgCluster:
    """initdb + pg_ctl in a temporary folder; `stop()` removes every trace."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="denialdesk-pg-", dir=_fast_folder()))
        self.data = self.root / "data"
        self.port = 0
        self._names = itertools.count(1)
        # Root may not run postgres: hand the folder to the postgres user and run as it.
        self._as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self._as:
            owner = pwd.getpwnam("postgres")
            os.chown(self.root, owner.pw_uid, owner.pw_gid)
        self._watchdog = self._start_watchdog()

    def _start_watchdog(self) -> subprocess.Popen:
        """A shell that stops the cluster and deletes the folder once our end of its stdin
        closes: at `stop()`, or when pytest dies in any way (SIGTERM, SIGKILL, a crash),
        because the kernel closes a dead process's pipes. Its own session, so a Ctrl-C
        meant for pytest does not end it early."""
        stop = [*self._as, str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate"]
        script = (
            f"cat >/dev/null; [ -f {shlex.quote(str(self.data / 'postmaster.pid'))} ]"
            f" && {shlex.join(stop)} stop >/dev/null 2>&1; rm -rf {shlex.quote(str(self.root))}"
        )
        return subprocess.Popen(
            ["sh", "-c", script],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )

    def _run(self, *args: str) -> None:
        result = subprocess.run(
            [*self._as, *args], capture_output=True, text=True, timeout=60, check=False
        )
        if result.returncode != 0:
            log = self.root / "log"
            tail = log.read_text()[-2000:] if log.exists() else ""
            raise RuntimeError(f"{' '.join(args[:2])} failed:\n{result.stderr}{tail}")

    def start(self) -> None:
        self._run(
            str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "app",
            "-E", "UTF8", "--locale=C.UTF-8", "--no-sync",
        )  # fmt: skip
        # The port can be taken between choosing and binding it: try a few.
        for _attempt in range(3):
            self.port = _free_port()
            options = " ".join(
                [f"-p {self.port}", f"-k {self.root}", "-c listen_addresses=127.0.0.1"]
                + [f"-c {setting}" for setting in SERVER_SETTINGS]
            )
            try:
                self._run(
                    str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-o", options,
                    "-l", str(self.root / "log"), "-w", "-t", "30", "start",
                )  # fmt: skip
                return
            except RuntimeError:
                if "could not bind" not in (self.root / "log").read_text():
                    raise
        raise RuntimeError("no free port for PostgreSQL after three attempts")

    def stop(self) -> None:
        """Stop the server and delete the folder (the watchdog does it; we wait for it)."""
        self._watchdog.stdin.close()
        self._watchdog.wait(timeout=60)

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://app@/{database}?host={self.root}&port={self.port}"

    def execute(self, statement: str) -> None:
        """DDL that may not run in a transaction (CREATE/DROP DATABASE), on the `postgres` db."""
        engine = make_engine(self.url("postgres"), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                connection.execute(text(statement))
        finally:
            engine.dispose()

    def create_database(self, *, template: str = "template0") -> str:
        name = f"test_{next(self._names)}"
        self.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return name

    def drop_database(self, name: str) -> None:
        self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _fast_folder() -> str | None:
    """/dev/shm when it has room: copying a database on disk costs ~20x more (0.35 s here)."""
    try:
        stats = os.statvfs("/dev/shm")
    except OSError:
        return None
    roomy = stats.f_bavail * stats.f_frsize >= SHM_NEEDED_BYTES
    return "/dev/shm" if roomy and os.access("/dev/shm", os.W_OK) else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    missing = postgres_missing()
    if missing:
        unavailable("postgres", missing)  # a skip, or a failure when the run requires it
    cluster = PgCluster()
    try:
        cluster.start()
        # Migrate once into a template; every test database is a copy of it.
        cluster.execute(f'CREATE DATABASE "{MIGRATED_TEMPLATE}"')
        engine = make_engine(cluster.url(MIGRATED_TEMPLATE))
        upgrade(engine)
        engine.dispose()  # a template may have no open connections when it is copied
        yield cluster
    finally:
        cluster.stop()


@contextmanager
def pg_database(cluster: PgCluster, *, migrated: bool = True) -> Iterator[Engine]:
    """A fresh database (migrated to head, or empty), dropped on leaving the block."""
    name = cluster.create_database(template=MIGRATED_TEMPLATE if migrated else "template0")
    engine = make_engine(cluster.url(name))
    try:
        yield engine
    finally:
        engine.dispose()
        cluster.drop_database(name)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """A SQLite file migrated to head once; copying it is ~100x cheaper than migrating."""
    path = tmp_path_factory.mktemp("sqlite-template") / "migrated.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()  # closing the last connection folds the WAL back into the file
    return path


@contextmanager
def sqlite_database(folder: Path, *, template: Path | None = None) -> Iterator[Engine]:
    """A fresh SQLite file: a copy of `template`, or empty."""
    path = folder / "test.sqlite"
    if template is not None:
        shutil.copyfile(template, path)
    engine = make_engine(f"sqlite:///{path}")
    try:
        yield engine
    finally:
        engine.dispose()


def database(
    request: pytest.FixtureRequest, backend: str, folder: Path, *, migrated: bool = True
) -> AbstractContextManager[Engine]:
    """A fresh database on `backend`; usable from fixtures of any scope."""
    if backend == "postgres":
        return pg_database(request.getfixturevalue("pg_cluster"), migrated=migrated)
    template = request.getfixturevalue("sqlite_template") if migrated else None
    return sqlite_database(folder, template=template)


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def backend_engine(request, backend, tmp_path) -> Iterator[Engine]:
    """A fresh database migrated to head, once per backend (override `engine` with it)."""
    with database(request, backend, tmp_path) as engine:
        yield engine


@pytest.fixture
def empty_engine(request, backend, tmp_path) -> Iterator[Engine]:
    """A fresh database without any table, once per backend (for migration tests)."""
    with database(request, backend, tmp_path, migrated=False) as engine:
        yield engine
