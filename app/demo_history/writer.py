"""Write the demo history: per practice, plan the visits, attach authorizations, choose the
denials, tell each claim's story, then insert every table in one executemany, all in one
transaction. A practice that already has history (closed claims of the history's months) is
left alone, so a second run adds nothing.
"""

from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from denialdesk.app.demo_data import PRACTICES, SEED
from denialdesk.app.demo_history import context
from denialdesk.app.demo_history.authorizations import AuthorizationLedger
from denialdesk.app.demo_history.care import CarePlanner
from denialdesk.app.demo_history.clock import Clock, add_weekdays
from denialdesk.app.demo_history.denials import choose_denials
from denialdesk.app.demo_history.payer import Payer
from denialdesk.app.demo_history.plan import HistoryPlan, Window
from denialdesk.app.demo_history.progress import Steps, progress_bar
from denialdesk.app.demo_history.render import Rows, render
from denialdesk.app.demo_history.resolutions import Storyteller
from denialdesk.app.demo_history.story import ClaimLife, PayRuns
from denialdesk.app.demo_history.visit_log import VisitLog
from denialdesk.store.bulk_rows import insert_rows, sync_id_sequences
from denialdesk.store.db import session_scope
from denialdesk.store.models import (
    Authorization,
    AuthorizationUse,
    Claim,
    ClaimDiagnosis,
    ClaimEvent,
    ClaimPayment,
    ClaimVersion,
    PaymentAdjustment,
    PaymentLine,
    PaymentOutbox,
    PaymentRemark,
    Remittance,
    ServiceLine,
    Submission,
    Task,
)

log = logging.getLogger(__name__)

# Insertion order: every row after the rows it points at.
TABLES = (
    Authorization, Claim, ClaimVersion, ClaimDiagnosis, ServiceLine, Submission, Remittance,
    ClaimPayment, PaymentOutbox, PaymentLine, PaymentAdjustment, PaymentRemark, ClaimEvent,
    Task, AuthorizationUse,
)  # fmt: skip
NUMBERED = (Authorization, Claim, ClaimVersion, Remittance, ClaimPayment, PaymentLine)


@dataclass
class HistoryReport:
    claims: dict[str, int] = field(default_factory=dict)  # practice slug -> claims written
    seconds: float = 0.0


def write_history(
    engine: Engine,
    *,
    today: date,
    plan: HistoryPlan | None = None,
    show_progress: bool | None = None,
) -> HistoryReport:
    """The demo practices' closed claims of about nine months before `today` (one transaction).

    `show_progress`: None draws a progress bar when stderr is a terminal."""
    plan = plan or HistoryPlan()
    started = time.perf_counter()
    report = HistoryReport()
    with session_scope(engine) as session, progress_bar(show_progress) as steps:
        for index, spec in enumerate(PRACTICES):
            ctx = context.load(session, spec["slug"])
            if ctx is None or has_history(session, ctx.practice.id, Window.of(plan, today)):
                continue
            rows = _practice(session, ctx, index, today, plan, steps)
            for model in TABLES:
                insert_rows(session, model, rows.get(model.__tablename__, []))
            steps.step(f"{ctx.slug}: rows written", 1)(1)
            report.claims[ctx.slug] = len(rows.get("claim", []))
        if report.claims:
            sync_id_sequences(session, NUMBERED)
    report.seconds = time.perf_counter() - started
    for slug, count in report.claims.items():
        log.info("demo history: %d claims for %s", count, slug)
    if report.claims:
        log.info("demo history written in %.1f s", report.seconds)
    return report


def has_history(session: Session, practice_id: int, window: Window) -> bool:
    """Whether the practice has closed claims for services of the history's months (live
    claims are recent, so they never count)."""
    found = session.exec(
        select(Claim.id).where(
            Claim.practice_id == practice_id,
            col(Claim.first_service_date) <= window.last_service,
            col(Claim.closed_at).is_not(None),
        )
    ).first()
    return found is not None


def _practice(
    session: Session,
    ctx: context.PracticeContext,
    index: int,
    today: date,
    plan: HistoryPlan,
    steps: Steps,
) -> Rows:
    window = Window.of(plan, today)
    # One generator per practice: each practice's history stays the same if another changes.
    rng = random.Random(f"{SEED}:history:{ctx.slug}")  # noqa: S311  (reproducible, not secret)
    clock = Clock(rng, ctx.practice.time_zone)
    visits = CarePlanner(ctx, rng, window).visits()
    for visit in visits:  # the practice system sends the day's claims the next weekday
        visit.created = clock.office(add_weekdays(visit.last_service, rng.choice((1, 1, 2))))
    visits.sort(key=lambda v: v.created)
    ledger = AuthorizationLedger(ctx, rng, latest_end=window.cutoff)
    auth_used = [ledger.attach(visit) or 0 for visit in visits]
    visit_log = VisitLog()
    for visit in visits:
        visit_log.add(visit, visit.created)
    denials = choose_denials(ctx, rng, plan, window, visits, visit_log, ledger.made)
    filing = {key: payer.filing_indicator for key, payer in ctx.payers.items()}
    life = ClaimLife(ctx, rng, clock, PayRuns(clock), visit_log)
    teller = Storyteller(life, Payer(rng, filing), window, ctx.practice.write_off_threshold)
    tick = steps.step(f"{ctx.slug}: claims", len(visits))
    stories = []
    for number, visit in enumerate(visits):
        stories.append(teller.tell(visit, visit.created, auth_used[number], denials.get(number)))
        tick(1)
    sent = sum(len(story.sent) for story in stories)
    return render(
        session, ctx, stories, ledger.made, index, steps.step(f"{ctx.slug}: 837P files", sent)
    )
