"""Browser fixtures: the real app under uvicorn on a free port, and Debian's Chromium."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from suites import CHROMIUM, browser_missing, unavailable

from denialdesk.app.asgi import create_app

# Playwright's own browser download fails offline: Debian's chromium (tests/suites.py) is
# installed by `make chromium`. These flags keep it from phoning home or needing a GPU or
# sandbox (root).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
STARTUP_TIMEOUT_SECONDS = 15


@pytest.fixture
def live_server(settings, engine) -> Iterator[str]:
    """Base URL of the app served by uvicorn in a background thread."""
    # Binding here and handing uvicorn the socket means no other process can take the port
    # between choosing it and serving on it.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(settings, engine), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    tick = threading.Event()  # never set: its wait() is a short, bounded pause between polls
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while not server.started:
        if not thread.is_alive():
            pytest.fail("uvicorn stopped before it started serving")
        if time.monotonic() > deadline:
            pytest.fail(f"uvicorn did not start within {STARTUP_TIMEOUT_SECONDS} s")
        tick.wait(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=STARTUP_TIMEOUT_SECONDS)
        sock.close()


# Module scope: Playwright's sync API keeps an event loop running in the main thread while
# it is open, and asyncio.run() in any test collected after it would refuse to start.
@pytest.fixture(scope="module")
def browser():
    missing = browser_missing()
    if missing:
        unavailable("browser", missing)  # a skip, or a failure when the run requires it
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()
