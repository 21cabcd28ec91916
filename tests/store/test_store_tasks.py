"""store.tasks on SQLite and PostgreSQL: filters, keyset pages, next task, guarded writes."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

import factories
import pytest
import work_data
from sqlalchemy import event
from sqlmodel import Session, select

from denialdesk.store import tasks
from denialdesk.store.db import session_scope
from denialdesk.store.models import Task


@pytest.fixture
def world(engine):
    with session_scope(engine) as session:
        home = work_data.parties(session)
        other = work_data.parties(session)
        alice = factories.user(session, role="specialist", practices=[home.practice])
        bob = factories.user(session, role="specialist", practices=[home.practice])
    return home, other, alice, bob


def _ids(page) -> list[int]:
    return [t.id for t in page.items]


def _all_pages(session, sort: str, limit: int, **kwargs) -> list[int]:
    seen, after = [], None
    while True:
        page = tasks.list_tasks(session, sort=sort, after=after, limit=limit, **kwargs)
        seen += _ids(page)
        if page.next_key is None:
            return seen
        after = page.next_key


def test_filters_and_practice_scope(engine, world):
    home, other, alice, _ = world
    with session_scope(engine) as session:
        c = work_data.claim(session, home)
        mine = work_data.task(session, home.practice, claim_id=c.id, assignee_id=alice.id)
        free = work_data.task(session, home.practice, kind="scrub_findings", category=None)
        done = work_data.task(session, home.practice, status="done")
        foreign = work_data.task(session, other.practice)
    with Session(engine) as session:

        def ids(**where):
            page = tasks.list_tasks(
                session, practice_ids=[home.practice.id], where=tasks.TaskFilter(**where)
            )
            return sorted(_ids(page))

        assert ids() == sorted([mine.id, free.id, done.id])  # never the other practice's
        assert ids(status="open") == sorted([mine.id, free.id])
        assert ids(status="done") == [done.id]
        assert ids(assignee_id=alice.id) == [mine.id]
        assert ids(unassigned=True, status="open") == [free.id]
        assert ids(kind="scrub_findings") == [free.id]
        assert ids(category="authorization") == sorted([mine.id, done.id])
        assert ids(claim_id=c.id) == [mine.id]
        assert ids(payer_id=home.payer_id) == [mine.id]
        assert ids(payer_id=other.payer_id) == []
        everything = tasks.list_tasks(session, practice_ids=None)
        assert foreign.id in _ids(everything)


@pytest.mark.parametrize("sort", tasks.SORTS)
def test_keyset_pages_cover_every_task_once_in_order(engine, world, sort):
    home, *_ = world
    with session_scope(engine) as session:
        for n in range(11):
            work_data.task(
                session,
                home.practice,
                priority=float(n % 3),  # ties, so the id breaks them
                amount=Decimal(f"{(n * 7) % 5}.50"),
                due_at=None if n % 4 == 0 else date(2026, 5, 1 + n % 3),
            )
    with Session(engine) as session:
        whole = _ids(tasks.list_tasks(session, practice_ids=None, sort=sort, limit=100))
        paged = _all_pages(session, sort, 3, practice_ids=None)
        assert paged == whole and len(set(paged)) == 11
        rows = {t.id: t for t in session.exec(select(Task)).all()}
        if sort == "priority":
            values = [rows[i].priority for i in whole]
            assert values == sorted(values, reverse=True)
        if sort == "due":
            values = [rows[i].due_at or date.max for i in whole]
            assert values == sorted(values)  # no due date last
        if sort == "amount":
            values = [rows[i].amount for i in whole]
            assert values == sorted(values, reverse=True)


def test_bad_sort_and_cursor_are_value_errors(engine):
    with Session(engine) as session:
        with pytest.raises(ValueError, match="sort"):
            tasks.list_tasks(session, practice_ids=None, sort="name")
        with pytest.raises(ValueError, match="cursor"):
            tasks.list_tasks(session, practice_ids=None, sort="due", after=("soon", 1))


def test_take_next_highest_priority_of_my_queues(engine, world):
    home, other, alice, bob = world
    with session_scope(engine) as session:
        default = work_data.queue(session, home.practice, default=True)
        special = work_data.queue(session, home.practice, members=[alice])
        in_default = work_data.task(session, home.practice, queue_id=default.id, priority=9)
        low = work_data.task(session, home.practice, queue_id=special.id, priority=1)
        high = work_data.task(session, home.practice, queue_id=special.id, priority=5)
        work_data.task(session, home.practice, queue_id=special.id, priority=7, status="pended")
        work_data.task(session, other.practice, priority=99)
    with session_scope(engine) as session:
        pid = [home.practice.id]
        first = tasks.take_next(session, user_id=alice.id, practice_ids=pid)
        second = tasks.take_next(session, user_id=alice.id, practice_ids=pid)
        third = tasks.take_next(session, user_id=alice.id, practice_ids=pid)
        assert (first.id, second.id, third) == (high.id, low.id, None)
        assert first.assignee_id == alice.id and first.version == 2
        # Bob is in no queue: he gets the default queue's task.
        assert tasks.take_next(session, user_id=bob.id, practice_ids=pid).id == in_default.id
        assert tasks.take_next(session, user_id=bob.id, practice_ids=[]) is None


def test_unrouted_tasks_count_as_the_default_queue(engine, world):
    home, _, alice, _ = world
    with session_scope(engine) as session:
        unrouted = work_data.task(session, home.practice)
    with session_scope(engine) as session:
        got = tasks.take_next(session, user_id=alice.id, practice_ids=[home.practice.id])
        assert got.id == unrouted.id


def test_parallel_takers_never_share_a_task(engine, world):
    home, *_ = world
    with session_scope(engine) as session:
        takers = [
            factories.user(session, role="specialist", practices=[home.practice]).id
            for _ in range(10)
        ]
        for n in range(6):
            work_data.task(session, home.practice, priority=float(n))
    got: dict[int, int | None] = {}
    barrier = threading.Barrier(len(takers))

    def take(user_id: int) -> None:
        barrier.wait()
        with session_scope(engine) as session:
            task = tasks.take_next(session, user_id=user_id, practice_ids=[home.practice.id])
            got[user_id] = task.id if task else None

    threads = [threading.Thread(target=take, args=(u,)) for u in takers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    handed = [t for t in got.values() if t is not None]
    assert len(got) == 10 and len(handed) == 6 and len(set(handed)) == 6
    with Session(engine) as session:
        rows = session.exec(select(Task)).all()
        assert {r.id: r.assignee_id for r in rows} == {t: u for u, t in got.items() if t}


def test_assign_is_version_guarded(engine, world):
    home, _, alice, bob = world
    with session_scope(engine) as session:
        task = work_data.task(session, home.practice)
    with session_scope(engine) as session:
        taken = tasks.assign(session, task_id=task.id, assignee_id=alice.id, version=1)
        assert (taken.assignee_id, taken.version) == (alice.id, 2)
    with session_scope(engine) as session, pytest.raises(tasks.TaskConflict, match="version 2"):
        tasks.assign(session, task_id=task.id, assignee_id=bob.id, version=1)
    with session_scope(engine) as session:
        back = tasks.assign(session, task_id=task.id, assignee_id=None, version=2)
        assert back.assignee_id is None and back.assigned_at is None and back.version == 3


def test_pend_and_closed_tasks(engine, world):
    home, *_ = world
    with session_scope(engine) as session:
        task = work_data.task(session, home.practice)
        closed = work_data.task(session, home.practice, status="done")
    with session_scope(engine) as session:
        pended = tasks.pend(
            session, task_id=task.id, until=date(2026, 6, 1), reason="waiting", version=1
        )
        assert (pended.status, pended.pended_until, pended.version) == (
            "pended",
            date(2026, 6, 1),
            2,
        )
    with session_scope(engine) as session, pytest.raises(tasks.TaskConflict, match="done"):
        tasks.pend(session, task_id=closed.id, until=date(2026, 6, 1), reason="x", version=1)
    with session_scope(engine) as session, pytest.raises(tasks.TaskConflict, match="not found"):
        tasks.assign(session, task_id=10**9, assignee_id=None, version=1)


def test_bulk_assign_all_or_nothing(engine, world):
    home, _, alice, _ = world
    with session_scope(engine) as session:
        a = work_data.task(session, home.practice)
        b = work_data.task(session, home.practice)
        gone = work_data.task(session, home.practice, status="cancelled")
    with pytest.raises(tasks.TaskConflict) as caught:
        with session_scope(engine) as session:
            tasks.bulk_assign(session, task_ids=[a.id, b.id, gone.id], assignee_id=alice.id)
    assert caught.value.task_ids == [gone.id]
    with Session(engine) as session:
        for task_id in (a.id, b.id):
            row = session.get(Task, task_id)
            assert (row.assignee_id, row.version) == (None, 1)  # rolled back
    with session_scope(engine) as session:
        done = tasks.bulk_assign(session, task_ids=[b.id, a.id, a.id], assignee_id=alice.id)
        assert [(t.id, t.assignee_id, t.version) for t in done] == [
            (a.id, alice.id, 2),
            (b.id, alice.id, 2),
        ]


def test_a_capped_count_stops_past_its_cap(engine):
    with Session(engine) as session:
        practice = factories.practice(session)
        for _ in range(5):
            work_data.task(session, practice)
        session.commit()
        ids = [practice.id]
        assert tasks.count_tasks(session, practice_ids=ids) == 5
        assert tasks.count_tasks(session, practice_ids=ids, cap=10) == 5
        assert tasks.count_tasks(session, practice_ids=ids, cap=3) == 4  # "more than 3"


def test_several_counts_are_one_statement_with_a_count_per_filter(engine):
    with Session(engine) as session:
        practice = factories.practice(session)
        for status in ("open", "open", "open", "open", "pended", "done"):
            work_data.task(session, practice, status=status)
        session.commit()
        ids = [practice.id]  # read before counting statements (the commit expired it)
        wheres = {
            "open": tasks.TaskFilter(status="open"),
            "pended": tasks.TaskFilter(status="pended"),
            "cancelled": tasks.TaskFilter(status="cancelled"),
        }
        statements = []

        def seen(*args):
            statements.append(args[2])

        event.listen(engine, "before_cursor_execute", seen)
        try:
            counts = tasks.count_tasks_many(session, practice_ids=ids, wheres=wheres, cap=2)
        finally:
            event.remove(engine, "before_cursor_execute", seen)
        assert counts == {"open": 3, "pended": 1, "cancelled": 0}  # 4 open: "more than 2"
        assert len(statements) == 1
        assert tasks.count_tasks_many(session, practice_ids=ids, wheres={}) == {}
