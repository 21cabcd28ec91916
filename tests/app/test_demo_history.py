"""The demo history (app/demo_history): nine months of closed claims of both demo practices,
written as rows the way the claim workflow, its activities and the 835 import write them.

The history is written once per module onto a copy of the seeded reference data (and once more
onto another copy, to compare); the tests read it.
"""

from __future__ import annotations

import json
import random
from collections import Counter, defaultdict
from datetime import date, time, timedelta
from decimal import Decimal
from time import perf_counter
from zoneinfo import ZoneInfo

import pytest
from demo_day import DEMO_TODAY
from sqlalchemy import func
from sqlmodel import Session, col, select
from x12_check import pyx12_errors

from denialdesk.app.demo_data import USERS
from denialdesk.app.demo_history import HistoryPlan
from denialdesk.app.demo_history import context as history_context
from denialdesk.app.demo_history.care import CarePlanner
from denialdesk.app.demo_history.denials import choose_denials
from denialdesk.app.demo_history.plan import Window
from denialdesk.app.demo_history.tables import DIAGNOSES
from denialdesk.app.demo_history.visit_log import VisitLog
from denialdesk.app.seed import seed_demo
from denialdesk.domain.carc import CATEGORY_PRECEDENCE
from denialdesk.domain.codes.diagnoses import is_billable
from denialdesk.domain.denials import analyse_claim
from denialdesk.domain.scrubber import scrub
from denialdesk.store.claim_input import claim_input
from denialdesk.store.models import (
    Authorization,
    AuthorizationUse,
    Claim,
    ClaimDiagnosis,
    ClaimEvent,
    ClaimPayment,
    ClaimVersion,
    ControlCounter,
    Payer,
    PaymentAdjustment,
    PaymentLine,
    PaymentRemark,
    Practice,
    Remittance,
    ServiceLine,
    Submission,
    Task,
    User,
)
from denialdesk.store.payment_rows import to_remit_payment

HISTORY_TABLES = (
    Authorization, Claim, ClaimVersion, ClaimDiagnosis, ServiceLine, Submission, Remittance,
    ClaimPayment, PaymentLine, PaymentAdjustment, PaymentRemark, ClaimEvent, Task,
    AuthorizationUse, ControlCounter,
)  # fmt: skip
CLOSED = {"paid", "written_off", "patient_responsibility"}
SECONDS: dict[str, float] = {}


@pytest.fixture(scope="module")
def seeded(demo_copy, tmp_path_factory):
    engine = demo_copy(tmp_path_factory.mktemp("history"))
    started = perf_counter()
    # The practices exist already: seed_demo adds what they lack, the history.
    assert seed_demo(engine, today=DEMO_TODAY) == list(USERS)
    SECONDS["history"] = perf_counter() - started
    yield engine
    engine.dispose()


def rows(engine, model, *where):
    with Session(engine) as session:
        return list(session.exec(select(model).where(*where).order_by(col(model.id))))


def dump(engine) -> dict[str, list[tuple]]:
    with Session(engine) as session:
        return {
            model.__tablename__: [tuple(row) for row in session.execute(select(model.__table__))]
            for model in HISTORY_TABLES
        }


def test_over_two_thousand_claims_of_both_practices_written_fast(seeded):
    claims = rows(seeded, Claim)
    practices = {p.id: p.slug for p in rows(seeded, Practice)}
    per_practice = Counter(practices[c.practice_id] for c in claims)
    assert len(claims) >= 2000
    assert min(per_practice.values()) >= 800
    # Measured on this 2-core machine: a few seconds; a minute would mean a regression.
    assert SECONDS["history"] < 60


def test_every_claim_closed_more_than_sixty_days_ago_after_nine_months_of_services(seeded):
    claims = rows(seeded, Claim)
    assert {c.status for c in claims} <= CLOSED  # no status a workflow would still act on
    assert all(c.hold_reason is None for c in claims)
    assert all((DEMO_TODAY - c.closed_at.date()).days > 60 for c in claims)
    first = min(c.first_service_date for c in claims)
    last = max(c.first_service_date for c in claims)
    assert (last - first).days >= 8 * 30 and first.day <= 7  # from early in the oldest month
    assert last <= DEMO_TODAY - timedelta(days=110)
    for claim in claims:
        assert claim.created_at.date() > claim.first_service_date
        assert claim.created_at < claim.closed_at


def first_payments(engine) -> dict[int, ClaimPayment]:
    first: dict[int, ClaimPayment] = {}
    for payment in rows(engine, ClaimPayment):
        first.setdefault(payment.claim_id, payment)
    return first


def test_a_third_of_the_oldest_month_is_denied_then_fewer(seeded):
    claims = {c.id: c for c in rows(seeded, Claim)}
    by_month: dict[tuple[int, int], list[bool]] = defaultdict(list)
    for claim_id, payment in first_payments(seeded).items():
        served = claims[claim_id].first_service_date
        by_month[(served.year, served.month)].append(payment.result != "paid")
    months = sorted(by_month)
    assert len(months) >= 9
    rates = [sum(by_month[m]) / len(by_month[m]) for m in months]
    assert 0.30 <= rates[0] <= 0.40
    assert rates[-1] < rates[0]  # the default plan's gentle fall


def test_the_denial_rate_is_a_parameter_per_month(seeded):
    with Session(seeded) as session:
        ctx = history_context.load(session, "calm-psych")
    plan = HistoryPlan(denial_rates=(0.5, 0.1))
    window = Window.of(plan, DEMO_TODAY)
    visits = CarePlanner(ctx, random.Random(1), window).visits()
    log = VisitLog()
    for number, visit in enumerate(visits):
        visit.created = window.first_service + timedelta(days=number)  # only the order counts
        log.add(visit, visit.created)
    chosen = choose_denials(ctx, random.Random(2), plan, window, visits, log, [])
    counts = Counter(window.month_index(v.first_service) for v in visits)
    denied = Counter(window.month_index(visits[i].first_service) for i in chosen)
    for month, count in counts.items():
        assert denied[month] == round((0.5 if month == 0 else 0.1) * count)


def test_denials_of_every_category_with_realistic_resolutions(seeded):
    payments = rows(seeded, ClaimPayment)
    categories = {p.denial_category for p in payments} - {None}
    assert len(categories) >= 8
    assert categories <= set(CATEGORY_PRECEDENCE)
    statuses = Counter(c.status for c in rows(seeded, Claim))
    assert statuses["paid"] > statuses["written_off"] > statuses["patient_responsibility"] > 0
    kinds = Counter(e.kind for e in rows(seeded, ClaimEvent))
    # Corrected and resubmitted, appealed, reopened (Medicare), written off, billed.
    for kind in ("corrected", "resubmit_decided", "resubmitted", "appeal_decided", "appealed"):
        assert kinds[kind] > 20, kind
    tasks = Counter(t.kind for t in rows(seeded, Task))
    assert tasks["work_denial"] > tasks["send_appeal"] > tasks["reopening"] > 0
    # Overturned appeals recovered money; upheld ones were written off.
    appealed = {e.claim_id for e in rows(seeded, ClaimEvent, ClaimEvent.kind == "appealed")}
    claims = {c.id: c for c in rows(seeded, Claim)}
    outcome = Counter(claims[claim_id].status for claim_id in appealed)
    assert outcome["paid"] > 0 and outcome["written_off"] > 0
    paid_shares = Counter(
        (a.group, a.carc) for a in rows(seeded, PaymentAdjustment) if a.group in ("CO", "PR")
    )
    for reason in (("CO", "45"), ("PR", "1"), ("PR", "2"), ("PR", "3"), ("CO", "253")):
        assert paid_shares[reason] > 0, reason


def test_every_claim_payment_balances_and_claims_total_their_payments(seeded):
    adjustments = defaultdict(list)
    for adjustment in rows(seeded, PaymentAdjustment):
        adjustments[adjustment.payment_line_id].append(adjustment)
    lines = defaultdict(list)
    for line in rows(seeded, PaymentLine):
        lines[line.claim_payment_id].append(line)
        assert line.paid + sum(a.amount for a in adjustments[line.id]) == line.charge
    paid_by_claim: dict[int, Decimal] = defaultdict(Decimal)
    for payment in rows(seeded, ClaimPayment):
        own = [a for line in lines[payment.id] for a in adjustments[line.id]]
        assert payment.paid + sum(a.amount for a in own) == payment.charge
        patient = sum((a.amount for a in own if a.group == "PR"), Decimal("0.00"))
        assert (payment.patient_responsibility or Decimal("0.00")) == patient
        assert payment.held_reason is None
        paid_by_claim[payment.claim_id] += payment.paid
    remittances = {r.id: r for r in rows(seeded, Remittance)}
    per_remittance: dict[int, Decimal] = defaultdict(Decimal)
    for payment in rows(seeded, ClaimPayment):
        per_remittance[payment.remittance_id] += payment.paid
    assert all(remittances[r].amount == total for r, total in per_remittance.items())
    versions = {(v.claim_id, v.version): v for v in rows(seeded, ClaimVersion)}
    for claim in rows(seeded, Claim):
        assert claim.total_paid == paid_by_claim[claim.id] <= claim.total_charge
        assert claim.total_charge == versions[(claim.id, claim.version)].total_charge


def test_stored_payments_read_back_as_the_import_analysed_them(seeded):
    with Session(seeded) as session:
        for payment in session.exec(select(ClaimPayment)).all()[::7]:
            analysis = analyse_claim(to_remit_payment(session, payment))
            assert (str(analysis.result), analysis.category) == (
                payment.result,
                payment.denial_category,
            )


def test_trace_numbers_are_unique_per_payer_and_payments_follow_their_files(seeded):
    remittances = rows(seeded, Remittance)
    traces = Counter((r.payer_identifier, r.trace_number) for r in remittances)
    assert max(traces.values()) == 1
    assert all(r.payment_date < r.imported_at.date() < DEMO_TODAY for r in remittances)
    dates = {r.id: r.imported_at for r in remittances}
    by_claim = defaultdict(list)
    for payment in rows(seeded, ClaimPayment):
        by_claim[payment.claim_id].append(dates[payment.remittance_id])
    # A claim's later payment has the higher id: "the latest payment" is the last by id.
    assert all(times == sorted(times) for times in by_claim.values())


def test_timelines_read_as_the_workflow_writes_them(seeded):
    events = defaultdict(list)
    for event in rows(seeded, ClaimEvent):
        events[event.claim_id].append(event)
    keys = [e.key for e in rows(seeded, ClaimEvent) if e.key is not None]
    assert len(keys) == len(set(keys))
    claims = {c.id: c for c in rows(seeded, Claim)}
    for claim_id, timeline in events.items():
        timeline.sort(key=lambda e: (e.at, e.id))
        kinds = [e.kind for e in timeline]
        assert kinds[:3] == ["scrubbed", "submitted", "payment"]
        assert kinds[-1] == claims[claim_id].status
        assert timeline[-1].at == claims[claim_id].closed_at
        assert kinds.count("payment") == kinds.count("paid") + kinds.count("denied") + kinds.count(
            "partially_paid"
        )
        payment = json.loads(timeline[2].detail)
        assert timeline[2].key == f"payment:{payment['claim_payment_id']}"
        assert timeline[1].key.endswith(":e1") and "scrub warnings, file " in timeline[1].detail
        assert all(e.actor_id is None for e in timeline[:3])


def test_people_worked_every_denial_task_to_its_end(seeded):
    users = {u.id: u.username for u in rows(seeded, User)}
    workers = {u.username for u in USERS if u.role in ("specialist", "supervisor")}
    thresholds = {p.id: p.write_off_threshold for p in rows(seeded, Practice)}
    zones = {p.id: ZoneInfo(p.time_zone) for p in rows(seeded, Practice)}
    tasks = rows(seeded, Task)
    assert tasks and {t.status for t in tasks} == {"done"}
    for task in tasks:
        assert users[task.assignee_id] in workers
        assert task.created_at < task.assigned_at < task.closed_at == task.updated_at
        assert task.key.startswith(task.workflow_id + ":") and task.queue_id is not None
        assert task.kind in ("work_denial", "send_appeal", "reopening")
        for moment in (task.assigned_at, task.closed_at):  # people work office hours
            local = moment.astimezone(zones[task.practice_id])
            assert local.weekday() < 5 and time(8, 30) <= local.time() < time(18, 30)
        assert task.category is not None and task.detail["claim_payment_id"]
    # A write-off above the practice's threshold is a supervisor's decision.
    deciding = {(t.claim_id, t.closed_at): t for t in tasks}
    claims = {c.id: c for c in rows(seeded, Claim)}
    above = 0
    for event in rows(seeded, ClaimEvent, ClaimEvent.kind == "written_off"):
        task = deciding[(event.claim_id, event.at)]
        assert task.assignee_id == event.actor_id
        claim = claims[event.claim_id]
        amount = task.amount or claim.total_charge - claim.total_paid
        if amount > thresholds[claim.practice_id]:
            above += 1
            assert users[event.actor_id] == "super"
    assert above > 0


def test_versions_scrub_clean_with_the_whole_scrubber(seeded):
    """The history runs every scrub rule but the ICD-10-CM look-up: here it runs too."""
    assert all(is_billable(code) for pool in DIAGNOSES.values() for code in pool)
    with Session(seeded) as session:
        for submission in session.exec(select(Submission)).all()[::9]:
            claim = claim_input(
                session, claim_id=submission.claim_id, version=submission.claim_version
            )
            found = scrub(claim, today=submission.submitted_on)
            # Authorization counts are today's (every later claim used units since).
            held = [f.code for f in found if f.blocking and not f.authorization]
            assert held == [], (submission.claim_id, held)


def test_submissions_are_valid_837p_numbered_by_the_store_counters(seeded):
    submissions = rows(seeded, Submission)
    with Session(seeded) as session:
        counters = {c.name: c.value for c in session.exec(select(ControlCounter))}
    controls = sorted(int(c.control_number[2:]) for c in rows(seeded, Claim))
    assert controls == list(range(1, len(controls) + 1)) and counters["CLM01"] == len(controls)
    interchanges = sorted(s.interchange_control for s in submissions)
    assert interchanges == list(range(1, len(submissions) + 1))
    assert counters["ISA13"] == counters["GS06"] == counters["ST02"] == len(submissions)
    claims = {c.id: c for c in rows(seeded, Claim)}
    for submission in submissions:
        assert submission.file_name == f"{submission.interchange_control:09d}.837"
        assert f"CLM*{claims[submission.claim_id].control_number}*" in submission.content
    replacements = [s for s in submissions if s.frequency == "7"]
    assert replacements and all("REF*F8*" in s.content for s in replacements)
    # pyx12 takes about a second each: an original, a replacement, a program week (HF, POS 57).
    program = next(s for s in submissions if "*HC:H0015:HF*" in s.content)
    for submission in (submissions[0], replacements[0], program):
        assert pyx12_errors(submission.content) == []


def test_authorizations_cover_the_claims_that_need_them_and_all_have_expired(seeded):
    payers = {p.id: p for p in rows(seeded, Payer)}
    auths = {a.id: a for a in rows(seeded, Authorization)}
    uses = defaultdict(int)
    for use in rows(seeded, AuthorizationUse):
        uses[use.authorization_id] += use.units
        auth = auths[use.authorization_id]
        assert auth.start_date <= use.service_date <= auth.end_date
    historic = [a for a in auths.values() if uses[a.id]]
    assert len(historic) >= 10
    assert all(a.status == "expired" and a.end_date < DEMO_TODAY for a in historic)
    assert all(a.used == uses[a.id] <= a.approved for a in historic)
    lines = defaultdict(list)
    versions = {v.id: v for v in rows(seeded, ClaimVersion)}
    for line in rows(seeded, ServiceLine):
        lines[versions[line.claim_version_id].claim_id].append(line)
    for claim in rows(seeded, Claim):
        required = set(payers[claim.payer_id].rules.get("auth_required_codes", []))
        if {line.code for line in lines[claim.id]} & required:
            assert claim.authorization_id in {a.id for a in historic}


def test_same_rows_for_the_same_day_and_nothing_added_the_second_time(seeded, demo_copy, tmp_path):
    twin = demo_copy(tmp_path)
    seed_demo(twin, today=DEMO_TODAY)
    assert dump(twin) == dump(seeded)
    twin.dispose()
    with Session(seeded) as session:
        before = {
            m.__tablename__: session.exec(select(func.count()).select_from(m)).one()
            for m in HISTORY_TABLES
        }
    assert seed_demo(seeded, today=DEMO_TODAY) == list(USERS)
    # A month later the practices still have their history: nothing is added either.
    seed_demo(seeded, today=DEMO_TODAY + timedelta(days=30))
    with Session(seeded) as session:
        after = {
            m.__tablename__: session.exec(select(func.count()).select_from(m)).one()
            for m in HISTORY_TABLES
        }
    assert after == before


def test_the_history_moves_with_the_day_it_is_seeded_on():
    plan = HistoryPlan()
    window = Window.of(plan, date(2027, 3, 15))
    assert window.last_service == date(2027, 3, 15) - timedelta(days=110)
    assert window.first_service == date(2026, 2, 1)
    assert window.cutoff == date(2027, 1, 13)
