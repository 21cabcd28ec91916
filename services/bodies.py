"""The base of every request body the services take (JSON over the API, forms on the pages).

Unknown fields are refused (422 naming them) rather than silently dropped, so a client's typo
never looks like success. Text holding a NUL byte or a lone surrogate is refused at the same
place for every string of every body: databases reject both (a 500 that logged the row), and a
lone surrogate cannot even be encoded back into a JSON response.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator
from pydantic_core import PydanticCustomError

UNSAFE_TEXT = "unsafe_text"
MAX_ID = 2**63 - 1  # the largest id a BIGINT holds: larger ones are 422, not a 500


def unsafe(text: str) -> bool:
    return "\x00" in text or any(0xD800 <= ord(char) <= 0xDFFF for char in text)


def holds_unsafe(value: Any) -> bool:
    if isinstance(value, str):
        return unsafe(value)
    if isinstance(value, list | tuple):
        return any(holds_unsafe(item) for item in value)
    if isinstance(value, dict):
        return any(holds_unsafe(k) or holds_unsafe(v) for k, v in value.items())
    return False


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _safe_text(cls, value: Any) -> Any:
        # Nested bodies are Body too and check their own fields, so the error names the field.
        if not isinstance(value, dict) and holds_unsafe(value):
            raise PydanticCustomError(
                UNSAFE_TEXT, "text must not hold NUL bytes or lone surrogates"
            )
        return value
