"""Typed reads of X12 elements (text, amounts, dates, counts) that fail with RemitParseError.

`Elements.number` is the segment being read, so every message names where the problem is.
Amounts and dates repeat a lot in a remittance (the same fee, the same date on every line), so
each parse keeps the values it has already converted.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from denialdesk.domain import business_dates
from denialdesk.domain.x12.tokens import RemitParseError

# X12 data type R as payers send money: optional minus, digits, optional decimal point.
# ASCII digits only: Decimal() would also accept Arabic-Indic digits, "NaN", "1e5" and "1_0".
_AMOUNT = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_MAX_AMOUNT_LENGTH = 18


class Elements:
    __slots__ = ("number", "today", "_amounts", "_dates")

    def __init__(self, today: date | None = None) -> None:
        self.number = 0
        # Dates must fall in the range of business dates (domain/business_dates.py): a payment
        # on 99991231 would overflow every deadline counted from it.
        self.today = today
        self._amounts: dict[str, Decimal] = {}
        self._dates: dict[str, date] = {}

    def error(self, reason: str) -> RemitParseError:
        return RemitParseError(self.number, reason)

    def text(self, seg: list[str], index: int) -> str:
        """A required element."""
        value = seg[index] if index < len(seg) else ""
        if not value:
            raise self.error(f"{seg[0]}{index:02d} is required")
        return value

    def amount(self, seg: list[str], index: int) -> Decimal:
        try:  # the common case, kept short: an amount already seen in this file
            return self._amounts[seg[index]]
        except (KeyError, IndexError):
            return self._new_amount(seg, index)

    def _new_amount(self, seg: list[str], index: int) -> Decimal:
        raw = seg[index] if index < len(seg) else ""
        if not raw:
            raise self.error(f"{seg[0]}{index:02d} (an amount) is required")
        if len(raw) > _MAX_AMOUNT_LENGTH or _AMOUNT.fullmatch(raw) is None:
            raise self.error(f"{seg[0]}{index:02d} {raw!r} is not an amount")
        value = self._amounts[raw] = Decimal(raw)
        return value

    def optional_amount(self, seg: list[str], index: int) -> Decimal | None:
        if index >= len(seg) or not seg[index]:
            return None
        return self.amount(seg, index)

    def date(self, seg: list[str], index: int) -> date:
        """CCYYMMDD."""
        try:
            return self._dates[seg[index]]
        except (KeyError, IndexError):
            pass
        raw = seg[index] if index < len(seg) else ""
        if len(raw) != 8 or not (raw.isascii() and raw.isdigit()):
            raise self.error(f"{seg[0]}{index:02d} {raw!r} is not a date (CCYYMMDD)")
        try:
            value = date(int(raw[:4]), int(raw[4:6]), int(raw[6:]))
        except ValueError:
            raise self.error(f"{seg[0]}{index:02d} {raw!r} is not a date") from None
        try:
            business_dates.check(value, today=self.today)
        except business_dates.DateOutOfRange as exc:
            raise self.error(f"{seg[0]}{index:02d} {exc}") from None
        self._dates[raw] = value
        return value

    def count(self, seg: list[str], index: int) -> int:
        raw = seg[index] if index < len(seg) else ""
        if not raw or len(raw) > 10 or not (raw.isascii() and raw.isdigit()):
            raise self.error(f"{seg[0]}{index:02d} {raw!r} is not a count")
        return int(raw)


def element(seg: list[str], index: int) -> str:
    """An optional element: "" when absent."""
    return seg[index] if index < len(seg) else ""


def optional(seg: list[str], index: int) -> str | None:
    """An optional element: None when absent or empty."""
    return (seg[index] or None) if index < len(seg) else None
