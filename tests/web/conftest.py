"""Web fixtures: a practice, users in it, and a logged-in client."""

from __future__ import annotations

import re
from collections.abc import Callable

import factories
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from denialdesk.store.db import session_scope
from denialdesk.store.models import Practice
from denialdesk.store.users import create_user

PASSWORD = "correct horse battery"
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def password() -> str:
    """The password every user made by make_user has."""
    return PASSWORD


@pytest.fixture
def practice(engine: Engine) -> Practice:
    with session_scope(engine) as session:
        practice = factories.practice(session, slug="riverbend", legal_name="Riverbend Psychiatry")
    return practice


@pytest.fixture
def make_user(engine: Engine, practice: Practice) -> Callable[..., str]:
    def make(username: str = "sam", role: str = "specialist", practices=("riverbend",)) -> str:
        with session_scope(engine) as session:
            create_user(
                session,
                username=username,
                password=PASSWORD,
                role=role,
                practice_slugs=list(practices),
            )
        return username

    return make


def _csrf_from(html: str) -> str:
    match = CSRF_INPUT.search(html)
    assert match, "page has no CSRF field"
    return match.group(1)


@pytest.fixture
def csrf_from() -> Callable[[str], str]:
    """The CSRF token of the first form on a page."""
    return _csrf_from


def _log_in(client: TestClient, username: str, password: str = PASSWORD, next_url: str = ""):
    """Fetch the form (for its CSRF token), post it; the response is not followed."""
    token = _csrf_from(client.get("/login").text)
    return client.post(
        "/login",
        data={"username": username, "password": password, "next": next_url, "csrf_token": token},
        follow_redirects=False,
    )


@pytest.fixture
def log_in() -> Callable[..., object]:
    return _log_in


@pytest.fixture
def logged_in(client: TestClient, make_user) -> TestClient:
    response = _log_in(client, make_user())
    assert response.status_code == 303
    return client
