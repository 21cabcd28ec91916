"""POST /remittances: roles, idempotency per (payer, trace), matching, 422s, the relay."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

import pytest
import work_data
from desk import Desk, desk_fixture  # noqa: F401 (the `desk` fixture)
from fastapi.testclient import TestClient
from remit_builder import RemitClaim, build_835
from sqlmodel import Session, func, select

from denialdesk.contracts.claim import PAYMENT_SIGNAL
from denialdesk.store.db import session_scope
from denialdesk.store.models import ClaimPayment, PaymentOutbox, Remittance

D = Decimal
DAY = date(2026, 3, 2)


@pytest.fixture
def claims(desk: Desk):
    with session_scope(desk.engine) as session:
        mine = work_data.claim(session, desk.home)
        by_number = work_data.claim(session, desk.home, payer_claim_number="PCN-1")
        foreign = work_data.claim(session, desk.other)
    return mine, by_number, foreign


def _file(desk: Desk, claims, trace: str = "TRACE1") -> str:
    mine, _, foreign = claims
    return build_835(
        [
            RemitClaim(mine.control_number, D("180"), D("0"), "X1", DAY, status="4",
                       adjustments=[("CO", "197", D("180"))]),
            RemitClaim("WHO-KNOWS", D("90"), D("90"), "PCN-1", DAY),
            RemitClaim(foreign.control_number, D("90"), D("90"), "X3", DAY),
            RemitClaim("NOT-OURS", D("40"), D("40"), "X4", DAY),
        ],
        trace=trace,
        paid_on=DAY,
        payee_npi=desk.home.practice.npi,
    )  # fmt: skip


def _post(desk: Desk, who: str | None, text: str):
    auth = {"Authorization": f"Bearer {desk.tokens[who]}"} if who else {}
    headers = {"Content-Type": "text/plain"} | auth
    return desk.client.post("/api/v1/remittances", content=text.encode(), headers=headers)


def _count(engine, model) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def test_import_then_duplicate(desk: Desk, claims):
    mine, by_number, foreign = claims
    first = _post(desk, "integration", _file(desk, claims))
    assert first.status_code == 200, first.text
    assert first.json() == {
        "trace_numbers": ["TRACE1"],
        "duplicate_trace_numbers": [],
        "claims_matched": 2,
        # The other practice's claim is not the caller's: unmatched, applied to nothing.
        "claims_unmatched": [foreign.control_number, "NOT-OURS"],
        "payments": 4,
        "denials": 1,
        "duplicate": False,
    }
    # The relay ran after the response: one signal_with_start per matched payment.
    started = {(wf_id, signal) for _, _, wf_id, _, signal, _ in desk.temporal.started}
    slug = desk.home.practice.slug
    assert started == {
        (f"claim-{slug}-{mine.id}", PAYMENT_SIGNAL),
        (f"claim-{slug}-{by_number.id}", PAYMENT_SIGNAL),
    }
    with Session(desk.engine) as session:
        outbox = session.exec(select(PaymentOutbox)).all()
        assert len(outbox) == 2 and all(row.sent_at is not None for row in outbox)
    again = _post(desk, "supervisor", _file(desk, claims))
    assert again.status_code == 200
    assert again.json()["duplicate"] is True and again.json()["payments"] == 0
    assert again.json()["duplicate_trace_numbers"] == ["TRACE1"]
    assert _count(desk.engine, Remittance) == 1 and _count(desk.engine, ClaimPayment) == 4
    assert len(desk.temporal.started) == 2  # nothing sent twice


def test_roles(desk: Desk, claims):
    text = _file(desk, claims)
    assert _post(desk, None, text).status_code == 401
    assert _post(desk, "specialist", text).status_code == 403
    assert _count(desk.engine, Remittance) == 0
    everything = _post(desk, "admin_all", text).json()
    assert everything["claims_matched"] == 3


def test_the_outsider_sees_only_their_claims(desk: Desk, claims):
    result = _post(desk, "outsider", _file(desk, claims)).json()
    assert result["claims_matched"] == 1 and result["claims_unmatched"] == []


@pytest.mark.parametrize(
    ("mangle", "segment"),
    [
        (lambda t: t.replace("TRN*1*", "TRN*"), "segment 5"),
        (lambda t: t.replace("SE*", "XX*"), "segment"),
        (lambda t: "hello", "segment 1"),
    ],
)
def test_invalid_file_is_422_naming_the_segment_and_stores_nothing(desk, claims, mangle, segment):
    response = _post(desk, "integration", mangle(_file(desk, claims)))
    assert response.status_code == 422 and response.json()["detail"].startswith(segment)
    assert _count(desk.engine, Remittance) == 0 and _count(desk.engine, PaymentOutbox) == 0


def test_empty_body_is_422(desk: Desk):
    response = _post(desk, "integration", "  ")
    assert response.status_code == 422 and "body" in response.json()["detail"]


def test_a_failed_signal_stays_pending(desk: Desk, claims):
    desk.temporal.start_error = RuntimeError("frontend unavailable")
    assert _post(desk, "integration", _file(desk, claims)).status_code == 200
    with Session(desk.engine) as session:
        outbox = session.exec(select(PaymentOutbox)).all()
        assert [(row.sent_at, row.attempts) for row in outbox] == [(None, 1)] * 2
        assert outbox[0].last_error == "RuntimeError: frontend unavailable"


def test_parallel_imports_of_one_file_store_it_once(desk: Desk, claims):
    text = _file(desk, claims, trace="RACE")
    results: list = []
    barrier = threading.Barrier(4)

    def post() -> None:
        client = TestClient(desk.client.app)
        headers = {"Authorization": f"Bearer {desk.tokens['integration']}"}
        barrier.wait()
        response = client.post("/api/v1/remittances", content=text.encode(), headers=headers)
        results.append((response.status_code, response.json()["duplicate"]))

    threads = [threading.Thread(target=post) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(results) == [(200, False)] + [(200, True)] * 3
    assert _count(desk.engine, Remittance) == 1 and _count(desk.engine, PaymentOutbox) == 2
