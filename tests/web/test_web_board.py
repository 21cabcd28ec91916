"""The supervisor board: open work per person and per queue, overdue and due-soon counts,
hand back everything of a person who is out; specialists are refused."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import factories
import pytest
import work_data
from sqlmodel import Session, select

from denialdesk.store.db import session_scope
from denialdesk.store.models import ClaimEvent, Practice, Task, User
from denialdesk.store.types import utcnow


def figures(html: str, row_id: str) -> list[str]:
    """The numbers of one board row, in column order (open, overdue, due soon, pended, $)."""
    row = re.search(rf'<tr id="{row_id}">(.*?)</tr>', html, re.S)
    assert row, f"no row {row_id}"
    return re.findall(r'<td class="num[^"]*">([^<]*)</td>', row.group(1))


@pytest.fixture
def team(engine, practice, make_user):
    """kim holds four tasks of Riverbend (one overdue, one due in 3 days, one pended) and one
    of a practice sue does not manage; lee holds nothing; two tasks are unassigned."""
    with session_scope(engine) as session:
        factories.practice(session, slug="elsewhere-b")
    make_user("kim", practices=("riverbend", "elsewhere-b"))
    make_user("lee")
    today = utcnow().date()
    with session_scope(engine) as session:
        river = session.get(Practice, practice.id)
        kim = session.exec(select(User).where(User.username == "kim")).one()
        claim = work_data.claim(session, work_data.parties(session, river))
        queue = work_data.queue(session, river, default=True)
        ids = {}
        for name, fields in {
            "overdue": {"due_at": today - timedelta(days=2), "amount": Decimal("300.00")},
            "soon": {"due_at": today + timedelta(days=3), "amount": Decimal("200.00")},
            "later": {"due_at": today + timedelta(days=40), "amount": Decimal("100.00")},
            "pended": {"status": "pended", "amount": Decimal("50.00")},
        }.items():
            ids[name] = work_data.task(session, river, claim_id=claim.id, assignee_id=kim.id,
                                       queue_id=queue.id, **fields).id  # fmt: skip
        for n in range(2):
            work_data.task(session, river, claim_id=claim.id, queue_id=queue.id,
                           due_at=today - timedelta(days=n))  # fmt: skip
        other = session.exec(select(Practice).where(Practice.slug == "elsewhere-b")).one()
        ids["elsewhere"] = work_data.task(session, other, assignee_id=kim.id).id
        queue_name = queue.name
    return ids, queue_name


def test_the_board_counts_open_work_per_person_and_queue(client, make_user, log_in, team):
    ids, queue_name = team
    log_in(client, make_user("sue", role="supervisor"))
    response = client.get("/board")
    assert response.status_code == 200
    html = response.text
    # kim: three open (the pended one apart), one overdue, one due within 7 days, $600 open;
    # the task of a practice sue does not manage is not counted.
    assert figures(html, "person-kim") == ["3", "1", "1", "1", "$600.00"]
    assert figures(html, "person-lee") == ["0", "0", "0", "0", "$0.00"]
    assert 'href="/worklist?tab=open&amp;assignee=kim"' in html
    queue_link = rf'<a href="/worklist\?tab=open&amp;queue=(\d+)">{queue_name}</a>'
    queue_row = re.search(queue_link + r'\s*<div class="muted queue-practice">Riverbend Psy', html)
    assert queue_row
    assert "Unassigned: 2 open, 1 overdue" in html
    assert '<a href="/board">Board</a>' in html
    # The queue's link opens the worklist filtered to it.
    listed = client.get(f"/worklist?tab=open&queue={queue_row.group(1)}").text
    assert len(re.findall(r'<tr id="task-\d+"', listed)) == 5


def test_hand_back_all_of_a_person(client, make_user, log_in, team, engine, csrf_from):
    ids, _ = team
    log_in(client, make_user("sue", role="supervisor"))
    page = client.get("/board").text
    response = client.post(
        "/board/hand-back",
        data={"csrf_token": csrf_from(page), "username": "kim"},
        follow_redirects=True,
    )
    assert "4 tasks of kim back in the queue." in response.text
    assert figures(response.text, "person-kim") == ["0", "0", "0", "0", "$0.00"]
    with Session(engine) as session:
        mine = {name: session.get(Task, task_id) for name, task_id in ids.items()}
        assert all(mine[n].assignee_id is None for n in ("overdue", "soon", "later", "pended"))
        assert mine["pended"].status == "pended"  # set aside still, but nobody's
        assert mine["elsewhere"].assignee_id is not None  # not sue's to hand back
        events = session.exec(select(ClaimEvent).where(ClaimEvent.kind == "assigned")).all()
    assert len(events) == 4
    assert {e.detail for e in events} == {
        f"work denial task {ids[n]} given back to the queue"
        for n in ("overdue", "soon", "later", "pended")
    }


def test_a_specialist_has_no_board(logged_in, csrf_from, team):
    page = logged_in.get("/worklist").text
    assert 'href="/board"' not in page
    assert logged_in.get("/board").status_code == 403
    response = logged_in.post(
        "/board/hand-back", data={"csrf_token": csrf_from(page), "username": "kim"}
    )
    assert response.status_code == 403


def test_an_empty_board(client, make_user, log_in):
    log_in(client, make_user("sue", role="supervisor"))
    html = client.get("/board").text
    assert "No open tasks — nice work." in html
    assert figures(html, "person-sue") == ["0", "0", "0", "0", "$0.00"]
