"""The payment relay: turns outbox rows into `payment` signals to claim workflows (and, every
half minute, starts the workflow of any stored claim whose start failed).

The import writes an outbox row per matched claim payment in its own transaction; this relay
sends each with signal_with_start (so a workflow that has finished or never started still gets
it) and then marks the row sent. A crash between the two sends the signal again later: the
workflow keeps the ids it applied and ignores repeats, so each payment reaches it exactly once.
A failed send stays pending with its attempt count and error, and is retried on the next pass.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from sqlalchemy.engine import Engine
from temporalio.client import Client

from denialdesk.app.settings import Settings
from denialdesk.store.claim_views import unstarted_claims
from denialdesk.store.db import session_scope
from denialdesk.store.remittances import PendingPayment, mark_failed, mark_sent, pending_outbox
from denialdesk.store.types import utcnow

log = logging.getLogger(__name__)

POLL_SECONDS = 1.0
BATCH = 100
# A claim stored by the API gets its workflow started at once; one still without a timeline
# after this long had its start fail, and the sweep starts it (starting twice is a no-op).
START_GRACE = timedelta(seconds=30)
SWEEP_EVERY = 30  # polls


async def relay_pending(
    engine: Engine, client: Client, task_queue: str, limit: int = BATCH
) -> tuple[int, int]:
    """Send up to `limit` pending payments; returns (sent, failed)."""
    from denialdesk.workflows.client import signal_payment

    pending = await asyncio.to_thread(_pending, engine, limit)
    sent = failed = 0
    for payment in pending:
        try:
            await signal_payment(
                client,
                practice_slug=payment.practice_slug,
                claim_id=payment.claim_id,
                claim_payment_id=payment.claim_payment_id,
                task_queue=task_queue,
            )
        except Exception as exc:  # noqa: BLE001 (any failure: keep the row, retry next pass)
            failed += 1
            error = f"{type(exc).__name__}: {exc}"
            # Ids and the error type only: the log must never carry a payload's content.
            log.warning(
                "payment %s to %s not sent: %s",
                payment.claim_payment_id,
                payment.workflow_id,
                type(exc).__name__,
            )
            await asyncio.to_thread(_mark, engine, payment, error)
            continue
        sent += 1
        await asyncio.to_thread(_mark, engine, payment, None)
    return sent, failed


async def start_unstarted(
    engine: Engine,
    client: Client,
    task_queue: str,
    *,
    grace: timedelta = START_GRACE,
    limit: int = BATCH,
) -> int:
    """Start the workflow of every claim that looks never started; returns how many."""
    from denialdesk.workflows.client import start_claim

    def read() -> list[tuple[int, str]]:
        with session_scope(engine) as session:
            before = utcnow() - grace
            return unstarted_claims(session, created_before=before, limit=limit)

    started = 0
    for claim_id, slug in await asyncio.to_thread(read):
        try:
            await start_claim(client, slug, claim_id, task_queue)
            started += 1
        except Exception as exc:  # noqa: BLE001 (the next sweep tries again)
            log.warning("claim %s: workflow not started: %s", claim_id, type(exc).__name__)
    return started


def _pending(engine: Engine, limit: int) -> list[PendingPayment]:
    with session_scope(engine) as session:
        return pending_outbox(session, limit=limit)


def _mark(engine: Engine, payment: PendingPayment, error: str | None) -> None:
    with session_scope(engine) as session:
        if error is None:
            mark_sent(session, outbox_id=payment.outbox_id)
        else:
            mark_failed(session, outbox_id=payment.outbox_id, error=error)


async def run_relay(
    settings: Settings, engine: Engine, client: Client, stop_event: asyncio.Event
) -> None:
    """Relay until `stop_event` is set, polling every second (an import also triggers a pass)."""
    polls = 0
    while not stop_event.is_set():
        try:
            sent, failed = await relay_pending(engine, client, settings.temporal_task_queue)
            if sent or failed:
                log.debug("payment relay: %d sent, %d to retry", sent, failed)
            if polls % SWEEP_EVERY == 0:
                started = await start_unstarted(engine, client, settings.temporal_task_queue)
                if started:
                    log.info("started %d claim workflows that had not started", started)
        except Exception as exc:  # noqa: BLE001 (a database hiccup must not end the loop)
            # The type only: driver messages can quote the row's values (PHI).
            log.warning("payment relay pass failed: %s; retrying", type(exc).__name__)
        polls += 1
        try:
            await asyncio.wait_for(stop_event.wait(), timeout=POLL_SECONDS)
        except TimeoutError:
            pass
