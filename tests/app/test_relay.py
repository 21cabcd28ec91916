"""The payment relay: outbox rows become signal_with_start calls, sent once, failures kept."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from decimal import Decimal

import pytest
import work_data
from fake_temporal import FakeTemporal
from remit_builder import RemitClaim, build_835
from sqlmodel import Session, select

from denialdesk.app.relay import relay_pending, run_relay, start_unstarted
from denialdesk.contracts.claim import PAYMENT_SIGNAL, ClaimStart, claim_workflow_id
from denialdesk.domain.x12.remit import parse_835
from denialdesk.store.db import session_scope
from denialdesk.store.models import ClaimEvent, PaymentOutbox, Practice
from denialdesk.store.remittances import import_remittance

DAY = date(2026, 3, 2)


@pytest.fixture
def imported(engine):
    """Two matched claim payments waiting in the outbox."""
    with session_scope(engine) as session:
        home = work_data.parties(session)
        claims = [work_data.claim(session, home) for _ in range(2)]
        text = build_835(
            [RemitClaim(c.control_number, Decimal(180), Decimal(180), "P", DAY) for c in claims],
            trace="T1",
            paid_on=DAY,
        )
        result = import_remittance(
            session,
            remit=parse_835(text),
            practice_ids=None,
            user_id=None,
            workflow_id=claim_workflow_id,
        )
    return home.practice.slug, claims, result


def _outbox(engine) -> list[PaymentOutbox]:
    with Session(engine) as session:
        return list(session.exec(select(PaymentOutbox).order_by(PaymentOutbox.id)).all())


def test_relay_sends_each_payment_once(engine, imported):
    slug, claims, result = imported
    temporal = FakeTemporal()
    assert asyncio.run(relay_pending(engine, temporal, "q")) == (2, 0)
    payments = [row.claim_payment_id for row in _outbox(engine)]
    assert [(s[1], s[2], s[3], s[4], s[5]) for s in temporal.started] == [
        (ClaimStart(claim_id=c.id, practice_slug=slug), f"claim-{slug}-{c.id}", "q",
         PAYMENT_SIGNAL, [payment])
        for c, payment in zip(claims, payments, strict=True)
    ]  # fmt: skip
    assert all(row.sent_at is not None for row in _outbox(engine))
    assert asyncio.run(relay_pending(engine, temporal, "q")) == (0, 0)  # nothing twice
    assert len(temporal.started) == 2


def test_a_failed_signal_stays_pending_and_is_retried(engine, imported):
    temporal = FakeTemporal(start_error=RuntimeError("no frontend"))
    assert asyncio.run(relay_pending(engine, temporal, "q")) == (0, 2)
    rows = _outbox(engine)
    assert [(r.sent_at, r.attempts, r.last_error) for r in rows] == [
        (None, 1, "RuntimeError: no frontend")
    ] * 2
    temporal.start_error = None
    assert asyncio.run(relay_pending(engine, temporal, "q")) == (2, 0)
    assert [(r.attempts, r.last_error) for r in _outbox(engine)] == [(2, None)] * 2


def test_run_relay_polls_until_stopped(engine, imported, settings):
    temporal = FakeTemporal()

    async def scenario():
        stop = asyncio.Event()
        loop = asyncio.create_task(run_relay(settings, engine, temporal, stop))
        for _ in range(100):
            if len(temporal.started) == 2:
                break
            await asyncio.sleep(0.05)
        stop.set()
        await asyncio.wait_for(loop, 5)

    asyncio.run(scenario())
    assert len(temporal.started) == 2
    assert {s[3] for s in temporal.started} == {settings.temporal_task_queue}


def test_claims_whose_start_failed_are_started_by_the_sweep(engine, imported):
    slug, claims, _ = imported
    with session_scope(engine) as session:
        started_ok = work_data.claim(session, claims_parties(session, claims[0]), status="draft")
        session.add(ClaimEvent(claim_id=started_ok.id, kind="scrubbed"))
        never = work_data.claim(session, claims_parties(session, claims[0]), status="draft")
    temporal = FakeTemporal()
    # Within the grace period nothing is touched: the API may be starting it right now.
    assert asyncio.run(start_unstarted(engine, temporal, "q")) == 0
    assert asyncio.run(start_unstarted(engine, temporal, "q", grace=timedelta(0))) == 1
    ((_, start, workflow_id, *_),) = temporal.started
    assert start == ClaimStart(claim_id=never.id, practice_slug=slug)
    assert workflow_id == f"claim-{slug}-{never.id}"


def claims_parties(session, claim) -> work_data.Parties:
    return work_data.Parties(
        session.get(Practice, claim.practice_id),
        claim.payer_id,
        claim.patient_id,
        claim.coverage_id,
        claim.provider_id,
    )
