"""POST /tasks/{id}/decision: the body is services/decisions.py's; so are the checks."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from denialdesk.api.deps import PrincipalDep, SessionDep, TemporalDep
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
    session: SessionDep,
    principal: PrincipalDep,
    temporal: TemporalDep,
):
    await decisions.decide(session, temporal, principal, task_id, body)
    return DecisionAccepted(task_id=task_id, action=body.action)
