"""The real ClaimWorkflow over the real activities and database: a stored claim is scrubbed
and submitted (837P in the outbox), a denial 835 is imported and relayed, and the denial
becomes one routed, prioritised work_denial task. Time-skipping test server, SQLite and
PostgreSQL."""

from __future__ import annotations

import asyncio
import shutil
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from claim_data import DOS, new_claim, world
from remit_builder import RemitClaim, build_835
from sqlmodel import select
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from denialdesk.app.relay import relay_pending
from denialdesk.contracts import claim as contracts
from denialdesk.domain.x12.remit import parse_835
from denialdesk.store.db import session_scope
from denialdesk.store.models import Claim, ClaimEvent, Submission, Task
from denialdesk.store.remittances import import_remittance
from denialdesk.workflows import client as claims
from denialdesk.workflows.claim import ClaimWorkflow

TASK_QUEUE = "claims-e2e"
PAID_ON = date(2026, 4, 1)


def _test_server() -> str:
    beside = Path(sys.executable).parent / "temporal-test-server"
    found = str(beside) if beside.exists() else shutil.which("temporal-test-server")
    if found is None:
        pytest.skip("temporal-test-server is not installed")
    return found


async def _until(engine, read: Callable, timeout: float = 60.0):
    """Poll the database until `read(session)` returns something truthy (generous timeout:
    the whole suite shares the machine; a pass takes well under a second)."""
    deadline = asyncio.get_running_loop().time() + timeout

    def once():
        with session_scope(engine) as session:
            return read(session)

    def _timeline():
        with session_scope(engine) as session:
            return [(e.kind, e.detail[:80]) for e in session.exec(select(ClaimEvent))]

    while True:
        found = await asyncio.to_thread(once)
        if found:
            return found
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"never reached; timeline: {await asyncio.to_thread(_timeline)}")
        await asyncio.sleep(0.05)


def test_claim_from_submission_to_denial_task(engine, acts, outbox):
    with session_scope(engine) as session:
        w = world(session)
        claim = new_claim(session, w)
        slug, queue_id = w.practice.slug, w.queue.id

    async def scenario():
        env = await WorkflowEnvironment.start_time_skipping(
            test_server_existing_path=_test_server()
        )
        try:
            with ThreadPoolExecutor(4) as executor:
                worker = Worker(
                    env.client,
                    task_queue=TASK_QUEUE,
                    workflows=[ClaimWorkflow],
                    activities=acts.activities(),
                    activity_executor=executor,
                )
                async with worker:
                    await _run(env, slug, claim.id)
        finally:
            await env.shutdown()

    async def _run(env, slug: str, claim_id: int):
        await claims.start_claim(env.client, slug, claim_id, TASK_QUEUE)

        def submitted(session):
            stored = session.get(Claim, claim_id)
            found = session.exec(select(Submission)).first()
            # The row commits before the file is written (activities/claims.submit_claim).
            if stored.status == "submitted" and found and (outbox / found.file_name).exists():
                return found
            return None

        submission = await _until(engine, submitted)
        assert f"CLM*{claim.control_number}*" in (outbox / submission.file_name).read_text()
        denial = RemitClaim(
            claim.control_number,
            Decimal("150"),
            Decimal("0"),
            "PCN-E2E",
            DOS,
            status="4",
            adjustments=[("CO", "197", Decimal("150"))],
        )
        with session_scope(engine) as session:
            import_remittance(
                session,
                remit=parse_835(build_835([denial], trace="E2E1", paid_on=PAID_ON)),
                practice_ids=None,
                user_id=None,
                workflow_id=contracts.claim_workflow_id,
            )
        assert await relay_pending(engine, env.client, TASK_QUEUE) == (1, 0)

        def denial_task(session):
            return session.exec(
                select(Task).where(Task.claim_id == claim_id, Task.kind == "work_denial")
            ).first()

        return await _until(engine, denial_task)

    asyncio.run(scenario())
    with session_scope(engine) as session:
        task = session.exec(select(Task).where(Task.kind == "work_denial")).one()
        stored = session.get(Claim, claim.id)
        kinds = session.exec(
            select(ClaimEvent.kind).where(ClaimEvent.claim_id == claim.id).order_by(ClaimEvent.id)
        ).all()
    assert (task.status, task.category, task.queue_id) == ("open", "authorization", queue_id)
    assert task.amount == Decimal("150.00") and task.priority > 0
    assert task.due_at == date(2027, 3, 2)  # corrected claim within timely filing from DOS
    assert task.priority_reason.startswith("$150 · ")
    assert stored.payer_claim_number == "PCN-E2E" and stored.total_paid == Decimal("0.00")
    assert stored.status == "denied"
    assert kinds[0] == "scrubbed" and "payment" in kinds and "denied" in kinds
