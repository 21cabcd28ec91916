"""The dev stack's web listener (devstack.listen) answers as fast on a kept-alive connection as
on a new one: without TCP_NODELAY, Nagle's algorithm and the client's delayed ACK hold every
response on a reused connection for ~40 ms (issue 9 item 9).

The server is the real app under uvicorn on the very socket `listen` makes; the two ways of
asking are timed in the same run and compared as a ratio.
"""

from __future__ import annotations

import http.client
import socket
import statistics
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn

from denialdesk.app.asgi import create_app
from denialdesk.app.devstack import listen

REQUESTS = 20
# Reused connections are usually the faster ones; with the stall they are ~15x slower.
MAX_SLOWDOWN = 3.0
STARTUP_TIMEOUT_SECONDS = 15


@pytest.fixture
def dev_listener(settings, engine) -> Iterator[int]:
    sock = listen("127.0.0.1", 0, "DENIALDESK_WEB_PORT")
    port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(settings, engine), log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    tick = threading.Event()  # never set: its wait() is a bounded pause between polls
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("uvicorn did not start serving on the dev listener")
        tick.wait(0.02)
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(timeout=STARTUP_TIMEOUT_SECONDS)
        sock.close()


def get(connection: http.client.HTTPConnection) -> float:
    started = time.perf_counter()
    connection.request("GET", "/healthz")
    response = connection.getresponse()
    response.read()
    elapsed = time.perf_counter() - started
    assert response.status == 200
    return elapsed


def on_new_connections(port: int) -> list[float]:
    times = []
    for _ in range(REQUESTS):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            times.append(get(connection))
        finally:
            connection.close()
    return times


def on_one_connection(port: int) -> list[float]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        get(connection)  # opens it; the timed requests below all reuse it
        return [get(connection) for _ in range(REQUESTS)]
    finally:
        connection.close()


def test_the_listener_is_a_tcp_socket_so_asyncio_sets_nodelay() -> None:
    # asyncio sets TCP_NODELAY on the connections it accepts only when the listener's
    # protocol is IPPROTO_TCP (a socket made with proto 0 reports 0).
    sock = listen("127.0.0.1", 0, "DENIALDESK_WEB_PORT")
    try:
        assert sock.proto == socket.IPPROTO_TCP
    finally:
        sock.close()


def test_a_reused_connection_is_not_slower_than_new_ones(dev_listener) -> None:
    on_new_connections(dev_listener)  # warm up: the first requests import and compile
    new = statistics.median(on_new_connections(dev_listener))
    reused = statistics.median(on_one_connection(dev_listener))
    ratio = reused / new
    print(f"median reused {reused * 1000:.2f} ms, new {new * 1000:.2f} ms: ratio {ratio:.2f}")
    assert ratio <= MAX_SLOWDOWN, f"a kept-alive request is {ratio:.1f}x slower than a new one"
