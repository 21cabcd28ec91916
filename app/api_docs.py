"""/api/v1/docs: Swagger UI from our own /static (copied from the pinned swagger-ui-dist by
`make install`), never from a CDN: the docs must work on a closed network and tell no third
party who reads them."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse

DOCS_URL = "/api/v1/docs"
OPENAPI_URL = "/api/v1/openapi.json"


def add_docs(app: FastAPI) -> None:
    @app.get(DOCS_URL, include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=OPENAPI_URL,
            title="denialdesk API",
            swagger_js_url="/static/swagger-ui-bundle.js",
            swagger_css_url="/static/swagger-ui.css",
            swagger_favicon_url="/static/favicon.svg",
        )
