"""The htmx pages, gathered into one router, and how their exceptions are answered.

Pages stay out of the OpenAPI document: that describes only the JSON API contract.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Depends, Request, status
from fastapi.responses import RedirectResponse, Response

from denialdesk.web import auth, authorizations_page, board, task_page, team_views, worklist
from denialdesk.web.csrf import CSRFRejected, require_csrf
from denialdesk.web.deps import LoginRequired
from denialdesk.web.render import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(require_csrf)])
router.include_router(auth.router)
router.include_router(worklist.router)
router.include_router(team_views.router)
router.include_router(task_page.router)
router.include_router(board.router)
router.include_router(authorizations_page.router)


def login_required(request: Request, exc: LoginRequired) -> Response:
    location = "/login?next=" + quote(exc.next_url, safe="/")
    if request.headers.get("HX-Request") == "true":
        # htmx would follow a 303 inside its XMLHttpRequest and swap the login page into a
        # fragment; HX-Redirect makes it load /login as a whole page instead.
        return Response(status_code=status.HTTP_204_NO_CONTENT, headers={"HX-Redirect": location})
    return RedirectResponse(location, status.HTTP_303_SEE_OTHER)


def csrf_rejected(request: Request, exc: CSRFRejected) -> Response:
    if "uid" not in request.session and request.url.path != "/login":
        # The usual cause: logged out in another tab (or the session ended) with a form open.
        title = "Logged out"
        message = (
            "You are logged out (in another tab, or the session ended). Log in again, then retry."
        )
    else:
        title = "Request refused"
        message = (
            "This form was stale or did not come from denialdesk. "
            "Go back, reload the page and try again."
        )
    context = {"title": title, "message": message}
    return render(request, "error.html", context, status_code=status.HTTP_403_FORBIDDEN)


EXCEPTION_HANDLERS = {LoginRequired: login_required, CSRFRejected: csrf_rejected}
