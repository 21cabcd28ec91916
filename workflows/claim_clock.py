"""The timers of ClaimWorkflow: deadlines with their reminders, payer silence, the task clock.

Nothing here sleeps: the main loop waits on its inbox with a timeout up to the earliest moment
`_next_wake` names, so a payment, decision or task change always interrupts a wait, and every
timer is recomputed from ClaimState after each input (dates move when a claim is submitted,
paid or decided). Business dates fire at the start of their day (domain.task_clock.start_of).

Histories recorded before the clock existed replay without it: the loop asks
`workflow.patched(CLOCK_PATCH)` once per run, and only then waits with timers or calls the
task-clock activities.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta
from decimal import Decimal

from temporalio import workflow

from denialdesk.contracts.claim import (
    ESCALATE_TASK,
    RELEASE_TASK,
    RETURN_TASK,
    TASK_CLOCK,
    TaskChange,
    TaskClockFacts,
    TaskClockRequest,
    TaskEscalation,
    TaskRelease,
    TaskSpec,
)
from denialdesk.domain.priority import priority
from denialdesk.domain.task_clock import escalated, nearer_deadline, sla_due, start_of
from denialdesk.workflows.claim_store import ClaimStore

CLOCK_PATCH = "claim-clock-v1"
# Statuses in which the claim is with the payer and its silence is counted.
WAITING_ON_PAYER = frozenset({"submitted", "resubmitted", "appealed"})
DEADLINE_NAMES = {
    "timely_filing": "timely filing",
    "corrected_claim": "corrected claim",
    "reopening": "reopening",
    "appeal": "appeal",
}


class ClaimClock(ClaimStore):
    # --- dates the steps set -------------------------------------------------------------------

    def _set_deadline(self, on: str | None, kind: str | None) -> None:
        """A new hard deadline: reminders whose day has already gone are not given late (a
        14-day reminder with 10 days left is noise); a deadline already past is said once."""
        state = self._state
        if (on, kind) == (state.deadline_on, state.deadline_kind):
            return
        state.deadline_on, state.deadline_kind = on, kind
        today = workflow.now().date()
        state.reminders_done = []
        if on is not None:
            deadline = date.fromisoformat(on)
            state.reminders_done = [
                n for n in state.reminder_days if n > 0 and deadline - timedelta(days=n) < today
            ]

    def _wait_for_payer(self) -> None:
        """The claim went (again) to the payer: filing is done, silence is now what counts."""
        state = self._state
        self._set_deadline(None, None)
        state.follow_up_on = None
        if state.processing_days > 0:
            due = workflow.now().date() + timedelta(days=state.processing_days)
            state.follow_up_on = due.isoformat()

    def _stop_clock(self) -> None:
        self._set_deadline(None, None)
        self._state.follow_up_on = None

    # --- the wait ------------------------------------------------------------------------------

    def _clock_on(self) -> bool:
        return workflow.patched(CLOCK_PATCH)

    def _due_moments(self) -> list[tuple[datetime, str]]:
        """(when, what) for every timer that is set, in the order ties are handled."""
        state, task = self._state, self._state.open_task
        moments: list[tuple[datetime, str]] = []
        if task is not None:
            if task.pended_until:
                moments.append((start_of(date.fromisoformat(task.pended_until)), "return"))
            else:
                if task.idle_due_at:
                    moments.append((datetime.fromisoformat(task.idle_due_at), "release"))
                if task.sla_due_at and not task.escalated:
                    moments.append((datetime.fromisoformat(task.sla_due_at), "escalate"))
        if state.deadline_on:
            deadline = date.fromisoformat(state.deadline_on)
            for n in sorted({n for n in state.reminder_days if n > 0}, reverse=True):
                if n not in state.reminders_done:
                    moments.append((start_of(deadline - timedelta(days=n)), f"remind:{n}"))
            if 0 not in state.reminders_done:
                # The deadline is the last day: it has passed when the next day begins.
                moments.append((start_of(deadline + timedelta(days=1)), "remind:0"))
        if state.follow_up_on and state.status in WAITING_ON_PAYER and task is None:
            moments.append((start_of(date.fromisoformat(state.follow_up_on)), "follow_up"))
        return moments

    def _clock_timeout(self) -> timedelta | None:
        """Time until the earliest timer (zero when one is due), None when nothing is set."""
        moments = self._due_moments()
        if not moments:
            return None
        earliest = min(when for when, _ in moments)
        return max(earliest - workflow.now(), timedelta(0))

    async def _tick(self) -> None:
        """Act on the first timer that is due (the loop comes back for the others)."""
        now = workflow.now()
        due = [(when, what) for when, what in self._due_moments() if when <= now]
        if not due:
            return
        _, what = min(due, key=lambda item: item[0])
        if what == "return":
            await self._return_pended()
        elif what == "release":
            await self._release_idle()
        elif what == "escalate":
            await self._escalate()
        elif what == "follow_up":
            await self._payer_silent()
        else:
            await self._remind(int(what.split(":")[1]))

    # --- deadlines -----------------------------------------------------------------------------

    async def _remind(self, days_before: int) -> None:
        state = self._state
        state.reminders_done.append(days_before)
        name = DEADLINE_NAMES.get(state.deadline_kind or "", "filing")
        if days_before:
            await self._event("deadline_reminder", f"{name} deadline in {days_before} days")
        else:
            await self._event("deadline_passed", f"{name} deadline passed")
        spec = state.open_task_spec
        if spec is None or state.deadline_on is None:
            return
        ranked = nearer_deadline(
            current=spec.priority,
            amount=spec.amount,
            category=spec.category,
            deadline=date.fromisoformat(state.deadline_on),
            today=workflow.now().date(),
            what=name,
        )
        # The same key: the open task is updated in place, its assignee kept.
        await self._upsert_task(
            dataclasses.replace(
                spec,
                due_at=state.deadline_on,
                priority=ranked.score,
                priority_reason=ranked.reason,
            )
        )

    async def _payer_silent(self) -> None:
        state = self._state
        state.follow_up_on = None  # once per wait; the follow-up's decision restarts it
        days = state.processing_days
        await self._event("payer_silent", f"no answer from the payer after {days} days")
        await self._open_claim_task(
            "payer_follow_up",
            {"processing_days": days, "status": state.status},
            because=f"payer silent {days} days",
        )

    async def _open_claim_task(
        self, kind: str, detail: dict, *, due: str | None = None, because: str | None = None
    ) -> None:
        """A task about the whole claim: its charge at stake, ranked by the deadline `due`;
        `because` replaces the deadline part of the reason."""
        state = self._state
        ranked = priority(
            amount=Decimal(state.charge or "0"),
            category=None,
            deadline=date.fromisoformat(due) if due else None,
            today=workflow.now().date(),
        )
        reason = f"{ranked.reason.split(' · ')[0]} · {because}" if because else ranked.reason
        await self._open_task(
            TaskSpec(
                key="",
                workflow_id="",
                claim_id=0,
                kind=kind,
                amount=state.charge,
                due_at=due,
                priority=ranked.score,
                priority_reason=reason,
                detail=detail,
            )
        )

    # --- the task clock ------------------------------------------------------------------------

    async def _task_change(self, change: TaskChange) -> None:
        """Someone assigned, released or pended the open task: read what they did and restart
        the SLA, idle and pend timers from it."""
        task = self._state.open_task
        if task is None or task.task_id != change.task_id:
            return  # a change to a task closed meanwhile
        now = workflow.now()
        restarted = sla_due(task.kind, now).isoformat()
        facts: TaskClockFacts = await self._call(
            TASK_CLOCK, TaskClockRequest(task.key, restarted), TaskClockFacts
        )
        task.sla_due_at = restarted
        task.pended_until = facts.pended_until if facts.status == "pended" else None
        task.assigned_at = facts.assigned_at if facts.assignee_id is not None else None
        task.idle_due_at = None
        if task.assigned_at and not task.pended_until:
            idle = timedelta(days=self._state.idle_release_days)
            task.idle_due_at = (datetime.fromisoformat(task.assigned_at) + idle).isoformat()

    async def _return_pended(self) -> None:
        task = self._state.open_task
        assert task is not None and task.pended_until is not None
        until, task.pended_until = task.pended_until, None
        task.sla_due_at = sla_due(task.kind, workflow.now()).isoformat()
        returned: bool = await self._call(
            RETURN_TASK, TaskClockRequest(task.key, task.sla_due_at), bool
        )
        if returned:
            await self._event("task_returned", f"task {task.task_id} pended until {until}")

    async def _release_idle(self) -> None:
        task = self._state.open_task
        assert task is not None and task.assigned_at is not None
        assigned_at, task.assigned_at, task.idle_due_at = task.assigned_at, None, None
        released: bool = await self._call(RELEASE_TASK, TaskRelease(task.key, assigned_at), bool)
        if released:
            days = self._state.idle_release_days
            await self._event("task_released", f"task {task.task_id} idle for {days} days")

    async def _escalate(self) -> None:
        state, task = self._state, self._state.open_task
        assert task is not None
        task.escalated = True
        spec = state.open_task_spec
        current = (spec.priority, spec.priority_reason) if spec else (0.0, "")
        raised = escalated(*current)
        if spec is not None:
            # Later upserts (reminders, reroutes) keep the raised priority.
            state.open_task_spec = dataclasses.replace(
                spec, priority=raised.score, priority_reason=raised.reason
            )
        await self._call(ESCALATE_TASK, TaskEscalation(task.key, raised.score, raised.reason))
        await self._event("escalated", f"task {task.task_id} untouched past its SLA")
