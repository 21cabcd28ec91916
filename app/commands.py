"""What each CLI command does, given the settings."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from denialdesk.app.cli import CLIError
from denialdesk.app.logs import configure_logging
from denialdesk.app.settings import Settings, SettingsError
from denialdesk.store.db import make_engine, session_scope
from denialdesk.store.migrate import upgrade
from denialdesk.store.types import utcnow
from denialdesk.store.users import create_user as store_create_user
from denialdesk.store.users import get_user
from denialdesk.store.users import set_password as store_set_password


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


def set_password(settings: Settings, username: str, *, password: str) -> int:
    engine = make_engine(settings.db_url)
    upgrade(engine)
    with session_scope(engine) as session:
        user = get_user(session, username=username)
        if user is None:
            raise CLIError(f"no user {username!r}")
        store_set_password(session, user, password)
        print(f"password of {user.username} changed; their sessions and API tokens have ended")
    return 0


def web(settings: Settings) -> int:
    import uvicorn

    from denialdesk.app.access_log import AccessLog
    from denialdesk.app.asgi import create_app

    settings.require_secrets()
    engine = make_engine(settings.db_url)
    configure_logging()
    uvicorn.run(
        AccessLog(create_app(settings, engine)),
        host=settings.web_host,
        port=settings.web_port,
        # X-Forwarded-For is read by the app, from DENIALDESK_TRUSTED_PROXIES only.
        proxy_headers=False,
        # uvicorn's access log writes the query string; AccessLog writes the path only.
        access_log=False,
        log_level="info",
    )
    return 0


def dev(settings: Settings) -> int:
    from denialdesk.app.var_dir import dev_folder

    # The var folder is made private and locked before the stack's slow imports: a second
    # `denialdesk dev` on it stops at once, before it touches a port or a database.
    with dev_folder(settings.var_dir):
        from denialdesk.app.devstack import run_dev

        configure_logging()
        return run_dev(settings)


def worker(settings: Settings) -> int:
    from denialdesk.app.temporal import TemporalUnreachable
    from denialdesk.app.worker import serve_worker

    settings.require_secrets()  # outside dev mode: refuses missing or weak secrets
    configure_logging()
    try:
        asyncio.run(serve_worker(settings))
    except TemporalUnreachable as exc:
        raise CLIError(str(exc)) from None
    return 0


def seed_demo(settings: Settings) -> int:
    from denialdesk.app.seed import format_logins
    from denialdesk.app.seed import seed_demo as load_demo_data

    if not settings.dev:
        # The demo users have published passwords: never on a real installation.
        raise SettingsError("seed-demo creates users with known passwords; set DENIALDESK_MODE=dev")
    engine = make_engine(settings.db_url)
    upgrade(engine)
    # The business day, as everywhere else (services, workflows): the UTC date.
    logins = load_demo_data(engine, today=utcnow().date(), live=settings.demo_live_claims)
    print("demo data is loaded (running this again changes nothing); the recent claims")
    print("run as workflows once a worker (denialdesk dev or denialdesk worker) is up")
    print("demo logins:")
    print("  username     password               role         practices")
    for line in format_logins(logins):
        print("  " + line)
    return 0
