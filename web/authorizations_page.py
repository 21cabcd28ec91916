"""The Authorizations page: what needs renewing across the caller's practices (filters and sort
in the URL, keyset paging), and one authorization with its burn-down, scheduled visits, linked
claims and the renewal form. Reads go through services/authorization_list.py; the renewal
through services/authorizations.extend_authorization, as the task page and the API record it.

As on the worklist, a value in the URL that does not parse is dropped and named above the list,
never an error page; a refused renewal is a message beside the form.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from fastapi import APIRouter, Request, status
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from denialdesk.domain.business_dates import AUTHORIZATION_YEARS_AHEAD, years_after
from denialdesk.domain.roles import Action
from denialdesk.services import authorization_list as list_service
from denialdesk.services import authorizations as auth_service
from denialdesk.services.authorizations import AuthorizationExtend
from denialdesk.services.cursors import decode_key, encode_key
from denialdesk.services.errors import NotFound, ServiceError
from denialdesk.services.temporal import temporal_client
from denialdesk.store.types import utcnow
from denialdesk.web.deps import DbDep, PrincipalDep
from denialdesk.web.render import htmx_part, render
from denialdesk.web.views import money, record_id
from denialdesk.web.worklist import access_summary, filter_choices

router = APIRouter()
PAGE_SIZE = 50
MAX_WITHIN_DAYS = 3650
SORTS = {"end": "End date", "remaining": "Fewest left"}
# The status filter: "" is every current (not expired) authorization.
STATUS_CHOICES = {
    "": "Current",
    "expiring": "Expiring soon",
    "exhausted": "Exhausted",
    "active": "Active",
    "expired": "Expired",
}
FILTERS = ("q", "practice", "payer", "status", "within")
FIELD_LABELS = {"end_date": "New end date", "approved": "New approved total"}
NOTICES = {
    "extended": "Authorization updated — its workflow recounts the visits and closes the "
    "renewal task when they are covered.",
}


@dataclass(frozen=True)
class View:
    """The list as the URL asks for it, after dropping what does not parse."""

    values: dict[str, str]  # the filters as typed (kept in links and the form)
    query: list_service.AuthorizationQuery
    problems: list[str]

    def link(self, **changes: str | None) -> str:
        sort = None if self.query.sort == "end" else self.query.sort  # the default stays out
        params = {**self.values, "sort": sort} | changes
        return "/authorizations?" + urlencode({k: v for k, v in params.items() if v})


def _days(value: str) -> int:
    number = int(value)
    if not 0 <= number <= MAX_WITHIN_DAYS:
        raise ValueError(value)
    return number


def read_view(request: Request) -> View:
    params = request.query_params
    values = {name: params[name].strip() for name in FILTERS if params.get(name, "").strip()}
    sort = params.get("sort") if params.get("sort") in SORTS else "end"
    problems: list[str] = []
    typed: dict = {}
    for name, parse, what in (
        ("payer", record_id, "a payer"),
        ("within", _days, f"a number of days from 0 to {MAX_WITHIN_DAYS}"),
    ):
        if name in values:
            try:
                typed[name] = parse(values[name])
            except ValueError:
                problems.append(f"{name}: {values.pop(name)!r} is not {what}")
    if "status" in values and values["status"] not in STATUS_CHOICES:
        problems.append(f"status: no such status {values.pop('status')!r}")
    if sort == "remaining" and values.get("status") == "expired":
        problems.append("sort: expired authorizations are listed by end date, latest first")
        sort = "end"
    query = list_service.AuthorizationQuery(
        practice=values.get("practice"),
        payer=typed.get("payer"),
        status=values.get("status"),
        within_days=typed.get("within"),
        number=values.get("q", "")[:50] or None,
        sort=sort,
    )
    return View(values, query, problems)


@router.get("/authorizations")
def authorizations(request: Request, principal: PrincipalDep, db: DbDep) -> Response:
    view = read_view(request)
    today = utcnow().date()  # the business day, as the workflows count it
    cursor = request.query_params.get("cursor")
    problems = list(view.problems)
    sort = list_service.cursor_sort(view.query)
    try:
        after = decode_key(cursor, sort=sort) if cursor else None
    except ValueError:
        problems.append("that page of the list is gone; showing the first page")
        after = None
    try:
        page = list_service.list_authorizations(
            db, principal, view.query, today=today, after=after, limit=PAGE_SIZE
        )
    except ValueError:  # a cursor of ours whose value no longer fits
        problems.append("that page of the list is gone; showing the first page")
        page = list_service.list_authorizations(
            db, principal, view.query, today=today, limit=PAGE_SIZE
        )
    except ServiceError as exc:  # a practice the caller cannot read
        problems.append(f"practice: {exc.detail}")
        page = list_service.AuthorizationPage(items=[], next_key=None)
    more = view.link(cursor=encode_key(page.next_key, sort=sort)) if page.next_key else None
    context = {
        "principal": principal,
        "view": view,
        "rows": page.items,
        "more": more,
        "problems": problems,
        "statuses": list_service.STATUSES,
        "ends_in": ends_in,
    }
    # A practice column only for someone who sees more than one.
    context["many_practices"] = principal.all_practices_role is not None or len(principal.roles) > 1
    if htmx_part(request):
        # Load more appends rows; the filter form replaces the results.
        block = "more_rows" if cursor else "results"
        return render(request, "authorizations.html", context, block=block)
    choices = filter_choices(db, principal)
    context |= {
        "access": access_summary(db, principal),
        "practices": choices["practices"],
        "payers": choices["payers"],
        "status_choices": STATUS_CHOICES,
        "sorts": SORTS,
    }
    return render(request, "authorizations.html", context)


def _page(
    request: Request,
    principal,
    db,
    authorization_id: int,
    *,
    error: str | None = None,
    code: int = 200,
    typed: dict[str, str] | None = None,
) -> Response:
    today = utcnow().date()
    try:
        detail = list_service.authorization_detail(db, principal, authorization_id, today=today)
    except ServiceError as exc:
        return _not_found(request, exc)
    context = {
        "principal": principal,
        "access": access_summary(db, principal),
        "d": detail,
        "a": detail.row,
        "today": today,
        "latest_end": years_after(today, AUTHORIZATION_YEARS_AHEAD),
        "error": error,
        "error_field": _field_of(error),
        "typed": typed or {},
        "notice": NOTICES.get(request.query_params.get("notice", "")),
        "statuses": list_service.STATUSES,
        "ends_in": ends_in,
        "money": money,
    }
    return render(request, "authorization.html", context, status_code=code)


def _not_found(request: Request, exc: ServiceError) -> Response:
    return render(
        request,
        "error.html",
        {
            "title": "Authorization not found",
            "message": f"This authorization cannot be shown ({exc.detail}).",
        },
        status_code=404 if exc.status == 404 else 403,
    )


def _id(raw: str) -> int | None:
    """A path id as the database can hold it; None for anything else (answered 404)."""
    if not raw.isascii() or not raw.isdigit():  # int() would take "+7" or " 7"
        return None
    try:
        return record_id(raw)
    except ValueError:
        return None


@router.get("/authorizations/{authorization_id}")
def authorization_page(
    authorization_id: str, request: Request, principal: PrincipalDep, db: DbDep
) -> Response:
    found = _id(authorization_id)
    if found is None:
        return _not_found(request, NotFound("not found"))
    return _page(request, principal, db, found)


@router.post("/authorizations/{authorization_id}/extend")
async def extend(
    authorization_id: str, request: Request, principal: PrincipalDep, db: DbDep
) -> Response:
    """Record the payer's renewal: a new end date and/or a new approved total. Stored, then
    the authorization's workflow told (an Update), exactly as from the task page."""
    found = _id(authorization_id)
    if found is None:
        return _not_found(request, NotFound("not found"))
    form = await request.form()
    typed = {name: str(form.get(name, "")).strip()[:20] for name in FIELD_LABELS}
    try:
        body = AuthorizationExtend.model_validate(
            {name: value or None for name, value in typed.items()}
        )
    except ValidationError as exc:
        return _page(request, principal, db, found, error=_invalid(exc), code=422, typed=typed)
    if body.end_date is None and body.approved is None:
        error = "Give the new end date, the new approved total, or both."
        return _page(request, principal, db, found, error=error, code=422, typed=typed)
    try:
        # Another practice's authorization is a 404 whether or not Temporal is up.
        auth_service.load_authorization(db, principal, found, Action.WRITE_CLAIMS)
        client = await temporal_client(request.app.state)
    except ServiceError as exc:
        error = f"Nothing was changed: {exc.detail}. Try again in a minute."
        error = error if exc.status == 503 else exc.detail
        return _page(request, principal, db, found, error=error, code=exc.status, typed=typed)
    try:
        await auth_service.extend_authorization(db, client, principal, found, body)
    except ServiceError as exc:
        db.rollback()
        return _page(request, principal, db, found, error=_said(exc), code=exc.status, typed=typed)
    return RedirectResponse(f"/authorizations/{found}?notice=extended", status.HTTP_303_SEE_OTHER)


def _invalid(exc: ValidationError) -> str:
    first = exc.errors()[0]
    field = str(first["loc"][0]) if first["loc"] else "end_date"
    return f"{field}: {first['msg']}"


def _said(exc: ServiceError) -> str:
    if exc.status == 503:  # stored and committed; only the Update went unanswered
        return (
            f"The renewal is saved, but {exc.detail}. Send it again to tell the workflow now "
            "(the same renewal twice changes nothing)."
        )
    return exc.detail


def _field_of(error: str | None) -> str | None:
    """The form field an error names ("end_date: ..."), to mark it invalid."""
    if not error:
        return None
    field = error.split(":", 1)[0]
    return field if field in FIELD_LABELS else None


def ends_in(days_left: int) -> str:
    """ "ends in 6 days", "ends today", "ended 9 days ago"."""
    if days_left == 0:
        return "ends today"
    plural = "" if abs(days_left) == 1 else "s"
    if days_left < 0:
        return f"ended {-days_left} day{plural} ago"
    return f"ends in {days_left} day{plural}"
