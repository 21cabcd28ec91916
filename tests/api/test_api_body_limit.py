"""Request bodies are capped before anything reads them: a declared Content-Length above the
limit is refused unread, a chunked body is refused as soon as it passes the limit, and the 835
route (larger limit) parses off the event loop.

The app is called as plain ASGI here so the test sees exactly how much of the body was read.
"""

from __future__ import annotations

import asyncio
import json
import threading

import pytest
from desk import Desk, desk_fixture  # noqa: F401 (the `desk` fixture)

from denialdesk.api import remittances
from denialdesk.app.asgi import DEFAULT_BODY_BYTES

MIB = 1024 * 1024


def call(app, path: str, *, headers: dict[str, str], chunks: int, chunk: bytes = b"x" * MIB):
    """POST `chunks` chunks to `path`; (status, JSON body, chunks the app asked for)."""
    read = 0
    sent: list[dict] = []

    async def receive():
        nonlocal read
        read += 1
        return {"type": "http.request", "body": chunk, "more_body": read < chunks}

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 5000),
        "server": ("testserver", 80),
    }
    asyncio.run(app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], json.loads(body), read


def bearer(desk: Desk, who: str) -> dict[str, str]:
    return {"authorization": f"Bearer {desk.tokens[who]}"}


def test_declared_length_over_the_limit_is_refused_unread(desk: Desk):
    # 150 MiB of "JSON" to a claims endpoint, without a token: 413 before a byte is read.
    headers = {"content-type": "application/json", "content-length": str(150 * MIB)}
    status, body, read = call(
        desk.client.app, "/api/v1/practices/any/claims", headers=headers, chunks=1
    )
    assert (status, read) == (413, 0)
    assert "body" in body["detail"]


def test_chunked_json_is_cut_off_at_the_limit(desk: Desk):
    headers = {"content-type": "application/json"} | bearer(desk, "specialist")
    chunks = DEFAULT_BODY_BYTES // MIB + 5
    status, body, read = call(
        desk.client.app, "/api/v1/practices/any/claims", headers=headers, chunks=chunks
    )
    assert status == 413 and "body" in body["detail"]
    assert read <= DEFAULT_BODY_BYTES // MIB + 1


def test_chunked_835_is_cut_off_at_its_larger_limit(desk: Desk):
    limit_chunks = remittances.MAX_BYTES // MIB
    headers = {"content-type": "text/plain"} | bearer(desk, "admin")
    status, _, read = call(
        desk.client.app, "/api/v1/remittances", headers=headers, chunks=limit_chunks + 10
    )
    assert status == 413
    assert read <= limit_chunks + 1
    # Over the default, under the 835's own limit: read whole and handed to the parser (422).
    status, body, read = call(desk.client.app, "/api/v1/remittances", headers=headers, chunks=3)
    assert (status, read) == (422, 3)


def test_835_is_parsed_off_the_event_loop(desk: Desk, monkeypatch):
    threads = []

    def parse(raw: bytes, **_):
        threads.append(threading.current_thread())
        with pytest.raises(RuntimeError):  # no event loop runs in this thread
            asyncio.get_running_loop()
        raise remittances.RemitParseError(1, "stop here")

    monkeypatch.setattr(remittances, "parse_835", parse)
    response = desk.call("POST", "/remittances", "admin", content=b"ISA*00~")
    assert response.status_code == 422
    assert threads and threads[0] is not threading.main_thread()
