"""One task, worked from its page: the claim and its denial in plain English, the timeline,
notes, take/pend, and the decision buttons that send the workflow its Update.

Every write goes through the services the API uses; a refusal (stale version, someone else
took it, a value the workflow refuses) is shown on the page as a message, never a crash.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from fastapi import APIRouter, Request, status
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from denialdesk.contracts.enums import ACTIONS_BY_TASK_KIND, DecisionAction, TaskKind
from denialdesk.domain.roles import Action
from denialdesk.services import authorizations as auth_service
from denialdesk.services import claims as claim_service
from denialdesk.services import decisions as decision_service
from denialdesk.services import task_authorization
from denialdesk.services import tasks as task_service
from denialdesk.services.authorizations import AuthorizationExtend
from denialdesk.services.claims import NoteBody
from denialdesk.services.errors import ServiceError
from denialdesk.services.task_detail import task_detail
from denialdesk.services.temporal import client_or_none, temporal_client
from denialdesk.store.types import utcnow
from denialdesk.web.deps import DbDep, PrincipalDep
from denialdesk.web.render import htmx_part, render
from denialdesk.web.views import countdown, money
from denialdesk.web.worklist import access_summary

router = APIRouter()
# The order the buttons appear in: the usual way out first.
ACTION_ORDER = [a.value for a in DecisionAction]
NOTICES = {
    "decided": "Decision sent — the claim's workflow has it.",
    "taken": "The task is yours.",
    "released": "The task is back in the queue.",
    "pended": "Pended.",
    "authorized": "Authorization recorded and attached to the claim as a new version — its "
    "workflow checks the claim again.",
    "renewed": "New authorization recorded — the scheduled visits of its dates moved onto it, "
    "and this renewal task closes.",
    "extended": "Authorization updated — its workflow recounts the visits and closes the task "
    "when they are covered.",
}


def _page(request, principal, db, task_id: int, *, error: str | None = None, code: int = 200):
    try:
        detail = task_detail(db, principal, task_id)
    except ServiceError as exc:
        return render(
            request,
            "error.html",
            {"title": "Task not found", "message": f"This task cannot be shown ({exc.detail})."},
            status_code=404 if exc.status == 404 else 403,
        )
    today = utcnow().date()
    task = detail.task
    actions = ACTIONS_BY_TASK_KIND.get(task.kind, frozenset())
    context = {
        "principal": principal,
        "access": access_summary(db, principal),
        "d": detail,
        "task": task,
        "money": money,
        "left": countdown(task.due_at, today),
        "actions": [a for a in ACTION_ORDER if a in actions],
        "mine": task.assignee_id == principal.user_id,
        "error": error,
        "notice": NOTICES.get(request.query_params.get("notice", "")),
        "today": today,
        "record_authorization": task.status in ("open", "pended")
        and detail.claim is not None
        and task_authorization.may_record(task.kind, task.category),
        "record_renewal": task.status in ("open", "pended")
        and task.kind == TaskKind.RENEW_AUTHORIZATION
        and detail.authorization is not None,
        # The day after the old one ends: what a payer's next authorization usually covers.
        "renew_start": detail.authorization.end_date + timedelta(days=1)
        if detail.authorization
        else None,
    }
    return render(request, "task.html", context, status_code=code)


@router.get("/tasks/{task_id}")
def task_page(task_id: int, request: Request, principal: PrincipalDep, db: DbDep) -> Response:
    return _page(request, principal, db, task_id)


@router.post("/tasks/{task_id}/notes")
async def add_note(task_id: int, request: Request, principal: PrincipalDep, db: DbDep):
    form = await request.form()
    try:
        body = NoteBody(text=str(form.get("text", "")).strip())
        claim_id = task_service.load_task(db, principal, task_id, Action.READ_WORK).claim_id
        if claim_id is None:
            raise ServiceError("this task has no claim to note on")
        claim_service.add_note(db, principal, claim_id, body.text)
    except ValidationError:
        error = "A note needs 1 to 4,000 characters."
        return _page(request, principal, db, task_id, error=error, code=422)
    except ServiceError as exc:
        return _page(request, principal, db, task_id, error=exc.detail, code=exc.status)
    if htmx_part(request):
        detail = task_detail(db, principal, task_id)
        return render(request, "task.html", {"d": detail}, block="timeline")
    return _redirect(task_id)


@router.post("/tasks/{task_id}/take")
async def take(task_id: int, request: Request, principal: PrincipalDep, db: DbDep):
    return await _assign(task_id, request, principal, db, principal.username, "taken")


@router.post("/tasks/{task_id}/release")
async def release(task_id: int, request: Request, principal: PrincipalDep, db: DbDep):
    return await _assign(task_id, request, principal, db, None, "released")


async def _assign(task_id, request, principal, db, username, notice) -> Response:
    form = await request.form()
    try:
        task = task_service.assign(
            db, principal, task_id=task_id, username=username, version=_int(form, "version")
        )
    except ServiceError as exc:
        return _page(request, principal, db, task_id, error=_said(exc), code=exc.status)
    await task_service.notify(
        await client_or_none(request.app.state), task, task_service.change_of(task)
    )
    return _redirect(task_id, notice)


@router.post("/tasks/{task_id}/pend")
async def pend(task_id: int, request: Request, principal: PrincipalDep, db: DbDep):
    form = await request.form()
    try:
        until = date.fromisoformat(str(form.get("until", "")))
    except ValueError:
        return _page(request, principal, db, task_id, error="Pend until: pick a date.", code=422)
    try:
        task = task_service.pend(
            db, principal, task_id=task_id, until=until, version=_int(form, "version"),
            reason=str(form.get("reason", "")).strip()[:200] or "pended", today=utcnow().date(),
        )  # fmt: skip
    except ServiceError as exc:
        return _page(request, principal, db, task_id, error=_said(exc), code=exc.status)
    await task_service.notify(await client_or_none(request.app.state), task, "pended")
    return _redirect(task_id, "pended")


@router.post("/tasks/{task_id}/extend")
async def extend(task_id: int, request: Request, principal: PrincipalDep, db: DbDep):
    """Record the payer's renewal from the task: a new end date and/or a new approved total.
    The authorization's workflow closes the renewal task once the units cover the schedule."""
    form = await request.form()
    try:
        body = AuthorizationExtend.model_validate(
            {
                "end_date": str(form.get("end_date", "")).strip() or None,
                "approved": str(form.get("approved", "")).strip() or None,
            }
        )
    except ValidationError as exc:
        return _page(request, principal, db, task_id, error=_invalid(exc), code=422)
    if body.end_date is None and body.approved is None:
        error = "Give the new end date, the new approved total, or both."
        return _page(request, principal, db, task_id, error=error, code=422)
    try:
        task = task_service.load_task(db, principal, task_id, Action.WORK_OWN)
        if task.authorization_id is None:
            raise ServiceError("this task has no authorization to extend")
        client = await temporal_client(request.app.state)
        await auth_service.extend_authorization(db, client, principal, task.authorization_id, body)
    except ServiceError as exc:
        return _page(request, principal, db, task_id, error=_said(exc), code=exc.status)
    return _redirect(task_id, "extended")


@router.post("/tasks/{task_id}/authorization")
async def record_authorization(task_id: int, request: Request, principal: PrincipalDep, db: DbDep):
    """Record the payer's authorization for the task's claim and attach it (a new version)."""
    return await _record(task_authorization.record_for_task, task_id, request, principal, db)


@router.post("/tasks/{task_id}/renewal")
async def record_renewal(task_id: int, request: Request, principal: PrincipalDep, db: DbDep):
    """Record the payer's next authorization from a renewal task (it closes the task)."""
    renew = task_authorization.renew_for_task
    return await _record(renew, task_id, request, principal, db, notice="renewed")


async def _record(
    service, task_id: int, request: Request, principal, db, notice: str = "authorized"
) -> Response:
    """An authorization form (number, codes, unit type, approved, dates) into `service`."""
    form = await request.form()
    fields = {
        name: str(form.get(name, "")).strip()
        for name in ("number", "unit_type", "approved", "start_date", "end_date")
    }
    fields["codes"] = str(form.get("codes", "")).replace(",", " ").upper().split()
    try:
        client = await temporal_client(request.app.state)
        queue = request.app.state.settings.temporal_task_queue
        await service(db, client, principal, task_id, fields, queue)
    except ValidationError as exc:
        return _page(request, principal, db, task_id, error=_invalid(exc), code=422)
    except ServiceError as exc:
        return _page(request, principal, db, task_id, error=_said(exc), code=exc.status)
    return _redirect(task_id, notice)


@router.post("/tasks/{task_id}/decision")
async def decide(task_id: int, request: Request, principal: PrincipalDep, db: DbDep):
    form = await request.form()
    try:
        body = decision_service.DecisionBody.model_validate(_decision(form))
    except (ValidationError, ValueError, InvalidOperation) as exc:
        return _page(request, principal, db, task_id, error=_invalid(exc), code=422)
    try:
        await decision_service.decide(
            db, lambda: temporal_client(request.app.state), principal, task_id, body,
            inbox=request.app.state.settings.inbox_dir,
        )  # fmt: skip
    except ServiceError as exc:
        return _page(request, principal, db, task_id, error=_said(exc), code=exc.status)
    return _redirect(task_id, "decided")


def _decision(form) -> dict[str, Any]:
    """The form's fields as the API's decision body (the same validation runs on both)."""
    action = str(form.get("action", ""))
    body: dict[str, Any] = {
        "action": action,
        "note": str(form.get("note", "")).strip(),
        "version": _int(form, "version"),
    }
    if action == "resubmit":
        body["resubmit"] = {"claim_version": _int(form, "claim_version")}
    elif action == "appeal":
        body["appeal"] = {
            "level": _int(form, "level"),
            "no_letter_reason": str(form.get("no_letter_reason", "")).strip() or None,
            "enclosures": [
                e.strip() for e in str(form.get("enclosures", "")).splitlines() if e.strip()
            ],
        }
    elif action == "write_off":
        body["write_off"] = {"reason": str(form.get("reason", "")).strip()}
    elif action == "bill_patient":
        amount = str(form.get("amount", "")).strip()
        body["bill_patient"] = {"amount": Decimal(amount) if amount else None}
    elif action == "reroute":
        body["reroute"] = {"queue": str(form.get("queue", "")).strip()}
    return body


def _int(form, name: str) -> int:
    try:
        return int(str(form.get(name, "")))
    except ValueError:
        return 0  # refused by the body's validation with the field's name


def _invalid(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "decision"
        return f"{where}: {first['msg']}"
    return "amount: not an amount"


def _said(exc: ServiceError) -> str:
    if exc.status == 409:
        return f"This task changed while you had it open ({exc.detail}). It is shown as it is now."
    return exc.detail


def _redirect(task_id: int, notice: str | None = None) -> Response:
    location = f"/tasks/{task_id}" + (f"?notice={notice}" if notice else "")
    return RedirectResponse(location, status.HTTP_303_SEE_OTHER)
