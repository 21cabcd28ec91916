"""POST /remittances: import a raw 835 (SPEC section 5).

The body is the file itself. A file that does not parse is refused whole with 422 naming the
segment; otherwise every new transaction is stored in one database transaction with an outbox
row per matched claim payment (services/remittances.py, as the CLI and the inbox do), and the
payment relay is woken up to signal the claims' workflows; the response does not wait for it
(the relay retries).
"""

from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks, HTTPException, Request, status
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from denialdesk.api.deps import PrincipalDep, SessionDep
from denialdesk.domain.roles import Action
from denialdesk.domain.x12.remit import RemitParseError, parse_835
from denialdesk.services.access import practices_where
from denialdesk.services.remittances import MAX_835_BYTES, store_remittance
from denialdesk.store.types import utcnow

router = APIRouter(tags=["remittances"])
MAX_BYTES = MAX_835_BYTES


class ImportResponse(BaseModel):
    trace_numbers: list[str]
    duplicate_trace_numbers: list[str]
    claims_matched: int
    claims_unmatched: list[str]
    payments: int
    denials: int
    duplicate: bool


@router.post(
    "/remittances",
    response_model=ImportResponse,
    openapi_extra={
        "requestBody": {"content": {"text/plain": {"schema": {"type": "string"}}}, "required": True}
    },
)
async def post_remittance(
    request: Request, session: SessionDep, principal: PrincipalDep, background: BackgroundTasks
):
    practice_ids = practices_where(principal, Action.IMPORT_835)
    body = await _read_limited(request)
    if not body.strip():
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail="body: an 835 file")
    try:
        # Parsing a few MB takes long enough to stall every other request on the event loop.
        remit = await run_in_threadpool(parse_835, body, today=utcnow().date())
    except RemitParseError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=str(exc)) from None

    result = await run_in_threadpool(
        store_remittance, session, remit, practice_ids=practice_ids, user_id=principal.user_id
    )
    relay = getattr(request.app.state, "payment_relay", None)
    if result.outbox_ids and relay is not None:
        background.add_task(relay)
    return result.response()


async def _read_limited(request: Request) -> bytes:
    """The body, refused with 413 as soon as it passes MAX_BYTES (the app's BodyLimit already
    refuses larger bodies; this keeps the route safe wherever it is mounted)."""
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BYTES:
            raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, detail="body: too large")
    return bytes(body)
