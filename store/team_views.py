"""Team views: worklist filters a supervisor saved for everyone working a practice."""

from __future__ import annotations

from collections.abc import Collection

from sqlmodel import Session, col, select

from denialdesk.store.models import Practice, TeamView


def list_views(session: Session, *, practice_ids: Collection[int] | None) -> list[tuple]:
    """(view, practice name) of the practices given (None: every practice), by practice and
    name."""
    query = (
        select(TeamView, Practice.legal_name)
        .join(Practice, col(Practice.id) == TeamView.practice_id)
        .order_by(col(Practice.legal_name), col(TeamView.name))
    )
    if practice_ids is not None:
        query = query.where(col(TeamView.practice_id).in_(practice_ids))
    return list(session.exec(query).all())


def save_view(
    session: Session, *, practice_id: int, name: str, query: str, user_id: int
) -> tuple[TeamView, bool]:
    """Store the view; one of the same name in the practice is replaced. (view, created)."""
    found = session.exec(
        select(TeamView).where(TeamView.practice_id == practice_id, TeamView.name == name)
    ).first()
    view = found or TeamView(practice_id=practice_id, name=name, query=query)
    view.query, view.created_by = query, user_id
    session.add(view)
    session.flush()
    return view, found is None


def get_view(session: Session, *, view_id: int) -> TeamView | None:
    return session.get(TeamView, view_id)


def delete_view(session: Session, view: TeamView) -> None:
    session.delete(view)
    session.flush()
