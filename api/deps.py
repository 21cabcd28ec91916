"""Request dependencies: database session, the calling principal, practice scoping."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordBearer
from sqlmodel import Session, select

from denialdesk.domain.principal import Principal
from denialdesk.domain.roles import Action
from denialdesk.store.models import Practice
from denialdesk.store.tokens import user_for_token
from denialdesk.store.users import load_principal

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


def get_session(request: Request) -> Iterator[Session]:
    with Session(request.app.state.engine, expire_on_commit=False) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def get_principal(
    request: Request,
    session: SessionDep,
    token: Annotated[str | None, Depends(oauth2_scheme)],
) -> Principal:
    unauthorized = HTTPException(
        status.HTTP_401_UNAUTHORIZED,
        detail="not authenticated",
        headers={"WWW-Authenticate": "Bearer"},
    )
    if not token:
        raise unauthorized
    user = user_for_token(session, request.app.state.secret_key, token)
    principal = load_principal(session, user_id=user.id) if user else None
    if principal is None:
        raise unauthorized
    return principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def not_found(what: str = "not found") -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, detail=what)


def require(principal: Principal, practice_id: int, action: Action) -> None:
    """404 outside the caller's practices (never leak existence); 403 when the role may not act."""
    if not principal.sees(practice_id):
        raise not_found()
    if not principal.may(practice_id, action):
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail=f"your role may not {action.value}")


def practice_for(session: Session, principal: Principal, slug: str, action: Action) -> Practice:
    practice = session.exec(select(Practice).where(Practice.slug == slug)).first()
    if practice is None:
        raise not_found()
    require(principal, practice.id, action)
    return practice
