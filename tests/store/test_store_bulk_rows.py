"""Bulk rows with their own ids (store/bulk_rows.py), on SQLite and PostgreSQL: numbered from
above every row and every id handed out, and the ordinary inserts after them go on above."""

from __future__ import annotations

from sqlmodel import Session, col, select

from denialdesk.store.bulk_rows import first_free_id, insert_rows, sync_id_sequences
from denialdesk.store.db import session_scope
from denialdesk.store.models import Practice, Queue


def practice(session: Session, slug: str) -> Practice:
    row = Practice(
        slug=slug, legal_name=slug, kind="psychiatry", npi="1234567893", tax_id="123456789",
        address1="1 Main St", city="Philadelphia", state="PA", zip="191021234",
        taxonomy="2084P0800X", time_zone="America/New_York",
    )  # fmt: skip
    session.add(row)
    session.flush()
    return row


def test_bulk_rows_with_their_own_ids_then_ordinary_inserts(engine):
    with session_scope(engine) as session:
        home = practice(session, "home")
        gone = Queue(practice_id=home.id, name="gone")
        session.add(gone)
        session.flush()
        session.delete(gone)
        session.flush()
        first = first_free_id(session, Queue)
        # PostgreSQL's sequence handed that id out: never again. SQLite (no AUTOINCREMENT)
        # takes max(id) + 1 for ordinary inserts too, so the id is free again there.
        postgres = session.get_bind().dialect.name == "postgresql"
        assert first == (gone.id + 1 if postgres else gone.id)
        rows = [
            {"id": first + n, "practice_id": home.id, "name": f"bulk {n}", "is_default": False,
             "routing": {"kinds": ["work_denial"]}}
            for n in range(3)
        ]  # fmt: skip
        insert_rows(session, Queue, rows)
        insert_rows(session, Queue, [])  # nothing to do
        sync_id_sequences(session, [Queue])
    with session_scope(engine) as session:
        later = Queue(practice_id=home.id, name="later")
        session.add(later)
        session.flush()
        assert later.id == first + 3
        names = session.exec(select(Queue.name).order_by(col(Queue.id))).all()
        assert names == ["bulk 0", "bulk 1", "bulk 2", "later"]
        assert session.get(Queue, first).routing == {"kinds": ["work_denial"]}
