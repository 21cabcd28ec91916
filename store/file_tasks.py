"""The billing company's own tasks: a file the clearinghouse inbox rejected.

Such a task belongs to no practice (the clearinghouse acts for the billing company) and to no
workflow: the inbox opens it, a person closes it with a decision (services/file_tasks.py). Its
detail names the files and the problem, never their content:
`{"file", "rejected_as", "reason_file", "problem", "segment"}`, plus the decision once made.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlmodel import Session

from denialdesk.contracts.enums import FileProblem, TaskKind, TaskStatus
from denialdesk.store.models import Task
from denialdesk.store.tasks import guarded_update
from denialdesk.store.types import utcnow


def open_rejected_file(
    session: Session,
    *,
    file: str,
    rejected_as: str,
    reason_file: str,
    problem: FileProblem,
    segment: int | None = None,
) -> Task:
    """A new open rejected_file task for an admin of every practice (the caller commits)."""
    task = Task(
        # A file rejected, retried and rejected again is a new task each time.
        key=f"inbox:{uuid.uuid4().hex}",
        kind=TaskKind.REJECTED_FILE.value,
        # No amount is known for a file nobody could read: it does not compete on money.
        priority_reason="835 file rejected by the clearinghouse inbox",
        detail={
            "file": file,
            "rejected_as": rejected_as,
            "reason_file": reason_file,
            "problem": problem.value,
            "segment": segment,
        },
    )
    session.add(task)
    session.flush()
    return task


def close_file_task(
    session: Session,
    *,
    task: Task,
    version: int,
    decision: dict[str, Any],
) -> Task:
    """Close the task with the person's decision recorded in its detail; TaskConflict when
    it changed or was closed meanwhile (the caller rolls back)."""
    now = utcnow()
    detail = dict(task.detail or {}) | {"decision": decision | {"at": now.isoformat()}}
    return guarded_update(
        session,
        task_id=task.id,
        version=version,
        values={"status": TaskStatus.DONE.value, "closed_at": now, "detail": detail},
    )
