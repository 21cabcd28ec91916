"""The base of every JSON request body, and the 422 answer for bodies that do not fit.

Unknown fields are refused (422 naming them) rather than silently dropped, so a client's typo
never looks like success. Text holding a NUL byte or a lone surrogate is refused at the same
place for every string of every body: databases reject both (a 500 that logged the row), and a
lone surrogate cannot even be encoded back into a JSON response.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, field_validator
from pydantic_core import PydanticCustomError

UNSAFE_TEXT = "unsafe_text"


def unsafe(text: str) -> bool:
    return "\x00" in text or any(0xD800 <= ord(char) <= 0xDFFF for char in text)


def _holds_unsafe(value: Any) -> bool:
    if isinstance(value, str):
        return unsafe(value)
    if isinstance(value, list | tuple):
        return any(_holds_unsafe(item) for item in value)
    if isinstance(value, dict):
        return any(_holds_unsafe(k) or _holds_unsafe(v) for k, v in value.items())
    return False


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _safe_text(cls, value: Any) -> Any:
        # Nested bodies are Body too and check their own fields, so the error names the field.
        if not isinstance(value, dict) and _holds_unsafe(value):
            raise PydanticCustomError(
                UNSAFE_TEXT, "text must not hold NUL bytes or lone surrogates"
            )
        return value


def _escaped(value: Any) -> Any:
    """`value` with NULs and lone surrogates written out as \\u escapes (JSON-encodable)."""
    if isinstance(value, str) and unsafe(value):
        return "".join(
            f"\\u{ord(c):04x}" if c == "\x00" or 0xD800 <= ord(c) <= 0xDFFF else c for c in value
        )
    return value


def _safe_error(error: dict) -> dict:
    safe = {key: value for key, value in error.items() if key not in ("input", "ctx")}
    if not _holds_unsafe(error.get("input")):
        safe["input"] = error.get("input")
        if "ctx" in error:
            safe["ctx"] = error["ctx"]
    safe["loc"] = [_escaped(part) for part in error.get("loc", ())]
    safe["msg"] = _escaped(error.get("msg", ""))
    return safe


async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    """FastAPI's 422, except that bad text is never echoed back (it could not be encoded, and
    the failure would log it)."""
    errors = [_safe_error(dict(error)) for error in exc.errors()]
    return JSONResponse(status_code=422, content={"detail": jsonable_encoder(errors)})


EXCEPTION_HANDLERS = {RequestValidationError: validation_error}
