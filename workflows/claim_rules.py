"""Which corrections and decisions fit a claim's state: the checks behind the Update validators.

Pure functions of ClaimState, so the validators stay free of I/O and timers (SPEC 2) and every
rule reads in one place. A refusal is an ApplicationError whose type the API maps to an HTTP
code: CONFLICT (409) when the claim has moved on, INVALID (422) when the input is bad. Messages
name ids and actions only, never claim data.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from temporalio.exceptions import ApplicationError

from denialdesk.contracts.claim import CONFLICT, INVALID, ClaimState, Correction, Decision
from denialdesk.contracts.enums import (
    ACTIONS_BY_TASK_KIND,
    CORRECTABLE_TASK_KINDS,
    DecisionAction,
)


def conflict(message: str) -> ApplicationError:
    return ApplicationError(message, type=CONFLICT, non_retryable=True)


def invalid(message: str) -> ApplicationError:
    return ApplicationError(message, type=INVALID, non_retryable=True)


def check_correction(state: ClaimState, correction: Correction, newest_pending: int) -> None:
    """Raise unless `correction` may be taken now; `newest_pending` is the newest version
    already accepted but not yet acted on (0 when none)."""
    task = state.open_task
    if task is None or task.kind not in CORRECTABLE_TASK_KINDS:
        raise conflict("the claim has no open scrub, authorization, data or denial task to correct")
    newest = max(state.version, newest_pending)
    if correction.version <= newest:
        raise conflict(f"version {correction.version} is stale: the claim is at {newest}")


def check_decision(
    state: ClaimState, decision: Decision, decision_pending: bool, payment_pending: bool = False
) -> None:
    """Raise unless `decision` fits the open task and carries what its action needs.

    `decision_pending`/`payment_pending`: one is queued and not yet acted on."""
    if decision.action not in set(DecisionAction):
        raise invalid(f"unknown action {decision.action!r}")
    task = state.open_task
    if task is None or task.task_id != decision.task_id:
        raise conflict(f"task {decision.task_id} is not the claim's open task")
    if decision_pending:
        # The loop has not acted on the previous decision yet; a second one would race it.
        raise conflict(f"task {decision.task_id} already has a decision being carried out")
    if payment_pending:
        # The payer's answer may close this task; deciding now would act on a stale view.
        raise conflict("a payment for the claim is being applied; look at the claim again")
    if decision.action not in ACTIONS_BY_TASK_KIND.get(task.kind, frozenset()):
        raise conflict(f"action {decision.action!r} does not fit a {task.kind} task")
    check = _FIELD_CHECKS.get(decision.action)
    if check is not None:
        check(state, decision)


def _check_resubmit(state: ClaimState, decision: Decision) -> None:
    if decision.claim_version is None:
        raise invalid("claim_version is required to resubmit")
    if decision.claim_version < state.version:
        raise conflict(
            f"claim version {decision.claim_version} is stale: the claim is at {state.version}"
        )


def _check_appeal(state: ClaimState, decision: Decision) -> None:
    if decision.level is None:
        raise invalid("level is required to appeal")
    expected = state.appeal_level + 1
    if decision.level != expected:
        raise invalid(f"appeal level must be {expected}, not {decision.level}")
    if decision.level > state.max_appeal_level:
        raise invalid(
            f"appeal level {decision.level} exceeds the payer's {state.max_appeal_level} levels"
        )
    if decision.letter_id is None and not (decision.no_letter_reason or "").strip():
        raise invalid("letter_id or no_letter_reason is required to appeal")


def _check_write_off(state: ClaimState, decision: Decision) -> None:
    if not (decision.reason or "").strip():
        raise invalid("reason is required to write off")


def _check_bill_patient(state: ClaimState, decision: Decision) -> None:
    if decision.amount is None:
        return  # the patient's share as the remittance states it
    try:
        amount = Decimal(decision.amount)
    except InvalidOperation:
        raise invalid("amount must be a decimal string such as '40.00'") from None
    if not amount.is_finite() or amount <= 0:
        raise invalid("amount must be a positive decimal")


def _check_reroute(state: ClaimState, decision: Decision) -> None:
    if decision.queue_id is None:
        raise invalid("queue_id is required to reroute")


_FIELD_CHECKS = {
    "resubmit": _check_resubmit,
    "appeal": _check_appeal,
    "write_off": _check_write_off,
    "bill_patient": _check_bill_patient,
    "reroute": _check_reroute,
}
