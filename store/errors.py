"""Errors of bad input that the store finds (the API answers them 422, naming the field)."""

from __future__ import annotations


class InputError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
