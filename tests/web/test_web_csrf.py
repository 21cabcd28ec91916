"""CSRF: a state-changing request without the session's token is refused and changes nothing."""

from __future__ import annotations

import pytest
from sqlmodel import Session, func, select

from denialdesk.store.models import AuditEvent, LoginFailure
from denialdesk.web.session import SESSION_COOKIE


def _counts(engine) -> tuple[int, int]:
    with Session(engine) as db:
        audit = db.exec(select(func.count()).select_from(AuditEvent)).one()
        failures = db.exec(select(func.count()).select_from(LoginFailure)).one()
    return audit, failures


@pytest.mark.parametrize("token", [None, "", "forged-token", "tökén"])
def test_login_without_valid_token_is_refused(client, engine, make_user, password, token):
    username = make_user()
    client.get("/login")  # the browser has a session with a real token; the post lacks it
    data = {"username": username, "password": password}
    if token is not None:
        data["csrf_token"] = token
    response = client.post("/login", data=data, follow_redirects=False)
    assert response.status_code == 403
    assert "Request refused" in response.text
    assert "text/html" in response.headers["content-type"]
    assert _counts(engine) == (0, 0)  # neither a login nor a counted failure
    assert client.get("/worklist", follow_redirects=False).status_code == 303


def test_login_without_any_session_is_refused(client, make_user, password):
    # A cross-site form post from a browser that never saw our login page.
    response = client.post(
        "/login",
        data={"username": make_user(), "password": password, "csrf_token": "guess"},
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert not any(
        h.startswith(f"{SESSION_COOKIE}=") and "uid" in h
        for h in response.headers.get_list("set-cookie")
    )


@pytest.mark.parametrize("headers", [{}, {"X-CSRF-Token": "forged-token"}])
def test_logout_without_valid_token_keeps_the_session(logged_in, headers):
    response = logged_in.post("/logout", headers=headers, follow_redirects=False)
    assert response.status_code == 403
    assert logged_in.get("/worklist", follow_redirects=False).status_code == 200


def test_htmx_header_token_is_accepted(logged_in, csrf_from):
    token = csrf_from(logged_in.get("/worklist").text)
    response = logged_in.post("/logout", headers={"X-CSRF-Token": token}, follow_redirects=False)
    assert response.status_code == 303
    assert logged_in.get("/worklist", follow_redirects=False).status_code == 303


def test_token_from_before_login_is_not_valid_after(client, make_user, csrf_from, log_in):
    # Logging in replaces the token, so one planted before login (login CSRF) is useless after.
    before = csrf_from(client.get("/login").text)
    assert log_in(client, make_user()).status_code == 303
    response = client.post("/logout", data={"csrf_token": before}, follow_redirects=False)
    assert response.status_code == 403


def test_pages_carry_token_for_htmx(logged_in, csrf_from):
    page = logged_in.get("/worklist").text
    token = csrf_from(page)
    assert f'<meta name="csrf-token" content="{token}">' in page
    assert f'hx-headers=\'{{"X-CSRF-Token": "{token}"}}\'' in page


def test_a_form_sent_after_logging_out_says_so(logged_in, csrf_from):
    token = csrf_from(logged_in.get("/worklist").text)
    logged_in.post("/logout", data={"csrf_token": token})
    response = logged_in.post("/tasks/1/notes", data={"csrf_token": token, "text": "hello"})
    assert response.status_code == 403 and "You are logged out" in response.text
