"""Logging out or changing the password ends the session server-side: a copy of the cookie
taken before no longer works (the cookie carries the user's session version)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import select

from denialdesk.store.db import session_scope
from denialdesk.store.models import User
from denialdesk.store.users import set_password
from denialdesk.web.session import SESSION_COOKIE


def copy_of(client: TestClient) -> TestClient:
    """Another browser holding the same session cookie (as if it had been copied)."""
    other = TestClient(client.app)
    other.cookies.set(SESSION_COOKIE, client.cookies[SESSION_COOKIE])
    assert other.get("/worklist", follow_redirects=False).status_code == 200
    return other


def test_a_copied_cookie_stops_working_at_logout(logged_in, csrf_from):
    copied = copy_of(logged_in)
    token = csrf_from(logged_in.get("/worklist").text)
    assert logged_in.post("/logout", data={"csrf_token": token}).status_code == 200
    after = copied.get("/worklist", follow_redirects=False)
    assert after.status_code == 303 and after.headers["location"].startswith("/login")


def test_a_password_change_ends_the_session(logged_in, engine):
    copied = copy_of(logged_in)
    with session_scope(engine) as session:
        user = session.exec(select(User).where(User.username == "sam")).one()
        set_password(session, user, "another long passphrase")
    assert logged_in.get("/worklist", follow_redirects=False).status_code == 303
    assert copied.get("/worklist", follow_redirects=False).status_code == 303
