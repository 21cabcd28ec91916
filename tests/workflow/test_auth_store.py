"""AuthorizationWorkflow with its real activities on a SQLite store (time skipping): the task
rows, the counts and the expiry that people and lists see."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import work_data
from auth_fakes import own_time_skipping_server  # noqa: F401 (the `wf` fixture)
from sqlmodel import Session, select
from temporalio.worker import Worker

from denialdesk.activities.authorizations import AuthorizationActivities
from denialdesk.contracts.authorization import AUTH_STATE_QUERY, AuthState, Extension
from denialdesk.store import authorizations as store_auth
from denialdesk.store.db import session_scope
from denialdesk.store.models import Authorization, Task
from denialdesk.workflows import auth_client
from denialdesk.workflows.authorization import AuthorizationWorkflow

DAY = timedelta(days=1)


async def until_row(engine, read, timeout: float = 20.0):
    """Poll the store, which the worker's activity threads write, until `read` finds it (on
    this loop, which the worker shares, so never a blocking sleep)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        with Session(engine) as session:
            found = read(session)
            if found:
                return found
        await asyncio.sleep(0.05)
    raise AssertionError("the database never reached the expected state")


def test_renewal_task_rows_follow_the_counts_and_expiry_marks_the_row(wf, engine):
    async def body() -> None:
        t0 = (await wf.env.get_current_time()).date()
        with session_scope(engine) as session:
            where = work_data.parties(session)
            auth = store_auth.create_authorization(
                session, practice=where.practice, coverage_id=where.coverage_id, number="E2E-1",
                codes=["90837"], unit_type="visits", approved=4, start_date=t0,
                end_date=t0 + 30 * DAY,
            )  # fmt: skip
            auth_id, slug = auth.id, where.practice.slug
        with ThreadPoolExecutor(2) as executor:
            worker = Worker(
                wf.client,
                task_queue="auth-store",
                workflows=[AuthorizationWorkflow],
                activities=AuthorizationActivities(engine).activities(),
                activity_executor=executor,
            )
            async with worker:
                workflow_id = await auth_client.start_authorization(
                    wf.client, slug, auth_id, "auth-store"
                )
                handle = wf.client.get_workflow_handle(workflow_id)
                try:
                    await scenario(handle, workflow_id, auth_id, t0)
                finally:
                    await handle.terminate("test over")

    async def state(handle) -> AuthState:
        return await handle.query(AUTH_STATE_QUERY, result_type=AuthState)

    async def scenario(handle, workflow_id, auth_id, t0) -> None:
        with session_scope(engine) as session:
            row = session.get(Authorization, auth_id)
            store_auth.set_scheduled(
                session, authorization=row, dates=[t0 + DAY, t0 + 8 * DAY], today=t0
            )
        await auth_client.usage_changed(wf.client, workflow_id)
        task = await until_row(
            engine, lambda s: s.exec(select(Task).where(Task.authorization_id == auth_id)).first()
        )
        assert (task.kind, task.status, task.claim_id, task.key) == (
            "renew_authorization",
            "open",
            None,
            f"{workflow_id}:1",
        )
        assert task.detail == {"reason": "units", "remaining": 2, "unit_type": "visits"}

        with session_scope(engine) as session:
            row = session.get(Authorization, auth_id)
            store_auth.extend_authorization(
                session, authorization=row, end_date=None, approved=10, today=t0
            )
        await auth_client.extend(wf.client, workflow_id, Extension(approved=10))
        await until_row(engine, lambda s: s.get(Task, task.id).status == "done")
        assert (await state(handle)).remaining == 8

        await wf.env.sleep(32 * DAY)
        await until_row(engine, lambda s: s.get(Authorization, auth_id).status == "expired")
        with session_scope(engine) as session:
            tasks = session.exec(select(Task).where(Task.authorization_id == auth_id)).all()
            # The notice came on day 16: one more renewal task, still open after expiry.
            assert [(t.key, t.status) for t in tasks] == [
                (f"{workflow_id}:1", "done"),
                (f"{workflow_id}:2", "open"),
            ]
            assert session.get(Authorization, auth_id).scheduled == 0  # the visits are past

    wf.run(body())
