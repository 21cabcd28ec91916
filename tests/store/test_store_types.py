"""Values come back from the database exactly as they went in, on SQLite and PostgreSQL."""

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import factories
import pytest
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError, StatementError
from sqlmodel import Session, select

from denialdesk.store.db import session_scope
from denialdesk.store.models import AuditEvent, Payer, Practice, Remittance


def remittance(trace: str, amount: str, payer: str = "1999999999") -> Remittance:
    return Remittance(
        payer_identifier=payer,
        trace_number=trace,
        payer_name="Test Payer",
        amount=Decimal(amount),
        payment_date=date(2025, 3, 14),
    )


@pytest.mark.parametrize("amount", ["1234567.89", "0.01", "9999999999.99", "-42.10"])
def test_money_round_trips_exactly(engine, amount):
    with session_scope(engine) as session:
        row_id = factories.practice(session, write_off_threshold=Decimal(amount)).id
    with Session(engine) as session:
        stored = session.get(Practice, row_id).write_off_threshold
    assert stored == Decimal(amount)
    assert str(stored) == amount  # two places, no float noise, no exponent


def test_money_sums_are_exact(engine):
    with session_scope(engine) as session:
        session.add(remittance("T1", "0.10"))
        session.add(remittance("T2", "0.20"))
        # A float sum of a hundred 0.10 is 9.99999999999998: the type must quantize it back.
        session.add_all(remittance(f"C{n}", "0.10") for n in range(100))
    with Session(engine) as session:
        pair = session.exec(
            select(func.sum(Remittance.amount)).where(Remittance.trace_number.in_(["T1", "T2"]))
        ).one()
        cents = session.exec(
            select(func.sum(Remittance.amount)).where(Remittance.trace_number.like("C%"))
        ).one()
    assert (pair, cents) == (Decimal("0.30"), Decimal("10.00"))
    assert (str(pair), str(cents)) == ("0.30", "10.00")


def test_utc_datetime_comes_back_aware_in_utc(engine):
    local = datetime(2025, 7, 1, 9, 30, 15, 123456, tzinfo=ZoneInfo("America/Chicago"))
    with session_scope(engine) as session:
        session.add(AuditEvent(at=local, action="round_trip"))
    with Session(engine) as session:
        stored = session.exec(select(AuditEvent.at)).one()
    assert stored == local
    assert stored.tzinfo is UTC
    assert stored.hour == 14  # 09:30 CDT


def test_naive_datetime_is_refused(engine):
    with pytest.raises(StatementError, match="naive datetime"), session_scope(engine) as session:
        session.add(AuditEvent(at=datetime(2025, 1, 1, 12, 0), action="naive"))


def test_json_columns_round_trip(engine):
    rules = {
        "auth_required_codes": ["90837", "H0015"],
        "visit_limit_per_year": 20,
        "telehealth": {"places_of_service": ["02", "10"], "modifier": "95"},
        "note": "Ärztliche Überprüfung — 100%",
        "flag": True,
        "none": None,
    }
    levels = [{"level": 1, "window_days": 120}, {"level": 2, "window_days": 60}]
    with session_scope(engine) as session:
        practice = factories.practice(session)
        payer_id = factories.payer(session, practice, rules=rules, appeal_levels=levels).id
    with Session(engine) as session:
        stored = session.get(Payer, payer_id)
    assert stored.rules == rules
    assert stored.appeal_levels == levels


def test_practice_slug_is_unique(engine):
    with session_scope(engine) as session:
        factories.practice(session, slug="calm-psych")
    with pytest.raises(IntegrityError), session_scope(engine) as session:
        factories.practice(session, slug="calm-psych")


def test_remittance_is_unique_per_payer_and_trace_number(engine):
    with session_scope(engine) as session:
        session.add(remittance("TRACE-1", "10.00", payer="1111111111"))
        # The same trace number from another payer is another transaction.
        session.add(remittance("TRACE-1", "10.00", payer="2222222222"))
    with pytest.raises(IntegrityError), session_scope(engine) as session:
        session.add(remittance("TRACE-1", "99.00", payer="1111111111"))
    with Session(engine) as session:
        assert len(session.exec(select(Remittance)).all()) == 2


def test_database_errors_never_quote_values(tmp_path):
    """Driver errors end up in logs and tracebacks; the patient's data must not travel in them."""
    import sqlalchemy

    from denialdesk.store.db import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'hidden.sqlite'}")
    with engine.begin() as connection:
        connection.execute(sqlalchemy.text("CREATE TABLE t (name TEXT UNIQUE)"))
        connection.execute(sqlalchemy.text("INSERT INTO t VALUES (:n)"), {"n": "Rivera, Ana"})
    with pytest.raises(sqlalchemy.exc.IntegrityError) as caught, engine.begin() as connection:
        connection.execute(sqlalchemy.text("INSERT INTO t VALUES (:n)"), {"n": "Rivera, Ana"})
    assert "Rivera" not in str(caught.value)
