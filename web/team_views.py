"""Saving and deleting team views from the worklist (services/team_views.py holds the rules).

The save form carries the view as the worklist shows it (a hidden input the results swaps
keep current); it is read back through worklist.read_view, so only filters the worklist knows,
in their canonical form, are stored.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from fastapi.responses import Response

from denialdesk.services import team_views
from denialdesk.services.errors import Forbidden, ServiceError
from denialdesk.web.deps import DbDep, PrincipalDep
from denialdesk.web.render import render
from denialdesk.web.views import record_id, see_other
from denialdesk.web.worklist import read_view, with_notice

router = APIRouter()


def _refused(request: Request) -> Response:
    message = "Only supervisors save and delete team views."
    return render(
        request, "error.html", {"title": "Not allowed", "message": message}, status_code=403
    )


@router.post("/worklist/views")
async def save_view(request: Request, principal: PrincipalDep, db: DbDep) -> Response:
    form = await request.form()
    view = read_view(dict(parse_qsl(str(form.get("view", "")))))
    query = view.query_string()
    try:
        saved, created = team_views.save(
            db,
            principal,
            practice_slug=str(form.get("practice", "")),
            name=str(form.get("name", "")),
            query=query,
        )
    except Forbidden:
        return _refused(request)
    except ServiceError as exc:
        return see_other(with_notice(view.link(), f"The view was not saved: {exc.detail}"))
    verb = "Saved" if created else "Updated"
    notice = f"{verb} team view “{saved.name}” for {saved.practice}."
    return see_other(with_notice(view.link(), notice))


@router.post("/worklist/views/{view_id}/delete")
def delete_view(view_id: str, request: Request, principal: PrincipalDep, db: DbDep) -> Response:
    try:
        name = team_views.delete(db, principal, record_id(view_id))
    except ValueError:
        return see_other(with_notice("/worklist", "Nothing was deleted: no such team view."))
    except Forbidden:
        return _refused(request)
    except ServiceError as exc:
        return see_other(with_notice("/worklist", f"Nothing was deleted: {exc.detail}"))
    return see_other(with_notice("/worklist", f"Deleted team view “{name}”."))
