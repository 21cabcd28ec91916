"""What each CLI command does, given the settings."""

from __future__ import annotations

from collections.abc import Sequence

from denialdesk.app.settings import Settings
from denialdesk.store.db import make_engine, session_scope
from denialdesk.store.migrate import upgrade
from denialdesk.store.users import create_user as store_create_user


def migrate(settings: Settings) -> int:
    engine = make_engine(settings.db_url)
    upgrade(engine)
    print("database is at the latest schema")
    return 0


def create_user(
    settings: Settings, username: str, *, role: str, practices: Sequence[str], password: str
) -> int:
    engine = make_engine(settings.db_url)
    upgrade(engine)
    with session_scope(engine) as session:
        user = store_create_user(
            session, username=username, password=password, role=role, practice_slugs=practices
        )
        scope = ", ".join(practices) if practices else "every practice"
        print(f"created {role} {user.username} ({scope})")
    return 0


def web(settings: Settings) -> int:
    import uvicorn

    from denialdesk.app.asgi import create_app

    settings.require_secrets()
    engine = make_engine(settings.db_url)
    uvicorn.run(
        create_app(settings, engine),
        host=settings.web_host,
        port=settings.web_port,
        proxy_headers=True,
        log_level="info",
    )
    return 0
