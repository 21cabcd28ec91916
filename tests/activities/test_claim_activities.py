"""Scrub, submit and status activities over a real database (SQLite and PostgreSQL).

Activities are called as plain methods; one test goes through Temporal's ActivityEnvironment
to show the decorated names and the retry-stable event key work there too.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from claim_data import DOS, TODAY, line, new_claim, world
from sqlmodel import func, select
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment
from x12_check import pyx12_errors

from denialdesk.contracts import claim as contracts
from denialdesk.store.db import session_scope
from denialdesk.store.models import (
    AuthorizationUse,
    Claim,
    ClaimEvent,
    ControlCounter,
    Coverage,
    Submission,
)


def segments(interchange: str, tag: str) -> list[list[str]]:
    return [s.split("*") for s in interchange.split("~") if s.split("*")[0] == tag]


def make(engine, *lines, **changes):
    with session_scope(engine) as session:
        w = world(session)
        claim = new_claim(session, w, *lines, **changes)
        return w, claim


def scrub(acts, claim_id: int, version: int = 1) -> contracts.ScrubOutcome:
    return acts.scrub_claim(contracts.ScrubRequest(claim_id, version, TODAY.isoformat()))


def events(engine, claim_id: int) -> list[ClaimEvent]:
    with session_scope(engine) as session:
        query = select(ClaimEvent).where(ClaimEvent.claim_id == claim_id)
        return list(session.exec(query.order_by(ClaimEvent.id)))


# --- scrub ---------------------------------------------------------------------------------


def test_a_clean_claim_scrubs_clean_and_says_so_in_its_timeline(engine, acts):
    _, claim = make(engine)
    outcome = scrub(acts, claim.id)
    # The deadline clock's inputs: timely filing from the date of service, the payer's days.
    assert outcome == contracts.ScrubOutcome(
        blocking=0,
        warnings=0,
        finding_codes=[],
        timely_filing_on=(DOS + timedelta(days=365)).isoformat(),
        processing_days=30,
        charge="150.00",
    )
    (event,) = events(engine, claim.id)
    assert event.kind == "scrubbed"
    assert json.loads(event.detail)["findings"] == []


def test_blocking_findings_are_counted_without_patient_identifiers(engine, acts):
    w, claim = make(engine, line(minutes=20), diagnoses=["F32"])  # 20 min is not 90834
    outcome = scrub(acts, claim.id)
    assert outcome.blocking == 2 and outcome.authorization_problem is None
    assert outcome.finding_codes == ["diagnosis_not_billable", "psychotherapy_time_mismatch"]
    (event,) = events(engine, claim.id)
    detail = json.loads(event.detail)
    assert [f["code"] for f in detail["findings"]] == outcome.finding_codes
    assert all(f["message"] for f in detail["findings"])
    for identifier in (w.patient.last_name, w.coverage.member_id, "03/02/2026", "2026-03-02"):
        assert identifier not in event.detail


@pytest.mark.parametrize(
    ("authorization", "problem"),
    [
        ({}, "missing"),
        ({"end_date": date(2026, 2, 28)}, "expired"),
        ({"uses": 10}, "exhausted"),  # another claim drew all 10 approved visits
        ({"codes": ["90791"]}, "required"),
    ],
)
def test_authorization_problems_hold_for_an_authorization_not_a_correction(
    engine, acts, authorization, problem
):
    with session_scope(engine) as session:
        w = world(session)
        fields = dict(authorization)
        uses = fields.pop("uses", 0)
        for name, value in fields.items():
            setattr(w.authorization, name, value)
        session.add(w.authorization)
        attach = w.authorization.id if authorization else None
        if uses:  # the scrub counts use from the rows, as the store does
            other = new_claim(
                session, w, line("90837", minutes=55, service_date=DOS - timedelta(days=7))
            )
            session.add(
                AuthorizationUse(
                    authorization_id=attach,
                    claim_id=other.id,
                    service_date=DOS - timedelta(days=7),
                    units=uses,
                )
            )
        claim = new_claim(session, w, line("90837", minutes=55), authorization_id=attach)
    outcome = scrub(acts, claim.id)
    assert outcome.authorization_problem == problem
    assert outcome.blocking == 0  # nothing for a person to correct on the claim itself
    assert any(code.startswith("auth_") for code in outcome.finding_codes)


def test_scrub_through_temporal_names_the_activity_and_keys_the_event(engine, acts):
    _, claim = make(engine)
    assert acts.scrub_claim.__temporal_activity_definition.name == contracts.SCRUB_CLAIM
    request = contracts.ScrubRequest(claim.id, 1, TODAY.isoformat())
    env = ActivityEnvironment()
    env.run(acts.scrub_claim, request)
    env.run(acts.scrub_claim, request)  # a retry of the same activity: one event
    assert len(events(engine, claim.id)) == 1
    assert events(engine, claim.id)[0].key.endswith(":scrubbed")


def test_unknown_claim_is_a_data_error_that_is_not_retried(acts):
    with pytest.raises(ApplicationError) as raised:
        scrub(acts, 999_999)
    assert raised.value.type == "DataError" and raised.value.non_retryable


# --- submit --------------------------------------------------------------------------------


def submit(acts, claim_id: int, version: int = 1, frequency: str = "1"):
    return acts.submit_claim(contracts.SubmitRequest(claim_id, version, frequency, "2026-03-11"))


def counter(engine, name: str = "ISA13") -> int:
    with session_scope(engine) as session:
        return session.get(ControlCounter, name).value


def test_submit_writes_a_valid_837p_and_records_it(engine, acts, outbox):
    w, claim = make(engine, authorization_id=None)
    sent = submit(acts, claim.id)
    path = outbox / sent.file_name
    assert sent.file_name == f"{sent.interchange_control:09d}.837"
    text = path.read_text()
    assert pyx12_errors(text) == []
    assert segments(text, "ISA")[0][13] == sent.file_name[:9]
    assert segments(text, "CLM")[0][1] == claim.control_number
    # The tax id and the line's control number: no authorization attached, no F8 on an original.
    assert [ref[1] for ref in segments(text, "REF")] == ["EI", "6R"]
    assert [p.name for p in outbox.iterdir()] == [sent.file_name]  # no temporary left over
    with session_scope(engine) as session:
        row = session.exec(select(Submission)).one()
        stored = session.get(Claim, claim.id)
    assert row.content == text and row.submitted_on == date(2026, 3, 11)
    assert (row.claim_version, row.frequency) == (1, "1")
    assert stored.status == "submitted" and stored.submitted_at.date() == date(2026, 3, 11)
    assert events(engine, claim.id) == []  # the workflow records the event (RECORD_STATUS)
    assert w.patient.last_name.upper() not in sent.file_name


def test_a_retried_submit_reuses_the_submission_and_its_control_number(engine, acts, outbox):
    _, claim = make(engine)
    first = submit(acts, claim.id)
    content = (outbox / first.file_name).read_text()
    (outbox / first.file_name).unlink()  # the activity died after commit, before the file
    again = submit(acts, claim.id)
    assert again == first
    assert (outbox / first.file_name).read_text() == content
    assert counter(engine) == 1
    with session_scope(engine) as session:
        assert session.exec(select(func.count()).select_from(Submission)).one() == 1


def test_a_replacement_carries_the_payer_claim_number(engine, acts, outbox):
    _, claim = make(engine)
    first = submit(acts, claim.id)
    with session_scope(engine) as session:
        stored = session.get(Claim, claim.id)
        stored.payer_claim_number = "BH24080000004"
        session.add(stored)
    replacement = submit(acts, claim.id, frequency="7")
    assert replacement.interchange_control == first.interchange_control + 1
    text = (outbox / replacement.file_name).read_text()
    assert pyx12_errors(text) == []
    assert ["REF", "F8", "BH24080000004"] in segments(text, "REF")
    assert segments(text, "CLM")[0][5].endswith(":7")
    assert segments(text, "CLM")[0][1] == claim.control_number  # CLM01 reused
    with session_scope(engine) as session:
        assert session.get(Claim, claim.id).status == "resubmitted"


def test_a_replacement_without_a_payer_claim_number_is_refused(engine, acts):
    _, claim = make(engine)
    with pytest.raises(ApplicationError) as raised:
        submit(acts, claim.id, frequency="7")
    assert raised.value.non_retryable
    with session_scope(engine) as session:
        assert session.get(ControlCounter, "ISA13") is None  # nothing allocated


def test_submit_sends_the_attached_authorization(engine, acts, outbox):
    w, claim = make(engine, line("90837", minutes=55, charge=Decimal("200")))
    with session_scope(engine) as session:
        from denialdesk.store.claims import add_version

        add_version(
            session, claim=session.get(Claim, claim.id), authorization_id=w.authorization.id
        )
    sent = submit(acts, claim.id, version=2)
    text = (outbox / sent.file_name).read_text()
    assert ["REF", "G1", "AUTH-1001"] in segments(text, "REF")
    assert pyx12_errors(text) == []


# --- status --------------------------------------------------------------------------------


def test_record_status_is_once_per_key(engine, acts):
    _, claim = make(engine)
    change = contracts.StatusChange(
        claim_id=claim.id,
        status="on_hold",
        hold_reason="scrub",
        event_kind="held",
        detail="2 blocking findings",
        key="claim-x-1:e1",
    )
    acts.record_status(change)
    acts.record_status(change)
    closing = contracts.StatusChange(
        claim.id, "written_off", None, "written_off", "small balance", "claim-x-1:e2", closed=True
    )
    acts.record_status(closing)
    with session_scope(engine) as session:
        stored = session.get(Claim, claim.id)
    assert stored.status == "written_off" and stored.closed_at is not None
    assert stored.hold_reason is None
    assert [e.kind for e in events(engine, claim.id)] == ["held", "written_off"]


def test_visits_billed_this_year_count_toward_the_payers_limit(engine, acts):
    with session_scope(engine) as session:
        w = world(session, rules={"visit_limit_per_year": 2})
        earlier = [new_claim(session, w, line(service_date=date(2026, 2, d))) for d in (2, 9)]
        earlier[0].status = "paid"
        session.add(earlier[0])
        last_year = new_claim(session, w, line(service_date=date(2025, 12, 29)))
        last_year.status = "paid"
        session.add(last_year)
        claim = new_claim(session, w)
    # One other billed visit this year (the draft does not count) plus this one: within 2.
    assert scrub(acts, claim.id).warnings == 0
    with session_scope(engine) as session:
        draft = session.get(Claim, earlier[1].id)
        draft.status = "submitted"
        session.add(draft)
    outcome = scrub(acts, claim.id)
    assert outcome.warnings == 1 and outcome.finding_codes == ["visit_limit_reached"]
    assert outcome.blocking == 0


def test_an_unbillable_claim_fails_for_good_without_the_offending_value(engine, acts):
    w, claim = make(engine)
    with session_scope(engine) as session:
        coverage = session.get(Coverage, w.coverage.id)
        coverage.member_id = "BAD*ID~42"  # separators could split segments: refused
        session.add(coverage)
    with pytest.raises(ApplicationError) as raised:
        submit(acts, claim.id)
    assert raised.value.non_retryable and "member id" in str(raised.value)
    assert "BAD*ID~42" not in str(raised.value) and raised.value.__cause__ is None
    with session_scope(engine) as session:
        assert session.exec(select(func.count()).select_from(Submission)).one() == 0
