"""Team views: a supervisor saves a worklist view for the practice's team; the team sees it,
only supervisors save or delete, and only filters the worklist knows are stored."""

from __future__ import annotations

import re

import factories
from sqlmodel import Session, select

from denialdesk.store.db import session_scope
from denialdesk.store.models import TeamView

SAVE = '<details class="save-view">'


def save(client, fields: dict):
    """Post the save form (redirects followed, as the browser does)."""
    return client.post("/worklist/views", data=fields, follow_redirects=True)


def views_nav(html: str) -> str:
    match = re.search(r'<nav aria-label="Team views">(.*?)</nav>', html, re.S)
    assert match, "no team views strip"
    return match.group(1)


def test_a_supervisor_saves_a_view_the_specialist_then_opens(client, make_user, log_in,
                                                            csrf_from, engine):  # fmt: skip
    make_user("sam")
    log_in(client, make_user("sue", role="supervisor"))
    page = client.get("/worklist?tab=open&category=coding&sort=amount").text
    assert SAVE in page
    # The form carries the view as shown (the results swaps keep it current out of band).
    assert (
        'name="view" form="save-view-form" value="tab=open&amp;category=coding&amp;sort=amount"'
        in page
    )
    response = save(
        client,
        {
            "csrf_token": csrf_from(page),
            "name": "  Coding   fixes ",
            "practice": "riverbend",
            # A stale or hand-made value: unknown keys and a cursor are not kept.
            "view": "tab=open&category=coding&sort=amount&cursor=abc&evil=1",
        },
    )
    assert "Saved team view “Coding fixes” for Riverbend Psychiatry." in response.text
    with Session(engine) as session:
        saved = session.exec(select(TeamView)).one()
        assert (saved.name, saved.query) == ("Coding fixes", "tab=open&category=coding&sort=amount")
    # Saving again under the name replaces it.
    save(
        client,
        {
            "csrf_token": csrf_from(page),
            "name": "Coding fixes",
            "practice": "riverbend",
            "view": "tab=unassigned",
        },
    )
    with Session(engine) as session:
        assert [v.query for v in session.exec(select(TeamView))] == ["tab=unassigned"]
    client.post("/logout", data={"csrf_token": csrf_from(page)})
    log_in(client, "sam")
    page = client.get("/worklist").text
    strip = views_nav(page)
    assert (
        '<a href="/worklist?tab=unassigned" title="Saved for Riverbend Psychiatry">Coding fixes</a>'
        in strip
    )
    assert "Delete team view" not in strip and SAVE not in page
    # A specialist cannot delete it, nor save one.
    view_id = saved.id
    refused = client.post(f"/worklist/views/{view_id}/delete", data={"csrf_token": csrf_from(page)})
    assert refused.status_code == 403
    refused = save(
        client, {"csrf_token": csrf_from(page), "name": "Mine", "practice": "riverbend", "view": ""}
    )
    assert refused.status_code == 403
    with Session(engine) as session:
        assert len(session.exec(select(TeamView)).all()) == 1


def test_views_of_other_practices_are_neither_seen_nor_deleted(client, make_user, log_in,
                                                               csrf_from, engine):  # fmt: skip
    with session_scope(engine) as session:
        factories.practice(session, slug="lakeside", legal_name="Lakeside Therapy")
    log_in(client, make_user("lee", role="supervisor", practices=("lakeside",)))
    page = client.get("/worklist").text
    save(
        client,
        {
            "csrf_token": csrf_from(page),
            "name": "Lakeside only",
            "practice": "lakeside",
            "view": "tab=open",
        },
    )
    client.post("/logout", data={"csrf_token": csrf_from(page)})
    log_in(client, make_user("sue", role="supervisor"))
    page = client.get("/worklist").text
    assert "Lakeside only" not in page and "none yet" in views_nav(page)
    with Session(engine) as session:
        view_id = session.exec(select(TeamView)).one().id
    gone = client.post(
        f"/worklist/views/{view_id}/delete", data={"csrf_token": csrf_from(page)},
        follow_redirects=True,
    )  # fmt: skip
    assert "Nothing was deleted: not found" in gone.text
    # Nor saved there: the practice is not the supervisor's.
    saved = save(
        client,
        {
            "csrf_token": csrf_from(page),
            "name": "Sneaky",
            "practice": "lakeside",
            "view": "tab=open",
        },
    )
    assert "The view was not saved: not found" in saved.text
    with Session(engine) as session:
        assert [v.name for v in session.exec(select(TeamView))] == ["Lakeside only"]


def test_a_nameless_view_is_refused_and_a_supervisor_deletes_one(client, make_user, log_in,
                                                                csrf_from):  # fmt: skip
    log_in(client, make_user("sue", role="supervisor"))
    page = client.get("/worklist?tab=pended").text
    token = csrf_from(page)
    refused = save(
        client, {"csrf_token": token, "name": "   ", "practice": "riverbend", "view": "tab=pended"}
    )
    assert "The view was not saved: name: give the view a name" in refused.text
    save(
        client,
        {"csrf_token": token, "name": "Pended", "practice": "riverbend", "view": "tab=pended"},
    )
    page = client.get("/worklist").text
    match = re.search(r'action="/worklist/views/(\d+)/delete"', page)
    assert match and 'aria-label="Delete team view Pended"' in page
    done = client.post(
        f"/worklist/views/{match.group(1)}/delete",
        data={"csrf_token": token},
        follow_redirects=True,
    )
    assert "Deleted team view “Pended”." in done.text
    assert "none yet" in views_nav(done.text)
    bad = client.post(
        "/worklist/views/abc/delete", data={"csrf_token": token}, follow_redirects=True
    )
    assert "no such team view" in bad.text


def test_a_results_swap_keeps_the_saved_query_current(client, make_user, log_in):
    log_in(client, make_user("sue", role="supervisor"))
    fragment = client.get(
        "/worklist?tab=done&kind=send_appeal", headers={"HX-Request": "true"}
    ).text
    assert re.search(
        r'<span id="view-query-field" hx-swap-oob="true"><input type="hidden" name="view"'
        r' form="save-view-form" value="tab=done&amp;kind=send_appeal"></span>',
        fragment,
    )
