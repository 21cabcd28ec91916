"""The worklist page: tabs over the user's tasks (no tasks exist yet; a later issue adds them)."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request, status
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session, select

from denialdesk.domain.principal import Principal
from denialdesk.store.models import Practice
from denialdesk.web.deps import DbDep, OptionalPrincipalDep, PrincipalDep
from denialdesk.web.render import render

router = APIRouter()


@dataclass(frozen=True)
class Tab:
    key: str
    label: str


TABS = (
    Tab("mine", "My tasks"),
    Tab("unassigned", "Unassigned"),
    Tab("open", "All open"),
    Tab("pended", "Pended"),
    Tab("done", "Done"),
)
_TAB_KEYS = {tab.key for tab in TABS}


def access_summary(db: Session, principal: Principal) -> list[tuple[str, str]]:
    """(role, practices) pairs for the header, e.g. ("Supervisor", "Lakeside, Riverbend")."""
    if principal.all_practices_role is not None:
        return [(principal.all_practices_role.value.capitalize(), "all practices")]
    names = {
        practice.id: practice.legal_name
        for practice in db.exec(select(Practice).where(Practice.id.in_(principal.roles)))
    }
    by_role: dict[str, list[str]] = {}
    for practice_id, role in principal.roles.items():
        by_role.setdefault(role.value.capitalize(), []).append(names.get(practice_id, "?"))
    return [(role, ", ".join(sorted(practices))) for role, practices in sorted(by_role.items())]


@router.get("/")
def home(principal: OptionalPrincipalDep) -> Response:
    target = "/worklist" if principal is not None else "/login"
    return RedirectResponse(target, status.HTTP_303_SEE_OTHER)


@router.get("/worklist")
def worklist(request: Request, principal: PrincipalDep, db: DbDep, tab: str = "mine") -> Response:
    # An unknown tab in a hand-edited or stale link shows the default rather than an error.
    active = tab if tab in _TAB_KEYS else TABS[0].key
    return render(
        request,
        "worklist.html",
        {
            "principal": principal,
            "access": access_summary(db, principal),
            "tabs": TABS,
            "active_tab": active,
            "tasks": [],
        },
    )
