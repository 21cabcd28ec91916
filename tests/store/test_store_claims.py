"""store.claims on SQLite and PostgreSQL: create, correct, read back, scoping, status."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import factories
import pytest
from claim_data import DOS, line, new_claim, world
from sqlmodel import func, select

from denialdesk.domain.claim import Authorization as DomainAuthorization
from denialdesk.store.claims import (
    ClaimInputError,
    add_event,
    add_version,
    authorizations_on_file,
    claim_input,
    set_status,
)
from denialdesk.store.db import session_scope
from denialdesk.store.models import Authorization, Claim, ClaimEvent, ClaimVersion, ServiceLine


def test_create_then_read_back_gives_what_was_stored(engine):
    with session_scope(engine) as session:
        w = world(session)
        second = factories.provider(session, w.practice, credential="MD", taxonomy="2084P0800X")
        claim = new_claim(
            session,
            w,
            line("99214", minutes=None, charge=Decimal("180.00"), dx_pointers=(1, 2)),
            line(
                "90837",
                minutes=55,
                service_date=date(2026, 3, 3),
                modifiers=("95",),
                place_of_service="10",
                units=Decimal("1"),
                rendering_provider_id=second.id,
            ),
            diagnoses=["F33.1", "f10.20"],
            authorization_id=w.authorization.id,
        )
        ids = claim.id, w.provider.npi, second.npi, w.coverage.member_id
    claim_id, provider_npi, second_npi, member_id = ids
    with session_scope(engine) as session:
        claim = session.get(Claim, claim_id)
        assert claim.version == 1 and claim.status == "draft"
        assert claim.control_number.startswith("DD") and len(claim.control_number) <= 20
        assert member_id not in claim.control_number
        assert claim.total_charge == Decimal("330.00")
        assert claim.first_service_date == DOS
        ci = claim_input(session, claim_id=claim_id, version=1)
    assert ci.claim.control_number == claim.control_number
    assert ci.claim.diagnoses == ("F33.1", "F10.20")
    first, other = ci.claim.lines
    assert (first.code, first.charge, first.dx_pointers, first.minutes) == (
        "99214",
        Decimal("180.00"),
        (1, 2),
        None,
    )
    assert (other.modifiers, other.place_of_service, other.minutes) == (("95",), "10", 55)
    assert first.rendering is None and other.rendering.npi == second_npi
    assert ci.provider.npi == provider_npi
    assert ci.coverage.member_id == member_id and ci.coverage.group_number == "GRP1"
    assert ci.authorization.number == "AUTH-1001" and ci.authorization.remaining == 8
    assert ci.payer.rules.auth_required_codes == frozenset({"90837"})
    assert ci.payer.appeal_levels[0].window_days == 180
    assert ci.practice.address.zip == "627011234"
    assert ci.claim.total_charge == Decimal("330.00")


def test_control_numbers_are_distinct_per_claim(engine):
    with session_scope(engine) as session:
        w = world(session)
        numbers = {new_claim(session, w).control_number for _ in range(3)}
    assert len(numbers) == 3


def test_a_version_copies_what_it_is_not_given(engine):
    with session_scope(engine) as session:
        w = world(session)
        claim = new_claim(session, w, authorization_id=w.authorization.id)
        v2 = add_version(session, claim=claim, diagnoses=["F41.1"], user_id=None)
        v3 = add_version(
            session, claim=claim, lines=[line(charge=Decimal("99.50"))], authorization_id=None
        )
        claim_id = claim.id
    assert (v2.version, v3.version) == (2, 3)
    with session_scope(engine) as session:
        claim = session.get(Claim, claim_id)
        assert claim.version == 3 and claim.total_charge == Decimal("99.50")
        assert claim.authorization_id is None
        one = claim_input(session, claim_id=claim_id, version=1)
        two = claim_input(session, claim_id=claim_id, version=2)
        three = claim_input(session, claim_id=claim_id, version=3)
        line_count = session.exec(select(func.count()).select_from(ServiceLine)).one()
    assert one.claim.diagnoses == ("F33.1",) and two.claim.diagnoses == ("F41.1",)
    assert two.claim.lines == one.claim.lines  # copied, as new rows
    assert two.authorization == one.authorization is not None
    assert three.claim.diagnoses == ("F41.1",) and three.authorization is None
    assert three.claim.lines[0].charge == Decimal("99.50")
    assert line_count == 3


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ("foreign_patient", "patient_id"),
        ("foreign_coverage", "coverage_id"),
        ("foreign_provider", "provider_id"),
        ("foreign_authorization", "authorization_id"),
        ("other_coverage_authorization", "authorization_id"),
        ("bad_pointer", "lines[0].dx_pointers"),
        ("no_lines", "lines"),
        ("no_diagnoses", "diagnoses"),
        ("long_code", "lines[0].code"),
        ("unknown_key", "lines[0].colour"),
    ],
)
def test_scoping_and_shape_errors_name_the_field(engine, change, field):
    with session_scope(engine) as session:
        w = world(session)
        other = world(session)
        sibling = factories.coverage(session, w.patient, w.payer)
        auth_elsewhere = Authorization(
            practice_id=w.practice.id,
            coverage_id=sibling.id,
            number="A2",
            approved=1,
            start_date=DOS,
            end_date=DOS,
        )
        session.add(auth_elsewhere)
        session.flush()
        changes = {
            "foreign_patient": {"patient_id": other.patient.id},
            "foreign_coverage": {"coverage_id": other.coverage.id},
            "foreign_provider": {"provider_id": other.provider.id},
            "foreign_authorization": {"authorization_id": other.authorization.id},
            "other_coverage_authorization": {"authorization_id": auth_elsewhere.id},
            "bad_pointer": {"lines": [line(dx_pointers=(2,))]},
            "no_lines": {"lines": []},
            "no_diagnoses": {"diagnoses": []},
            "long_code": {"lines": [line(code="908341")]},
            "unknown_key": {"lines": [{"colour": "red"}]},
        }[change]
        with pytest.raises(ClaimInputError) as raised:
            new_claim(session, w, **changes)
    assert raised.value.field == field


def test_mappings_are_accepted_as_lines(engine):
    with session_scope(engine) as session:
        w = world(session)
        claim = new_claim(
            session,
            w,
            lines=[
                {
                    "service_date": DOS,
                    "code": "90834",
                    "charge": "150.00",
                    "place_of_service": "11",
                    "dx_pointers": [1],
                    "modifiers": [],
                    "units": 1,
                }
            ],
        )
        assert claim.total_charge == Decimal("150.00")


def test_events_and_status_are_once_per_key(engine):
    with session_scope(engine) as session:
        w = world(session)
        claim = new_claim(session, w)
        first = set_status(
            session,
            claim=claim,
            status="on_hold",
            hold_reason="scrub",
            event_kind="held",
            detail="2 findings",
            key="wf:e1",
        )
        claim.status = "submitted"  # the workflow moved on; a late retry must not undo it
        again = set_status(
            session,
            claim=claim,
            status="on_hold",
            hold_reason="scrub",
            event_kind="held",
            detail="2 findings",
            key="wf:e1",
        )
        assert again.id == first.id and claim.status == "submitted"
        set_status(
            session,
            claim=claim,
            status="written_off",
            hold_reason=None,
            event_kind="written_off",
            detail="",
            key="wf:e2",
            closed=True,
        )
        assert claim.closed_at is not None
        note = add_event(session, claim_id=claim.id, kind="note", detail="called payer", key="n1")
        assert add_event(session, claim_id=claim.id, kind="note", key="n1").id == note.id
        add_event(session, claim_id=claim.id, kind="note")  # no key: always a new event
        kinds = session.exec(
            select(ClaimEvent.kind).where(ClaimEvent.claim_id == claim.id).order_by(ClaimEvent.id)
        ).all()
    assert kinds == ["held", "written_off", "note", "note"]


def test_authorizations_on_file_are_the_patients_with_this_payer(engine):
    with session_scope(engine) as session:
        w = world(session)
        other_payer = factories.payer(session, w.practice)
        other_coverage = factories.coverage(session, w.patient, other_payer)
        session.add(
            Authorization(
                practice_id=w.practice.id,
                coverage_id=other_coverage.id,
                number="OTHER-PAYER",
                approved=5,
                start_date=DOS,
                end_date=DOS,
            )
        )
        claim = new_claim(session, w)
        on_file = authorizations_on_file(session, claim)
    assert [a.number for a in on_file] == ["AUTH-1001"]
    assert isinstance(on_file[0], DomainAuthorization)


def test_version_rows_are_unique_per_claim(engine):
    with session_scope(engine) as session:
        w = world(session)
        claim = new_claim(session, w)
        add_version(session, claim=claim)
        versions = session.exec(
            select(ClaimVersion.version).where(ClaimVersion.claim_id == claim.id)
        ).all()
    assert sorted(versions) == [1, 2]
