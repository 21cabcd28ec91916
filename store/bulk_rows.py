"""Many rows at once, for writers that build thousands of them (the demo history).

The caller numbers the rows it links to each other (claims, their versions, payments) from
`first_free_id`, inserts each table in one executemany, and calls `sync_id_sequences` before it
commits: on PostgreSQL, rows inserted with their own ids leave the table's sequence behind, and
the next ordinary insert would draw an id already taken. SQLite takes max(id) + 1 by itself.
Everything happens in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import func, insert, select, text
from sqlmodel import Session, SQLModel


def first_free_id(session: Session, model: type[SQLModel]) -> int:
    """An id above every row, and on PostgreSQL above every value its sequence handed out."""
    table = model.__table__
    largest = session.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()
    if _postgres(session):
        drawn = session.execute(
            text(
                "SELECT coalesce(last_value, 0) FROM pg_sequences"
                " WHERE schemaname || '.' || sequencename = pg_get_serial_sequence(:table, 'id')"
            ),
            {"table": table.name},
        ).scalar()
        largest = max(largest, drawn or 0)
    return largest + 1


def insert_rows(session: Session, model: type[SQLModel], rows: Sequence[dict]) -> None:
    """One executemany; every row names the same columns (no default is filled in)."""
    if rows:
        session.execute(insert(model.__table__), list(rows))


def sync_id_sequences(session: Session, models: Iterable[type[SQLModel]]) -> None:
    """Move each table's id sequence to its largest id (PostgreSQL; nothing on SQLite)."""
    if not _postgres(session):
        return
    for model in models:
        table = model.__table__
        largest = select(func.greatest(func.coalesce(func.max(table.c.id), 0), 1))
        sequence = func.pg_get_serial_sequence(table.name, "id")
        session.execute(select(func.setval(sequence, largest.scalar_subquery())))


def _postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"
