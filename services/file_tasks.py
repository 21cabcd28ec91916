"""Deciding a rejected_file task: the billing company's, with no workflow to ask.

`dismiss` closes it and the file stays in rejected/; `retry` puts the file (fixed in
rejected/ by someone) back into the inbox, whose watcher reads it again on its next pass,
and closes the task; a file that fails again raises a new task. The row is closed and the file
moved in one database transaction: the guarded UPDATE first (a stale version moves nothing),
then the move, then the commit; a file no longer in rejected/ is a Conflict and nothing changes.
"""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session

from denialdesk.contracts.enums import ACTIONS_BY_TASK_KIND, DecisionAction
from denialdesk.domain.principal import Principal
from denialdesk.services.drop_folder import DropFolder
from denialdesk.services.errors import Conflict
from denialdesk.store import file_tasks
from denialdesk.store.models import Task
from denialdesk.store.tasks import TaskConflict


def decide_file_task(
    session: Session,
    principal: Principal,
    task: Task,
    *,
    action: DecisionAction,
    note: str,
    version: int,
    inbox: Path,
) -> Task:
    """Close the task (already access-checked) with the decision; committed."""
    if action not in ACTIONS_BY_TASK_KIND.get(task.kind, frozenset()):
        raise Conflict(f"action {action.value!r} does not fit a {task.kind} task")
    detail = dict(task.detail or {})
    decision = {"action": action.value, "user_id": principal.user_id, "note": note}
    try:
        closed = file_tasks.close_file_task(session, task=task, version=version, decision=decision)
    except TaskConflict as exc:
        session.rollback()
        raise Conflict(str(exc)) from None
    if action == DecisionAction.RETRY:
        try:
            back = DropFolder(inbox).retry(
                str(detail.get("rejected_as", "")), str(detail.get("file", ""))
            )
        except FileNotFoundError:
            session.rollback()
            raise Conflict(
                "the file is no longer in the inbox's rejected/ folder: dismiss the task"
            ) from None
        closed.detail = closed.detail | {"retried_as": back.name}
        session.add(closed)
    session.commit()
    return closed
