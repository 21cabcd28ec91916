"""POST /api/v1/auth/token: OAuth2 password form -> bearer token; POST /api/v1/auth/logout:
revoke every token (and browser session) of the caller."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, Response, status
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel

from denialdesk.api.deps import PrincipalDep, SessionDep
from denialdesk.store.logins import LoginThrottled, attempt_login
from denialdesk.store.tokens import issue_token
from denialdesk.store.users import end_sessions

router = APIRouter(tags=["auth"])


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 (the OAuth2 token type, not a secret)


@router.post("/auth/token", response_model=Token)
def token(
    request: Request,
    session: SessionDep,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
) -> Token:
    address = request.client.host if request.client else "unknown"
    try:
        user = attempt_login(
            session,
            username=form.username,
            password=form.password,
            address=address,
            limits=request.app.state.login_limits,
        )
    except LoginThrottled as exc:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            detail=str(exc),
            headers={"Retry-After": str(exc.retry_after)},
        ) from None
    if user is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail="wrong username or password",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return Token(access_token=issue_token(request.app.state.secret_key, user))


@router.post("/auth/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(session: SessionDep, principal: PrincipalDep) -> Response:
    """Tokens are signed, not stored, so revoking one means revoking all: the user's session
    version moves on and every token and session cookie carrying the old one is refused."""
    end_sessions(session, user_id=principal.user_id)
    session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)
