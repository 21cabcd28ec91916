"""Serve an ASGI app under uvicorn in a background thread of this process, for the browser
tests and the worklist benchmark: the real server and real HTTP, with the app's engine (and
anything listening on it) in reach of the caller."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

STARTUP_TIMEOUT_SECONDS = 15


@contextmanager
def serving(app) -> Iterator[str]:
    """Serve `app` on a free local port; yields its base URL. RuntimeError when uvicorn stops
    before it serves or does not start within STARTUP_TIMEOUT_SECONDS."""
    # Binding here and handing uvicorn the socket means no other process can take the port
    # between choosing it and serving on it. IPPROTO_TCP: see devstack.listen (without it each
    # response on a kept-alive connection waits ~40 ms for a delayed ACK).
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        tick = threading.Event()  # never set: its wait() is a short, bounded pause between polls
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("uvicorn stopped before it started serving")
            if time.monotonic() > deadline:
                raise RuntimeError(f"uvicorn did not start within {STARTUP_TIMEOUT_SECONDS} s")
            tick.wait(0.02)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=STARTUP_TIMEOUT_SECONDS)
        sock.close()
