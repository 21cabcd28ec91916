"""The task clock's activities (SPEC section 3): read what people did to a task, escalate it
past its SLA, return it from pend, release an idle assignment. ClaimActivities mixes them in.

Each is one transaction on the task row by key, safe to retry: a repeated escalation or
return finds nothing left to change and answers False, and the workflow writes no second event.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Engine
from temporalio import activity

from denialdesk.activities.errors import data_errors
from denialdesk.contracts import claim as contracts
from denialdesk.store import task_clock
from denialdesk.store.db import session_scope


def _when(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


class TaskClockActivities:
    engine: Engine

    def task_clock_activities(self) -> list:
        return [
            self.task_clock,
            self.escalate_task,
            self.return_pended_task,
            self.release_idle_task,
        ]

    @activity.defn(name=contracts.TASK_CLOCK)
    @data_errors
    def task_clock(self, request: contracts.TaskClockRequest) -> contracts.TaskClockFacts:
        with session_scope(self.engine) as session:
            task = task_clock.touch(session, key=request.key, sla_due_at=_when(request.sla_due_at))
            if task is None:
                return contracts.TaskClockFacts(status="missing")
            return contracts.TaskClockFacts(
                status=task.status,
                assignee_id=task.assignee_id,
                assigned_at=task.assigned_at.isoformat() if task.assigned_at else None,
                pended_until=task.pended_until.isoformat() if task.pended_until else None,
            )

    @activity.defn(name=contracts.ESCALATE_TASK)
    @data_errors
    def escalate_task(self, escalation: contracts.TaskEscalation) -> None:
        with session_scope(self.engine) as session:
            task_clock.escalate(
                session,
                key=escalation.key,
                priority=escalation.priority,
                reason=escalation.priority_reason,
            )

    @activity.defn(name=contracts.RETURN_TASK)
    @data_errors
    def return_pended_task(self, request: contracts.TaskClockRequest) -> bool:
        with session_scope(self.engine) as session:
            return task_clock.return_pended(
                session, key=request.key, sla_due_at=_when(request.sla_due_at)
            )

    @activity.defn(name=contracts.RELEASE_TASK)
    @data_errors
    def release_idle_task(self, release: contracts.TaskRelease) -> bool:
        with session_scope(self.engine) as session:
            return task_clock.release_idle(
                session, key=release.key, assigned_at=datetime.fromisoformat(release.assigned_at)
            )
