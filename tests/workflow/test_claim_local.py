"""The main path once on a real (dev) Temporal server: Temporal means to retire the
time-skipping server, and Updates, signal_with_start and queries behave slightly differently."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from claim_fakes import outcome
from conftest import Harness, venv_binary
from temporal_harness import DEV_SERVER_STARTUP
from temporalio.testing import WorkflowEnvironment


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


def test_denied_appealed_and_paid_on_the_dev_server(local):
    async def body(claim):
        await claim.start()
        await claim.until_event("submitted")
        await claim.pay(1, outcome("denied"))
        await claim.until_task("work_denial")
        await claim.decide("appeal", level=1, letter_id=2)
        await claim.until_task("send_appeal")
        await claim.decide("sent")
        await claim.until_event("appealed")
        await claim.pay(1)  # the relay repeats itself
        await claim.pay(2, outcome("paid"))
        state = await claim.until_event("paid")
        assert (state.status, state.applied_payment_ids) == ("paid", [1, 2])

    store = local.claim(body)
    assert store.event_kinds() == ["submitted", "denied", "appeal_decided", "appealed", "paid"]
    assert store.applied(1) == 1
