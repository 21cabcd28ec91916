"""The ASGI application: JSON API under /api/v1, htmx pages at /, static files, health."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.engine import Engine

from denialdesk.api.router import api_router
from denialdesk.app.settings import Settings
from denialdesk.store.logins import LoginLimits


def create_app(settings: Settings, engine: Engine) -> FastAPI:
    settings.require_secrets()
    app = FastAPI(
        title="denialdesk",
        version="1",
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/v1/docs",
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.secret_key = settings.secret_key.get_secret_value()
    app.state.login_limits = LoginLimits(
        max_failures=settings.login_max_failures, window_seconds=settings.login_window_seconds
    )
    app.include_router(api_router, prefix="/api/v1")

    @app.get("/healthz", tags=["health"], include_in_schema=False)
    def health() -> dict:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return {"status": "ok"}

    return app
