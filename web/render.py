"""Jinja2 rendering: whole pages, or named blocks a route asks for when htmx swaps a part.

A template wraps each swappable region in a block named like the element's id, e.g.
<section id="results">{% block results %}...{% endblock %}</section>. A route that answers an
htmx request says which block it returns (`block=`) and which others travel with it as
out-of-band swaps (`oob=`: each such block renders its own element, marked hx-swap-oob when
the context has `oob`), so a page and its fragments come from one template and cannot drift
apart, and nothing is guessed from request headers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse

from denialdesk.domain.roles import Action
from denialdesk.web.csrf import CSRF_FIELD, csrf_token

TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"

env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
    autoescape=True,  # every template, whatever its extension
    trim_blocks=True,
    lstrip_blocks=True,
)
# Templates show or hide controls by what the principal may do (principal.may_somewhere).
env.globals["Action"] = Action

# Scripts and styles come from /static only (htmx's own indicator <style> is turned off in
# base.html), and no other site may frame the pages or receive their forms.
_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": _CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    # Pages will show PHI: keep them out of browser and proxy caches.
    "Cache-Control": "no-store",
    # The same URL answers with a page or a fragment depending on these headers.
    "Vary": "HX-Request, HX-Target, HX-History-Restore-Request",
}


def htmx_part(request: Request) -> bool:
    """True when htmx asks for a part of the page (not a boosted navigation, not a history
    restore, which both want the whole page)."""
    headers = request.headers
    return (
        headers.get("HX-Request") == "true"
        and headers.get("HX-Boosted") != "true"
        and headers.get("HX-History-Restore-Request") != "true"
    )


def render(
    request: Request,
    name: str,
    context: Mapping[str, Any] | None = None,
    *,
    block: str | None = None,
    oob: Sequence[str] = (),
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """The whole page, or (`block`) one named block followed by the `oob` blocks."""
    template = env.get_template(name)
    values = {"request": request, "csrf_field": CSRF_FIELD, "csrf_token": csrf_token(request)}
    values.update(context or {})
    if block is None:
        html = template.render(values)
    else:
        html = _block(template, block, values)
        html += "".join(_block(template, extra, {**values, "oob": True}) for extra in oob)
    response = HTMLResponse(html, status_code=status_code)
    response.headers.update({**SECURITY_HEADERS, **(headers or {})})
    if request.method != "GET" and request.headers.get("HX-Boosted") == "true":
        # A boosted form answered with a page, not a redirect (a refusal: its successes
        # redirect): keep the address of the page the form was on. htmx would push the form's
        # POST URL, which a reload or a bookmark cannot GET.
        response.headers["HX-Push-Url"] = "false"
    return response


def _block(template: jinja2.Template, name: str, values: Mapping[str, Any]) -> str:
    return "".join(template.blocks[name](template.new_context(dict(values))))
