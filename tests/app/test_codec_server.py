"""The Temporal Web UI's codec endpoint: decrypts for supervisors and admins, CORS for the UI."""

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


@pytest.mark.parametrize("role", ["supervisor", "admin"])
def test_decode_for_supervisors_and_admins(client, settings, users, role):
    body = sealed_body(settings)
    assert SECRET.decode() not in body
    response = client.post(
        "/codec/decode", content=body, headers=token(client, role) | {"Origin": UI}
    )
    assert response.status_code == 200
    decoded = json_format.Parse(response.content, Payloads())
    assert decoded.payloads[0].data == SECRET
    assert response.headers["access-control-allow-origin"] == UI
    assert response.headers["access-control-allow-credentials"] == "true"


@pytest.mark.parametrize("role", ["specialist", "integration"])
def test_other_roles_and_anonymous_are_refused(client, settings, users, role):
    body = sealed_body(settings)
    assert (
        client.post("/codec/decode", content=body, headers=token(client, role)).status_code == 401
    )
    assert client.post("/codec/decode", content=body).status_code == 401


def test_encode_then_decode_round_trip(client, users):
    plain = json_format.MessageToJson(
        Payloads(payloads=[Payload(metadata={"encoding": b"json/plain"}, data=SECRET)])
    )
    headers = token(client, "admin")
    encoded = client.post("/codec/encode", content=plain, headers=headers)
    assert encoded.status_code == 200 and SECRET.decode() not in encoded.text
    decoded = client.post("/codec/decode", content=encoded.content, headers=headers)
    assert json_format.Parse(decoded.content, Payloads()).payloads[0].data == SECRET


def test_preflight_answers_only_the_ui_origin(client):
    ok = client.options("/codec/decode", headers={"Origin": UI})
    assert ok.status_code == 204 and ok.headers["access-control-allow-origin"] == UI
    other = client.options("/codec/decode", headers={"Origin": "http://evil.example"})
    assert "access-control-allow-origin" not in other.headers


def test_garbage_is_a_400_not_a_crash(client, users):
    response = client.post("/codec/decode", content=b"not json", headers=token(client, "admin"))
    assert response.status_code == 400
