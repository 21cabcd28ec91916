"""How the pages say numbers and dates (money, deadline countdowns), read ids from URLs and
send the browser on after a form (303 See Other)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from fastapi import status
from fastapi.responses import RedirectResponse

from denialdesk.services.bodies import MAX_ID


@dataclass(frozen=True)
class Countdown:
    text: str
    overdue: bool


def countdown(due: date | None, today: date) -> Countdown:
    """ "9 days left", "due today", "3 days overdue"; "no deadline" without a due date."""
    if due is None:
        return Countdown("no deadline", False)
    days = (due - today).days
    if days == 0:
        return Countdown("due today", False)
    plural = "" if abs(days) == 1 else "s"
    if days < 0:
        return Countdown(f"{-days} day{plural} overdue", True)
    return Countdown(f"{days} day{plural} left", False)


def money(amount: Decimal | None) -> str:
    return "" if amount is None else f"${amount:,.2f}"


def record_id(value: str) -> int:
    """A row id from a URL, as the database can hold it (a bigger number would fail in
    PostgreSQL); ValueError otherwise."""
    number = int(value)
    if not 1 <= number <= MAX_ID:
        raise ValueError(value)
    return number


def see_other(location: str) -> RedirectResponse:
    """After a form: the browser GETs `location` (a reload does not post again)."""
    return RedirectResponse(location, status.HTTP_303_SEE_OTHER)
