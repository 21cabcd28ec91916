"""store.remittances on SQLite and PostgreSQL: idempotent imports, matching, the outbox."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import work_data
from remit_builder import RemitClaim, build_835
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, func, select

from denialdesk.domain.x12.remit import parse_835
from denialdesk.store.db import session_scope
from denialdesk.store.models import (
    ClaimPayment,
    ClaimVersion,
    PaymentAdjustment,
    PaymentLine,
    PaymentOutbox,
    PaymentRemark,
    Remittance,
    ServiceLine,
)
from denialdesk.store.remittances import (
    import_remittance,
    mark_failed,
    mark_sent,
    pending_outbox,
)

D = Decimal
PAID_ON = date(2026, 4, 1)


def _wf(slug: str, claim_id: int) -> str:
    return f"claim-{slug}-{claim_id}"


def _import(engine, text: str, practice_ids=None):
    with session_scope(engine) as session:
        return import_remittance(
            session, remit=parse_835(text), practice_ids=practice_ids, user_id=None, workflow_id=_wf
        )


def _count(session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


@pytest.fixture
def claims(engine):
    with session_scope(engine) as session:
        home = work_data.parties(session)
        other = work_data.parties(session)
        by_control = work_data.claim(session, home)
        by_payer_number = work_data.claim(session, home, payer_claim_number="PCN-77")
        foreign = work_data.claim(session, other)
    return home, other, by_control, by_payer_number, foreign


def _remit(claims, trace="TR1"):
    home, other, by_control, by_payer_number, foreign = claims
    day = date(2026, 3, 2)
    return build_835(
        [
            RemitClaim(by_control.control_number, D("180"), D("150"), "P1", day,
                       adjustments=[("CO", "45", D("30"))]),
            RemitClaim("NOT-OURS-1", D("100"), D("0"), "PCN-77", day, status="4",
                       adjustments=[("CO", "197", D("100"))], remarks=["N54"]),
            RemitClaim(foreign.control_number, D("90"), D("90"), "P3", day),
            RemitClaim("UNKNOWN-9", D("50"), D("0"), "P4", day, status="4",
                       adjustments=[("CO", "16", D("50"))]),
        ],
        trace=trace,
        paid_on=PAID_ON,
        payee_npi=home.practice.npi,
    )  # fmt: skip


def test_import_matches_stores_and_writes_the_outbox(engine, claims):
    home, other, by_control, by_payer_number, foreign = claims
    result = _import(engine, _remit(claims), practice_ids=[home.practice.id])
    assert result.response() == {
        "trace_numbers": ["TR1"],
        "duplicate_trace_numbers": [],
        # The other practice's claim is not the caller's to pay: stored unmatched, applied to
        # nothing, and listed (the caller sent its control number, the file is theirs).
        "claims_matched": 2,
        "claims_unmatched": [foreign.control_number, "UNKNOWN-9"],
        "payments": 4,
        "denials": 2,
        "duplicate": False,
    }
    with Session(engine) as session:
        payments = session.exec(select(ClaimPayment).order_by(ClaimPayment.id)).all()
        assert [p.claim_id for p in payments] == [
            by_control.id,
            by_payer_number.id,  # CLP07 matched when CLP01 did not
            None,
            None,
        ]
        assert [p.result for p in payments] == ["paid", "denied", "paid", "denied"]
        assert payments[1].denial_category == "authorization"
        outbox = session.exec(select(PaymentOutbox).order_by(PaymentOutbox.id)).all()
        assert [(o.claim_payment_id, o.workflow_id) for o in outbox] == [
            (payments[0].id, f"claim-{home.practice.slug}-{by_control.id}"),
            (payments[1].id, f"claim-{home.practice.slug}-{by_payer_number.id}"),
        ]
        assert result.outbox_ids == [o.id for o in outbox]
        carcs = session.exec(select(PaymentAdjustment.carc).order_by(PaymentAdjustment.id)).all()
        assert carcs == ["45", "197", "16"]
        assert session.exec(select(PaymentRemark.code)).all() == ["N54"]
        remittance = session.exec(select(Remittance)).one()
        assert (remittance.payer_identifier, remittance.amount) == ("1043210987", D("240.00"))
        assert remittance.payer_ids == ["1043210987", "BHHP1"]  # TRN03 and REF*2U
        assert remittance.practice_id == home.practice.id  # the payee's practice


def test_second_import_is_a_duplicate_and_stores_nothing(engine, claims):
    _import(engine, _remit(claims))
    again = _import(engine, _remit(claims))
    assert again.duplicate is True and again.duplicate_trace_numbers == ["TR1"]
    assert (again.payments, again.claims_matched, again.claims_unmatched) == (0, 0, [])
    with Session(engine) as session:
        assert _count(session, Remittance) == 1
        assert _count(session, ClaimPayment) == 4
        assert _count(session, PaymentOutbox) == 3


def test_admin_of_all_sees_every_match_and_unmatched(engine, claims):
    result = _import(engine, _remit(claims), practice_ids=None)
    assert result.claims_matched == 3 and result.claims_unmatched == ["UNKNOWN-9"]


def test_unmatched_of_other_practices_are_not_listed(engine, claims):
    _, other, *_ = claims
    result = _import(engine, _remit(claims), practice_ids=[other.practice.id])
    # The payee NPI is the home practice's: its unknown claim is none of the caller's business.
    assert result.claims_unmatched == [] and result.claims_matched == 1


def test_a_rolled_back_import_leaves_nothing(engine, claims):
    with pytest.raises(RuntimeError), session_scope(engine) as session:
        import_remittance(
            session,
            remit=parse_835(_remit(claims)),
            practice_ids=None,
            user_id=None,
            workflow_id=_wf,
        )
        raise RuntimeError("the request failed after the import")
    with Session(engine) as session:
        assert _count(session, Remittance) == _count(session, ClaimPayment) == 0


def test_the_unique_trace_refuses_a_concurrent_second_import(engine, claims):
    # Two imports racing past the duplicate check: the database still keeps one.
    with Session(engine) as session:
        session.add(Remittance(payer_identifier="X", trace_number="T", payer_name="P",
                               amount=D("1")))  # fmt: skip
        session.add(Remittance(payer_identifier="X", trace_number="T", payer_name="P",
                               amount=D("1")))  # fmt: skip
        with pytest.raises(IntegrityError):
            session.commit()


def test_outbox_sent_and_failed(engine, claims):
    _import(engine, _remit(claims))
    with session_scope(engine) as session:
        first, second, third = pending_outbox(session, limit=10)
        mark_sent(session, outbox_id=first.outbox_id)
        mark_failed(session, outbox_id=second.outbox_id, error="unavailable " * 40)
    with Session(engine) as session:
        left = pending_outbox(session, limit=10)
        # The failed one goes behind the untried one.
        assert [p.outbox_id for p in left] == [third.outbox_id, second.outbox_id]
        row = session.get(PaymentOutbox, second.outbox_id)
        assert row.attempts == 1 and len(row.last_error) == 200 and row.sent_at is None
        assert session.get(PaymentOutbox, first.outbox_id).sent_at is not None


@pytest.mark.parametrize("named", [True, False], ids=["REF*6R", "no REF*6R"])
def test_each_payment_line_posts_to_the_claim_line_it_pays(engine, named):
    """Two 90837 sessions on one day: the payer answers the second (denied) before the first
    (paid). With the line control numbers the 837P sends (REF*6R) each payment goes to its own
    line; without them, to the lines in order of code and date."""
    day = date(2026, 3, 2)
    with session_scope(engine) as session:
        home = work_data.parties(session)
        claim = work_data.claim(session, home, total_charge=D("360"))
        version = ClaimVersion(claim_id=claim.id, version=1, total_charge=D("360"))
        session.add(version)
        session.flush()
        lines = [
            ServiceLine(claim_version_id=version.id, line_number=n, service_date=day,
                        code="90837", charge=D("180"), place_of_service="11", dx_pointers=[1])
            for n in (1, 2)
        ]  # fmt: skip
        session.add_all(lines)
        session.flush()
        line_ids = [line.id for line in lines]
        control_number = claim.control_number
    svc = [
        ("SVC*HC:90837*180*0**1", "CAS*CO*97*180", "REF*6R*2"),
        ("SVC*HC:90837*180*150**1", "CAS*CO*45*30", "REF*6R*1"),
    ]
    sent = [segment for loop in svc for segment in (loop if named else loop[:2])]
    remit = RemitClaim(control_number, D("360"), D("150"), "P9", day, lines=sent)
    _import(engine, build_835([remit], trace="TR-LINES", paid_on=PAID_ON))
    with Session(engine) as session:
        rows = session.exec(select(PaymentLine).order_by(PaymentLine.id)).all()
    assert [(row.paid, row.line_control) for row in rows] == (
        [(D("0"), "2"), (D("150"), "1")] if named else [(D("0"), None), (D("150"), None)]
    )
    expected = [line_ids[1], line_ids[0]] if named else line_ids
    assert [row.service_line_id for row in rows] == expected
