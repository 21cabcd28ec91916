"""Request dependencies for the pages: database session and the logged-in principal.

Written here rather than shared with api/deps.py because web and api never import each other;
the web reads its user from the session cookie, the API from a bearer token.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from denialdesk.domain.principal import Principal
from denialdesk.web.session import principal_for


class LoginRequired(Exception):
    """An anonymous request for a page behind login; answered with a redirect to /login."""

    def __init__(self, next_url: str):
        super().__init__(next_url)
        self.next_url = next_url


def get_db(request: Request) -> Iterator[Session]:
    with Session(request.app.state.engine, expire_on_commit=False) as session:
        yield session


DbDep = Annotated[Session, Depends(get_db)]


def optional_principal(request: Request, db: DbDep) -> Principal | None:
    return principal_for(request.session, db)


# async: it only looks at what optional_principal read, so it need not cost a worker thread
# hop (FastAPI runs each sync dependency in the thread pool).
async def current_principal(
    request: Request, principal: Annotated[Principal | None, Depends(optional_principal)]
) -> Principal:
    if principal is None:
        url = request.url
        raise LoginRequired(url.path + (f"?{url.query}" if url.query else ""))
    return principal


OptionalPrincipalDep = Annotated[Principal | None, Depends(optional_principal)]
PrincipalDep = Annotated[Principal, Depends(current_principal)]
