"""Logging for the commands (and the dev stack's worker process)."""

from __future__ import annotations

import logging


def configure_logging() -> None:
    # Our own messages at INFO; libraries (alembic, temporalio, uvicorn) only when they warn.
    logging.basicConfig(
        level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("denialdesk").setLevel(logging.INFO)
