"""One claim's life, written the way ClaimWorkflow and its activities would have written it:
created by the practice system, scrubbed and sent, answered by the payer's 835, and when
denied, worked by a specialist to its end (corrected and resubmitted, appealed, written off or
billed to the patient). Events, statuses and tasks have the kinds and details the workflow
gives them (workflows/claim_steps.py, activities/claims.py, activities/payments.py).
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from denialdesk.app.demo_history.clock import Clock, add_weekdays, next_pay_day, seconds
from denialdesk.app.demo_history.context import PracticeContext
from denialdesk.app.demo_history.denial_task import DenialSpec, denial_spec, resubmit_method
from denialdesk.app.demo_history.model import Event, Payment, Sent, Story, Version, WorkTask
from denialdesk.app.demo_history.scrub import scrub_version
from denialdesk.app.demo_history.tables import (
    ADJUDICATION_DAYS,
    APPEAL_DAYS,
    PAY_DAYS,
)
from denialdesk.app.demo_history.visit_log import VisitLog
from denialdesk.domain import claim as domain
from denialdesk.domain.denials import analyse_claim
from denialdesk.domain.x12.remit_model import ClaimPayment

PLACEHOLDER_CONTROL = "DD0000000000"  # CLM01 before the claim is numbered (render.py)


@dataclass(frozen=True)
class Denial:
    """A denial as the workflow holds it: its work_denial task's facts and how a corrected
    claim would go back (replacement_7, new_claim or reopening)."""

    at: datetime
    payment: Payment
    spec: DenialSpec
    detail: Callable[[], dict]
    method: str


class PayRuns:
    """When each payer's 835 for a payment run reached the practice: one file per payer and
    pay day, downloaded early the next weekday."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._imported: dict[tuple[str, date], datetime] = {}

    def imported(self, plan: str, pay_day: date) -> datetime:
        key = (plan, pay_day)
        if key not in self._imported:
            self._imported[key] = self.clock.morning(add_weekdays(pay_day, 1))
        return self._imported[key]


class ClaimLife:
    """The steps of a claim; Storyteller (resolutions.py) strings them together."""

    def __init__(
        self,
        ctx: PracticeContext,
        rng: random.Random,
        clock: Clock,
        pay_runs: PayRuns,
        visit_log: VisitLog,
    ) -> None:
        self.ctx, self.rng, self.clock = ctx, rng, clock
        self.pay_runs, self.visit_log = pay_runs, visit_log

    # --- sending ------------------------------------------------------------------------------

    def send(
        self, story: Story, version: Version, frequency: str, at: datetime, auth_used: int
    ) -> Sent:
        """Scrub then submit (the `scrubbed` event, a Submission, `submitted`/`resubmitted`)."""
        payer_claim_number = story.payer_claim_number if frequency != "1" else None
        claim_input = self.claim_input(story, version, frequency, payer_claim_number, auth_used)
        warnings, detail = scrub_version(
            claim_input,
            today=at.date(),
            version=version.number,
            visits_this_year=self._visits(story, at),
            last_remit_date=max((p.pay_day for p in story.payments), default=None),
        )
        story.events.append(Event(at, "scrubbed", detail, keyed=False))
        sent = Sent(version, frequency, seconds(at, 1), payer_claim_number, claim_input)
        version.frequency, version.payer_claim_number = frequency, payer_claim_number
        status = "resubmitted" if story.sent else "submitted"
        story.sent.append(sent)

        def text() -> str:
            return (
                f"version {version.number}, frequency {frequency}, {warnings} scrub warnings, "
                f"file {sent.interchange:09d}.837"
            )

        story.events.append(Event(sent.at, status, text))
        story.status = status
        return sent

    def claim_input(
        self,
        story: Story,
        version: Version,
        frequency: str,
        payer_claim_number: str | None,
        auth_used: int,
    ) -> domain.ClaimInput:
        visit, ctx = story.visit, self.ctx
        auth = visit.authorization
        return domain.ClaimInput(
            practice=ctx.domain_practice,
            payer=ctx.domain_payers[visit.coverage.payer_id],
            provider=ctx.domain_providers[visit.provider.id],
            patient=ctx.domain_patients[visit.patient.id],
            coverage=ctx.domain_coverages[visit.coverage.id],
            claim=domain.Claim(
                control_number=PLACEHOLDER_CONTROL,
                diagnoses=version.diagnoses,
                lines=tuple(
                    domain.ServiceLine(
                        service_date=line.service_date,
                        code=line.code,
                        charge=line.charge,
                        place_of_service=line.place,
                        dx_pointers=line.pointers,
                        modifiers=line.modifiers,
                        units=line.units,
                        minutes=line.minutes,
                    )
                    for line in version.lines
                ),
                frequency=frequency,
                payer_claim_number=payer_claim_number,
            ),
            authorization=None
            if auth is None
            else domain.Authorization(
                number=auth.number,
                start=auth.start,
                end=auth.end,
                approved=auth.approved,
                codes=frozenset(auth.codes),
                unit_type=auth.unit_type,
                used=auth_used,
            ),
        )

    def _visits(self, story: Story, at: datetime) -> int | None:
        payer = self.ctx.domain_payers[story.visit.coverage.payer_id]
        if payer.rules.visit_limit_per_year is None:
            return None
        year = story.visit.first_service.year
        return self.visit_log.visits_in_year(story.visit, year, at)

    # --- the payer ------------------------------------------------------------------------------

    def answered(self, story: Story, sent_on: date, days: tuple[int, int]) -> tuple[date, datetime]:
        """(pay day, when its 835 was imported) for a claim the payer received on `sent_on`."""
        plan = story.visit.plan
        most = min(days[1], self.ctx.payers[plan].processing_days)
        day = sent_on + timedelta(days=self.rng.randint(min(days[0], most), most))
        pay_day = next_pay_day(day, PAY_DAYS[plan])
        return pay_day, self.pay_runs.imported(plan, pay_day)

    def first_answer(self, story: Story) -> tuple[date, datetime]:
        return self.answered(story, story.sent[0].at.date(), ADJUDICATION_DAYS[story.visit.plan])

    def appeal_answer(self, story: Story, sent_on: date) -> tuple[date, datetime]:
        pay_day = next_pay_day(
            sent_on + timedelta(days=self.rng.randint(*APPEAL_DAYS)), PAY_DAYS[story.visit.plan]
        )
        return pay_day, self.pay_runs.imported(story.visit.plan, pay_day)

    def apply(
        self,
        story: Story,
        remit: ClaimPayment,
        pay_day: date,
        imported_at: datetime,
        appeal_level: int,
    ) -> tuple[datetime, Denial | None]:
        """The relay hands the payment to the workflow: the `payment` event, then `paid` (the
        claim closes) or the denial's status with its task's facts."""
        at = seconds(imported_at, self.rng.randint(2, 40))
        analysis = analyse_claim(remit)
        payment = Payment(story.visit.plan, pay_day, imported_at, remit, analysis)
        story.payments.append(payment)
        story.events.append(Event(at, "payment", _payment_detail(payment), keyed=False,
                                  payment=payment))  # fmt: skip
        at = seconds(at, 1)
        result = analysis.result.value
        if result == "paid":
            story.events.append(Event(at, "paid", lambda: f"claim payment {payment.id}: paid"))
            story.status, story.closed_at = "paid", at
            return at, None
        if result not in ("denied", "partially_paid"):
            raise RuntimeError(f"the history does not write {result} payments")
        spec = denial_spec(
            payer=self.ctx.domain_payers[story.visit.coverage.payer_id],
            analysis=analysis,
            service_dates=[line.service_date for line in story.version.lines],
            remit_date=pay_day,
            appeal_level=appeal_level,
            authorization_id=_id_of(story.visit.authorization),
        )
        category, action = analysis.category or "uncategorized", analysis.action

        def text() -> str:
            return f"claim payment {payment.id}: {category}, recommended {action}"

        story.events.append(Event(at, result, text))
        story.status = result
        method = self.ctx.payers[story.visit.plan].correction_method
        return at, Denial(
            at=at,
            payment=payment,
            spec=spec,
            detail=spec.task_detail(lambda: payment.id),
            method=resubmit_method(analysis, method),
        )

    # --- people -------------------------------------------------------------------------------

    def task(
        self,
        kind: str,
        spec: DenialSpec,
        detail: Callable[[], dict],
        opened: datetime,
        assignee: str,
        *,
        assign_days: tuple[int, int] = (0, 2),
        work_days: tuple[int, int] = (0, 1),
    ) -> WorkTask:
        """A task opened at `opened`, taken by `assignee` and closed by their decision."""
        assigned = self.clock.after(opened, assign_days)
        closed = self.clock.after(assigned, work_days)
        return WorkTask(
            kind=kind,
            category=spec.category,
            recommended_action=spec.recommended_action,
            amount=spec.amount,
            due_at=spec.due_at,
            priority=spec.priority,
            priority_reason=spec.priority_reason,
            detail=detail,
            opened=opened,
            assigned=assigned,
            closed=closed,
            assignee=assignee,
        )


def _payment_detail(payment: Payment) -> Callable[[], str]:
    analysis, remit = payment.analysis, payment.remit

    def text() -> str:
        return json.dumps(
            {
                "claim_payment_id": payment.id,
                "remit_date": payment.pay_day.isoformat(),
                "result": analysis.result.value,
                "category": analysis.category,
                "action": analysis.action,
                "paid": str(remit.paid),
                "denied": str(analysis.denied_amount),
                "carcs": [f"{a.group}-{a.carc}" for a in analysis.adjustments],
                "reverses_payment_id": None,
            }
        )

    return text


def _id_of(row) -> Callable[[], int | None]:
    return lambda: row.id if row is not None else None
