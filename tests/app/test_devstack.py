"""`denialdesk dev` as a newcomer runs it: starts, answers, stops cleanly, keeps its data."""

import asyncio
import os
import signal
import socket
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from temporalio.client import Client

DENIALDESK = Path(sys.executable).parent / "denialdesk"
STARTUP_TIMEOUT = 90  # a busy machine (CI, other test runs) starts the stack slowly
STOP_TIMEOUT = 20


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def stack_env(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DENIALDESK_")}
    env.update(
        DENIALDESK_VAR_DIR=str(tmp_path / "var"),
        DENIALDESK_WEB_PORT=str(free_port()),
        DENIALDESK_TEMPORAL_PORT=str(free_port()),
        DENIALDESK_TEMPORAL_UI_PORT=str(free_port()),
        DENIALDESK_DEMO_LIVE_CLAIMS="12",  # a few live claims: the stack's start is the test
    )
    return env


class Run:
    """One `denialdesk dev` process with its output in a file."""

    def __init__(self, env: dict, out: Path) -> None:
        self.env, self.out = env, out
        # Our own cwd: `dev` must work from any folder and must not read the repository's .env.
        self.process = subprocess.Popen(
            [str(DENIALDESK), "dev"],
            env=env,
            cwd=out.parent,
            stdout=out.open("wb"),
            stderr=subprocess.STDOUT,
        )

    @property
    def output(self) -> str:
        return self.out.read_text()

    def url(self, key: str, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.env[key]}{path}"

    def wait_until(self, check, what: str, timeout: float = STARTUP_TIMEOUT):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(
                    f"dev exited ({self.process.returncode}) waiting for {what}:\n{self.output}"
                )
            result = check()
            if result:
                return result
            time.sleep(0.1)  # polling another process: nothing to await
        pytest.fail(f"no {what} within {timeout} s:\n{self.output}")

    def answers(self, url: str) -> int | None:
        try:
            return httpx.get(url, timeout=2).status_code
        except httpx.TransportError:
            return None

    def children(self, marker: bytes) -> list[int]:
        """Our child processes whose command line holds `marker`."""
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            if parent == self.process.pid and marker in cmdline:
                pids.append(int(entry.name))
        return pids

    def stop(self, sig: signal.Signals) -> int:
        self.process.send_signal(sig)
        return self.process.wait(timeout=STOP_TIMEOUT)


def started(run: Run) -> list[int]:
    run.wait_until(lambda: "Press Ctrl-C to stop." in run.output, "banner")
    assert run.answers(run.url("DENIALDESK_WEB_PORT", "/healthz")) == 200
    assert run.url("DENIALDESK_WEB_PORT", "").rstrip("/") in run.output
    assert run.url("DENIALDESK_TEMPORAL_UI_PORT", "").rstrip("/") in run.output
    assert "spec-demo-pass" in run.output and "admin-demo-pass" in run.output
    assert run.answers(run.url("DENIALDESK_WEB_PORT", "/login")) == 200
    run.wait_until(
        lambda: run.answers(run.url("DENIALDESK_TEMPORAL_UI_PORT")) == 200, "Temporal UI"
    )
    # The Temporal dev server and the worker (a spawned interpreter), one each.
    temporal, worker = run.children(b"temporal"), run.children(b"spawn_main")
    assert len(temporal) == 1 and len(worker) == 1
    return temporal + worker


def gone(pid: int) -> bool:
    return not Path(f"/proc/{pid}").exists()


def temporal(env: dict, action):
    async def scenario():
        client = await Client.connect(f"127.0.0.1:{env['DENIALDESK_TEMPORAL_PORT']}")
        return await action(client)

    return asyncio.run(scenario())


def modes(env: dict) -> dict[str, str]:
    """The var folder's mode and those of its databases and secrets, as octal strings."""
    var = Path(env["DENIALDESK_VAR_DIR"])
    found = {}
    for path in [var, *var.glob("*.sqlite*"), var / "secret_key", var / "payload_keys"]:
        try:  # Temporal's SQLite journal comes and goes with each transaction
            found[path.name] = oct(stat.S_IMODE(path.stat().st_mode))
        except FileNotFoundError:
            continue
    return found


def assert_private(env: dict) -> None:
    found = modes(env)  # one look: the assertions below compare the same files
    # The databases are there, with their write-ahead logs, not just an empty folder.
    assert {"denialdesk.sqlite", "denialdesk.sqlite-wal", "temporal.sqlite"} <= found.keys()
    var = Path(env["DENIALDESK_VAR_DIR"]).name
    assert found == {name: "0o700" if name == var else "0o600" for name in found}


def loosen(env: dict) -> None:
    """What an older version (umask 022) left: a world-readable folder and files."""
    var = Path(env["DENIALDESK_VAR_DIR"])
    var.chmod(0o755)
    for path in [*var.glob("*.sqlite*"), var / "secret_key", var / "payload_keys"]:
        path.chmod(0o644)  # nothing runs now: no file comes or goes


def count_practices(env: dict) -> int:
    with sqlite3.connect(Path(env["DENIALDESK_VAR_DIR"]) / "denialdesk.sqlite") as db:
        return db.execute("SELECT count(*) FROM practice").fetchone()[0]


@pytest.mark.timeout(300)
def test_dev_starts_stops_cleanly_and_keeps_data_across_restarts(stack_env, tmp_path):
    first = Run(stack_env, tmp_path / "first.log")
    try:
        children = started(first)
        assert "loaded the demo data" in first.output
        # A workflow the server must remember across the restart (no worker needed for that).
        temporal(
            stack_env,
            lambda c: c.start_workflow("Remembered", id="remember-me", task_queue="nowhere"),
        )
        practices = count_practices(stack_env)
        assert_private(stack_env)
        assert first.stop(signal.SIGINT) == 0
    finally:
        first.process.kill()
    assert all(gone(pid) for pid in children)
    assert "denialdesk dev: stopped" in first.output

    loosen(stack_env)
    second = Run(stack_env, tmp_path / "second.log")
    try:
        children = started(second)
        assert_private(stack_env)  # an old, open var folder is tightened
        assert "loaded the demo data" not in second.output
        assert count_practices(stack_env) == practices == 2
        described = temporal(stack_env, lambda c: c.get_workflow_handle("remember-me").describe())
        assert described.workflow_type == "Remembered"
        assert second.stop(signal.SIGTERM) == 0
    finally:
        second.process.kill()
    assert all(gone(pid) for pid in children)


def _state(pid: int) -> str:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()[:60]
    except OSError:
        return "gone"
    return f"{stat.rsplit(')', 1)[1].split()[0]} {cmdline!r}"


def wait_gone(pids: list[int], timeout: float = STOP_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not all(gone(pid) for pid in pids):
        if time.monotonic() > deadline:
            states = {pid: _state(pid) for pid in pids if not gone(pid)}
            pytest.fail(f"processes {states} still running {timeout} s after their parent died")
        time.sleep(0.1)  # polling the kernel for other processes: nothing to await


@pytest.mark.timeout(300)
def test_one_dev_per_var_folder_and_a_killed_one_blocks_nothing(stack_env, tmp_path):
    first = Run(stack_env, tmp_path / "first.log")
    try:
        children = started(first)
        second = Run(stack_env, tmp_path / "second.log")
        try:
            assert second.process.wait(timeout=STARTUP_TIMEOUT) == 1
        finally:
            second.process.kill()
        lock = Path(stack_env["DENIALDESK_VAR_DIR"]) / "dev.lock"
        assert lock.read_text() == f"{first.process.pid}\n"
        assert oct(stat.S_IMODE(lock.stat().st_mode)) == "0o600"
        first.process.kill()  # SIGKILL: no clean-up of ours runs
        first.process.wait(timeout=STOP_TIMEOUT)
    finally:
        first.process.kill()
    # One line naming the running one, before any port was tried (they were all taken).
    assert second.output.splitlines() == [
        f"denialdesk: error: denialdesk dev is already running on "
        f"{stack_env['DENIALDESK_VAR_DIR']}/ (pid {first.process.pid}); stop it first, "
        "or set DENIALDESK_VAR_DIR for a second stack"
    ]
    assert "Press Ctrl-C" in first.output  # the first one was serving all along
    wait_gone(children)  # its Temporal server and worker follow it (PR_SET_PDEATHSIG)

    # The dead run's lock died with it: the next run gets past the lock to the port checks,
    # where a port taken on purpose stops it (a full start is the test above).
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", int(stack_env["DENIALDESK_TEMPORAL_PORT"])))
        squatter.listen()
        third = Run(stack_env, tmp_path / "third.log")
        try:
            assert third.process.wait(timeout=STARTUP_TIMEOUT) == 1
        finally:
            third.process.kill()
    assert "already running" not in third.output
    assert "set DENIALDESK_TEMPORAL_PORT" in third.output
    assert lock.read_text() == f"{third.process.pid}\n"


def test_a_taken_port_is_named_in_one_line(stack_env, tmp_path):
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", int(stack_env["DENIALDESK_TEMPORAL_PORT"])))
        squatter.listen()
        run = Run(stack_env, tmp_path / "taken.log")
        try:
            assert run.process.wait(timeout=STARTUP_TIMEOUT) == 1
        finally:
            run.process.kill()
    errors = [line for line in run.output.splitlines() if "error" in line]
    assert errors == [
        f"denialdesk: error: port {stack_env['DENIALDESK_TEMPORAL_PORT']} is not available "
        "(Address already in use); set DENIALDESK_TEMPORAL_PORT"
    ]
    assert "Traceback" not in run.output
