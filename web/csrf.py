"""CSRF protection: every state-changing web request carries the session's token.

Forms send it in a hidden field; htmx sends it as the X-CSRF-Token header (hx-headers on
<body>). The JSON API is not covered: it authenticates with bearer tokens, which a browser
never attaches on its own.
"""

from __future__ import annotations

import hmac

from fastapi import Request

from denialdesk.web.session import new_token

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class CSRFRejected(Exception):
    """A state-changing request without the session's token; answered with a plain 403 page."""


def csrf_token(request: Request) -> str:
    """The session's token, created on first use (an anonymous login form needs one too)."""
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = new_token()
        request.session["csrf"] = token
    return token


async def require_csrf(request: Request) -> None:
    """Router dependency: runs before the endpoint, so a refused request changes nothing."""
    if request.method in _SAFE_METHODS:
        return
    expected = request.session.get("csrf")
    given = request.headers.get(CSRF_HEADER)
    if given is None:
        # Starlette caches the parsed form, so the endpoint's Form() fields still work.
        value = (await request.form()).get(CSRF_FIELD)
        given = value if isinstance(value, str) else None
    if not isinstance(expected, str) or not given:
        raise CSRFRejected
    # Bytes, because compare_digest raises TypeError on non-ASCII str (a 500, not a 403).
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise CSRFRejected
