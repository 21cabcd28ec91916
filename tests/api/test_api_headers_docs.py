"""Every API response says no-store and nosniff; the API docs load nothing from another host."""

from __future__ import annotations

import re

import pytest

from denialdesk.store.db import session_scope
from denialdesk.store.models import User
from denialdesk.store.tokens import issue_token

SAFE = {"cache-control": "no-store", "x-content-type-options": "nosniff"}


@pytest.fixture
def token(client, engine) -> str:
    with session_scope(engine) as session:
        user = User(username="reader", password_hash="not-a-hash")
        session.add(user)
        session.flush()
    return issue_token(client.app.state.secret_key, user)


def test_api_responses_carry_no_store_and_nosniff(client, token):
    bearer = {"Authorization": f"Bearer {token}"}
    responses = [
        client.get("/api/v1/practices", headers=bearer),  # 200 (no practices: an empty page)
        client.get("/api/v1/practices"),  # 401
        client.get("/api/v1/claims/0", headers=bearer),  # 422
        client.get("/api/v1/no-such-thing"),  # 404
        client.get("/api/v1/openapi.json"),
        client.post("/api/v1/auth/token", content=b"x" * (2 * 1024 * 1024)),  # 413
    ]
    assert [r.status_code for r in responses][:4] == [200, 401, 422, 404]
    assert responses[-1].status_code == 413
    for response in responses:
        assert {name: response.headers.get(name) for name in SAFE} == SAFE, response.url


def test_docs_load_swagger_ui_from_this_server_only(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    urls = re.findall(r"""(?:src|href|url)\s*[=:]\s*['"]([^'"]+)['"]""", page.text)
    assert urls, "no asset found on the docs page"
    for url in urls:
        assert url.startswith("/") and not url.startswith("//"), url
    assert not re.search(r"https?://", page.text), "the docs page names another host"
    for asset in ("/static/swagger-ui-bundle.js", "/static/swagger-ui.css"):
        assert asset in page.text
        assert client.get(asset).status_code == 200, asset
