"""Practice scoping: 404 outside the caller's practices (never leak existence), 403 when the
caller's role may not act there.

The billing company's own work (a task with no practice: a file the clearinghouse inbox
rejected) is an admin of every practice's: anyone else gets 404 for it."""

from __future__ import annotations

from sqlmodel import Session, select

from denialdesk.domain.principal import Principal
from denialdesk.domain.roles import Action, Role
from denialdesk.services.errors import Forbidden, NotFound
from denialdesk.store.models import Practice


def company_admin(principal: Principal) -> bool:
    """An admin of every practice: the one who sees the billing company's own tasks."""
    return principal.all_practices_role == Role.ADMIN


def require(principal: Principal, practice_id: int | None, action: Action) -> None:
    """`practice_id` None is the billing company itself."""
    if practice_id is None:
        if not company_admin(principal):
            raise NotFound("not found")
        return
    if not principal.sees(practice_id):
        raise NotFound("not found")
    if not principal.may(practice_id, action):
        raise Forbidden(f"your role may not {action.value}")


def practices_where(principal: Principal, action: Action) -> list[int] | None:
    """Practice ids where the caller may `action`; None for an admin of every practice.

    Forbidden when the caller belongs to practices but may not `action` in any of them."""
    if principal.all_practices_role is not None:
        return None
    allowed = [pid for pid in principal.roles if principal.may(pid, action)]
    if not allowed:
        raise Forbidden(f"your role may not {action.value}")
    return allowed


def practice_for(session: Session, principal: Principal, slug: str, action: Action) -> Practice:
    practice = session.exec(select(Practice).where(Practice.slug == slug)).first()
    if practice is None:
        raise NotFound("not found")
    require(principal, practice.id, action)
    return practice
