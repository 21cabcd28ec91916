"""Request dependencies: database session, the calling principal, practice scoping."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordBearer
from sqlmodel import Session

from denialdesk.domain.principal import Principal
from denialdesk.services.errors import Unavailable
from denialdesk.services.temporal import temporal_client
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


async def get_temporal(request: Request):
    """The app's Temporal client (services/temporal.py); 503 when it cannot be reached."""
    try:
        return await temporal_client(request.app.state)
    except Unavailable as exc:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, detail=exc.detail) from None


TemporalDep = Annotated[Any, Depends(get_temporal)]
