"""Where ClaimWorkflow stops for a person instead of failing: holds and held payments.

- A hold (`on_hold`): blocking scrub findings, a missing authorization, or stored data the
  scrub or the 837P cannot take (an activity's DataError: a `fix_data` task naming the field).
  A correction (PATCH /claims) releases it; for data outside the claim (the payer's or the
  practice's settings) the `retry` decision runs the step again once it is fixed.
- A held payment: a claim payment that makes no sense for the claim (above the charge,
  negative and not a reversal, a second payment of a paid claim, another payer's remittance,
  or data the activity cannot read) is not applied; a `review_payment` task says why, and
  the person applies it anyway or dismisses it. The task it displaced comes back afterwards.

Nothing here was reachable before (such errors failed the workflow), so histories of running
workflows replay unchanged.
"""

from __future__ import annotations

import dataclasses

from temporalio.exceptions import ActivityError, ApplicationError

from denialdesk.contracts.claim import DATA_ERROR, TaskSpec
from denialdesk.contracts.enums import HoldReason, TaskKind
from denialdesk.workflows.claim_clock import ClaimClock


def data_problem(error: ActivityError) -> tuple[str, str]:
    """(reason, field) of an activity's DataError; anything else is re-raised."""
    cause = error.cause
    if not (isinstance(cause, ApplicationError) and cause.type == DATA_ERROR):
        raise error
    field = cause.details[0] if cause.details and isinstance(cause.details[0], str) else ""
    return cause.message, field


class ClaimHolds(ClaimClock):
    async def _hold(self, reason: str, task_kind: str, detail: str, task_detail: dict) -> None:
        await self._set_status("on_hold", "on_hold", detail, hold_reason=reason)
        await self._open_claim_task(task_kind, task_detail, due=self._state.deadline_on)

    async def _data_hold(self, step: str, error: ActivityError) -> None:
        """The step failed on the claim's data: hold the claim with a fix_data task."""
        reason, field = data_problem(error)
        version = self._state.version
        await self._hold(
            HoldReason.DATA,
            TaskKind.FIX_DATA,
            f"version {version}: {step} failed: {reason}",
            {"version": version, "step": step, "field": field, "reason": reason},
        )

    # --- held payments ------------------------------------------------------------------------

    async def _hold_payment(self, claim_payment_id: int, reason: str, amount: str) -> None:
        state = self._state
        state.held_payments[claim_payment_id] = reason
        await self._event("payment_held", f"claim payment {claim_payment_id}: {reason}")
        if len(state.held_payments) > 1:
            return  # the open review task is about an earlier one; this one comes next
        spec = state.open_task_spec
        if spec is not None and spec.kind != TaskKind.REVIEW_PAYMENT:
            state.suspended_task_spec = spec  # comes back once the review is done
        await self._open_review(claim_payment_id, reason, amount)

    async def _open_review(self, claim_payment_id: int, reason: str, amount: str = "0.00") -> None:
        await self._open_task(
            TaskSpec(
                key="",
                workflow_id="",
                claim_id=0,
                kind=TaskKind.REVIEW_PAYMENT,
                amount=amount,
                due_at=self._state.deadline_on,
                priority=0.0,
                priority_reason=f"payment held: {reason}",
                detail={"claim_payment_id": claim_payment_id, "reason": reason},
            )
        )

    def _reviewed(self) -> int:
        """The held payment the review task was about, now decided: off the list."""
        held = self._state.held_payments
        first = next(iter(held))
        del held[first]
        return first

    async def _after_review(self) -> None:
        """The next held payment's review, else the task the reviews displaced."""
        state = self._state
        if state.held_payments:
            next_id, reason = next(iter(state.held_payments.items()))
            await self._open_review(next_id, reason)
            return
        spec, state.suspended_task_spec = state.suspended_task_spec, None
        if spec is not None and state.open_task is None:
            await self._open_task(dataclasses.replace(spec, key=""))
