"""Control counters on SQLite and PostgreSQL: never the same number twice, even when many
threads (each its own connection and transaction) draw at once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlmodel import Session

from denialdesk.store.control_numbers import (
    MAX_CONTROL,
    ControlNumbersExhausted,
    next_control,
    reserve_controls,
)
from denialdesk.store.db import session_scope
from denialdesk.store.models import ControlCounter

THREADS, DRAWS = 8, 25


def test_counters_start_at_one_and_are_independent(engine):
    with session_scope(engine) as session:
        assert [next_control(session, "ISA13") for _ in range(3)] == [1, 2, 3]
        assert next_control(session, "GS06") == 1
    with session_scope(engine) as session:
        assert next_control(session, "ISA13") == 4
        assert session.get(ControlCounter, "GS06").value == 1


def test_a_rolled_back_draw_is_not_kept(engine):
    with session_scope(engine) as session:
        next_control(session, "ISA13")
    with Session(engine) as session:
        assert next_control(session, "ISA13") == 2
        session.rollback()  # nothing left under number 2, so handing it out again is safe
    with session_scope(engine) as session:
        assert next_control(session, "ISA13") == 2


def test_a_reserved_block_is_skipped_by_later_draws(engine):
    with session_scope(engine) as session:
        assert reserve_controls(session, "CLM01", 500) == 1  # a new counter: 1 … 500
        assert next_control(session, "CLM01") == 501
        assert reserve_controls(session, "CLM01", 3) == 502
    with session_scope(engine) as session:
        assert session.get(ControlCounter, "CLM01").value == 504
        with pytest.raises(ValueError):
            reserve_controls(session, "CLM01", 0)
        session.get(ControlCounter, "CLM01").value = MAX_CONTROL - 2
        session.flush()
        with pytest.raises(ControlNumbersExhausted):
            reserve_controls(session, "CLM01", 3)


def test_concurrent_draws_never_repeat(engine):
    def draw(_: int) -> list[int]:
        drawn = []
        for _ in range(DRAWS):
            # One transaction per draw, as a sender does; some do other work after drawing.
            with session_scope(engine) as session:
                drawn.append(next_control(session, "ISA13"))
        return drawn

    with ThreadPoolExecutor(THREADS) as pool:
        results = [n for batch in pool.map(draw, range(THREADS)) for n in batch]
    assert len(results) == THREADS * DRAWS
    assert sorted(results) == list(range(1, THREADS * DRAWS + 1))
    for batch_start in range(0, len(results), DRAWS):  # each thread saw its own numbers rise
        batch = results[batch_start : batch_start + DRAWS]
        assert batch == sorted(batch)


def test_concurrent_first_draws_of_a_new_counter(engine):
    # The row does not exist yet: every thread races to insert it.
    def first(_: int) -> int:
        with session_scope(engine) as session:
            return next_control(session, "fresh")

    with ThreadPoolExecutor(THREADS) as pool:
        values = list(pool.map(first, range(THREADS)))
    assert sorted(values) == list(range(1, THREADS + 1))
