"""The demo clock (app/demo_clock.py) on the seeded demo data, with AuthorizationWorkflow and
its real activities on the time-skipping server: the renewal task closes when re-armed and
opens again once the schedule outgrows the units left."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import date

from auth_fakes import own_time_skipping_server  # noqa: F401 (the `wf` fixture)
from demo_day import DEMO_TODAY
from sqlmodel import Session, select
from temporalio.worker import Worker
from test_auth_store import until_row

from denialdesk.activities.authorizations import AuthorizationActivities
from denialdesk.app import demo_clock
from denialdesk.app.seed import seed_demo
from denialdesk.contracts.authorization import auth_workflow_id
from denialdesk.store.models import Authorization, ScheduledVisit, Task
from denialdesk.workflows import auth_client
from denialdesk.workflows.authorization import AuthorizationWorkflow

QUEUE = "demo-clock"


def renewal(session: Session, auth_id: int) -> Task | None:
    return session.exec(
        select(Task).where(
            Task.authorization_id == auth_id,
            Task.kind == "renew_authorization",
            Task.status == "open",
        )
    ).first()


def test_each_start_rearms_one_authorization_whose_renewal_then_appears(wf, engine):
    seed_demo(engine, today=DEMO_TODAY)
    with Session(engine) as session:
        row = demo_clock.rearmed_authorization(session)
        assert row is not None and row.unit_type == "visits"
        auth_id = row.id

    async def body() -> None:
        today = (await wf.env.get_current_time()).date()
        with ThreadPoolExecutor(2) as executor:
            worker = Worker(
                wf.client,
                task_queue=QUEUE,
                workflows=[AuthorizationWorkflow],
                activities=AuthorizationActivities(engine).activities(),
                activity_executor=executor,
            )
            async with worker:
                workflow_id = await auth_client.start_authorization(
                    wf.client, "calm-psych", auth_id, QUEUE
                )
                assert workflow_id == auth_workflow_id("calm-psych", auth_id)
                handle = wf.client.get_workflow_handle(workflow_id)
                try:
                    await scenario(today)
                finally:
                    await handle.terminate("test over")

    async def scenario(today: date) -> None:
        stop = asyncio.Event()
        clock = asyncio.create_task(
            demo_clock.rearm(engine, wf.client, today=today, delay=3600, stop=stop)
        )
        # Re-armed: no scheduled visits, the end date past the notice period, no task.
        await until_row(
            engine,
            lambda s: s.get(Authorization, auth_id).end_date >= today + demo_clock.END_MARGIN,
        )
        with Session(engine) as session:
            assert session.exec(select(ScheduledVisit)).all() == []
            assert renewal(session, auth_id) is None
        stop.set()
        assert await clock is None  # stopped before it went off: nothing scheduled
        done = await demo_clock.rearm(engine, wf.client, today=today, delay=0)
        assert done is not None and done.authorization_id == auth_id
        task = await until_row(engine, lambda s: renewal(s, auth_id))
        with Session(engine) as session:
            row = session.get(Authorization, auth_id)
            assert row.scheduled == done.visits
            short = row.used + row.scheduled - row.approved
            assert short > 0  # the schedule outgrew the units
        # Said as people say it: "1 visit short", never "-1 visits left".
        unit = row.unit_type[:-1] if short == 1 else row.unit_type
        assert task.priority_reason.startswith(f"{short} {unit} short · renew by ")
        # The next start re-arms it again: the schedule is cleared and the task closes.
        again = asyncio.Event()
        again.set()
        assert await demo_clock.rearm(engine, wf.client, today=today, delay=0, stop=again) is None
        await until_row(engine, lambda s: renewal(s, auth_id) is None and s.get(Task, task.id))

    wf.run(body())
