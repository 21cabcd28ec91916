"""POST /tasks/{id}/decision: the body is services/decisions.py's; so are the checks."""

from __future__ import annotations

import functools

from fastapi import APIRouter, Request
from pydantic import BaseModel

from denialdesk.api.deps import PrincipalDep, SessionDep, get_temporal
from denialdesk.api.paging import Id
from denialdesk.services import decisions
from denialdesk.services.decisions import DecisionBody

router = APIRouter(tags=["tasks"])


class DecisionAccepted(BaseModel):
    task_id: int
    action: str
    accepted: bool = True


@router.post("/tasks/{task_id}/decision", response_model=DecisionAccepted)
async def decide(
    task_id: Id,
    body: DecisionBody,
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
):
    # Temporal is reached only for a workflow's task (503 when it cannot be); the billing
    # company's tasks (rejected inbox files) are decided without it.
    await decisions.decide(
        session,
        functools.partial(get_temporal, request),
        principal,
        task_id,
        body,
        inbox=request.app.state.settings.inbox_dir,
    )
    return DecisionAccepted(task_id=task_id, action=body.action)
