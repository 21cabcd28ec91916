"""The dev stack's worker in a process of its own.

`denialdesk dev` serves the web app from its event loop. Run in that same process, the worker's
workflow activations, 837P/835 parsing and the payer simulator held the interpreter for seconds
at a time while the demo's claims ran, and pages waited. As a spawned child the worker has its
own interpreter (and the second core); it is the same `denialdesk worker` a real installation
runs, with the dev stack's settings handed over as they are (generated secrets included).
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import signal

from denialdesk.app.logs import configure_logging
from denialdesk.app.parent_death import die_with_parent
from denialdesk.app.settings import Settings


class WorkerProcess:
    def __init__(self, settings: Settings) -> None:
        # spawn, not fork: the parent has threads and an event loop a fork would copy mid-use.
        context = multiprocessing.get_context("spawn")
        self.process = context.Process(
            target=_main, args=(settings, os.getpid()), name="denialdesk-worker"
        )

    def start(self) -> None:
        self.process.start()

    async def exited(self) -> int | None:
        """Wait (without a thread) until the process ends; its exit code."""
        loop = asyncio.get_running_loop()
        ended = loop.create_future()
        sentinel = self.process.sentinel
        loop.add_reader(sentinel, lambda: ended.done() or ended.set_result(None))
        try:
            await ended
        finally:
            loop.remove_reader(sentinel)
        self.process.join()
        return self.process.exitcode

    async def stop(self, timeout: float) -> None:
        """SIGTERM (the worker finishes its activities and stops), then SIGKILL after `timeout`."""
        if not self.process.is_alive():
            return
        self.process.terminate()
        try:
            await asyncio.wait_for(self.exited(), timeout)
        except TimeoutError:
            self.process.kill()
            await self.exited()


def _main(settings: Settings, parent: int) -> None:
    # Its own session: a Ctrl-C in the terminal reaches only `denialdesk dev`, which stops the
    # web app first and then this worker. If dev is killed outright, the kernel kills this too:
    # SIGKILL, as when both were one process; a clean stop would wait on a Temporal server
    # that dies with dev. Activities cut short are retried by Temporal on the next start.
    os.setsid()
    die_with_parent(signal.SIGKILL)
    if os.getppid() != parent:  # dev died before the line above: nobody to work for
        return
    configure_logging()
    from denialdesk.app.worker import serve_worker

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve_worker(settings))
