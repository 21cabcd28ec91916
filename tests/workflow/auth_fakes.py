"""In-memory stand-ins for the authorization activities, and a driver for one workflow.

FakeAuthRow is the store's authorization as the activities would count it (with the same
domain arithmetic), so a test changes the row and signals, as the API does.
"""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from conftest import Harness, venv_binary
from temporalio import activity
from temporalio.client import Client, WorkflowHandle
from temporalio.service import RPCError, RPCStatusCode
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from denialdesk.contracts.authorization import (
    AUTH_STATE_QUERY,
    CLOSE_AUTH_TASK,
    EXPIRE_AUTHORIZATION,
    OPEN_AUTH_TASK,
    READ_AUTHORIZATION,
    AuthCounts,
    AuthExpiry,
    AuthRead,
    AuthStart,
    AuthState,
    AuthTaskClose,
    AuthTaskSpec,
    Extension,
)
from denialdesk.domain import authorizations as rules
from denialdesk.workflows import auth_client
from denialdesk.workflows.authorization import AuthorizationWorkflow

PRACTICE = "demo"


@pytest.fixture(name="wf", scope="module")
def own_time_skipping_server() -> Iterator[Harness]:
    """A time-skipping server of the module's own: these tests skip months, and the session's
    shared server would carry that clock into the claim tests' business dates."""
    loop = asyncio.new_event_loop()
    env = loop.run_until_complete(
        WorkflowEnvironment.start_time_skipping(
            test_server_existing_path=venv_binary("temporal-test-server")
        )
    )
    try:
        yield Harness(loop, env)
    finally:
        loop.run_until_complete(env.shutdown())
        loop.close()


@dataclasses.dataclass
class FakeAuthRow:
    end_date: date
    approved: int = 10
    used: int = 0
    visits: list[date] = dataclasses.field(default_factory=list)
    status: str = "active"
    notice_days: int = 14
    threshold: int = 2
    waiting_claims: list[int] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class TaskRow:
    id: int
    spec: AuthTaskSpec
    status: str = "open"
    upserts: int = 1


class FakeAuthStore:
    def __init__(self, row: FakeAuthRow) -> None:
        self.row = row
        self.tasks: dict[str, TaskRow] = {}
        self.calls: list[tuple[str, Any]] = []
        self.violations: list[str] = []
        self.run_ids: list[str] = []
        self._next_id = 500

    def activities(self) -> list[Callable]:
        @activity.defn(name=READ_AUTHORIZATION)
        async def read(request: AuthRead) -> AuthCounts:
            self._record(READ_AUTHORIZATION, request)
            row, today = self.row, date.fromisoformat(request.today)
            future = [v for v in row.visits if v >= today]
            uncovered = rules.first_uncovered(
                future, today=today, capacity=row.approved - row.used, end_date=row.end_date
            )
            return AuthCounts(
                status=row.status,
                unit_type="visits",
                approved=row.approved,
                used=row.used,
                scheduled=len(future),
                remaining=rules.remaining(row.approved, row.used, len(future)),
                end_date=row.end_date.isoformat(),
                notice_days=row.notice_days,
                threshold=row.threshold,
                first_uncovered=uncovered.isoformat() if uncovered else None,
            )

        @activity.defn(name=OPEN_AUTH_TASK)
        async def open_task(spec: AuthTaskSpec) -> int:
            self._record(OPEN_AUTH_TASK, spec)
            found = self.tasks.get(spec.key)
            if found is not None:
                found.spec, found.upserts = spec, found.upserts + 1
                return found.id
            if self.open_tasks():
                self.violations.append(f"{spec.key} opened while another is open")
            self._next_id += 1
            self.tasks[spec.key] = TaskRow(self._next_id, spec)
            return self._next_id

        @activity.defn(name=CLOSE_AUTH_TASK)
        async def close_task(close: AuthTaskClose) -> None:
            self._record(CLOSE_AUTH_TASK, close)
            self.tasks[close.key].status = close.status

        @activity.defn(name=EXPIRE_AUTHORIZATION)
        async def expire(request: AuthExpiry) -> list[int]:
            self._record(EXPIRE_AUTHORIZATION, request)
            if request.end_date != self.row.end_date.isoformat():
                return []
            self.row.status = "expired"
            return list(self.row.waiting_claims)

        return [read, open_task, close_task, expire]

    def _record(self, name: str, arg: Any) -> None:
        self.calls.append((name, arg))
        self.run_ids.append(activity.info().workflow_run_id)

    def open_tasks(self) -> list[TaskRow]:
        return [t for t in self.tasks.values() if t.status == "open"]

    def names(self) -> list[str]:
        return [name for name, _ in self.calls]


class AuthDriver:
    def __init__(self, client: Client, store: FakeAuthStore, authorization_id: int) -> None:
        self.client, self.store, self.authorization_id = client, store, authorization_id
        self.task_queue = f"auths-{uuid.uuid4().hex[:8]}"
        self.workflow_id = ""
        self.env: Any = None  # the WorkflowEnvironment, for env.sleep

    def worker(self) -> Worker:
        return Worker(
            self.client,
            task_queue=self.task_queue,
            workflows=[AuthorizationWorkflow],
            activities=self.store.activities(),
        )

    @property
    def handle(self) -> WorkflowHandle:
        return self.client.get_workflow_handle(self.workflow_id)

    async def start(self, state: AuthState | None = None) -> None:
        if state is None:
            self.workflow_id = await auth_client.start_authorization(
                self.client, PRACTICE, self.authorization_id, self.task_queue
            )
            return
        handle = await self.client.start_workflow(
            AuthorizationWorkflow.run,
            AuthStart(self.authorization_id, PRACTICE, state),
            id=f"auth-{PRACTICE}-{self.authorization_id}",
            task_queue=self.task_queue,
        )
        self.workflow_id = handle.id

    async def until(self, predicate: Callable[[AuthState], bool], timeout: float = 10) -> AuthState:
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            try:
                state = await self.handle.query(
                    AUTH_STATE_QUERY, result_type=AuthState, rpc_timeout=timedelta(seconds=1)
                )
            except RPCError as exc:
                if exc.status not in (RPCStatusCode.DEADLINE_EXCEEDED, RPCStatusCode.CANCELLED):
                    raise
                continue
            if predicate(state):
                return state
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(
                    f"state never matched; last: {state}; tasks: {self.store.tasks}"
                )
            await asyncio.sleep(0.02)  # polling interval, not a wait for something to happen

    async def until_stored(self, predicate: Callable[[FakeAuthStore], bool], timeout: float = 10):
        """Wait on what the activities wrote, without querying the workflow: the time-skipping
        test server can stop skipping time for good when a query lands while a workflow task
        that ends in continue-as-new is in flight (seen in the continue-as-new scenario)."""
        deadline = asyncio.get_running_loop().time() + timeout
        while not predicate(self.store):
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"the store never matched; tasks: {self.store.tasks}")
            await asyncio.sleep(0.02)  # polling interval, not a wait for something to happen

    def reads(self) -> int:
        return self.store.names().count(READ_AUTHORIZATION)

    async def acted(self, after_reads: int) -> AuthState:
        """The state once the workflow has re-read the counts and acted on them."""
        return await self.until(lambda s: s.checked_reads > after_reads)

    async def recount(self) -> AuthState:
        """Signal usage_changed (as the API does) and wait until the workflow acted on it."""
        before = (await self.until(lambda s: s.loaded)).reads
        await self.usage_changed()
        return await self.acted(before)

    async def usage_changed(self) -> None:
        await auth_client.usage_changed(self.client, self.workflow_id)

    async def extend(
        self, *, end_date: date | None = None, approved: int | None = None
    ) -> AuthState:
        # The API stores first, then tells the workflow.
        if end_date is not None:
            self.store.row.end_date = end_date
            if self.store.row.status == "expired":
                self.store.row.status = "active"
        if approved is not None:
            self.store.row.approved = approved
        extension = Extension(
            end_date=end_date.isoformat() if end_date else None, approved=approved, user_id=3
        )
        before = (await self.until(lambda s: s.loaded)).reads
        await auth_client.extend(self.client, self.workflow_id, extension)
        return await self.acted(before)


_ids = iter(range(1, 10**6))


def run_auth(
    wf, body: Callable[[AuthDriver], Any], row: FakeAuthRow | None = None
) -> FakeAuthStore:
    """Run `body` against one authorization with a worker of fake activities; check the one
    open renewal task invariant afterwards."""
    store = FakeAuthStore(row or FakeAuthRow(end_date=date.max))
    driver = AuthDriver(wf.client, store, next(_ids))
    driver.env = wf.env

    async def scenario() -> None:
        async with driver.worker():
            try:
                await body(driver)
            finally:
                # An authorization workflow never ends by itself; left running, its timers
                # would stall time skipping for later tests once no worker polls its queue.
                if driver.workflow_id:
                    await driver.handle.terminate("test over")

    wf.run(scenario())
    store.workflow_id = driver.workflow_id
    assert store.violations == []
    return store


async def today(auth: AuthDriver) -> date:
    return (await auth.env.get_current_time()).date()
