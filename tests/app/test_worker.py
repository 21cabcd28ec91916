"""The worker: idles honestly with nothing registered; runs workflows with encrypted payloads."""

import asyncio
import contextlib
import logging
import shutil
import sys
from pathlib import Path

import pytest
from echo_workflows import EchoWorkflow, RefuseWorkflow, refuse, shout
from temporalio.client import WorkflowFailureError
from temporalio.testing import WorkflowEnvironment

from denialdesk.app.settings import Settings
from denialdesk.app.temporal import connect
from denialdesk.app.worker import run_worker
from denialdesk.workflows import registry

PATIENT = "Rivera, Ana"


def test_registry_lists_are_what_the_worker_reads():
    assert isinstance(registry.WORKFLOWS, list)
    assert isinstance(registry.ACTIVITIES, list)


def test_nothing_registered_logs_one_line_and_idles_until_cancelled(settings, caplog):
    async def scenario():
        task = asyncio.create_task(
            run_worker(settings, client=object(), workflows=[], activities=[])
        )
        for _ in range(5):  # let it run up to its wait
            await asyncio.sleep(0)
        assert not task.done()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    with caplog.at_level(logging.INFO, logger="denialdesk"):
        asyncio.run(scenario())
    lines = [r.getMessage() for r in caplog.records if "no workflows registered yet" in r.message]
    assert len(lines) == 1


def _test_server() -> str:
    beside = Path(sys.executable).parent / "temporal-test-server"
    return str(beside) if beside.exists() else shutil.which("temporal-test-server")


def test_worker_runs_workflows_and_the_server_sees_only_ciphertext(tmp_path):
    async def scenario():
        env = await WorkflowEnvironment.start_time_skipping(
            test_server_existing_path=_test_server()
        )
        try:
            settings = Settings(
                mode="dev",
                var_dir=tmp_path,
                temporal_address=env.client.service_client.config.target_host,
                temporal_task_queue="worker-test",
                _env_file=None,
            )
            client = await connect(settings)
            worker = asyncio.create_task(
                run_worker(
                    settings,
                    client=client,
                    workflows=[EchoWorkflow, RefuseWorkflow],
                    activities=[shout, refuse],
                )
            )
            try:
                result = await client.execute_workflow(
                    EchoWorkflow.run, PATIENT, id="echo", task_queue="worker-test"
                )
                assert result == f"seen {PATIENT}"
                with pytest.raises(WorkflowFailureError) as failed:
                    await client.execute_workflow(
                        RefuseWorkflow.run, PATIENT, id="refuse", task_queue="worker-test"
                    )
                # Our client decrypts the activity's failure message...
                assert f"cannot bill {PATIENT}" in str(failed.value.cause.cause)
                # ...while the server's history (read without the codec) holds no clear text.
                for workflow_id in ("echo", "refuse"):
                    history = await env.client.get_workflow_handle(workflow_id).fetch_history()
                    raw = b"".join(event.SerializeToString() for event in history.events)
                    assert b"Rivera" not in raw
                    assert b"cannot bill" not in raw
            finally:
                worker.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await worker
        finally:
            await env.shutdown()

    asyncio.run(scenario())
