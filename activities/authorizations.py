"""AuthorizationWorkflow's activities: read the counts, project the renewal task, expire.

Each is one transaction, safe to retry (tasks by key, expiry guarded by the end date). Nothing
here logs the authorization number or anything about the patient: ids and counts only.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy.engine import Engine
from temporalio import activity

from denialdesk.activities.errors import data_error, data_errors
from denialdesk.contracts import authorization as contracts
from denialdesk.store import authorizations as store_auth
from denialdesk.store.auth_tasks import expire_authorization, upsert_authorization_task
from denialdesk.store.db import session_scope
from denialdesk.store.models import Authorization
from denialdesk.store.tasks_projection import close_task


class AuthorizationActivities:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def activities(self) -> list[Callable]:
        return [self.read_authorization, self.open_task, self.close_task, self.expire]

    @activity.defn(name=contracts.READ_AUTHORIZATION)
    @data_errors
    def read_authorization(self, request: contracts.AuthRead) -> contracts.AuthCounts:
        with session_scope(self.engine) as session:
            authorization = session.get(Authorization, request.authorization_id)
            if authorization is None:
                raise data_error(f"authorization {request.authorization_id} not found")
            found = store_auth.refresh_counts(
                session, authorization=authorization, today=date.fromisoformat(request.today)
            )
            return contracts.AuthCounts(
                status=found.status,
                unit_type=found.unit_type,
                approved=found.approved,
                used=found.used,
                scheduled=found.scheduled,
                remaining=found.remaining,
                end_date=found.end_date.isoformat(),
                notice_days=found.notice_days,
                threshold=found.threshold,
                first_uncovered=found.first_uncovered.isoformat()
                if found.first_uncovered
                else None,
            )

    @activity.defn(name=contracts.OPEN_AUTH_TASK)
    @data_errors
    def open_task(self, spec: contracts.AuthTaskSpec) -> int:
        with session_scope(self.engine) as session:
            try:
                return upsert_authorization_task(session, spec).id
            except LookupError as error:
                raise data_error(str(error)) from error

    @activity.defn(name=contracts.CLOSE_AUTH_TASK)
    @data_errors
    def close_task(self, close: contracts.AuthTaskClose) -> None:
        with session_scope(self.engine) as session:
            try:
                close_task(session, close.key, close.status)
            except ValueError as error:
                raise data_error(str(error)) from error

    @activity.defn(name=contracts.EXPIRE_AUTHORIZATION)
    @data_errors
    def expire(self, request: contracts.AuthExpiry) -> list[int]:
        with session_scope(self.engine) as session:
            try:
                return expire_authorization(
                    session,
                    authorization_id=request.authorization_id,
                    workflow_id=request.workflow_id,
                    end_date=date.fromisoformat(request.end_date),
                )
            except LookupError as error:
                raise data_error(str(error)) from error
