"""The board's grouped counts and hand-back, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import factories
import work_data
from sqlmodel import Session

from denialdesk.store import task_board
from denialdesk.store.models import Task

TODAY = date(2026, 6, 1)


def test_loads_per_person_and_queue_and_hand_back(engine):
    with Session(engine) as session:
        practice = factories.practice(session)
        other = factories.practice(session)
        kim_id = factories.user(session, role="specialist", practices=[practice, other]).id
        queue = work_data.queue(session, practice, default=True)
        rows = [
            # (assignee, status, due, amount, queue)
            (kim_id, "open", TODAY - timedelta(days=1), "300.00", queue.id),
            (kim_id, "open", TODAY + timedelta(days=7), "200.00", queue.id),
            (kim_id, "open", None, "100.50", None),
            (kim_id, "pended", TODAY - timedelta(days=9), "50.00", queue.id),
            (kim_id, "done", TODAY - timedelta(days=9), "70.00", queue.id),
            (None, "open", TODAY, "10.00", queue.id),
        ]
        for assignee, status, due, amount, queue_id in rows:
            work_data.task(session, practice, assignee_id=assignee, status=status, due_at=due,
                           amount=Decimal(amount), queue_id=queue_id)  # fmt: skip
        work_data.task(session, other, assignee_id=kim_id, amount=Decimal("999.00"))
        session.commit()
        scope = {"practice_ids": [practice.id], "today": TODAY, "soon": TODAY + timedelta(7)}
        people = {load.key: load for load in task_board.loads(session, by="person", **scope)}
        assert (people[kim_id].open, people[kim_id].pended) == (3, 1)
        assert (people[kim_id].overdue, people[kim_id].due_soon) == (1, 1)
        assert people[kim_id].amount == Decimal("600.50")
        assert (people[None].open, people[None].unassigned, people[None].due_soon) == (1, 1, 1)
        queues = {load.key: load for load in task_board.loads(session, by="queue", **scope)}
        assert (queues[queue.id].open, queues[queue.id].unassigned) == (3, 1)
        assert queues[None].open == 1 and queues[None].practice_id == practice.id

        handed = task_board.hand_back(session, assignee_id=kim_id, practice_ids=[practice.id])
        session.commit()
        assert len(handed) == 4  # the done one and the other practice's stay
        assert all(session.get(Task, i).assignee_id is None for i in handed)
        assert all(session.get(Task, i).version == 2 for i in handed)  # from 1: seen as changed
        people = {load.key: load for load in task_board.loads(session, by="person", **scope)}
        assert kim_id not in people


def test_tasks_routed_to_no_queue_make_one_row_per_practice(engine):
    with Session(engine) as session:
        practices = [factories.practice(session) for _ in range(2)]
        for practice, n in zip(practices, (1, 2), strict=True):
            for _ in range(n):
                work_data.task(session, practice, due_at=TODAY)
        session.commit()
        ids = [p.id for p in practices]
        scope = {"practice_ids": ids, "today": TODAY, "soon": TODAY + timedelta(7)}
        rows = task_board.loads(session, by="queue", **scope)
        assert sorted((load.key, load.practice_id, load.open) for load in rows) == [
            (None, ids[0], 1),
            (None, ids[1], 2),
        ]
        people = task_board.loads(session, by="person", **scope)
        assert [(p.key, p.practice_id, p.open) for p in people] == [(None, None, 3)]
