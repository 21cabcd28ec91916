"""The supervisor board: open work per person and per queue with overdue and due-soon
counts, links into the worklist for each, and "hand back all" for a person who is out.
Supervisors and admins only; a specialist gets 403 and no link to it.
"""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request, status
from fastapi.responses import RedirectResponse, Response

from denialdesk.services import board as board_service
from denialdesk.services import tasks as task_service
from denialdesk.services.errors import ServiceError
from denialdesk.services.temporal import client_or_none
from denialdesk.store.types import utcnow
from denialdesk.web.deps import DbDep, PrincipalDep
from denialdesk.web.render import render
from denialdesk.web.views import money
from denialdesk.web.worklist import access_summary

router = APIRouter()


def _refused(request: Request, exc: ServiceError) -> Response:
    return render(
        request,
        "error.html",
        {"title": "Not allowed", "message": "The board is for supervisors: " + exc.detail},
        status_code=403,
    )


@router.get("/board")
def board_page(request: Request, principal: PrincipalDep, db: DbDep) -> Response:
    today = utcnow().date()  # the business day, as the workflows count it
    try:
        board = board_service.board(db, principal, today)
    except ServiceError as exc:
        return _refused(request, exc)
    context = {
        "principal": principal,
        "access": access_summary(db, principal),
        "board": board,
        "money": money,
        "notice": request.query_params.get("notice"),
    }
    return render(request, "board.html", context)


@router.post("/board/hand-back")
async def hand_back(request: Request, principal: PrincipalDep, db: DbDep) -> Response:
    """Everything of one person back to the queue (someone called in sick)."""
    form = await request.form()
    username = str(form.get("username", "")).strip()
    try:
        done = board_service.hand_back_all(db, principal, username)
    except ServiceError as exc:
        return _refused(request, exc)
    client = await client_or_none(request.app.state)
    for task in done:
        await task_service.notify(client, task, "released")
    plural = "" if len(done) == 1 else "s"
    notice = f"{len(done)} task{plural} of {username or 'nobody'} back in the queue."
    return RedirectResponse("/board?" + urlencode({"notice": notice}), status.HTTP_303_SEE_OTHER)
