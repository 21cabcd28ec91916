"""POST /remittances: import a raw 835 (SPEC section 5).

The body is the file itself. A file that does not parse is refused whole with 422 naming the
segment; otherwise every new transaction is stored in one database transaction with an outbox
row per matched claim payment (store/remittances.py), and the payment relay is woken up to
signal the claims' workflows; the response does not wait for it (the relay retries).
"""

from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks, HTTPException, Request, status
from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool

from denialdesk.api.deps import PrincipalDep, SessionDep
from denialdesk.contracts.claim import claim_workflow_id
from denialdesk.domain.roles import Action
from denialdesk.domain.x12.remit import RemitParseError, parse_835
from denialdesk.services.access import practices_where
from denialdesk.store.remittances import import_remittance
from denialdesk.store.types import utcnow

router = APIRouter(tags=["remittances"])
MAX_BYTES = 50 * 1024 * 1024  # a large payer's weekly 835 is a few MB


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

    def store():
        # Two imports of one file at once: the loser hits the unique (payer, trace) and,
        # run again, sees the winner's rows as duplicates.
        for attempt in (1, 2):
            try:
                result = import_remittance(
                    session,
                    remit=remit,
                    practice_ids=practice_ids,
                    user_id=principal.user_id,
                    workflow_id=claim_workflow_id,
                )
                session.commit()
                return result
            except IntegrityError:
                session.rollback()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    result = await run_in_threadpool(store)
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
