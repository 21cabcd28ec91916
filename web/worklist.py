"""The worklist: tabs with live counts, filters and sort kept in the URL, keyset paging, and
the Next task button. Reads and writes go through services/tasks.py, as the API's do.

A hand-edited or stale link never fails: a value that does not parse is dropped from the
view and named in a notice above the list.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session, col, select

from denialdesk.contracts.enums import TaskKind
from denialdesk.domain.carc import CATEGORY_PRECEDENCE
from denialdesk.domain.principal import Principal
from denialdesk.domain.roles import Action
from denialdesk.services import tasks as task_service
from denialdesk.services import team_views
from denialdesk.services.access import practices_where
from denialdesk.services.cursors import decode_key, encode_key
from denialdesk.services.errors import ServiceError
from denialdesk.services.temporal import client_or_none
from denialdesk.store.models import Payer, Practice, Queue
from denialdesk.store.tasks import TaskPage
from denialdesk.store.types import utcnow
from denialdesk.web.deps import DbDep, OptionalPrincipalDep, PrincipalDep
from denialdesk.web.render import htmx_part, render
from denialdesk.web.views import countdown, money, record_id, see_other

router = APIRouter()
PAGE_SIZE = 50
# Tab counts stop here ("10,000+"): exact counts of an ever-growing Done tab would cost more
# every day and tell a specialist nothing more.
COUNT_CAP = 10_000
SORTS = {"priority": "Priority", "due": "Due date", "amount": "Amount", "age": "Oldest first"}


@dataclass(frozen=True)
class Tab:
    key: str
    label: str
    status: str
    assignee: str | None = None


TABS = (
    Tab("mine", "My tasks", "open", "me"),
    Tab("unassigned", "Unassigned", "open", "none"),
    Tab("open", "All open", "open"),
    Tab("pended", "Pended", "pended"),
    Tab("done", "Done", "done"),
)
_TABS = {tab.key: tab for tab in TABS}
# The filters a link keeps, in the order the form shows them.
FILTERS = (
    "practice",
    "queue",
    "kind",
    "category",
    "payer",
    "assignee",
    "due_before",
    "amount_min",
    "amount_max",
    "q",
)


@dataclass(frozen=True)
class View:
    """The worklist as the URL asks for it, after dropping what does not parse."""

    tab: Tab
    values: dict[str, str]  # the filters as typed (kept in links and the form)
    query: task_service.TaskQuery
    sort: str
    problems: list[str]

    def link(self, **changes: str | None) -> str:
        return "/worklist?" + self.query_string(**changes)

    def query_string(self, **changes: str | None) -> str:
        sort = None if self.sort == "priority" else self.sort  # the default stays out of links
        params = {"tab": self.tab.key, **self.values, "sort": sort} | changes
        return urlencode({k: v for k, v in params.items() if v})


def read_view(params: Mapping[str, str]) -> View:
    """The view a URL's query parameters ask for (a saved team view's too)."""
    tab = _TABS.get(params.get("tab", ""), TABS[0])
    values = {name: params[name].strip() for name in FILTERS if params.get(name, "").strip()}
    sort = params.get("sort") if params.get("sort") in SORTS else "priority"
    problems: list[str] = []
    typed: dict = {}
    for name, parse, what in (
        ("payer", record_id, "a payer"),
        ("queue", record_id, "a queue"),
        ("due_before", date.fromisoformat, "a date (YYYY-MM-DD)"),
        ("amount_min", Decimal, "an amount"),
        ("amount_max", Decimal, "an amount"),
    ):
        if name in values:
            try:
                typed[name] = parse(values[name])
            except (ValueError, InvalidOperation):
                problems.append(f"{name.replace('_', ' ')}: {values.pop(name)!r} is not {what}")
    for name, allowed in (("kind", set(TaskKind)), ("category", set(CATEGORY_PRECEDENCE))):
        if name in values and values[name] not in allowed:
            problems.append(f"{name}: no such {name} {values.pop(name)!r}")
    query = task_service.TaskQuery(
        status=tab.status,
        assignee=tab.assignee or values.get("assignee"),
        kind=values.get("kind"),
        category=values.get("category"),
        practice=values.get("practice"),
        payer=typed.get("payer"),
        queue=typed.get("queue"),
        due_before=typed.get("due_before"),
        amount_min=typed.get("amount_min"),
        amount_max=typed.get("amount_max"),
        claim_number=values.get("q", "")[:50] or None,
        sort=sort,
    )
    return View(tab, values, query, sort, problems)


@dataclass(frozen=True)
class Row:
    id: int
    kind: str
    claim_id: int | None
    claim_number: str | None
    payer: str | None
    category: str | None
    amount: str
    due_at: date | None
    countdown: str
    overdue: bool
    assignee: str | None
    priority: str
    priority_reason: str
    status: str


def rows_of(page: TaskPage, today: date) -> list[Row]:
    rows = []
    for task in page.items:
        label = page.labels[task.id]
        left = countdown(task.due_at, today)
        rows.append(
            Row(
                id=task.id,
                kind=task.kind,
                claim_id=task.claim_id,
                claim_number=label.claim_number,
                payer=label.payer,
                category=task.category,
                amount=money(task.amount),
                due_at=task.due_at,
                countdown=left.text,
                overdue=left.overdue,
                assignee=label.assignee,
                priority=f"{task.priority:.0f}",
                priority_reason=task.priority_reason,
                status=task.status,
            )
        )
    return rows


def caller_practices(db: Session, principal: Principal) -> list:
    """(id, slug, legal_name) of every practice the caller has a role in, by name: read once
    per page for the header, the filter form and the team-view form."""
    query = select(Practice.id, Practice.slug, Practice.legal_name).order_by(
        col(Practice.legal_name)
    )
    if principal.all_practices_role is None:
        query = query.where(col(Practice.id).in_(list(principal.roles)))
    return list(db.exec(query).all())


def filter_choices(db: Session, principal: Principal, practices: list | None = None) -> dict:
    """The practices, payers and queues the caller may filter by (`practices`: the
    caller_practices already read)."""
    practice_ids = practices_where(principal, Action.READ_WORK)
    if practices is None:
        practices = caller_practices(db, principal)
    # Only the columns the form shows: whole payer rows carry their rules (JSON).
    payers = select(Payer.id, Payer.name).order_by(col(Payer.name), col(Payer.id))
    queues = (
        select(Queue.id, Queue.name, Practice.legal_name)
        .join(Practice, col(Practice.id) == Queue.practice_id)
        .order_by(col(Practice.legal_name), col(Queue.name))
    )
    if practice_ids is not None:
        payers = payers.where(col(Payer.practice_id).in_(practice_ids))
        queues = queues.where(col(Queue.practice_id).in_(practice_ids))
    return {
        "practices": [p for p in practices if principal.may(p.id, Action.READ_WORK)],
        "payers": db.exec(payers).all(),
        "queues": db.exec(queues).all(),
        "kinds": [kind.value for kind in TaskKind],
        "categories": CATEGORY_PRECEDENCE,
        "sorts": SORTS,
    }


def access_summary(
    db: Session, principal: Principal, practices: list | None = None
) -> list[tuple[str, str]]:
    """(role, practices) pairs for the header, e.g. ("Supervisor", "Lakeside, Riverbend");
    `practices`: the caller_practices already read."""
    if principal.all_practices_role is not None:
        return [(principal.all_practices_role.value.capitalize(), "all practices")]
    if practices is None:
        practices = caller_practices(db, principal)
    names = {practice.id: practice.legal_name for practice in practices}
    by_role: dict[str, list[str]] = {}
    for practice_id, role in principal.roles.items():
        by_role.setdefault(role.value.capitalize(), []).append(names.get(practice_id, "?"))
    return [(role, ", ".join(sorted(practices))) for role, practices in sorted(by_role.items())]


@router.get("/")
def home(principal: OptionalPrincipalDep) -> Response:
    target = "/worklist" if principal is not None else "/login"
    return see_other(target)


@router.get("/worklist")
def worklist(request: Request, principal: PrincipalDep, db: DbDep) -> Response:
    view = read_view(request.query_params)
    today = utcnow().date()  # the business day, as the workflows count it
    cursor = request.query_params.get("cursor")
    problems = list(view.problems)
    try:
        after = decode_key(cursor, sort=view.sort) if cursor else None
    except ValueError:
        problems.append("that page of the list is gone; showing the first page")
        after = None
    tabs = {tab.key: (tab.status, tab.assignee or view.values.get("assignee")) for tab in TABS}
    loading_more = htmx_part(request) and after is not None  # rows only: no tabs to count
    failed = False
    try:
        page = task_service.list_tasks(
            db, principal, view.query, after=after, limit=PAGE_SIZE, labelled=True
        )
        counts = (
            {}
            if loading_more
            else task_service.count_tabs(db, principal, view.query, tabs, cap=COUNT_CAP)
        )
    except ServiceError as exc:  # a practice the caller cannot read, or no reading role
        problems.append(f"practice: {exc.detail}")
        view = replace(view, values={k: v for k, v in view.values.items() if k != "practice"})
        page, counts, failed = TaskPage(items=[], next_key=None), {}, True
    more = view.link(cursor=encode_key(page.next_key, sort=view.sort)) if page.next_key else None
    context = {
        "principal": principal,
        "view": view,
        "tabs": TABS,
        "counts": counts,
        "count_cap": COUNT_CAP,
        "poll_seconds": request.app.state.settings.worklist_poll_seconds,
        "rows": rows_of(page, today),
        "more": more,
        "problems": problems,
        "notice": request.query_params.get("notice"),
        # Supervisors select rows to reassign (a checkbox column); the people they may hand
        # tasks to are read for the form, which Load more does not repeat.
        "selectable": principal.may_somewhere(Action.MANAGE_WORK),
        "workers": [] if loading_more else task_service.workers(db, principal),
    }
    if htmx_part(request) and not failed:
        # Load more appends rows; the filter form replaces the results (tabs and counts).
        if loading_more:
            return render(request, "worklist.html", context, block="more_rows")
        # A tab link changes the tab the filter form sends: its hidden input travels along.
        return render(
            request, "worklist.html", context, block="results", oob=["tab_input", "view_query"]
        )
    practices = caller_practices(db, principal)
    context |= {
        "access": access_summary(db, principal, practices),
        "team_views": team_views.views_for(db, principal),
        "save_practices": [p for p in practices if principal.may(p.id, Action.MANAGE_WORK)],
        **filter_choices(db, principal, practices),
    }
    return render(request, "worklist.html", context)


@router.post("/worklist/assign")
async def assign_many(request: Request, principal: PrincipalDep, db: DbDep) -> Response:
    """A supervisor hands the selected tasks to a person, or back to the queue (every task or
    none; services/tasks puts each on its claim's timeline)."""
    form = await request.form()
    back = str(form.get("back", "/worklist"))
    back = back if back.startswith("/worklist") else "/worklist"
    try:
        ids = [int(v) for v in form.getlist("task")]
    except ValueError:
        ids = []
    if not ids:
        return see_other(with_notice(back, "Select the tasks to assign first."))
    username = str(form.get("assignee", "")).strip() or None
    try:
        done = task_service.bulk_assign(db, principal, task_ids=ids, username=username)
    except ServiceError as exc:
        if exc.status == 403:
            return render(
                request,
                "error.html",
                {"title": "Not allowed", "message": "Only supervisors reassign tasks."},
                status_code=403,
            )
        return see_other(with_notice(back, f"Nothing was assigned: {exc.detail}"))
    client = await client_or_none(request.app.state)
    for task in done:
        await task_service.notify(client, task, task_service.change_of(task))
    who = username or "the queue"
    plural = "" if len(done) == 1 else "s"
    return see_other(with_notice(back, f"{len(done)} task{plural} assigned to {who}."))


def with_notice(url: str, notice: str) -> str:
    return url + ("&" if "?" in url else "?") + urlencode({"notice": notice})


@router.post("/worklist/next")
async def next_task(request: Request, principal: PrincipalDep, db: DbDep) -> Response:
    """Take the highest-priority unassigned task of the caller's queues and open it."""
    try:
        task = task_service.take_next(db, principal)
    except ServiceError as exc:
        return see_other(with_notice("/worklist", exc.detail))
    if task is None:
        return see_other("/worklist?tab=unassigned&notice=none-left")
    await task_service.notify(await client_or_none(request.app.state), task, "assigned")
    return see_other(f"/tasks/{task.id}")
