"""AuthorizationWorkflow: one payer authorization's clock and counts (SPEC section 2).

It keeps approved / used / scheduled / remaining as the store counts them (re-read through an
activity whenever `usage_changed` is signalled or an extension is stored), opens at most one
`renew_authorization` task at a time (N days before the end date, when remaining falls to the
threshold, or when a scheduled visit is not covered; none once the payer's next authorization
is recorded, `renewed`, whose own workflow takes over), and at the end date marks the
authorization expired and gives the claims still waiting on it a task. Timers are computed from
the business end date against workflow.now(), so an extension simply moves the next wake-up.
Handlers only validate and queue; the main loop acts (as in ClaimWorkflow).
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError

from denialdesk.contracts.authorization import (
    AUTH_STATE_QUERY,
    AUTH_WORKFLOW,
    CLOSE_AUTH_TASK,
    EXPIRE_AUTHORIZATION,
    EXTEND_UPDATE,
    OPEN_AUTH_TASK,
    READ_AUTHORIZATION,
    RENEWED_UPDATE,
    USAGE_CHANGED_SIGNAL,
    AuthCounts,
    AuthExpiry,
    AuthRead,
    AuthStart,
    AuthState,
    AuthTask,
    AuthTaskClose,
    AuthTaskSpec,
    Extension,
    Renewal,
)
from denialdesk.contracts.claim import CONFLICT, DATA_ERROR, INVALID, task_key
from denialdesk.domain import authorizations as rules
from denialdesk.domain import business_dates

ACTIVITY_TIMEOUT = timedelta(seconds=30)
ACTIVITY_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=1),
    non_retryable_error_types=[DATA_ERROR],
)


def check_extension(state: AuthState, extension: Extension) -> None:
    """Refuse an extension that extends nothing (422) or goes backwards (409: the
    authorization moved on since the caller looked)."""
    if extension.end_date is None and extension.approved is None:
        raise ApplicationError("end_date or approved is required", type=INVALID, non_retryable=True)
    if extension.end_date is not None and state.end_date and extension.end_date < state.end_date:
        raise ApplicationError(
            f"end date {extension.end_date} is before {state.end_date}",
            type=CONFLICT,
            non_retryable=True,
        )
    if extension.approved is not None and extension.approved < state.approved:
        raise ApplicationError(
            f"approved {extension.approved} is below {state.approved}",
            type=CONFLICT,
            non_retryable=True,
        )


def check_renewal(state: AuthState, authorization_id: int, renewal: Renewal) -> None:
    """Refuse an authorization that renews itself (422), or a second, different renewal (409:
    another one was recorded since the caller looked)."""
    if renewal.authorization_id == authorization_id:
        raise ApplicationError(
            "an authorization cannot renew itself", type=INVALID, non_retryable=True
        )
    if state.renewed_by is not None and state.renewed_by != renewal.authorization_id:
        raise ApplicationError(
            f"already renewed by authorization {state.renewed_by}",
            type=CONFLICT,
            non_retryable=True,
        )


def _midnight(day: date) -> datetime:
    # Business dates turn over at midnight UTC: the worker has no practice time zone to hand.
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


@workflow.defn(name=AUTH_WORKFLOW)
class AuthorizationWorkflow:
    @workflow.init
    def __init__(self, start: AuthStart) -> None:
        self._authorization_id = start.authorization_id
        self._state = start.state or AuthState()
        self._inbox: list[tuple[str, Any]] = []
        self._handled = 0

    @workflow.signal(name=USAGE_CHANGED_SIGNAL)
    def usage_changed(self) -> None:
        # One re-read covers any number of changes queued before it runs.
        if not any(kind == "usage" for kind, _ in self._inbox):
            self._inbox.append(("usage", None))

    @workflow.update(name=EXTEND_UPDATE)
    def extend(self, extension: Extension) -> None:
        self._inbox.append(("extend", extension))

    @extend.validator
    def _validate_extend(self, extension: Extension) -> None:
        check_extension(self._state, extension)

    @workflow.update(name=RENEWED_UPDATE)
    def renewed(self, renewal: Renewal) -> None:
        self._inbox.append(("renewed", renewal))

    @renewed.validator
    def _validate_renewed(self, renewal: Renewal) -> None:
        check_renewal(self._state, self._authorization_id, renewal)

    @workflow.query(name=AUTH_STATE_QUERY)
    def state(self) -> AuthState:
        return self._state

    @workflow.run
    async def run(self, start: AuthStart) -> None:
        if not self._state.loaded:
            await self._refresh()
        # An expired authorization keeps listening: an extension brings it back.
        while True:
            await self._act_on_the_clock()
            wake = self._next_wake()
            try:
                await workflow.wait_condition(
                    lambda: bool(self._inbox) or self._time_to_continue(), timeout=wake
                )
            except TimeoutError:
                # A deadline came. Days have passed: visits went by, claims may have used
                # units; act on today's counts, at the top of the loop.
                await self._refresh()
                continue
            if self._inbox:
                kind, value = self._inbox.pop(0)
                if kind == "renewed":
                    self._state.renewed_by = value.authorization_id
                # Every input means: re-read (a renewal moved scheduled visits off this one).
                await self._refresh()
                self._handled += 1
                continue
            await workflow.wait_condition(workflow.all_handlers_finished)
            if not self._inbox:
                workflow.continue_as_new(dataclasses.replace(start, state=self._state))

    def _time_to_continue(self) -> bool:
        every = self._state.continue_as_new_every
        return workflow.info().is_continue_as_new_suggested() or (
            every > 0 and self._handled >= every
        )

    # --- the clock ----------------------------------------------------------------------------

    def _end(self) -> date:
        # The API refuses end dates past five years; one stored before it did (9999-12-31)
        # must still leave room for the expiry timer, else every run fails on the arithmetic.
        return min(date.fromisoformat(self._state.end_date), business_dates.HARD_LATEST)

    def _expires_at(self) -> datetime:
        return _midnight(self._end() + timedelta(days=1))  # the end date is the last good day

    def _notice_at(self) -> datetime:
        return _midnight(rules.notice_date(self._end(), self._state.notice_days))

    def _next_wake(self) -> timedelta | None:
        now = workflow.now()
        future = [at for at in (self._notice_at(), self._expires_at()) if at > now]
        return min(future) - now if future else None

    async def _act_on_the_clock(self) -> None:
        state = self._state
        if workflow.now() >= self._expires_at() and state.expired_on != state.end_date:
            await self._expire()
        await self._renewal()
        state.checked_reads = state.reads

    async def _expire(self) -> None:
        state = self._state
        state.expired_on = state.end_date
        request = AuthExpiry(self._authorization_id, workflow.info().workflow_id, state.end_date)
        claim_ids: list[int] = await self._call(EXPIRE_AUTHORIZATION, request, list[int])
        state.status = "expired"
        state.claims_given_tasks = sorted(set(state.claims_given_tasks) | set(claim_ids))

    async def _renewal(self) -> None:
        """Open, update or close the one renewal task so it matches what is due now."""
        state = self._state
        uncovered = date.fromisoformat(state.first_uncovered) if state.first_uncovered else None
        reason = rules.renewal_reason(
            today=workflow.now().date(),
            end_date=self._end(),
            days=state.notice_days,
            remaining_units=state.remaining,
            threshold=state.threshold,
            uncovered=uncovered,
        )
        if state.renewed_by is not None:
            reason = None  # the next authorization has its own workflow and renewal
        task = state.open_task
        if reason is None:
            if task is not None:  # extended, units added or renewed: nobody needs to renew now
                state.open_task = None
                await self._call(CLOSE_AUTH_TASK, AuthTaskClose(task.key, "done"))
            return
        due = rules.renewal_due(end_date=self._end(), uncovered=uncovered).isoformat()
        if task is not None and (task.reason, task.due_at) == (reason, due):
            return
        if task is None:
            state.task_seq += 1
            key = task_key(workflow.info().workflow_id, state.task_seq)
        else:
            key = task.key  # the same task, brought up to date: never a second one
        spec = AuthTaskSpec(
            key=key,
            workflow_id=workflow.info().workflow_id,
            authorization_id=self._authorization_id,
            kind="renew_authorization",
            due_at=due,
            priority_reason=f"{_left(state.remaining, state.unit_type)} · renew by {due}",
            detail={"reason": reason, "remaining": state.remaining, "unit_type": state.unit_type},
        )
        task_id: int = await self._call(OPEN_AUTH_TASK, spec, int)
        state.open_task = AuthTask(key=key, task_id=task_id, reason=reason, due_at=due)

    # --- the store ----------------------------------------------------------------------------

    async def _refresh(self) -> None:
        today = workflow.now().date().isoformat()
        counts: AuthCounts = await self._call(
            READ_AUTHORIZATION, AuthRead(self._authorization_id, today), AuthCounts
        )
        state = self._state
        state.loaded = True
        state.reads += 1
        state.unit_type, state.approved = counts.unit_type, counts.approved
        state.used, state.scheduled, state.remaining = (
            counts.used,
            counts.scheduled,
            counts.remaining,
        )
        state.end_date, state.first_uncovered = counts.end_date, counts.first_uncovered
        state.notice_days, state.threshold = counts.notice_days, counts.threshold
        # The store reactivates an expired authorization whose end date was extended.
        state.status = counts.status if counts.status in ("active", "expired") else state.status

    @staticmethod
    async def _call(name: str, arg: Any, result_type: Any = None) -> Any:
        return await workflow.execute_activity(
            name,
            arg,
            result_type=result_type,
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            retry_policy=ACTIVITY_RETRY,
        )


def _left(remaining: int, unit_type: str) -> str:
    """ "3 visits left", or what the scheduled visits lack ("1 visit short"), never "-1 left"."""
    count = abs(remaining)
    unit = unit_type[:-1] if count == 1 and unit_type.endswith("s") else unit_type
    return f"{count} {unit} short" if remaining < 0 else f"{count} {unit} left"
