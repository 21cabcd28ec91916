"""ClaimWorkflow: one claim from scrub to its last payment (SPEC section 2).

The workflow carries ids, codes and statuses only; activities read and write the store. Handlers
validate and queue; the main loop acts, one input at a time in arrival order, so every decision
is carried out against the state it was validated on (or dropped, with an event, if a payment
changed that state in between). Every position the loop can wait in is derivable from ClaimState,
which is why continue-as-new carries nothing else.
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any

from temporalio import workflow

from denialdesk.contracts.claim import (
    CLAIM_WORKFLOW,
    CORRECT_UPDATE,
    DECIDE_UPDATE,
    PAYMENT_SIGNAL,
    STATE_QUERY,
    TASK_CHANGED_SIGNAL,
    ClaimStart,
    ClaimState,
    Correction,
    Decision,
    TaskChange,
)
from denialdesk.workflows.claim_rules import check_correction, check_decision
from denialdesk.workflows.claim_steps import ClaimSteps


@workflow.defn(name=CLAIM_WORKFLOW)
class ClaimWorkflow(ClaimSteps):
    @workflow.init
    def __init__(self, start: ClaimStart) -> None:
        # Set before any handler runs: a payment sent with signal_with_start, or an Update
        # arriving with the first task, is checked against the carried state.
        self._claim_id = start.claim_id
        self._state = start.state or ClaimState()
        self._inbox: list[tuple[str, Any]] = []
        self._task_changes: list[TaskChange] = []
        self._handled = 0  # inputs handled in this run (continue_as_new_every counts them)

    # --- handlers: validate and record, never act -------------------------------------------

    @workflow.signal(name=PAYMENT_SIGNAL)
    def payment(self, claim_payment_id: int) -> None:
        # The relay may send a payment again (retries, restarts): exactly once starts here.
        queued = {item for kind, item in self._inbox if kind == "payment"}
        if claim_payment_id in self._state.applied_payment_ids or claim_payment_id in queued:
            return
        self._inbox.append(("payment", claim_payment_id))

    @workflow.signal(name=TASK_CHANGED_SIGNAL)
    def task_changed(self, change: TaskChange) -> None:
        # The loop restarts the SLA, idle and pend timers from it (claim_clock.py).
        self._task_changes.append(change)

    @workflow.update(name=CORRECT_UPDATE)
    def correct(self, correction: Correction) -> None:
        self._inbox.append(("correction", correction))

    @correct.validator
    def _validate_correct(self, correction: Correction) -> None:
        pending = [c.version for kind, c in self._inbox if kind == "correction"]
        check_correction(self._state, correction, max(pending, default=0))

    @workflow.update(name=DECIDE_UPDATE)
    def decide(self, decision: Decision) -> None:
        self._inbox.append(("decision", decision))

    @decide.validator
    def _validate_decide(self, decision: Decision) -> None:
        queued = {kind for kind, _ in self._inbox}
        check_decision(self._state, decision, "decision" in queued, "payment" in queued)

    @workflow.query(name=STATE_QUERY)
    def state(self) -> ClaimState:
        return self._state

    # --- the main loop ------------------------------------------------------------------------

    @workflow.run
    async def run(self, start: ClaimStart) -> None:
        if self._state.status == "draft":
            await self._scrub_then_submit()
        # A closed claim keeps listening: a reversal may reopen it, and a workflow that had
        # ended would be restarted from scratch by the relay's signal_with_start.
        while True:
            clock = self._clock_on()  # False while replaying a history from before the clock
            timeout = self._clock_timeout() if clock else None
            if timeout is not None and timeout <= timedelta(0):
                await self._tick()
                continue
            try:
                await workflow.wait_condition(lambda on=clock: self._ready(on), timeout=timeout)
            except TimeoutError:
                continue  # a timer is due: the next turn acts on it
            if clock and self._task_changes:
                await self._task_change(self._task_changes.pop(0))
                continue
            if self._inbox:
                kind, item = self._inbox.pop(0)
                await self._handle(kind, item)
                self._handled += 1
                continue
            # Nothing queued: let handlers finish, then continue unless something arrived.
            await workflow.wait_condition(workflow.all_handlers_finished)
            if not self._inbox:
                workflow.continue_as_new(dataclasses.replace(start, state=self._state))

    def _ready(self, clock: bool) -> bool:
        # Task changes wake the loop only with the clock: without it nothing would take them.
        changed = clock and bool(self._task_changes)
        return bool(self._inbox) or changed or self._time_to_continue()

    def _time_to_continue(self) -> bool:
        every = self._state.continue_as_new_every
        return workflow.info().is_continue_as_new_suggested() or (
            every > 0 and self._handled >= every
        )

    async def _handle(self, kind: str, item: Any) -> None:
        if kind == "payment":
            await self._apply_payment(item)
        elif kind == "correction":
            await self._apply_correction(item)
        else:
            await self._apply_decision(item)
