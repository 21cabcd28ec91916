"""Log in, see the empty worklist, switch tabs with htmx, log out, in a real Chromium."""

from __future__ import annotations

import re

import factories
import pytest
from playwright.sync_api import expect

from denialdesk.store.db import session_scope
from denialdesk.store.users import create_user

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"
SCREENSHOT = "/tmp/denialdesk-worklist.png"
EMPTY_STATE = "No tasks assigned to you — press Next task to take one."


@pytest.fixture
def user(engine) -> str:
    with session_scope(engine) as session:
        factories.practice(session, slug="riverbend", legal_name="Riverbend Psychiatry")
        create_user(
            session,
            username="sam",
            password=PASSWORD,
            role="specialist",
            practice_slugs=["riverbend"],
        )
    return "sam"


@pytest.fixture
def console_errors(page) -> list[str]:
    """Browser console errors, e.g. a Content-Security-Policy violation blocking htmx."""
    errors: list[str] = []
    page.on(
        "console",
        lambda msg: (
            errors.append(f"{msg.text} @ {msg.location} url={page.url}")
            if msg.type == "error"
            else None
        ),
    )
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


def _submit_login(page, username: str, password: str) -> None:
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_login_worklist_tabs_logout(page, live_server, user, console_errors):
    page.goto(f"{live_server}/worklist")
    expect(page).to_have_url(re.compile(r"/login\?next=/worklist$"))

    _submit_login(page, user, PASSWORD)
    expect(page).to_have_url(f"{live_server}/worklist")
    expect(page.get_by_text(EMPTY_STATE)).to_be_visible()
    expect(page.locator(".username")).to_have_text("sam")
    expect(page.locator(".access")).to_contain_text("Riverbend Psychiatry")
    page.screenshot(path=SCREENSHOT, full_page=True)

    # Keyboard: Enter on a tab swaps the list in place (htmx), pushes the URL, keeps focus.
    done = page.locator("#tab-done")
    done.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server}/worklist?tab=done")
    expect(done).to_have_attribute("aria-current", "page")
    expect(page.locator("#tab-mine")).not_to_have_attribute("aria-current", "page")
    expect(page.locator("#tab-input")).to_have_value("done")  # the filters now ask for Done
    expect(page.locator("#tab-done")).to_be_focused()
    expect(page.locator("header.topbar")).to_have_count(1)  # a fragment, not a nested page

    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(f"{live_server}/login")
    page.goto(f"{live_server}/worklist")
    expect(page).to_have_url(re.compile(r"/login\?next=/worklist$"))
    assert console_errors == []


def test_wrong_password_shows_message(page, live_server, user, console_errors):
    page.goto(f"{live_server}/login")
    _submit_login(page, user, "not the password")
    expect(page.get_by_role("alert")).to_have_text("Wrong username or password.")
    expect(page.get_by_label("Username")).to_have_value(user)
    expect(page.get_by_label("Password")).to_have_value("")
    # The 401 itself is logged by Chromium as a failed resource load; nothing else may be.
    assert [e for e in console_errors if "401" not in e] == []
