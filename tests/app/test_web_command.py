"""`denialdesk web`: uvicorn trusts no forwarded headers and writes no access log of its own;
ours names method, path and status, never the query string."""

from __future__ import annotations

import logging

import uvicorn
from fastapi.testclient import TestClient

from denialdesk.app import commands


def test_web_serves_without_proxy_trust_or_query_logging(settings, monkeypatch, caplog):
    served = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: served.update(options, app=app))
    assert commands.web(settings) == 0
    assert served["proxy_headers"] is False
    assert served["access_log"] is False
    caplog.set_level(logging.INFO, logger="denialdesk.access")
    with TestClient(served["app"]) as client:
        assert client.get("/healthz?patient=Jane+Roe&dob=1970-01-01").status_code == 200
    assert '"GET /healthz" 200' in caplog.text
    assert "Jane" not in caplog.text and "1970" not in caplog.text and "?" not in caplog.text
