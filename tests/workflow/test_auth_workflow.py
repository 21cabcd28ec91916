"""AuthorizationWorkflow under time skipping: renewal timing, threshold, expiry, extension."""

from __future__ import annotations

from datetime import date

import pytest
from auth_fakes import FakeAuthRow, own_time_skipping_server, run_auth  # noqa: F401 (the `wf` fixture)
from auth_scenarios import (
    continued_as_new,
    expiry_gives_waiting_claims_tasks,
    renewal_moves_when_extended,
    renewed_by_the_next_authorization,
    scheduled_visits_eat_the_units,
)

from denialdesk.contracts.authorization import CLOSE_AUTH_TASK, OPEN_AUTH_TASK
from denialdesk.workflows.client import DecisionConflict, DecisionInvalid


def test_renewal_task_n_days_before_the_end_moves_when_extended(wf):
    store = run_auth(wf, renewal_moves_when_extended)
    rows = list(store.tasks.values())
    assert [(r.status, r.upserts) for r in rows] == [("done", 1), ("open", 1)]
    assert [r.spec.key for r in rows] == [f"{store.workflow_id}:1", f"{store.workflow_id}:2"]
    assert all(r.spec.authorization_id == store.calls[0][1].authorization_id for r in rows)
    assert {r.spec.kind for r in rows} == {"renew_authorization"}


def test_threshold_task_when_scheduled_visits_eat_the_remaining_units(wf):
    store = run_auth(wf, scheduled_visits_eat_the_units)
    assert store.names().count(OPEN_AUTH_TASK) == 3  # open, update, second task
    assert store.names().count(CLOSE_AUTH_TASK) == 1
    assert [r.status for r in store.tasks.values()] == ["done", "open"]


def test_expiry_flips_the_status_and_gives_waiting_claims_tasks(wf):
    store = run_auth(wf, expiry_gives_waiting_claims_tasks)
    assert store.row.status == "active"  # extended after it expired
    assert len(store.tasks) == 1


def test_continue_as_new_keeps_counts_and_task_keys(wf):
    store = run_auth(wf, continued_as_new)
    # At least one hand-over happened (a signal arriving while a run finishes is drained by
    # that run, so how many runs did work depends on timing), and the task sequence carried on.
    assert len(set(store.run_ids)) >= 2
    assert list(store.tasks) == [f"{store.workflow_id}:1", f"{store.workflow_id}:2"]


def test_extension_refused_when_it_goes_backwards_or_says_nothing(wf):
    async def body(auth):
        from auth_fakes import today

        from denialdesk.contracts.authorization import Extension
        from denialdesk.workflows import auth_client

        t0 = await today(auth)
        auth.store.row.end_date = t0.replace(year=t0.year + 1)
        await auth.start()
        await auth.acted(0)
        with pytest.raises(DecisionConflict, match="before"):
            await auth_client.extend(
                auth.client, auth.workflow_id, Extension(end_date="2000-01-01")
            )
        with pytest.raises(DecisionConflict, match="below"):
            await auth_client.extend(auth.client, auth.workflow_id, Extension(approved=1))
        with pytest.raises(DecisionInvalid):
            await auth_client.extend(auth.client, auth.workflow_id, Extension())

    store = run_auth(wf, body)
    assert store.tasks == {}


def test_an_end_date_no_timer_can_reach_never_fails_the_workflow(wf):
    # Stored before the API bounded it: 9999-12-31 + 1 day overflowed on every run.
    async def body(auth):
        auth.store.row = FakeAuthRow(end_date=date(9999, 12, 31))
        await auth.start()
        state = await auth.acted(0)
        assert (state.end_date, state.status, state.open_task) == ("9999-12-31", "active", None)
        await auth.extend(approved=12)  # and it still answers
        assert (await auth.until(lambda s: s.approved == 12)).approved == 12

    run_auth(wf, body)


def test_a_renewal_closes_the_task_and_no_other_opens(wf):
    store = run_auth(wf, renewed_by_the_next_authorization)
    assert [r.status for r in store.tasks.values()] == ["done"]
