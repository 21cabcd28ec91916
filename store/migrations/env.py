"""Alembic environment: the engine comes from store.migrate, the target from SQLModel metadata."""

from alembic import context
from sqlmodel import SQLModel

import denialdesk.store.models  # noqa: F401  (registers the tables)

target_metadata = SQLModel.metadata


def run_migrations() -> None:
    engine = context.config.attributes["engine"]
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations()
