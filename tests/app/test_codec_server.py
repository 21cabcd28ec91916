"""The Temporal Web UI's codec endpoint: decrypts for admins of every practice only (payloads
carry no practice), no encode, CORS for the UI."""

from __future__ import annotations

import asyncio

import factories
import pytest
from google.protobuf import json_format
from temporalio.api.common.v1 import Payload, Payloads

from denialdesk.app.codec import EncryptionCodec
from denialdesk.store.db import session_scope

UI = "http://127.0.0.1:8233"
SECRET = b'{"claim_id": 7}'


@pytest.fixture
def users(engine):
    with session_scope(engine) as session:
        practice = factories.practice(session)
        for role in ("specialist", "supervisor", "admin", "integration"):
            factories.user(session, username=role, role=role, practices=[practice])
        factories.user(session, username="admin-all", role="admin")


def token(client, username: str) -> dict:
    response = client.post(
        "/api/v1/auth/token", data={"username": username, "password": factories.PASSWORD}
    )
    assert response.status_code == 200
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def sealed_body(settings) -> str:
    codec = EncryptionCodec(settings.key_ring())
    payloads = asyncio.run(
        codec.encode([Payload(metadata={"encoding": b"json/plain"}, data=SECRET)])
    )
    return json_format.MessageToJson(Payloads(payloads=payloads))


def test_decode_for_admins_of_every_practice(client, settings, users):
    body = sealed_body(settings)
    assert SECRET.decode() not in body
    response = client.post(
        "/codec/decode", content=body, headers=token(client, "admin-all") | {"Origin": UI}
    )
    assert response.status_code == 200
    decoded = json_format.Parse(response.content, Payloads())
    assert decoded.payloads[0].data == SECRET
    assert response.headers["access-control-allow-origin"] == UI
    assert response.headers["access-control-allow-credentials"] == "true"


@pytest.mark.parametrize("role", ["specialist", "integration", "supervisor", "admin"])
def test_other_roles_and_anonymous_are_refused(client, settings, users, role):
    # A supervisor or admin of one practice would otherwise read every practice's payloads.
    body = sealed_body(settings)
    assert (
        client.post("/codec/decode", content=body, headers=token(client, role)).status_code == 401
    )
    assert client.post("/codec/decode", content=body).status_code == 401


def test_there_is_no_encode_oracle(client, users):
    plain = json_format.MessageToJson(
        Payloads(payloads=[Payload(metadata={"encoding": b"json/plain"}, data=SECRET)])
    )
    encoded = client.post("/codec/encode", content=plain, headers=token(client, "admin-all"))
    assert encoded.status_code == 404


def test_preflight_answers_only_the_ui_origin(client):
    ok = client.options("/codec/decode", headers={"Origin": UI})
    assert ok.status_code == 204 and ok.headers["access-control-allow-origin"] == UI
    other = client.options("/codec/decode", headers={"Origin": "http://evil.example"})
    assert "access-control-allow-origin" not in other.headers


def test_garbage_is_a_400_not_a_crash(client, users):
    headers = token(client, "admin-all")
    response = client.post("/codec/decode", content=b"not json", headers=headers)
    assert response.status_code == 400
