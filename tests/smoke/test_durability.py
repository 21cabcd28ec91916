"""Smoke durability: 50 claims on the real dev server with a real worker process that is
SIGKILLed twice — mid-submission and mid-payment — and restarted.

Every claim must still reach its expected state, no ISA13 may repeat, and no payment may be
applied twice (one work_denial task per denied claim, each payment id once in the workflow).
The worker is a separate `denialdesk worker` process so the kill is a real crash.

The soak run (`make soak`, marker `soak`, left out of the default run) is the same scenario
longer: 200 claims (DENIALDESK_SOAK_CLAIMS) and three kills in each phase.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from claim_data import DOS, new_claim, world
from remit_builder import RemitClaim, build_835
from sqlmodel import Session, func, select
from temporal_harness import DEV_SERVER_STARTUP
from temporalio.testing import WorkflowEnvironment

from denialdesk.app.settings import Settings
from denialdesk.app.temporal import connect
from denialdesk.contracts.claim import claim_workflow_id
from denialdesk.domain.x12.remit import parse_835
from denialdesk.store.db import make_engine, session_scope
from denialdesk.store.migrate import upgrade
from denialdesk.store.models import Claim, PaymentOutbox, Submission, Task
from denialdesk.store.remittances import import_remittance
from denialdesk.workflows.client import claim_state, start_claim

CLAIMS = 50
SOAK_CLAIMS = int(os.environ.get("DENIALDESK_SOAK_CLAIMS", "200"))
BIN = Path(sys.executable).parent
WAIT_SECONDS = 120  # for 50 claims; longer runs wait in proportion


async def until(read, engine, what: str, timeout: float = WAIT_SECONDS):
    """Poll the database (another process writes it) until `read` returns something truthy."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with Session(engine) as session:
            found = read(session)
        if found:
            return found
        await asyncio.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def count(session: Session, *where) -> int:
    return session.exec(select(func.count()).select_from(Claim).where(*where)).one()


class WorkerProcess:
    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env, self.log, self.process = env, log, None

    async def start(self) -> None:
        with open(self.log, "ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                str(BIN / "denialdesk"), "worker", env=self.env, stdout=log, stderr=log
            )

    async def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()

    async def stop(self) -> None:
        if self.process and self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), 20)
            except TimeoutError:
                await self.kill()


@pytest.mark.timeout(300)
def test_fifty_claims_survive_worker_kills(tmp_path):
    asyncio.run(_scenario(tmp_path, claims=CLAIMS, kills=(10,)))


@pytest.mark.soak
# Every kill costs a worker start and the timeouts of the tasks it held: ~30 s on a busy machine.
@pytest.mark.timeout(600 + 6 * SOAK_CLAIMS)
def test_soak_many_claims_survive_repeated_worker_kills(tmp_path):
    # Kills at a fifth, half and four fifths of the way through each phase.
    kills = (SOAK_CLAIMS // 5, SOAK_CLAIMS // 2, SOAK_CLAIMS * 4 // 5)
    asyncio.run(_scenario(tmp_path, claims=SOAK_CLAIMS, kills=kills))


async def _scenario(tmp_path: Path, *, claims: int, kills: tuple[int, ...]) -> None:
    """`claims` claims; the worker is SIGKILLed and restarted once `kills[i]` of them are
    submitted, and again once `kills[i]` are paid or denied."""
    wait = WAIT_SECONDS * max(1, claims // CLAIMS)
    db_url = f"sqlite:///{(tmp_path / 'smoke.sqlite').as_posix()}"
    engine = make_engine(db_url)
    upgrade(engine)
    with session_scope(engine) as session:
        w = world(session)
        claim_ids = [new_claim(session, w).id for _ in range(claims)]
        slug = w.practice.slug
        payer = (w.payer.name, w.payer.remittance_ids)

    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(BIN / "temporal"),
        ui=False,
        dev_server_startup_timeout=DEV_SERVER_STARTUP,
    )
    worker = None
    try:
        address = env.client.service_client.config.target_host
        values = {
            "DENIALDESK_MODE": "dev",
            "DENIALDESK_VAR_DIR": str(tmp_path / "var"),
            "DENIALDESK_DATABASE_URL": db_url,
            "DENIALDESK_TEMPORAL_ADDRESS": address,
            "DENIALDESK_TEMPORAL_TASK_QUEUE": "smoke",
            "DENIALDESK_CLEARINGHOUSE_OUTBOX": str(tmp_path / "outbox"),
            # The test plays the payer itself (one 835 for all): simulated payers would settle
            # claims before they are all counted as submitted.
            "DENIALDESK_PAYER_SIMULATOR": "0",
        }
        settings = Settings(_env_file=None, **{k[11:].lower(): v for k, v in values.items()})
        client = await connect(settings)
        worker = WorkerProcess(os.environ | values, tmp_path / "worker.log")
        await worker.start()

        for claim_id in claim_ids:
            await start_claim(client, slug, claim_id, "smoke")
        # Crash the worker with submissions under way, then bring up a new one.
        for at in kills:
            await until(
                lambda s, at=at: count(s, Claim.status == "submitted") >= at,
                engine, "submissions", wait,
            )  # fmt: skip
            await worker.kill()
            with Session(engine) as session:
                done = count(session, Claim.status == "submitted")
            print(f"worker killed with {done}/{claims} submitted")
            await worker.start()
        await until(
            lambda s: count(s, Claim.status == "submitted") == claims, engine, "all submitted", wait
        )

        # Half are paid, half denied for a missing authorization.
        with Session(engine) as session:
            controls = [session.get(Claim, cid).control_number for cid in claim_ids]
        remits = [
            RemitClaim(control, Decimal(150), Decimal(150), f"PCN{n}", DOS)
            if n % 2 == 0
            else RemitClaim(control, Decimal(150), Decimal(0), f"PCN{n}", DOS, status="4",
                            adjustments=[("CO", "197", Decimal(150))])
            for n, control in enumerate(controls)
        ]  # fmt: skip
        text = build_835(remits, trace="SMOKE-1", paid_on=DOS, payer_name=payer[0])
        with session_scope(engine) as session:
            result = import_remittance(
                session, remit=parse_835(text), practice_ids=None, user_id=None,
                workflow_id=claim_workflow_id,
            )  # fmt: skip
        assert result.claims_matched == claims

        # Crash again while payments are being applied.
        settled = ("paid", "denied")
        for at in kills:
            await until(
                lambda s, at=at: count(s, Claim.status.in_(settled)) >= at,
                engine, "payments", wait,
            )  # fmt: skip
            await worker.kill()
            with Session(engine) as session:
                done = count(session, Claim.status.in_(settled))
            print(f"worker killed with {done}/{claims} settled")
            # The relay may have signalled rows it had not yet marked sent: send them all again.
            with session_scope(engine) as session:
                for row in session.exec(select(PaymentOutbox)):
                    row.sent_at = None
                    session.add(row)
            await worker.start()
        await until(
            lambda s: count(s, Claim.status.in_(settled)) == claims, engine, "settled", wait
        )
        await until(
            lambda s: s.exec(select(func.count()).select_from(PaymentOutbox).where(
                PaymentOutbox.sent_at.is_(None))).one() == 0, engine, "outbox drained", wait,
        )  # fmt: skip
        # A denied claim's status is written just before its task opens: wait for the tasks.
        await until(
            lambda s: s.exec(select(func.count()).select_from(Task).where(
                Task.kind == "work_denial")).one() >= claims // 2, engine, "denial tasks", wait,
        )  # fmt: skip

        with Session(engine) as session:
            statuses = Counter(session.get(Claim, cid).status for cid in claim_ids)
            controls_sent = [s.interchange_control for s in session.exec(select(Submission))]
            denial_tasks = Counter(
                t.claim_id for t in session.exec(select(Task).where(Task.kind == "work_denial"))
            )
        assert statuses == {"paid": claims - claims // 2, "denied": claims // 2}
        assert len(controls_sent) == claims and len(set(controls_sent)) == claims
        files = sorted((tmp_path / "outbox").glob("*.837"))
        isa13 = [f.read_text().split("~")[0].split("*")[13] for f in files]
        assert len(isa13) == claims and len(set(isa13)) == claims
        assert len(denial_tasks) == claims // 2 and set(denial_tasks.values()) == {1}
        for claim_id in claim_ids:
            state = await claim_state(client, claim_workflow_id(slug, claim_id))
            assert len(state.applied_payment_ids) == 1, claim_id
    finally:
        if worker is not None:
            await worker.stop()
        await env.shutdown()
        engine.dispose()
