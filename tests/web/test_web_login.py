"""Login, logout and the session cookie."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from denialdesk.app.asgi import create_app
from denialdesk.app.settings import Settings
from denialdesk.store.models import AuditEvent, LoginFailure
from denialdesk.web.session import SESSION_COOKIE


def _session_cookie_header(response) -> str:
    headers = [h for h in response.headers.get_list("set-cookie") if h.startswith(SESSION_COOKIE)]
    assert len(headers) == 1, response.headers
    return headers[0]


def test_login_sets_httponly_samesite_session_and_lands_on_worklist(client, make_user, log_in):
    response = log_in(client, make_user())
    assert response.status_code == 303
    assert response.headers["location"] == "/worklist"
    flags = [part.strip().lower() for part in _session_cookie_header(response).split(";")]
    assert "httponly" in flags
    assert "samesite=lax" in flags
    assert "secure" not in flags  # dev on http://127.0.0.1: a Secure cookie would never return
    page = client.get("/worklist")
    assert page.status_code == 200
    assert "sam" in page.text


def test_cookie_is_secure_when_settings_ask(tmp_path, engine, make_user, log_in):
    settings = Settings(mode="dev", var_dir=tmp_path / "var", cookie_secure=True, _env_file=None)
    # https, or the client would not send the Secure cookie back with the login form.
    with TestClient(create_app(settings, engine), base_url="https://testserver") as client:
        response = log_in(client, make_user())
    assert response.status_code == 303
    flags = [part.strip().lower() for part in _session_cookie_header(response).split(";")]
    assert "secure" in flags and "httponly" in flags


def test_session_cookie_holds_no_username(client, make_user, log_in):
    # Signed, not encrypted: whatever is inside is readable, so it must stay minimal.
    import base64
    import json

    response = log_in(client, make_user("dr_who"))
    value = _session_cookie_header(response).split(";")[0].split("=", 1)[1]
    payload = json.loads(base64.b64decode(value.split(".")[0]))
    assert set(payload) == {"uid", "pw", "sv", "csrf"}
    assert "dr_who" not in json.dumps(payload)


def test_wrong_password_shows_plain_message_and_no_session(client, make_user, log_in):
    response = log_in(client, make_user(), password="not the password")
    assert response.status_code == 401
    assert "Wrong username or password." in response.text
    assert 'value="sam"' in response.text  # the username stays filled in, the password does not
    assert client.get("/worklist", follow_redirects=False).status_code == 303


def test_unknown_user_gets_the_same_message(client, make_user, log_in):
    make_user()
    response = log_in(client, "nobody")
    assert response.status_code == 401
    assert "Wrong username or password." in response.text


def test_lockout_after_max_failures_even_with_right_password(client, settings, make_user, log_in):
    username = make_user()
    for _ in range(settings.login_max_failures):
        assert log_in(client, username, password="wrong-guess").status_code == 401
    locked = log_in(client, username, password="wrong-guess")
    assert locked.status_code == 429
    assert "Try again later" in locked.text
    assert int(locked.headers["retry-after"]) > 0
    right = log_in(client, username)
    assert right.status_code == 429
    assert "Try again later" in right.text
    assert client.get("/worklist", follow_redirects=False).status_code == 303


def test_logout_clears_session(logged_in, csrf_from):
    token = csrf_from(logged_in.get("/worklist").text)
    response = logged_in.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    cleared = _session_cookie_header(response).lower()
    assert "expires=thu, 01 jan 1970" in cleared
    after = logged_in.get("/worklist", follow_redirects=False)
    assert after.status_code == 303
    assert after.headers["location"].startswith("/login")


def test_login_page_when_logged_in_goes_to_worklist(logged_in):
    response = logged_in.get("/login", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/worklist"


def test_failed_and_good_logins_are_audited(client, engine, make_user, log_in):
    username = make_user()
    log_in(client, username, password="wrong-guess")
    log_in(client, username)
    with Session(engine) as db:
        actions = db.exec(select(AuditEvent.action).order_by(AuditEvent.id)).all()
        failures = db.exec(select(func.count()).select_from(LoginFailure)).one()
    assert actions == ["login_failed", "login"]
    assert failures == 0  # a good login forgives earlier failures of that username


def test_integration_users_cannot_log_in_to_the_pages(client, make_user, log_in):
    response = log_in(client, make_user("feed", role="integration"))
    assert response.status_code == 403
    assert "This account is for the API only" in response.text
    worklist = client.get("/worklist", follow_redirects=False)
    assert worklist.status_code == 303 and worklist.headers["location"].startswith("/login")
