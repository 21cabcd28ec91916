"""Errors of bad input that the store finds (the API answers them 422, naming the field)."""

from __future__ import annotations

from datetime import date

from denialdesk.domain import business_dates


class InputError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def checked_date(
    field: str, value: date, *, today: date | None, years: int = business_dates.YEARS_AHEAD
) -> date:
    """A business date inside its range (domain/business_dates.py), else InputError naming
    the field. `today` None (seed, stored rows) still refuses dates no deadline can follow."""
    try:
        return business_dates.check(value, today=today, years=years)
    except business_dates.DateOutOfRange as error:
        raise InputError(field, str(error)) from None
