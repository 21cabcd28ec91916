"""The migrations build the schema the models describe, and can be undone and redone."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlmodel import SQLModel

import denialdesk.store.models  # noqa: F401  (registers every table on the metadata)
from denialdesk.store.migrate import alembic_config, current_revision, downgrade, upgrade


def head(engine) -> str:
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def tables(engine) -> set[str]:
    return set(inspect(engine).get_table_names()) - {"alembic_version"}


def schema_diff(engine) -> list:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, SQLModel.metadata)


def test_upgrade_to_head_creates_every_table(empty_engine):
    upgrade(empty_engine)
    assert current_revision(empty_engine) == head(empty_engine)
    assert tables(empty_engine) == set(SQLModel.metadata.tables)


def test_downgrade_to_base_and_up_again(empty_engine):
    upgrade(empty_engine)
    downgrade(empty_engine, "base")
    assert current_revision(empty_engine) is None
    assert tables(empty_engine) == set()
    upgrade(empty_engine)
    assert current_revision(empty_engine) == head(empty_engine)
    assert schema_diff(empty_engine) == []


def test_models_and_migrations_agree(engine):
    # Autogenerate would write an empty migration: a model change without a migration fails here.
    assert schema_diff(engine) == []


def test_drift_check_notices_a_column_missing_from_the_models(engine):
    # Guards the test above against comparing nothing at all.
    with engine.begin() as connection:
        connection.exec_driver_sql("ALTER TABLE payer ADD COLUMN stray INTEGER")
    assert [change[0] for change in schema_diff(engine)] == ["remove_column"]
