"""What the claim workflow's payment activity decides about a denial, for the history: the
deadline, the priority and the work_denial task (activities/payments.py and
activities/authorization_requests.py do the same on live claims)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from denialdesk.domain import claim as domain
from denialdesk.domain import deadlines
from denialdesk.domain.denials import DenialAnalysis, Result
from denialdesk.domain.priority import priority

ABSENT = frozenset({"197", "243", "288"})
EXCEEDED = frozenset({"198"})


@dataclass(frozen=True)
class DenialSpec:
    """The open task's facts (the workflow's TaskSpec without key and ids)."""

    category: str | None
    recommended_action: str
    amount: Decimal
    due_at: date | None
    deadline_kind: str | None
    priority: float
    priority_reason: str
    appealable: bool
    # The rest of the detail (ids are known once the rows are numbered, hence a function).
    detail: Callable[[], dict]

    def task_detail(self, claim_payment_id: Callable[[], int | None]) -> Callable[[], dict]:
        def detail() -> dict:
            return {
                **self.detail(),
                "claim_payment_id": claim_payment_id(),
                "appealable": self.appealable,
                "deadline_kind": self.deadline_kind,
            }

        return detail


def denial_spec(
    *,
    payer: domain.Payer,
    analysis: DenialAnalysis,
    service_dates: list[date],
    remit_date: date,
    appeal_level: int,
    authorization_id: Callable[[], int | None],
) -> DenialSpec:
    deadline = deadlines.next_hard_deadline(
        payer=payer,
        service_dates=service_dates,
        result=analysis.result.value,
        category=analysis.category,
        action=analysis.action,
        appealable=analysis.appealable,
        remit_date=remit_date,
        level_reached=appeal_level,
    )
    at_stake = analysis.amount_at_stake
    ranked = priority(
        amount=at_stake,
        category=analysis.category,
        deadline=deadline.on if deadline else None,
        today=remit_date,
    )
    return DenialSpec(
        category=analysis.category,
        recommended_action=analysis.action,
        amount=at_stake.quantize(Decimal("0.01")),
        due_at=deadline.on if deadline else None,
        deadline_kind=deadline.kind if deadline else None,
        priority=ranked.score,
        priority_reason=ranked.reason,
        appealable=analysis.appealable,
        detail=_authorization_detail(analysis, authorization_id),
    )


def resubmit_method(analysis: DenialAnalysis, correction_method: str) -> str:
    """How a corrected claim goes back (activities/payments.py `_resubmit_method`)."""
    denied = analysis.result in (Result.DENIED, Result.PARTIALLY_PAID)
    no_appeal = not analysis.appealable and analysis.action != "bill_patient"
    if denied and (analysis.action == "new_claim" or no_appeal):
        return "new_claim"
    return correction_method


def _authorization_detail(
    analysis: DenialAnalysis, authorization_id: Callable[[], int | None]
) -> Callable[[], dict]:
    """The history's authorization denials: absent with nothing on file (the task raises the
    request), or exceeded on the claim's own authorization."""
    carcs = {a.carc for a in analysis.adjustments if a.group == "CO"}
    if analysis.category != "authorization":
        return dict
    if carcs & EXCEEDED:
        return lambda: {
            "note": "appeal, or request more units on the authorization",
            "options": ["appeal", "request_more_units"],
            "authorization_id": authorization_id(),
        }
    if carcs & ABSENT or analysis.action == "obtain_retro_authorization":
        return lambda: {"request": "raise"}
    return dict
