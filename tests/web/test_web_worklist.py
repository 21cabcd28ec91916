"""The worklist page over task rows: tabs with counts, filters in the URL, paging, Next task."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import factories
import pytest
import work_data
from sqlalchemy import event
from sqlmodel import Session, select

from denialdesk.store.db import session_scope
from denialdesk.store.models import Authorization, Payer, Practice, Task, User
from denialdesk.store.types import utcnow

ROW = re.compile(r'<tr id="task-(\d+)"')
HTMX = {"HX-Request": "true"}


def shown(html: str) -> list[int]:
    return [int(n) for n in ROW.findall(html)]


def count(html: str, tab: str) -> int:
    match = re.search(rf'id="tab-{tab}".*?data-count="(\d+)"', html, re.S)
    assert match, f"no count on tab {tab}"
    return int(match.group(1))


@pytest.fixture
def desk(logged_in, engine, practice):
    """Tasks of Riverbend (two payers) and one of another practice sam cannot see."""
    today = utcnow().date()
    with session_scope(engine) as session:
        sam = session.exec(select(User).where(User.username == "sam")).one()
        river = session.get(Practice, practice.id)
        first = work_data.parties(session, river)
        other_payer = factories.payer(session, river, name="Zenith Health")
        a = work_data.claim(session, first, control_number="DD0000000101")
        b = work_data.claim(session, first, control_number="DD0000000102",
                            payer_id=other_payer.id, payer_claim_number="ZEN-77")  # fmt: skip
        ids = {
            "big": work_data.task(
                session,
                river,
                claim_id=a.id,
                amount=Decimal("900.00"),
                priority=90,
                priority_reason="$900 · 5 days left",
                due_at=today + timedelta(days=5),
            ).id,  # fmt: skip
            "small": work_data.task(
                session,
                river,
                claim_id=b.id,
                amount=Decimal("40.00"),
                category="coding",
                priority=10,
                due_at=today - timedelta(days=2),
            ).id,  # fmt: skip
            "mine": work_data.task(
                session,
                river,
                claim_id=a.id,
                assignee_id=sam.id,
                priority=50,
                category="eligibility",
            ).id,  # fmt: skip
            "pended": work_data.task(session, river, claim_id=a.id, status="pended").id,
        }
        elsewhere = work_data.parties(session, factories.practice(session, slug="elsewhere"))
        hidden = work_data.claim(session, elsewhere, control_number="DD0000000999")
        ids["hidden"] = work_data.task(
            session, elsewhere.practice, claim_id=hidden.id, priority=99
        ).id
    return ids


def test_rows_name_the_claim_payer_category_amount_deadline_and_why(logged_in, desk):
    html = logged_in.get("/worklist?tab=open").text
    assert shown(html) == [desk["big"], desk["mine"], desk["small"]]  # by priority
    assert desk["hidden"] not in shown(html)  # another practice's task
    big = html[html.index(f'id="task-{desk["big"]}"') :]
    big = big[: big.index("</tr>")]
    for text in ("DD0000000101", "$900.00", "5 days left", "$900 · 5 days left", "authorization"):
        assert text in big
    assert "Zenith Health" in html and "2 days overdue" in html
    assert (count(html, "mine"), count(html, "unassigned"), count(html, "open")) == (1, 2, 3)
    assert (count(html, "pended"), count(html, "done")) == (1, 0)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("category=coding", ["small"]),
        ("q=zen-7", ["small"]),  # the payer's claim number, any case
        ("q=DD0000000101", ["big", "mine"]),
        ("amount_min=100&amount_max=1000", ["big", "mine"]),
        ("sort=amount", ["big", "mine", "small"]),
        ("sort=due", ["small", "big", "mine"]),  # no due date last
        ("assignee=sam", ["mine"]),
        ("assignee=none", ["big", "small"]),
    ],
)
def test_filters_and_sort_live_in_the_url(logged_in, desk, query, expected):
    html = logged_in.get(f"/worklist?tab=open&{query}").text
    assert shown(html) == [desk[name] for name in expected]
    # The tabs keep the filters: a link reproduces the view.
    assert re.search(r'id="tab-done" href="/worklist\?tab=done&amp;[^"]*"', html)


def test_due_before_and_payer(logged_in, desk, engine):
    today = utcnow().date()
    html = logged_in.get(f"/worklist?tab=open&due_before={today.isoformat()}").text
    assert shown(html) == [desk["small"]]
    with Session(engine) as session:
        payer_id = session.get(Task, desk["small"]).claim_id
    assert payer_id  # the claim exists; its payer is Zenith
    zenith = re.search(r'<option value="(\d+)" >Zenith Health', html)
    assert zenith
    html = logged_in.get(f"/worklist?tab=open&payer={zenith.group(1)}").text
    assert shown(html) == [desk["small"]]


def test_bad_values_are_named_and_dropped_not_a_crash(logged_in, desk):
    response = logged_in.get("/worklist?tab=open&due_before=someday&amount_min=lots&kind=nope")
    assert response.status_code == 200
    html = response.text
    assert "due before: &#39;someday&#39; is not a date" in html
    assert "amount min: &#39;lots&#39; is not an amount" in html
    assert "kind: no such kind &#39;nope&#39;" in html
    assert len(shown(html)) == 3  # the rest of the view still shows
    response = logged_in.get("/worklist?tab=open&practice=elsewhere")
    assert response.status_code == 200 and "practice:" in response.text
    assert logged_in.get("/worklist?cursor=garbage").status_code == 200


def test_paging_appends_rows_through_htmx(logged_in, desk, engine, practice):
    with session_scope(engine) as session:
        river = session.get(Practice, practice.id)
        for n in range(60):
            work_data.task(session, river, priority=1 + n / 100)
    html = logged_in.get("/worklist?tab=unassigned").text
    first = shown(html)
    assert len(first) == 50
    more = (
        re.search(r'hx-get="(/worklist\?[^"]+cursor=[^"]+)"', html).group(1).replace("&amp;", "&")
    )
    part = logged_in.get(more, headers={"HX-Request": "true"}).text
    rest = shown(part)
    assert "<thead" not in part and len(rest) == 62 - 50
    assert not set(first) & set(rest)


def test_next_task_takes_the_top_unassigned_one_and_opens_it(logged_in, desk, csrf_from, engine):
    page = logged_in.get("/worklist").text
    token = csrf_from(page)
    response = logged_in.post("/worklist/next", data={"csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/tasks/{desk['big']}"
    with Session(engine) as session:
        assert session.get(Task, desk["big"]).assignee_id is not None
    assert f"work denial task {desk['big']} taken" in logged_in.get(f"/tasks/{desk['big']}").text
    logged_in.post("/worklist/next", data={"csrf_token": token}, follow_redirects=False)
    last = logged_in.post("/worklist/next", data={"csrf_token": token}, follow_redirects=False)
    assert last.headers["location"] == "/worklist?tab=unassigned&notice=none-left"
    assert (
        "No unassigned tasks in your queues — nice work."
        in logged_in.get(last.headers["location"]).text
    )


def test_a_supervisor_hands_three_tasks_to_a_specialist(client, make_user, log_in, engine,
                                                        practice, csrf_from):  # fmt: skip
    make_user("kim")
    log_in(client, make_user("sue", role="supervisor"))
    with session_scope(engine) as session:
        river = session.get(Practice, practice.id)
        claim = work_data.claim(session, work_data.parties(session, river))
        ids = [work_data.task(session, river, priority=10 - n, claim_id=claim.id).id
               for n in range(4)]  # fmt: skip
    page = client.get("/worklist?tab=unassigned").text
    assert 'id="bulk"' in page and '<option value="kim">kim</option>' in page
    chosen = ids[:3]
    response = client.post(
        "/worklist/assign",
        data={
            "csrf_token": csrf_from(page),
            "task": [str(i) for i in chosen],
            "assignee": "kim",
            "back": "/worklist?tab=unassigned",
        },  # fmt: skip
        follow_redirects=True,
    )
    assert "3 tasks assigned to kim." in response.text
    assert shown(response.text) == [ids[3]]  # the rest is still unassigned
    with Session(engine) as session:
        assert [session.get(Task, i).assignee_id is not None for i in ids] == [True] * 3 + [False]
    # Audited on the claim's timeline, with who did it.
    timeline = client.get(f"/tasks/{ids[0]}").text
    assert f"work denial task {ids[0]} assigned to kim" in timeline
    assert '<span class="actor">sue</span>' in timeline
    client.post("/logout", data={"csrf_token": csrf_from(page)})
    log_in(client, "kim")
    assert shown(client.get("/worklist?tab=mine").text) == chosen


def test_a_specialist_has_no_reassign_control_and_is_refused(logged_in, desk, csrf_from):
    page = logged_in.get("/worklist?tab=open").text
    assert 'id="bulk"' not in page and 'name="task"' not in page
    response = logged_in.post(
        "/worklist/assign",
        data={"csrf_token": csrf_from(page), "task": [str(desk["big"])], "assignee": "sam"},
    )
    assert response.status_code == 403 and "Only supervisors reassign tasks." in response.text


def test_a_tab_count_past_the_cap_says_so(logged_in, desk, monkeypatch):
    from denialdesk.web import worklist

    monkeypatch.setattr(worklist, "COUNT_CAP", 2)
    html = logged_in.get("/worklist?tab=open").text
    assert re.search(r'id="tab-open".*?data-count="3">2\+</span>', html, re.S)
    assert re.search(r'id="tab-mine".*?data-count="1">1</span>', html, re.S)


def test_a_page_reads_its_rows_and_their_labels_in_a_fixed_number_of_statements(
    logged_in, desk, engine, practice
):
    """More rows never mean more statements (no query per row), and each row names its claim,
    its payer (an authorization's task: its coverage's payer) and its assignee."""
    statements: list[str] = []

    def seen(*args) -> None:
        statements.append(args[2])

    def statements_of(url: str, **headers) -> int:
        statements.clear()
        event.listen(engine, "before_cursor_execute", seen)
        try:
            assert logged_in.get(url, headers=headers).status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", seen)
        return len(statements)

    few = statements_of("/worklist?tab=open"), statements_of("/worklist?tab=open", **HTMX)
    today = utcnow().date()
    with session_scope(engine) as session:
        river = session.get(Practice, practice.id)
        sam = session.exec(select(User).where(User.username == "sam")).one()
        where = work_data.parties(session, river)
        session.get(Payer, where.payer_id).name = "Northwind Mental Health"
        auth = Authorization(practice_id=river.id, coverage_id=where.coverage_id, number="A1",
                             codes=["90837"], approved=10, start_date=today,
                             end_date=today + timedelta(days=30))  # fmt: skip
        session.add(auth)
        session.flush()
        renewal = work_data.task(
            session, river, kind="renew_authorization", category=None,
            authorization_id=auth.id, assignee_id=sam.id, priority=95,
        ).id  # fmt: skip
        for n in range(20):
            claim = work_data.claim(session, where, control_number=f"DD00000002{n:02d}")
            work_data.task(session, river, claim_id=claim.id, priority=5)
    many = statements_of("/worklist?tab=open"), statements_of("/worklist?tab=open", **HTMX)
    assert many == few
    html = logged_in.get("/worklist?tab=open").text
    assert len(shown(html)) == 24
    row = html[html.index(f'id="task-{renewal}"') :]
    row = row[: row.index("</tr>")]
    assert "Northwind Mental Health" in row and ">sam<" in row
    assert "DD0000000219" in html
