"""The task page: facts, lines, timeline and notes, take and give back, and every refusal shown
on the page (stale version, bad decision values, workflows unreachable) instead of a crash."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import factories
import pytest
import work_data
from fake_temporal import FakeTemporal
from remit_builder import RemitClaim, build_835
from sqlmodel import Session, select

from denialdesk.domain.x12.remit import parse_835
from denialdesk.store.db import session_scope
from denialdesk.store.models import (
    Authorization,
    ClaimDiagnosis,
    ClaimEvent,
    ClaimVersion,
    Practice,
    ScheduledVisit,
    ServiceLine,
    Task,
)
from denialdesk.store.remittances import import_remittance
from denialdesk.store.types import utcnow


@pytest.fixture
def worked(logged_in, engine, practice):
    with session_scope(engine) as session:
        river = session.get(Practice, practice.id)
        where = work_data.parties(session, river)
        claim = work_data.claim(session, where, control_number="DD0000000555",
                                payer_claim_number="PCN-9")  # fmt: skip
        version = ClaimVersion(claim_id=claim.id, version=1, total_charge=Decimal("180.00"))
        session.add(version)
        session.flush()
        session.add(ServiceLine(claim_version_id=version.id, line_number=1,
                                service_date=date(2026, 3, 2), code="90837", modifiers=["95"],
                                charge=Decimal("180.00"), place_of_service="02",
                                dx_pointers=[1]))  # fmt: skip
        session.add(ClaimEvent(claim_id=claim.id, kind="denied", detail="CO-197 N54"))
        task = work_data.task(session, river, claim_id=claim.id, amount=Decimal("180.00"),
                              recommended_action="obtain_retro_authorization",
                              priority_reason="$180 · 20 days left")  # fmt: skip
        other = work_data.parties(session, factories.practice(session, slug="elsewhere"))
        hidden = work_data.task(session, other.practice)
        return {"task": task.id, "hidden": hidden.id}


def test_the_page_names_what_to_do_and_the_claim(logged_in, worked):
    html = logged_in.get(f"/tasks/{worked['task']}").text
    expected = ("DD0000000555", "PCN-9", "obtain retro authorization", "$180.00",
                "$180 · 20 days left", "90837", "CO-197 N54", "unassigned", "Take it")  # fmt: skip
    for text in expected:
        assert text in html, text
    for action in ("resubmit", "appeal", "write off", "bill patient", "reroute"):
        assert f"> {action}</label>" in html


def test_another_practices_task_is_not_shown(logged_in, worked):
    response = logged_in.get(f"/tasks/{worked['hidden']}")
    assert response.status_code == 404 and "cannot be shown" in response.text  # not told apart
    assert logged_in.get("/tasks/999999").status_code == 404


def test_a_note_lands_on_the_timeline_through_htmx(logged_in, worked, csrf_from):
    token = csrf_from(logged_in.get(f"/tasks/{worked['task']}").text)
    part = logged_in.post(
        f"/tasks/{worked['task']}/notes",
        data={"csrf_token": token, "text": "Called the payer, ref 12"},
        headers={"HX-Request": "true"},
    ).text
    assert part.strip().startswith('<div id="timeline">') and "<html" not in part
    assert "Called the payer, ref 12" in part and "sam" in part
    empty = logged_in.post(
        f"/tasks/{worked['task']}/notes", data={"csrf_token": token, "text": " "}
    )
    assert empty.status_code == 422 and "A note needs 1 to 4,000 characters." in empty.text


def test_take_then_a_stale_form_says_the_task_changed(logged_in, worked, csrf_from, engine):
    page = logged_in.get(f"/tasks/{worked['task']}").text
    token = csrf_from(page)
    taken = logged_in.post(f"/tasks/{worked['task']}/take",
                           data={"csrf_token": token, "version": "1"})  # fmt: skip
    assert "The task is yours." in taken.text and "Give back to the queue" in taken.text
    with Session(engine) as session:
        assert session.get(Task, worked["task"]).version == 2
    stale = logged_in.post(f"/tasks/{worked['task']}/release",
                           data={"csrf_token": token, "version": "1"})  # fmt: skip
    assert stale.status_code == 409
    assert "This task changed while you had it open" in stale.text


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"action": "write_off", "reason": ""}, "write_off.reason"),
        ({"action": "appeal", "level": "1"}, "give either letter_id or no_letter_reason"),
        ({"action": "bill_patient", "amount": "lots"}, "amount: not an amount"),
        ({"action": "launch"}, "action:"),
    ],
)
def test_bad_decisions_are_named_on_the_page(logged_in, worked, csrf_from, fields, message):
    token = csrf_from(logged_in.get(f"/tasks/{worked['task']}").text)
    response = logged_in.post(
        f"/tasks/{worked['task']}/decision", data={"csrf_token": token, "version": "1", **fields}
    )
    assert response.status_code == 422
    assert message in response.text and 'role="alert"' in response.text


def test_a_decision_without_workflows_is_a_message_not_a_crash(logged_in, worked, csrf_from):
    token = csrf_from(logged_in.get(f"/tasks/{worked['task']}").text)
    logged_in.post(f"/tasks/{worked['task']}/take", data={"csrf_token": token, "version": "1"})
    response = logged_in.post(
        f"/tasks/{worked['task']}/decision",
        data={"csrf_token": token, "version": "2", "action": "bill_patient"},
    )
    assert response.status_code == 503 and "workflows unavailable" in response.text


def test_a_write_off_above_the_threshold_is_refused_for_a_specialist(logged_in, worked, csrf_from):
    token = csrf_from(logged_in.get(f"/tasks/{worked['task']}").text)
    logged_in.post(f"/tasks/{worked['task']}/take", data={"csrf_token": token, "version": "1"})
    response = logged_in.post(
        f"/tasks/{worked['task']}/decision",
        data={"csrf_token": token, "version": "2", "action": "write_off", "reason": "too small"},
    )
    assert response.status_code == 403 and 'role="alert"' in response.text


@pytest.fixture
def renewal(logged_in, engine, practice):
    today = utcnow().date()
    with session_scope(engine) as session:
        river = session.get(Practice, practice.id)
        where = work_data.parties(session, river)
        auth = Authorization(practice_id=river.id, coverage_id=where.coverage_id, number="AUTH-42",
                             codes=["90837"], approved=12, start_date=today,
                             end_date=today + timedelta(days=20))  # fmt: skip
        session.add(auth)
        session.flush()
        task = work_data.task(session, river, kind="renew_authorization", category=None,
                              authorization_id=auth.id, workflow_id=f"auth-{auth.id}")  # fmt: skip
        return task.id


def test_a_renewal_task_shows_the_burn_down_and_takes_the_new_dates(logged_in, renewal, csrf_from,
                                                                    engine):  # fmt: skip
    html = logged_in.get(f"/tasks/{renewal}").text
    assert "Authorization AUTH-42" in html and "12 approved · 0 used · 0 scheduled" in html
    assert "12 left" in html and "Record the renewal" in html
    token = csrf_from(html)
    empty = logged_in.post(f"/tasks/{renewal}/extend", data={"csrf_token": token})
    assert empty.status_code == 422 and "the new end date, the new approved total" in empty.text
    bad = logged_in.post(f"/tasks/{renewal}/extend", data={"csrf_token": token, "approved": "0"})
    assert bad.status_code == 422 and "approved" in bad.text
    # Workflows unreachable: said on the page, and nothing stored half-way.
    later = (utcnow().date() + timedelta(days=200)).isoformat()
    fields = {"csrf_token": token, "end_date": later, "approved": "24"}
    down = logged_in.post(f"/tasks/{renewal}/extend", data=fields)
    assert down.status_code == 503 and "workflows unavailable" in down.text
    with Session(engine) as session:
        row = session.exec(select(Authorization)).one()
        assert (row.approved, row.end_date) == (12, utcnow().date() + timedelta(days=20))


def test_an_authorization_denial_records_the_retro_authorization_and_attaches_it(
    logged_in, worked, csrf_from, engine
):
    task_id = worked["task"]
    html = logged_in.get(f"/tasks/{task_id}").text
    assert "Record the authorization" in html
    # Prefilled from the claim: its codes and first date of service.
    assert 'name="codes" required maxlength="200" value="90837"' in html
    assert 'name="start_date" required value="2026-03-02"' in html
    token = csrf_from(html)
    fields = {"csrf_token": token, "number": "RETRO-7", "codes": "90837", "unit_type": "visits",
              "approved": "10", "start_date": "2026-03-01", "end_date": "2026-06-30"}  # fmt: skip
    # Workflows unreachable, or a bad value: said on the page, nothing stored.
    down = logged_in.post(f"/tasks/{task_id}/authorization", data=fields)
    assert down.status_code == 503 and "workflows unavailable" in down.text
    logged_in.app.state.temporal = temporal = FakeTemporal()
    bad = logged_in.post(
        f"/tasks/{task_id}/authorization", data=fields | {"end_date": "2026-02-01"}
    )
    assert bad.status_code == 422 and 'role="alert"' in bad.text
    # The claim's version cannot be copied (no diagnosis): the authorization is not kept either.
    broken = logged_in.post(f"/tasks/{task_id}/authorization", data=fields)
    assert broken.status_code == 422 and "dx_pointers" in broken.text
    with Session(engine) as session:
        assert session.exec(select(Authorization)).all() == []
        version = session.exec(select(ClaimVersion)).one()
        session.add(ClaimDiagnosis(claim_version_id=version.id, position=1, code="F33.1"))
        session.commit()
    done = logged_in.post(f"/tasks/{task_id}/authorization", data=fields, follow_redirects=True)
    assert "Authorization recorded and attached to the claim as a new version" in done.text
    with Session(engine) as session:
        auth = session.exec(select(Authorization)).one()
        assert (auth.number, auth.codes, auth.approved) == ("RETRO-7", ["90837"], 10)
        task = session.get(Task, task_id)
        versions = session.exec(
            select(ClaimVersion).where(ClaimVersion.claim_id == task.claim_id)
        ).all()
        assert [v.authorization_id for v in versions][-1] == auth.id
    # The authorization's workflow started, the claim's workflow heard of the new version.
    assert any(wid.startswith("auth-") for _, _, wid, *_ in temporal.started)
    assert [name for _, name, _, _ in temporal.updates] == ["correct"]


def test_a_renewal_task_has_no_record_form_and_a_claimless_post_is_refused(logged_in, renewal,
                                                                          csrf_from):  # fmt: skip
    html = logged_in.get(f"/tasks/{renewal}").text
    assert "Record the authorization" not in html
    logged_in.app.state.temporal = FakeTemporal()
    refused = logged_in.post(
        f"/tasks/{renewal}/authorization", data={"csrf_token": csrf_from(html), "number": "X"}
    )
    assert refused.status_code == 422
    assert "this task does not wait for an authorization" in refused.text


def test_a_renewal_task_records_the_next_authorization_and_moves_the_later_visits(
    logged_in, renewal, csrf_from, engine, practice
):
    today = utcnow().date()
    with session_scope(engine) as session:
        old = session.exec(select(Authorization)).one()
        for days in (5, 25):  # one visit before the old end date (day 20), one after
            session.add(ScheduledVisit(authorization_id=old.id, visit_date=today + timedelta(days)))
    html = logged_in.get(f"/tasks/{renewal}").text
    assert "Record the new authorization" in html
    # Prefilled from the old one: its codes, unit type, and the day after it ends.
    next_day = (today + timedelta(days=21)).isoformat()
    assert 'name="codes" required maxlength="200" value="90837"' in html
    assert f'name="start_date" required value="{next_day}"' in html
    fields = {"csrf_token": csrf_from(html), "number": "AUTH-43", "codes": "90837",
              "unit_type": "visits", "approved": "12", "start_date": next_day,
              "end_date": (today + timedelta(days=200)).isoformat()}  # fmt: skip
    down = logged_in.post(f"/tasks/{renewal}/renewal", data=fields)
    assert down.status_code == 503 and "workflows unavailable" in down.text
    logged_in.app.state.temporal = temporal = FakeTemporal()
    early = logged_in.post(f"/tasks/{renewal}/renewal", data=fields | {"start_date": today})
    assert early.status_code == 422 and "must be after" in early.text
    with Session(engine) as session:
        assert len(session.exec(select(Authorization)).all()) == 1  # nothing stored
    done = logged_in.post(f"/tasks/{renewal}/renewal", data=fields, follow_redirects=True)
    assert "New authorization recorded" in done.text
    # Sent again (say the workflow was not reached): the same authorization, not a second one.
    again = logged_in.post(f"/tasks/{renewal}/renewal", data=fields, follow_redirects=False)
    assert again.status_code == 303
    with Session(engine) as session:
        old_row, new = session.exec(select(Authorization).order_by(Authorization.id)).all()
        assert (new.number, new.coverage_id, new.approved) == ("AUTH-43", old_row.coverage_id, 12)
        visits = session.exec(select(ScheduledVisit).order_by(ScheduledVisit.visit_date)).all()
        assert [v.authorization_id for v in visits] == [old_row.id, new.id]
        assert (old_row.scheduled, new.scheduled) == (1, 1)
    slug = practice.slug
    assert [wid for _, _, wid, *_ in temporal.started] == [f"auth-{slug}-{new.id}"] * 2
    assert [(wid, name, arg.authorization_id) for wid, name, arg, _ in temporal.updates] == [
        (f"auth-{slug}-{old_row.id}", "renewed", new.id)
    ] * 2


def test_only_a_renewal_task_records_a_next_authorization(logged_in, worked, csrf_from):
    html = logged_in.get(f"/tasks/{worked['task']}").text
    assert "Record the new authorization" not in html
    logged_in.app.state.temporal = FakeTemporal()
    refused = logged_in.post(
        f"/tasks/{worked['task']}/renewal", data={"csrf_token": csrf_from(html), "number": "X"}
    )
    assert refused.status_code == 422 and "this task renews no authorization" in refused.text


def test_each_claim_line_shows_what_was_posted_to_it(logged_in, worked, engine):
    html = logged_in.get(f"/tasks/{worked['task']}").text
    assert '<th scope="col" class="num">Paid</th>' in html and '<td class="num">—</td>' in html
    denial = RemitClaim("DD0000000555", Decimal("180"), Decimal("0"), "PCN-9", date(2026, 3, 2),
                        status="4", lines=["SVC*HC:90837:95*180*0**1", "CAS*CO*197*180",
                                           "REF*6R*1"])  # fmt: skip
    with session_scope(engine) as session:
        import_remittance(
            session, remit=parse_835(build_835([denial], trace="T-9", paid_on=date(2026, 4, 1))),
            practice_ids=None, user_id=None, workflow_id=lambda slug, claim_id: "wf",
        )  # fmt: skip
    html = logged_in.get(f"/tasks/{worked['task']}").text
    assert '<td class="num">$180.00</td>\n          <td class="num">$0.00</td>' in html
