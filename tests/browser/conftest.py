"""Browser fixtures: the real app under uvicorn on a free port (app/serving.py), and Debian's
Chromium."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from suites import CHROMIUM, browser_missing, unavailable

from denialdesk.app.asgi import create_app
from denialdesk.app.serving import serving

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


@pytest.fixture
def live_server(settings, engine) -> Iterator[str]:
    """Base URL of the app (no Temporal: writes that need a workflow say it is unavailable)."""
    with serving(create_app(settings, engine)) as url:
        yield url


@pytest.fixture
def serve():
    """serve(app): a context manager serving `app`, for tests that build their own (e.g.
    with a Temporal client)."""
    return serving


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


# Screenshots land under the test run's output (DENIALDESK_TEST_OUTPUT, default test-output/
# at the repository root, ignored by git), one file per page and screen size, to be looked at.
SIZES = {"laptop": {"width": 1366, "height": 768}, "tablet": {"width": 820, "height": 1180}}


@pytest.fixture(scope="session")
def shots() -> Path:
    root = Path(__file__).resolve().parents[2]
    folder = Path(os.environ.get("DENIALDESK_TEST_OUTPUT", root / "test-output")) / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def screenshot(shots):
    """screenshot(page, NAME): the page at each size in SIZES, as NAME-laptop.png and
    NAME-tablet.png; the paths saved."""

    def take(page, name: str) -> list[Path]:
        saved = []
        for size, viewport in SIZES.items():
            page.set_viewport_size(viewport)
            page.evaluate("window.scrollTo(0, 0)")  # the page as it opens, from its top
            path = shots / f"{name}-{size}.png"
            page.screenshot(path=str(path), full_page=False)
            saved.append(path)
        page.set_viewport_size(SIZES["laptop"])
        return saved

    return take
