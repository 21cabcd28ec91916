"""The clearinghouse folders end to end, on the real worker (app/worker.py: ClaimWorkflow, the
store-backed activities, the payment relay and the inbox watcher) over the time-skipping
Temporal test server, on SQLite and PostgreSQL: the claim's 837P lands in the outbox, the
payer's 835 dropped in the inbox is imported and moved to processed/, and the claim ends paid;
a duplicate drop changes nothing, a corrupt one goes to rejected/ with its reason and an
admin's task, and an upload still under way (`*.tmp`) is left alone."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import sys
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from claim_data import DOS, new_claim, world
from remit_builder import RemitClaim, build_835
from sqlalchemy import func
from sqlmodel import Session, SQLModel, select
from temporalio.testing import WorkflowEnvironment

from denialdesk.app.settings import Settings
from denialdesk.app.worker import run_worker
from denialdesk.store.db import session_scope
from denialdesk.store.models import Claim, Submission, Task
from denialdesk.workflows import client as claims

TASK_QUEUE = "inbox-round-trip"
PAID_ON = date(2026, 4, 1)


@pytest.fixture
def engine(backend_engine):
    return backend_engine


def _test_server() -> str:
    beside = Path(sys.executable).parent / "temporal-test-server"
    found = str(beside) if beside.exists() else shutil.which("temporal-test-server")
    if found is None:
        pytest.skip("temporal-test-server is not installed")
    return found


def counts(engine) -> dict[str, int]:
    with Session(engine) as session:
        return {
            name: session.exec(select(func.count()).select_from(table)).one()
            for name, table in SQLModel.metadata.tables.items()
        }


async def until(engine, read: Callable, timeout: float = 60.0):
    """Poll the database (written by the worker) or the folders until `read` finds something;
    generous: the machine is shared, a pass takes about a second."""
    deadline = asyncio.get_running_loop().time() + timeout

    def once():
        with Session(engine) as session:
            return read(session)

    while True:
        found = await asyncio.to_thread(once)
        if found:
            return found
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("the worker never got there")
        await asyncio.sleep(0.05)


def drop(inbox: Path, name: str, text: str) -> None:
    """As an uploader does: write NAME.tmp, then rename it when complete."""
    upload = inbox / f"{name}.tmp"
    upload.write_text(text)
    upload.rename(inbox / name)


def test_an_835_dropped_in_the_inbox_pays_the_claim_the_worker_submitted(engine, tmp_path):
    with session_scope(engine) as session:
        w = world(session)
        claim = new_claim(session, w)
        slug, claim_id, control = w.practice.slug, claim.id, claim.control_number
    outbox, inbox = tmp_path / "outbox", tmp_path / "inbox"
    settings = Settings(
        mode="dev",
        var_dir=tmp_path / "var",
        database_url=engine.url.render_as_string(hide_password=False),
        temporal_task_queue=TASK_QUEUE,
        clearinghouse_outbox=outbox,
        clearinghouse_inbox=inbox,
        payer_simulator=False,  # the test is the payer here
        _env_file=None,
    )
    paid = RemitClaim(control, Decimal("150"), Decimal("150"), "PCN-INBOX", DOS)
    remit = build_835([paid], trace="INBOX1", paid_on=PAID_ON)

    async def scenario():
        env = await WorkflowEnvironment.start_time_skipping(
            test_server_existing_path=_test_server()
        )
        worker = asyncio.create_task(run_worker(settings, client=env.client))
        try:
            await claims.start_claim(env.client, slug, claim_id, TASK_QUEUE)
            await journey()
        finally:
            worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await worker
            await env.shutdown()

    async def journey():
        def submitted(session):
            stored = session.get(Claim, claim_id)
            found = session.exec(select(Submission)).first()
            # The row commits before the file is written (activities/claims.submit_claim).
            if stored.status == "submitted" and found and (outbox / found.file_name).exists():
                return found
            return None

        submission = await until(engine, submitted)
        sent = outbox / submission.file_name
        assert sent.exists() and f"CLM*{control}*" in sent.read_text()

        # An upload still under way waits; the finished 835 is imported and signalled.
        (inbox / "partial.835.tmp").write_text(remit[:200])
        drop(inbox, "INBOX1.835", remit)
        await until(engine, lambda s: s.get(Claim, claim_id).status == "paid")
        await until(engine, lambda _: (inbox / "processed" / "INBOX1.835").exists())
        assert not (inbox / "INBOX1.835").exists()
        before = counts(engine)

        # The same file again: moved under a new name, nothing changes.
        drop(inbox, "INBOX1.835", remit)
        await until(engine, lambda _: (inbox / "processed" / "INBOX1-1.835").exists())

        # A corrupt file: rejected with its reason, an admin's task, nothing stored.
        drop(inbox, "garbled.835", remit.replace("GS*HP*", "GS*HX*"))

        def rejected_task(session):
            return session.exec(select(Task).where(Task.kind == "rejected_file")).first()

        task = await until(engine, rejected_task)
        after = counts(engine)
        assert after.pop("task") == before.pop("task") + 1
        assert after == before
        assert (task.practice_id, task.workflow_id, task.detail["file"]) == (
            None, None, "garbled.835",
        )  # fmt: skip
        return task

    asyncio.run(scenario())
    assert sorted(p.name for p in (inbox / "rejected").iterdir()) == [
        "garbled.835",
        "garbled.835.reason.txt",
    ]
    reason = (inbox / "rejected" / "garbled.835.reason.txt").read_text()
    assert reason == "segment 2: GS01 'HX': not an 835 remittance group (HP)\n"
    assert (inbox / "partial.835.tmp").exists()
    with Session(engine) as session:
        stored = session.get(Claim, claim_id)
    assert (stored.status, stored.total_paid, stored.payer_claim_number) == (
        "paid", Decimal("150.00"), "PCN-INBOX",
    )  # fmt: skip


def test_with_the_payer_simulator_on_the_claim_comes_back_answered(engine, tmp_path):
    """DENIALDESK_PAYER_SIMULATOR on (the dev default): the worker's simulated payers take the
    837P from the outbox and answer it into the inbox, whose watcher imports it."""
    with session_scope(engine) as session:
        w = world(session)
        claim = new_claim(session, w)
        slug, claim_id = w.practice.slug, claim.id
    outbox, inbox = tmp_path / "outbox", tmp_path / "inbox"
    settings = Settings(
        mode="dev",
        var_dir=tmp_path / "var",
        database_url=engine.url.render_as_string(hide_password=False),
        temporal_task_queue=TASK_QUEUE + "-sim",
        clearinghouse_outbox=outbox,
        clearinghouse_inbox=inbox,
        payer_simulator_delay=0,
        _env_file=None,
    )
    assert settings.simulator_on

    async def scenario():
        env = await WorkflowEnvironment.start_time_skipping(
            test_server_existing_path=_test_server()
        )
        worker = asyncio.create_task(run_worker(settings, client=env.client))
        try:
            await claims.start_claim(env.client, slug, claim_id, settings.temporal_task_queue)
            answered = ("paid", "partially_paid", "denied", "patient_responsibility")
            await until(engine, lambda s: s.get(Claim, claim_id).status in answered)
            await until(engine, lambda _: any((inbox / "processed").glob("*.835")))
        finally:
            worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await worker
            await env.shutdown()

    asyncio.run(scenario())
    # The clearinghouse took the 837P away; its answer was imported and filed.
    assert [p.name for p in outbox.iterdir() if p.is_file()] == []
    assert len(list((outbox / "sent").iterdir())) == 1
    assert list((inbox / "rejected").iterdir()) == []
    with Session(engine) as session:
        stored = session.get(Claim, claim_id)
    assert stored.payer_claim_number  # the simulated payer's own claim number
