"""Named counters for X12 control numbers (ISA13, GS06, ST02) and claim control numbers.

One statement increments and reads a counter (INSERT … ON CONFLICT DO UPDATE … RETURNING), so
two processes can never read the same value: PostgreSQL locks the row until the transaction
ends, SQLite serializes writers with its database lock. The value is taken inside the caller's
transaction; a rolled-back transaction gives its number back, which is safe because nothing
was sent under it (senders commit before the file leaves, see activities/claims.py).
"""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from denialdesk.store.models import ControlCounter

# X12 control numbers are at most nine digits (ISA13 is fixed width).
MAX_CONTROL = 999_999_999


class ControlNumbersExhausted(RuntimeError):
    """A counter reached nine digits; an operator must decide how to roll it over."""


def next_control(session: Session, name: str) -> int:
    """The next value of counter `name` (1 for a new counter)."""
    return reserve_controls(session, name, 1)


def reserve_controls(session: Session, name: str, count: int) -> int:
    """The first of `count` consecutive values of counter `name`, taken in one statement (a
    bulk writer, such as the demo history, numbers many claims or interchanges at once)."""
    if count < 1:
        raise ValueError("reserve at least one control number")
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = ControlCounter.__table__
    statement = (
        insert(table)
        .values(name=name, value=count)
        .on_conflict_do_update(index_elements=[table.c.name], set_={"value": table.c.value + count})
        .returning(table.c.value)
    )
    last = session.execute(statement).scalar_one()
    if last > MAX_CONTROL:
        raise ControlNumbersExhausted(f"control counter {name!r} passed {MAX_CONTROL}")
    return last - count + 1
