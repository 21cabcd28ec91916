"""The app's Temporal client for the API and the pages: app.state.temporal, connected on first
use when the app was given a `temporal_connect` coroutine (app/asgi.py)."""

from __future__ import annotations

from typing import Any

from denialdesk.services.errors import Unavailable


async def temporal_client(state: Any) -> Any:
    """The client, or Unavailable when Temporal cannot be reached (try again later)."""
    client = getattr(state, "temporal", None)
    connect = getattr(state, "temporal_connect", None)
    if client is None and connect is not None:
        try:
            client = state.temporal = await connect()
        except Exception:  # noqa: BLE001 (unreachable, TLS, auth: all mean "try again later")
            client = None
    if client is None:
        raise Unavailable("workflows unavailable")
    return client


async def client_or_none(state: Any) -> Any:
    """For best-effort signals after a committed write: None when Temporal is unreachable
    (the workflow's timers catch up later)."""
    try:
        return await temporal_client(state)
    except Unavailable:
        return None
