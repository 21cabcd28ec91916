"""AuthorizationWorkflow scenarios shared by the time-skipping tests and the replay histories.

Each is a coroutine over an AuthDriver whose env can skip time; dates are relative to the
test server's clock, which the whole session shares.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from auth_fakes import AuthDriver, FakeAuthRow, today

from denialdesk.contracts.authorization import (
    EXPIRE_AUTHORIZATION,
    AuthState,
    Extension,
    Renewal,
)
from denialdesk.workflows import auth_client
from denialdesk.workflows.client import DecisionConflict, DecisionInvalid

DAY = timedelta(days=1)


async def renewal_moves_when_extended(auth: AuthDriver) -> None:
    t0 = await today(auth)
    auth.store.row = FakeAuthRow(end_date=t0 + 30 * DAY)
    await auth.start()
    state = await auth.acted(0)
    assert (state.remaining, state.open_task) == (10, None)
    await auth.env.sleep(15 * DAY)
    await auth.recount()
    assert auth.store.tasks == {}  # day 15: the notice (end − 14 days) is day 16
    await auth.env.sleep(2 * DAY)
    state = await auth.until(lambda s: s.open_task is not None)
    first = state.open_task
    assert (first.reason, first.due_at) == ("end_date", (t0 + 30 * DAY).isoformat())

    state = await auth.extend(end_date=t0 + 90 * DAY)
    assert state.open_task is None and state.end_date == (t0 + 90 * DAY).isoformat()
    assert auth.store.tasks[first.key].status == "done"
    await auth.env.sleep(58 * DAY)  # day 75: the new notice is day 76
    await auth.recount()
    assert auth.store.open_tasks() == []
    await auth.env.sleep(2 * DAY)
    state = await auth.until(lambda s: s.open_task is not None)
    assert state.open_task.key != first.key
    assert state.open_task.due_at == (t0 + 90 * DAY).isoformat()


async def scheduled_visits_eat_the_units(auth: AuthDriver) -> None:
    t0 = await today(auth)
    row = auth.store.row = FakeAuthRow(end_date=t0 + 200 * DAY, approved=10, used=2)
    weekly = [t0 + 7 * k * DAY for k in range(1, 10)]
    await auth.start()
    await auth.acted(0)
    row.visits = weekly[:5]
    state = await auth.recount()
    assert (state.scheduled, state.remaining, state.open_task) == (5, 3, None)

    row.visits = weekly[:6]  # remaining falls to the threshold
    state = await auth.recount()
    task = state.open_task
    assert (state.remaining, task.reason, task.due_at) == (2, "units", row.end_date.isoformat())

    row.visits = weekly  # the 9th visit is beyond the 8 units left: renew the day before it
    state = await auth.recount()
    assert state.first_uncovered == weekly[8].isoformat()
    assert state.open_task.key == task.key  # the same task, brought up to date
    assert state.open_task.due_at == (weekly[8] - DAY).isoformat()
    assert auth.store.tasks[task.key].upserts == 2

    state = await auth.extend(approved=20)
    assert (state.remaining, state.open_task) == (9, None)
    assert auth.store.tasks[task.key].status == "done"

    row.visits = [*weekly, row.end_date + DAY]  # a visit after the end date
    state = await auth.recount()
    assert state.open_task.reason == "schedule" and state.open_task.key != task.key


async def expiry_gives_waiting_claims_tasks(auth: AuthDriver) -> None:
    t0 = await today(auth)
    auth.store.row = FakeAuthRow(end_date=t0 + 5 * DAY, waiting_claims=[41, 42])
    await auth.start()
    state = await auth.acted(0)
    renewal = state.open_task  # the notice date (end − 14) has already passed
    assert renewal.reason == "end_date" and state.status == "active"
    await auth.env.sleep(5 * DAY)  # the end date itself is still good
    state = await auth.recount()
    assert state.status == "active" and EXPIRE_AUTHORIZATION not in auth.store.names()

    await auth.env.sleep(2 * DAY)
    state = await auth.until(lambda s: s.status == "expired")
    assert state.claims_given_tasks == [41, 42]
    assert state.open_task == renewal  # still to renew, still one task
    [(_, expiry)] = [c for c in auth.store.calls if c[0] == EXPIRE_AUTHORIZATION]
    assert expiry.end_date == (t0 + 5 * DAY).isoformat()

    state = await auth.extend(end_date=t0 + 120 * DAY)  # renewed late: active again
    assert (state.status, state.open_task, state.expired_on) == (
        "active",
        None,
        (t0 + 5 * DAY).isoformat(),
    )
    assert auth.store.tasks[renewal.key].status == "done"


async def continued_as_new(auth: AuthDriver) -> None:
    # Every input continues as new; progress is read from the store, never by query (see
    # AuthDriver.until_stored).
    t0 = await today(auth)
    row = auth.store.row = FakeAuthRow(end_date=t0 + 40 * DAY, approved=6)
    await auth.start(AuthState(continue_as_new_every=1))
    await auth.until_stored(lambda store: auth.reads() >= 1)
    for count in (2, 4, 5):
        reads = auth.reads()
        row.visits = [t0 + k * DAY for k in range(1, count + 1)]
        await auth.usage_changed()
        await auth.until_stored(lambda store, reads=reads: auth.reads() > reads)

    def open_reason(store) -> str | None:
        found = store.open_tasks()
        return found[0].spec.detail.get("reason") if found else None

    await auth.until_stored(lambda store: open_reason(store) == "units")
    row.approved = 12  # the API stores first, then tells the workflow
    await auth_client.extend(auth.client, auth.workflow_id, Extension(approved=12, user_id=3))
    await auth.until_stored(lambda store: not store.open_tasks())
    await auth.env.sleep(30 * DAY)
    await auth.until_stored(lambda store: open_reason(store) == "end_date")
    assert len(auth.store.tasks) == 2


async def renewed_by_the_next_authorization(auth: AuthDriver) -> None:
    """The payer's next authorization is recorded (`renewed`): the renewal task closes, and
    neither running out of units nor the end date opens another here."""
    t0 = await today(auth)
    auth.store.row = FakeAuthRow(end_date=t0 + 30 * DAY)
    await auth.start()
    await auth.acted(0)
    await auth.env.sleep(17 * DAY)  # past the notice date (day 16)
    state = await auth.until(lambda s: s.open_task is not None)
    task = state.open_task
    itself = Renewal(authorization_id=auth.authorization_id)
    with pytest.raises(DecisionInvalid, match="itself"):
        await auth_client.renewed(auth.client, auth.workflow_id, itself)
    await auth_client.renewed(auth.client, auth.workflow_id, Renewal(authorization_id=901))
    state = await auth.until(lambda s: s.checked_reads > state.reads)
    assert (state.renewed_by, state.open_task) == (901, None)
    assert auth.store.tasks[task.key].status == "done"
    with pytest.raises(DecisionConflict, match="already renewed by authorization 901"):
        await auth_client.renewed(auth.client, auth.workflow_id, Renewal(authorization_id=902))
    auth.store.row.used = auth.store.row.approved  # the units run out
    await auth.recount()
    await auth.env.sleep(20 * DAY)  # and the end date passes
    state = await auth.until(lambda s: s.status == "expired")
    assert state.open_task is None and auth.store.open_tasks() == []


SCENARIOS = {
    "auth_renewal_moves": renewal_moves_when_extended,
    "auth_threshold": scheduled_visits_eat_the_units,
    "auth_expiry": expiry_gives_waiting_claims_tasks,
    "auth_continued_as_new": continued_as_new,
    "auth_renewed": renewed_by_the_next_authorization,
}
