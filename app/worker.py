"""The Temporal worker: polls the task queue for the registered workflows and activities."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from temporalio.client import Client
from temporalio.worker import Worker

from denialdesk.activities.authorizations import AuthorizationActivities
from denialdesk.activities.claims import ClaimActivities, EnvelopeSettings
from denialdesk.app.demo_payers import add_demo_truths
from denialdesk.app.inbox import run_inbox
from denialdesk.app.payer_book import build_book, merge_authorizations
from denialdesk.app.payer_sim import PayerSimulator, stored_book
from denialdesk.app.relay import run_relay
from denialdesk.app.settings import Settings
from denialdesk.app.temporal import connect
from denialdesk.store.db import make_engine
from denialdesk.store.types import utcnow
from denialdesk.workflows import registry

log = logging.getLogger(__name__)

# Activities in flight get this long to finish on shutdown before they are cancelled; they are
# short database writes, and a cancelled one is retried by Temporal on the next worker anyway.
GRACEFUL_SHUTDOWN = timedelta(seconds=10)
ACTIVITY_THREADS = 8
RELAY_STOP_SECONDS = 5


async def run_worker(
    settings: Settings,
    *,
    client: Client | None = None,
    workflows: Sequence[type] | None = None,
    activities: Sequence[Callable] | None = None,
) -> None:
    """Run the worker until this coroutine is cancelled, then shut it down gracefully."""
    workflows = list(registry.WORKFLOWS if workflows is None else workflows)
    engine = None
    if activities is None and not registry.ACTIVITIES:
        # The store-backed activities need an engine and the outbox: built here, from settings.
        engine = make_engine(settings.db_url)
        activities = claim_activities(settings, engine) + authorization_activities(engine)
    activities = list(registry.ACTIVITIES if activities is None else activities)
    try:
        await _run(settings, client, workflows, activities, relay_engine=engine)
    finally:
        if engine is not None:
            engine.dispose()


def claim_activities(settings: Settings, engine) -> list[Callable]:
    outbox = settings.outbox_dir
    envelope = EnvelopeSettings(production=not settings.dev)
    return ClaimActivities(engine, outbox, envelope).activities()


def payer_simulator(settings: Settings, engine) -> PayerSimulator:
    state = settings.var_dir / "payer_sim"
    book = stored_book(state)
    if book is None:  # built once, then kept with the ledger its counts go with
        book = build_book(engine)
        if settings.dev:
            add_demo_truths(book, engine, today=utcnow().date())
    return PayerSimulator(
        settings.outbox_dir,
        settings.inbox_dir,
        state,
        book,
        delay=(settings.payer_simulator_delay / 6, settings.payer_simulator_delay),
        refresh=lambda book: merge_authorizations(book, engine),
    )


async def run_simulator(settings: Settings, engine, stop: asyncio.Event) -> None:
    # Building the payers' book reads every coverage and authorization: off the event loop,
    # which `denialdesk dev` shares with the web app.
    simulator = await asyncio.to_thread(payer_simulator, settings, engine)
    await simulator.run(stop)


def authorization_activities(engine) -> list[Callable]:
    return AuthorizationActivities(engine).activities()


async def _run(
    settings: Settings,
    client: Client | None,
    workflows: list[type],
    activities: list[Callable],
    relay_engine=None,
) -> None:
    if client is None:
        client = await connect(settings)
    if not workflows and not activities:
        # Temporal refuses a worker with nothing to run; say so plainly and wait to be stopped.
        log.warning("no workflows registered yet; the worker idles until stopped")
        await asyncio.Event().wait()
        return
    # Store-backed activities are synchronous; they run on this pool, off the event loop.
    with ThreadPoolExecutor(ACTIVITY_THREADS, thread_name_prefix="activity") as executor:
        worker = Worker(
            client,
            task_queue=settings.temporal_task_queue,
            workflows=workflows,
            activities=activities,
            activity_executor=executor,
            graceful_shutdown_timeout=GRACEFUL_SHUTDOWN,
        )
        log.info(
            "worker polling task queue %r: %d workflows, %d activities",
            settings.temporal_task_queue,
            len(workflows),
            len(activities),
        )
        # Leaving the block (cancellation included) shuts the worker down and waits for it.
        async with worker:
            if relay_engine is None:
                await asyncio.Event().wait()
                return
            # The payment relay lives with the worker: wherever claims are worked, payments
            # stored by any import reach their workflows (app/relay.py). So does the
            # clearinghouse inbox, whose imports the relay then signals (app/inbox.py).
            stop = asyncio.Event()
            loops = [
                asyncio.create_task(run_relay(settings, relay_engine, client, stop)),
                asyncio.create_task(run_inbox(settings, relay_engine, stop)),
            ]
            if settings.simulator_on:
                # The demo's payers answer the outbox into the inbox (app/payer_sim.py);
                # DENIALDESK_PAYER_SIMULATOR=off leaves both folders to a real clearinghouse.
                loops.append(asyncio.create_task(run_simulator(settings, relay_engine, stop)))
            try:
                await asyncio.Event().wait()
            finally:
                stop.set()
                # A pass stuck on an unanswered signal (or a large file) is cut short: its
                # rows stay pending, its file waits in the inbox for the next worker.
                with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                    await asyncio.wait_for(asyncio.gather(*loops), RELAY_STOP_SECONDS)


@contextlib.contextmanager
def stop_signals() -> Iterator[asyncio.Future[str]]:
    """A future resolved with the name of the first SIGINT or SIGTERM.

    Later signals are absorbed until the block ends, so a second Ctrl-C cannot cut a clean
    shutdown short (every stop step has its own timeout instead).
    """
    loop = asyncio.get_running_loop()
    received: asyncio.Future[str] = loop.create_future()

    def on_signal(sig: signal.Signals) -> None:
        if not received.done():
            received.set_result(sig.name)

    handled = (signal.SIGINT, signal.SIGTERM)
    for sig in handled:
        loop.add_signal_handler(sig, on_signal, sig)
    try:
        yield received
    finally:
        for sig in handled:
            loop.remove_signal_handler(sig)


async def serve_worker(settings: Settings) -> None:
    """`denialdesk worker`: run until SIGINT or SIGTERM, then stop cleanly."""
    with stop_signals() as stopped:
        client = await connect(settings)
        task = asyncio.create_task(run_worker(settings, client=client))
        await asyncio.wait({task, stopped}, return_when=asyncio.FIRST_COMPLETED)
        if task.done():  # the worker failed on its own: let the error out
            task.result()
            return
        log.info("received %s, stopping the worker", stopped.result())
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
