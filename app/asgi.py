"""The ASGI application: JSON API under /api/v1, htmx pages at /, static files, health."""

from __future__ import annotations

import functools
import logging

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text
from sqlalchemy.engine import Engine
from starlette.middleware.sessions import SessionMiddleware
from temporalio.client import Client
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from denialdesk.api import remittances
from denialdesk.api.authorizations import MAX_SCHEDULE_BYTES
from denialdesk.api.errors import EXCEPTION_HANDLERS as API_EXCEPTION_HANDLERS
from denialdesk.api.router import api_router
from denialdesk.app.api_docs import OPENAPI_URL, add_docs
from denialdesk.app.api_headers import ApiHeaders
from denialdesk.app.body_limit import BodyLimit
from denialdesk.app.codec import EncryptionCodec
from denialdesk.app.codec_server import codec_router, ui_origins
from denialdesk.app.relay import relay_pending
from denialdesk.app.settings import Settings
from denialdesk.app.temporal import connect
from denialdesk.store.logins import LoginLimits
from denialdesk.web import session as web_session
from denialdesk.web.pages import EXCEPTION_HANDLERS as WEB_EXCEPTION_HANDLERS
from denialdesk.web.pages import router as web_router
from denialdesk.web.render import STATIC_DIR

log = logging.getLogger(__name__)
# JSON bodies and login forms are a few KB (a claim has at most 50 lines); only the file uploads
# below take more, each up to the figure its route checks too.
DEFAULT_BODY_BYTES = 1024 * 1024
LARGE_BODIES = (
    (r"/api/v1/remittances", remittances.MAX_BYTES),
    (r"/api/v1/practices/[^/]+/schedule", MAX_SCHEDULE_BYTES),
)


def create_app(
    settings: Settings, engine: Engine, temporal_client: Client | None = None
) -> FastAPI:
    """The app; without `temporal_client` it connects to Temporal on the first request that
    needs a workflow (so the web starts, and serves reads, while Temporal is down)."""
    settings.require_secrets()
    app = FastAPI(
        title="denialdesk",
        version="1",
        openapi_url=OPENAPI_URL,
        docs_url=None,  # add_docs: Swagger UI from /static, not FastAPI's CDN default
        redoc_url=None,
    )
    add_docs(app)
    app.state.settings = settings
    app.state.engine = engine
    app.state.secret_key = settings.secret_key.get_secret_value()
    app.state.login_limits = LoginLimits(
        max_failures=settings.login_max_failures, window_seconds=settings.login_window_seconds
    )
    app.state.temporal = temporal_client
    app.state.temporal_connect = lambda: connect(settings)
    app.state.payment_relay = functools.partial(_relay_now, app)  # async: awaited, not threaded
    app.include_router(api_router, prefix="/api/v1")
    app.include_router(
        codec_router(EncryptionCodec(settings.key_ring()), ui_origins(settings.temporal_ui_port))
    )

    # The browser session cookie; the API ignores it and authenticates by bearer token only.
    app.add_middleware(
        SessionMiddleware,
        **web_session.middleware_options(
            secret_key=app.state.secret_key, secure=settings.secure_cookies
        ),
    )
    app.include_router(web_router)
    for exception, handler in (API_EXCEPTION_HANDLERS | WEB_EXCEPTION_HANDLERS).items():
        app.add_exception_handler(exception, handler)
    # Outermost: bodies are capped before sessions, routing or authentication look at them.
    app.add_middleware(BodyLimit, default=DEFAULT_BODY_BYTES, routes=LARGE_BODIES)
    app.add_middleware(ApiHeaders)  # outside BodyLimit, so its 413s carry the headers too
    if settings.trusted_proxy_list:
        # The client address (login lock-out, audit) from X-Forwarded-For, but only when the
        # connection comes from a configured proxy; uvicorn's own handling is switched off.
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxy_list)
    # htmx is served from here, never from a CDN: pages must work on a closed network.
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/healthz", tags=["health"], include_in_schema=False)
    def health() -> dict:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return {"status": "ok"}

    return app


async def _relay_now(app: FastAPI) -> None:
    """Relay the payments an import just stored, without waiting for the worker's next poll;
    any failure leaves them pending for it."""
    try:
        if app.state.temporal is None:
            app.state.temporal = await app.state.temporal_connect()
        settings = app.state.settings
        await relay_pending(app.state.engine, app.state.temporal, settings.temporal_task_queue)
    except Exception as exc:  # noqa: BLE001 (the worker's relay loop retries)
        log.warning("payment relay after import failed: %s", type(exc).__name__)
