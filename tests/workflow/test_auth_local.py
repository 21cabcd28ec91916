"""AuthorizationWorkflow once on the real dev server (`temporal server start-dev`).

Real time cannot skip days, so the dates are set for the deadlines to be due at once: an
authorization that ended yesterday expires on start, its renewal task opens, scheduled visits
then eat the units, and an extension brings it back and closes the task.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta

import pytest
from auth_fakes import FakeAuthRow, run_auth, today
from conftest import Harness, venv_binary
from temporal_harness import DEV_SERVER_STARTUP
from temporalio.testing import WorkflowEnvironment

from denialdesk.contracts.authorization import EXPIRE_AUTHORIZATION

DAY = timedelta(days=1)


@pytest.fixture(scope="module")
def local() -> Iterator[Harness]:
    loop = asyncio.new_event_loop()
    env = loop.run_until_complete(
        WorkflowEnvironment.start_local(
            dev_server_existing_path=venv_binary("temporal"),
            dev_server_startup_timeout=DEV_SERVER_STARTUP,
        )
    )
    try:
        yield Harness(loop, env)
    finally:
        loop.run_until_complete(env.shutdown())
        loop.close()


def test_expiry_threshold_and_extension_on_the_dev_server(local):
    async def body(auth):
        t0 = await today(auth)
        row = auth.store.row = FakeAuthRow(end_date=t0 - DAY, approved=6, waiting_claims=[7])
        await auth.start()
        state = await auth.until(lambda s: s.status == "expired" and s.open_task is not None)
        assert state.claims_given_tasks == [7] and state.open_task.reason == "end_date"
        renewal = state.open_task

        row.visits = [t0 + k * DAY for k in range(1, 5)]
        state = await auth.recount()
        assert (state.remaining, state.open_task.reason) == (2, "units")
        assert state.open_task.key == renewal.key

        state = await auth.extend(end_date=t0 + 100 * DAY, approved=20)
        assert (state.status, state.remaining, state.open_task) == ("active", 16, None)

    store = run_auth(local, body)
    assert store.names().count(EXPIRE_AUTHORIZATION) == 1
    assert [(t.status, t.upserts) for t in store.tasks.values()] == [("done", 2)]
