"""GET/POST /login and POST /logout, with the same rate limit as the API's token endpoint."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, status
from fastapi.responses import RedirectResponse, Response

from denialdesk.store.logins import LoginThrottled, attempt_login
from denialdesk.store.users import load_principal
from denialdesk.web import session as web_session
from denialdesk.web.deps import DbDep, OptionalPrincipalDep
from denialdesk.web.render import render

router = APIRouter()

WRONG_CREDENTIALS = "Wrong username or password."


def _login_page(
    request: Request,
    *,
    next_url: str,
    username: str = "",
    error: str | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    return render(
        request,
        "login.html",
        {"next": next_url, "username": username, "error": error},
        status_code=status_code,
        headers=headers,
    )


@router.get("/login")
def login_form(request: Request, principal: OptionalPrincipalDep, next: str = "") -> Response:
    if principal is not None:
        return RedirectResponse(web_session.safe_next(next), status.HTTP_303_SEE_OTHER)
    return _login_page(request, next_url=web_session.safe_next(next))


@router.post("/login")
def login(
    request: Request,
    db: DbDep,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    next_url = web_session.safe_next(next)
    address = request.client.host if request.client else "unknown"
    try:
        user = attempt_login(
            db,
            username=username,
            password=password,
            address=address,
            limits=request.app.state.login_limits,
        )
    except LoginThrottled as exc:
        minutes = max(1, round(exc.retry_after / 60))
        return _login_page(
            request,
            next_url=next_url,
            username=username,
            error=f"Too many failed logins. Try again later (in about {minutes} min).",
            status_code=status.HTTP_429_TOO_MANY_REQUESTS,
            headers={"Retry-After": str(exc.retry_after)},
        )
    if user is None:
        return _login_page(
            request,
            next_url=next_url,
            username=username,
            error=WRONG_CREDENTIALS,
            status_code=status.HTTP_401_UNAUTHORIZED,
        )
    principal = load_principal(db, user_id=user.id)
    if principal is None or not web_session.works_on_the_web(principal):
        return _login_page(
            request,
            next_url=next_url,
            username=username,
            error="This account is for the API only; log in with your own user.",
            status_code=status.HTTP_403_FORBIDDEN,
        )
    web_session.log_in(request.session, user)
    return RedirectResponse(next_url, status.HTTP_303_SEE_OTHER)


@router.post("/logout")
def logout(request: Request, db: DbDep) -> Response:
    web_session.log_out(request.session, db)
    return RedirectResponse("/login", status.HTTP_303_SEE_OTHER)
