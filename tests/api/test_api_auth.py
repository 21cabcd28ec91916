"""POST /api/v1/auth/token: a bearer token for the right password, lock-out for guessing."""

from __future__ import annotations

import factories
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from denialdesk.app.asgi import create_app
from denialdesk.app.settings import Settings
from denialdesk.store.db import session_scope
from denialdesk.store.models import LoginFailure
from denialdesk.store.users import get_user, set_password

MAX_FAILURES = 3  # small, so each test hashes few passwords (~0.1 s each)
TOKEN = "/api/v1/auth/token"


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(
        mode="dev", var_dir=tmp_path / "var", login_max_failures=MAX_FAILURES, _env_file=None
    )


@pytest.fixture
def users(engine) -> list[str]:
    with session_scope(engine) as session:
        practice = factories.practice(session)
        names = [
            factories.user(session, role=role, practices=[practice]).username
            for role in ("specialist", "integration")
        ]
    return names


def login(client: TestClient, username: str, password: str = factories.PASSWORD):
    return client.post(TOKEN, data={"username": username, "password": password})


def from_address(client: TestClient, address: str) -> TestClient:
    """Another client of the same app, seen by it as coming from `address`."""
    return TestClient(client.app, client=(address, 40000))


def test_right_password_gives_a_working_bearer_token(client, users):
    response = login(client, users[0])
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    practices = client.get(
        "/api/v1/practices", headers={"Authorization": f"Bearer {body['access_token']}"}
    )
    assert practices.status_code == 200


@pytest.mark.parametrize("who", ["known", "unknown"])
def test_wrong_password_is_401_with_a_plain_message(client, users, who):
    # The same words for an unknown user: the answer does not reveal who has an account.
    username = users[0] if who == "known" else "nobody-here"
    response = login(client, username, "wrong password")
    assert response.status_code == 401
    assert response.json() == {"detail": "wrong username or password"}


def test_username_is_locked_after_max_failures_from_any_address(client, users):
    target, bystander = users
    for _ in range(MAX_FAILURES):
        assert login(client, target, "guess").status_code == 401
    elsewhere = from_address(client, "203.0.113.9")
    # Even the right password, even from another address, is refused while locked.
    for attempt in (login(client, target), login(elsewhere, target)):
        assert attempt.status_code == 429
        assert "too many failed logins" in attempt.json()["detail"]
        assert int(attempt.headers["retry-after"]) > 0
    assert login(elsewhere, bystander).status_code == 200


def test_address_is_locked_after_max_failures_for_any_username(client, users):
    for n in range(MAX_FAILURES):
        assert login(client, f"guess-{n}", "guess").status_code == 401
    # Every username is refused from this address, even with the right password...
    assert login(client, users[0]).status_code == 429
    # ...while the same user logs in from elsewhere.
    assert login(from_address(client, "198.51.100.4"), users[0]).status_code == 200


def test_failures_below_the_limit_do_not_lock(client, users):
    for _ in range(MAX_FAILURES - 1):
        assert login(client, users[0], "guess").status_code == 401
    assert login(client, users[0]).status_code == 200


def test_logout_revokes_every_token_of_the_caller(client, users):
    first, second = (login(client, users[0]).json()["access_token"] for _ in range(2))
    other = login(client, users[1]).json()["access_token"]
    bearer = {"Authorization": f"Bearer {first}"}
    assert client.post("/api/v1/auth/logout", headers=bearer).status_code == 204
    for token in (first, second):
        refused = client.get("/api/v1/practices", headers={"Authorization": f"Bearer {token}"})
        assert refused.status_code == 401
    # Other users' tokens live on; logging in again gives a working token.
    assert client.get("/api/v1/practices", headers={"Authorization": f"Bearer {other}"}).is_success
    fresh = login(client, users[0]).json()["access_token"]
    assert client.get("/api/v1/practices", headers={"Authorization": f"Bearer {fresh}"}).is_success
    assert client.post("/api/v1/auth/logout").status_code == 401


def test_a_token_with_an_old_session_version_is_refused(client, engine, users):
    token = login(client, users[0]).json()["access_token"]
    with session_scope(engine) as session:
        user = get_user(session, username=users[0])
        set_password(session, user, "a brand new passphrase")
    refused = client.get("/api/v1/practices", headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code == 401


def _failure_addresses(engine) -> list[str]:
    with Session(engine) as session:
        return list(session.exec(select(LoginFailure.address)).all())


def test_forwarded_for_is_believed_only_from_configured_proxies(engine, users, tmp_path):
    settings = Settings(
        mode="dev", var_dir=tmp_path / "var", trusted_proxies="10.0.0.9", _env_file=None
    )
    app = create_app(settings, engine)
    forwarded = {"X-Forwarded-For": "203.0.113.7"}
    for peer in ("10.0.0.9", "10.0.0.8"):  # the proxy, then a client claiming an address
        client = TestClient(app, client=(peer, 40000))
        wrong = {"username": users[0], "password": "wrong password"}
        assert client.post(TOKEN, data=wrong, headers=forwarded).status_code == 401
    assert sorted(_failure_addresses(engine)) == ["10.0.0.8", "203.0.113.7"]


def test_forwarded_for_is_ignored_by_default(client, engine, users):
    spoofing = TestClient(client.app, client=("127.0.0.1", 40000))
    wrong = {"username": users[0], "password": "wrong password"}
    response = spoofing.post(TOKEN, data=wrong, headers={"X-Forwarded-For": "203.0.113.7"})
    assert response.status_code == 401
    assert _failure_addresses(engine) == ["127.0.0.1"]


@pytest.mark.parametrize("username", ["nul\x00byte", "<script>", "  "])
def test_a_username_no_user_can_have_is_a_plain_401(client, engine, users, username):
    # Never a 500 (PostgreSQL refuses NUL in text) and never stored as typed.
    assert login(client, username).status_code == 401
    assert _failure_addresses(engine) == ["testclient"]
    with Session(engine) as session:
        assert session.exec(select(LoginFailure.username)).all() == ["(invalid)"]


def test_login_is_case_insensitive(client, users):
    assert login(client, users[0].upper()).status_code == 200
