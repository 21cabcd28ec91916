"""Jinja2 rendering: whole pages, or one named block when htmx asks for a fragment.

A template wraps each swappable region in a block named like the element's id, e.g.
<section id="worklist">{% block worklist %}...{% endblock %}</section>. An htmx request
targeting #worklist then gets just that block, rendered from the same template, so a page
and its fragments cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse

from denialdesk.web.csrf import CSRF_FIELD, csrf_token

TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"

env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
    autoescape=True,  # every template, whatever its extension
    trim_blocks=True,
    lstrip_blocks=True,
)

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


def fragment_block(request: Request, template: jinja2.Template) -> str | None:
    """The block to render alone for this request, or None for the whole page."""
    headers = request.headers
    if headers.get("HX-Request") != "true" or headers.get("HX-Boosted") == "true":
        return None
    if headers.get("HX-History-Restore-Request") == "true":
        return None  # htmx restores history by swapping in a whole page
    target = headers.get("HX-Target")
    return target if target in template.blocks else None


def render(
    request: Request,
    name: str,
    context: Mapping[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    template = env.get_template(name)
    values = {"request": request, "csrf_field": CSRF_FIELD, "csrf_token": csrf_token(request)}
    values.update(context or {})
    block = fragment_block(request, template)
    if block is None:
        html = template.render(values)
    else:
        html = "".join(template.blocks[block](template.new_context(values)))
    response = HTMLResponse(html, status_code=status_code)
    response.headers.update({**SECURITY_HEADERS, **(headers or {})})
    return response
