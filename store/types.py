"""Column types shared by the tables: money as exact decimals, timestamps always in UTC."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import JSON, DateTime, Numeric
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """SQLite forgets time zones; hand back aware UTC datetimes on every engine."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime stored; use an aware UTC datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Money(TypeDecorator):
    """Numeric(12, 2) that always hands back a Decimal with two places.

    SQLite keeps numerics as floating point; two-place amounts below 10^10 survive the
    round trip exactly once quantized, and SQL sums still work for reports. PostgreSQL stores
    and returns exact decimals.
    """

    impl = Numeric(12, 2)
    cache_ok = True

    def load_dialect_impl(self, dialect):
        # PostgreSQL keeps exact numerics end to end; only SQLite goes through floats.
        return dialect.type_descriptor(Numeric(12, 2, asdecimal=dialect.name != "sqlite"))

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        amount = Decimal(value).quantize(CENT)
        return float(amount) if dialect.name == "sqlite" else amount

    def process_result_value(self, value, dialect):
        return None if value is None else Decimal(str(value)).quantize(CENT)


CENT = Decimal("0.01")


def utcnow() -> datetime:
    return datetime.now(UTC)


JSONType = JSON
