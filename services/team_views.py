"""Team views: a supervisor saves a worklist view (its URL's query string) for everyone who
works one of their practices; everyone there sees it above the worklist. Saving and deleting
need MANAGE_WORK in the view's practice; reading, READ_WORK."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from denialdesk.domain.principal import Principal
from denialdesk.domain.roles import Action
from denialdesk.services.access import practices_where, require
from denialdesk.services.errors import Forbidden, Invalid, NotFound
from denialdesk.store import team_views as store
from denialdesk.store.models import Practice

NAME_MAX = 60
QUERY_MAX = 1000


@dataclass(frozen=True)
class SavedView:
    id: int
    name: str
    practice: str  # the practice's name: whose team sees it
    query: str  # the worklist URL's query string
    may_delete: bool


def views_for(session: Session, principal: Principal) -> list[SavedView]:
    """The team views of every practice the caller may read work in (none for a caller who
    may read none)."""
    try:
        practice_ids = practices_where(principal, Action.READ_WORK)
    except Forbidden:
        return []
    return [
        SavedView(
            id=view.id,
            name=view.name,
            practice=practice_name,
            query=view.query,
            may_delete=principal.may(view.practice_id, Action.MANAGE_WORK),
        )
        for view, practice_name in store.list_views(session, practice_ids=practice_ids)
    ]


def save(
    session: Session, principal: Principal, *, practice_slug: str, name: str, query: str
) -> tuple[SavedView, bool]:
    """Save (or, under a name the practice already has, replace) a team view; committed.
    Returns (view, created). Invalid: no name, too long; NotFound/Forbidden: see access."""
    name = " ".join(name.split())
    if not name:
        raise Invalid("name: give the view a name")
    if len(name) > NAME_MAX:
        raise Invalid(f"name: at most {NAME_MAX} characters")
    if len(query) > QUERY_MAX:
        raise Invalid(f"view: the filters are longer than {QUERY_MAX} characters")
    practice = session.exec(select(Practice).where(Practice.slug == practice_slug)).first()
    if practice is None:
        raise NotFound("practice: not found")
    require(principal, practice.id, Action.MANAGE_WORK)
    view, created = store.save_view(
        session, practice_id=practice.id, name=name, query=query, user_id=principal.user_id
    )
    session.commit()
    saved = SavedView(view.id, view.name, practice.legal_name, view.query, may_delete=True)
    return saved, created


def delete(session: Session, principal: Principal, view_id: int) -> str:
    """Delete a team view; committed. Returns its name. NotFound outside the caller's
    practices, Forbidden for a caller who may not manage work there."""
    view = store.get_view(session, view_id=view_id)
    if view is None:
        raise NotFound("not found")
    require(principal, view.practice_id, Action.MANAGE_WORK)
    name = view.name
    store.delete_view(session, view)
    session.commit()
    return name
