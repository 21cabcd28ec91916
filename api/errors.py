"""How the API answers what went wrong: FastAPI's 422 without echoing bad text, and every
services refusal (services/errors.py) as its status with `{"detail": ...}`."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from denialdesk.services.bodies import holds_unsafe, unsafe
from denialdesk.services.errors import ServiceError


def _escaped(value: Any) -> Any:
    """`value` with NULs and lone surrogates written out as \\u escapes (JSON-encodable)."""
    if isinstance(value, str) and unsafe(value):
        return "".join(
            f"\\u{ord(c):04x}" if c == "\x00" or 0xD800 <= ord(c) <= 0xDFFF else c for c in value
        )
    return value


def _safe_error(error: dict) -> dict:
    safe = {key: value for key, value in error.items() if key not in ("input", "ctx")}
    if not holds_unsafe(error.get("input")):
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


async def service_error(request: Request, exc: ServiceError) -> JSONResponse:
    return JSONResponse(status_code=exc.status, content={"detail": exc.detail, **exc.extra})


EXCEPTION_HANDLERS = {RequestValidationError: validation_error, ServiceError: service_error}
