"""Demo data: realistic shapes, every NPI valid, deterministic, and a second run changes nothing."""

from datetime import timedelta
from decimal import Decimal

import pytest
from demo_day import DEMO_TODAY
from sqlalchemy import func
from sqlmodel import Session, SQLModel, select

from denialdesk.app.cli import main
from denialdesk.app.demo_data import USERS
from denialdesk.app.seed import seed_demo
from denialdesk.domain.npi import is_valid_npi
from denialdesk.store.db import make_engine
from denialdesk.store.migrate import upgrade
from denialdesk.store.models import (
    Authorization,
    Claim,
    Coverage,
    Patient,
    Payer,
    Practice,
    Provider,
    Queue,
    QueueMember,
    User,
)
from denialdesk.store.types import utcnow
from denialdesk.store.users import authenticate, load_principal


@pytest.fixture(scope="module")
def seeded(demo_copy, tmp_path_factory):
    """The demo reference data (without the history, see test_demo_history.py) for the module:
    the tests only read it."""
    engine = demo_copy(tmp_path_factory.mktemp("seed"))
    yield engine
    engine.dispose()


def row_counts(engine) -> dict[str, int]:
    with Session(engine) as session:
        return {
            table.name: session.exec(select(func.count()).select_from(table)).one()
            for table in SQLModel.metadata.sorted_tables
        }


def rows(engine, model):
    with Session(engine) as session:
        return list(session.exec(select(model)))


def test_second_run_changes_nothing(seeded):
    before = row_counts(seeded)
    assert before["patient"] == 50 and before["user"] == len(USERS)
    assert seed_demo(seeded, today=DEMO_TODAY, history=False) == list(USERS)
    assert row_counts(seeded) == before


def test_same_data_on_every_machine(seeded, tmp_path):
    other = make_engine(f"sqlite:///{tmp_path / 'other.sqlite'}")
    upgrade(other)
    seed_demo(other, today=DEMO_TODAY, history=False)

    def people(engine):
        return [(p.first_name, p.last_name, p.birth_date, p.zip) for p in rows(engine, Patient)]

    assert people(seeded) == people(other)
    assert [c.member_id for c in rows(seeded, Coverage)] == [
        c.member_id for c in rows(other, Coverage)
    ]
    other.dispose()


def test_practices_psychiatry_group_and_part2_program(seeded):
    practices = {p.slug: p for p in rows(seeded, Practice)}
    calm, harbor = practices["calm-psych"], practices["harbor-recovery"]
    assert (calm.taxonomy, calm.time_zone, calm.part2_program) == (
        "2084P0800X",
        "America/New_York",
        False,
    )
    assert (harbor.taxonomy, harbor.time_zone, harbor.part2_program) == (
        "261QR0405X",
        "America/Chicago",
        True,
    )
    for practice in practices.values():
        assert is_valid_npi(practice.npi)
        assert len(practice.tax_id) == 9 and practice.tax_id.isdigit()


def test_every_provider_npi_is_valid_and_credentials_are_mixed(seeded):
    providers = rows(seeded, Provider)
    assert all(is_valid_npi(p.npi) for p in providers)
    assert {"MD", "NP", "PsyD", "LCSW", "LPC"} <= {p.credential for p in providers}
    assert len({p.taxonomy for p in providers}) >= 5


def test_five_payers_per_practice_with_their_own_rules(seeded):
    practices = rows(seeded, Practice)
    payers = rows(seeded, Payer)
    for practice in practices:
        own = [p for p in payers if p.practice_id == practice.id]
        assert len(own) == 5
        by_type = {}
        for payer in own:
            by_type.setdefault(payer.plan_type, []).append(payer)
        (medicare,) = by_type["medicare_b"]
        assert (medicare.filing_indicator, medicare.correction_method) == ("MB", "reopening")
        assert [lvl["window_days"] for lvl in medicare.appeal_levels] == [120, 180]
        assert (medicare.timely_filing_days, medicare.processing_days) == (365, 30)
        (medicaid,) = by_type["medicaid_mco"]
        assert medicaid.filing_indicator in ("HM", "MC")
        assert medicaid.correction_method == "replacement_7"
        assert medicaid.timely_filing_days == 95
        assert medicaid.rules["auth_required_codes"] and medicaid.rules["visit_limit_per_year"]
        commercial = by_type["commercial"] + by_type.get("erisa", [])
        assert len(commercial) == 3
        assert {p.timely_filing_days for p in commercial} == {90, 180, 365}
        assert {p.appeal_levels[0]["window_days"] for p in commercial} == {180, 365}
        assert {p.filing_indicator for p in commercial} == {"CI", "BL"}
        # One plan does not pay counselors or family therapists for psychotherapy.
        assert any("LPC" not in p.rules["credentials_allowed"]["90837"] for p in commercial)
        telehealth = {str(p.rules["telehealth"]) for p in own}
        assert len(telehealth) >= 3
        for payer in own:
            trn03 = payer.remittance_ids[0]
            assert len(trn03) == 10 and trn03.startswith("1") and trn03.isdigit()


def test_fifty_patients_with_secondary_coverage_and_parent_subscribers(seeded):
    patients = rows(seeded, Patient)
    coverages = rows(seeded, Coverage)
    assert len(patients) == 50
    active = [
        c
        for c in coverages
        if c.effective_from <= DEMO_TODAY
        and (c.effective_to is None or c.effective_to >= DEMO_TODAY)
    ]
    primary_of = {c.patient_id for c in active if c.order == "primary"}
    assert primary_of == {p.id for p in patients}
    assert sum(c.order == "secondary" for c in coverages) >= 5
    children = [c for c in coverages if c.relationship == "child"]
    assert len(children) >= 3
    for coverage in children + [c for c in coverages if c.relationship == "spouse"]:
        assert coverage.subscriber_first_name and coverage.subscriber_last_name
        assert coverage.subscriber_birth_date and coverage.subscriber_sex
        assert coverage.subscriber_address1 and coverage.subscriber_zip
    patient_by_id = {p.id: p for p in patients}
    for coverage in children:
        # A parent is older than the child by at least twenty years.
        parent_born = coverage.subscriber_birth_date
        assert parent_born < patient_by_id[coverage.patient_id].birth_date - timedelta(days=7000)


def test_authorizations_include_the_interesting_cases(seeded):
    auths = rows(seeded, Authorization)
    coverages = {c.id: c for c in rows(seeded, Coverage)}
    payers = {p.id: p for p in rows(seeded, Payer)}
    assert {a.unit_type for a in auths} == {"visits", "units", "days"}
    assert {"active", "expired", "exhausted"} <= {a.status for a in auths}
    active = [a for a in auths if a.status == "active"]
    assert any(DEMO_TODAY < a.end_date <= DEMO_TODAY + timedelta(days=14) for a in active)
    assert any(0 < a.remaining <= 2 for a in active)
    for auth in auths:
        payer = payers[coverages[auth.coverage_id].payer_id]
        assert set(auth.codes) <= set(payer.rules["auth_required_codes"])
        assert auth.start_date >= coverages[auth.coverage_id].effective_from


def test_each_demo_user_logs_in_with_its_role(seeded):
    practices = {p.slug: p.id for p in rows(seeded, Practice)}
    with Session(seeded) as session:
        for login in USERS:
            user = authenticate(session, username=login.username, password=login.password)
            assert user is not None, login.username
            principal = load_principal(session, user_id=user.id)
            if login.practices:
                assert {pid: r.value for pid, r in principal.roles.items()} == {
                    practices[slug]: login.role for slug in login.practices
                }
            else:
                assert principal.all_practices_role.value == "admin"
    assert {u.role for u in USERS} == {"specialist", "supervisor", "admin", "integration"}


def test_one_default_queue_per_practice_staffed_by_its_workers(seeded):
    queues = rows(seeded, Queue)
    users = {u.id: u.username for u in rows(seeded, User)}
    practices = {p.id: p.slug for p in rows(seeded, Practice)}
    members = rows(seeded, QueueMember)
    staff = {}
    for queue in queues:
        assert queue.is_default
        staff[practices[queue.practice_id]] = {
            users[m.user_id] for m in members if m.queue_id == queue.id
        }
    assert staff == {"calm-psych": {"spec", "spec2", "super"}, "harbor-recovery": {"spec", "super"}}


def test_seed_demo_command_refuses_outside_dev_mode(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("DENIALDESK_MODE", "production")
    monkeypatch.setenv("DENIALDESK_VAR_DIR", str(tmp_path))
    assert main(["seed-demo"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "DENIALDESK_MODE=dev" in err
    assert not (tmp_path / "denialdesk.sqlite").exists()


def test_seed_demo_command_prints_the_logins_and_writes_history_up_to_today(
    monkeypatch, tmp_path, capsys
):
    """The command seeds on the real day: the history's claims end well before it and the
    demo authorization about to expire does so from today, not from a fixed date."""
    monkeypatch.setenv("DENIALDESK_MODE", "dev")
    monkeypatch.setenv("DENIALDESK_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("DENIALDESK_DEMO_LIVE_CLAIMS", "20")
    assert main(["seed-demo"]) == 0
    out = capsys.readouterr().out
    for login in USERS:
        assert login.username in out and login.password in out
    today = utcnow().date()
    engine = make_engine(f"sqlite:///{tmp_path / 'denialdesk.sqlite'}")
    with Session(engine) as session:
        everything = session.exec(select(Claim)).all()
        auths = session.exec(select(Authorization).where(Authorization.status == "active"))
        assert any(today < a.end_date <= today + timedelta(days=14) for a in auths)
    engine.dispose()
    # The recent claims wait as drafts for a worker to start them; the rest is history.
    live = [c for c in everything if c.status == "draft"]
    assert 15 <= len(live) <= 20
    assert all(c.first_service_date >= today - timedelta(days=95) for c in live)
    claims = [c for c in everything if c.status != "draft"]
    assert len(claims) >= 2000
    last = max(c.first_service_date for c in claims)
    assert today - timedelta(days=125) <= last <= today - timedelta(days=110)
    assert all(c.closed_at.date() < today - timedelta(days=60) for c in claims)


def test_a_plain_session_for_each_demo_practice_scrubs_clean(demo_copy, tmp_path):
    """Demo claims must reach the payer: a 45-minute 90834 for a patient of each practice, billed
    by a prescriber, finds nothing blocking in the practice's or payers' own data."""
    from denialdesk.domain.scrubber import blocking, scrub
    from denialdesk.store.claim_input import claim_input
    from denialdesk.store.claims import LineInput, create_claim
    from denialdesk.store.db import session_scope

    engine = demo_copy(tmp_path)
    with session_scope(engine) as session:
        for practice in session.exec(select(Practice)):
            patient = session.exec(
                select(Patient).where(Patient.practice_id == practice.id)
            ).first()
            coverage = session.exec(
                select(Coverage).where(
                    Coverage.patient_id == patient.id, Coverage.order == "primary"
                )
            ).first()
            provider = session.exec(
                select(Provider).where(
                    Provider.practice_id == practice.id, Provider.credential.in_(("MD", "NP"))
                )
            ).first()
            line = LineInput(
                service_date=DEMO_TODAY - timedelta(days=7), code="90834", minutes=45,
                charge=Decimal("150.00"), place_of_service="11", dx_pointers=(1,),
            )  # fmt: skip
            claim = create_claim(
                session, practice=practice, patient_id=patient.id, coverage_id=coverage.id,
                provider_id=provider.id, authorization_id=None, diagnoses=["F33.1"],
                lines=[line], user_id=None,
            )  # fmt: skip
            findings = scrub(
                claim_input(session, claim_id=claim.id, version=1),
                today=DEMO_TODAY,
                on_file=(),
            )
            codes = [f.code for f in blocking(findings) if not f.authorization]
            assert codes == [], (practice.slug, codes)
