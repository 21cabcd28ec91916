"""How each history claim ended: paid at once, or denied and worked to its end.

A denial is worked as a specialist would: corrected and resubmitted (a Medicare reopening
instead), appealed (won, or upheld and written off), written off, or billed to the patient.
Write-offs above the practice's threshold are a supervisor's. A denial that came too late to
be worked through before the history's cutoff is resolved the quick way (billed or written
off), so every claim is closed in time and none needs a running workflow.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal

from denialdesk.app.demo_history.clock import seconds
from denialdesk.app.demo_history.model import Event, Line, Story, Version, Visit
from denialdesk.app.demo_history.payer import Payer
from denialdesk.app.demo_history.plan import Window
from denialdesk.app.demo_history.scenarios import (
    ADD_ONS,
    UPHELD_REASON,
    Fix,
    Resolution,
    Scenario,
    Scope,
)
from denialdesk.app.demo_history.story import ClaimLife, Denial
from denialdesk.app.demo_history.tables import (
    ADJUDICATION_DAYS,
    DIAGNOSES,
    ENCLOSURES,
    INTEGRATION,
    NO_LETTER_REASON,
    SUPERVISOR,
    WORKERS,
)

R = Resolution
FREQUENCY_BY_METHOD = {"replacement_7": "7", "new_claim": "1"}
# Calendar days from the denial's 835 to the claim's close, at the most, per resolution.
LONGEST = {R.WRITE_OFF: 8, R.BILL_PATIENT: 8, R.RESUBMIT: 56, R.APPEAL_WON: 76,
           R.APPEAL_LOST: 88}  # fmt: skip
LATE_REASON = "not recoverable before the deadline; written off at the month-end review"
NO_UNITS_REASON = "no units left on the authorization for a corrected claim"


class Storyteller:
    def __init__(
        self,
        life: ClaimLife,
        payer: Payer,
        window: Window,
        threshold: Decimal,
    ) -> None:
        self.life, self.payer, self.window = life, payer, window
        self.rng: random.Random = life.rng
        self.threshold = threshold
        self.workers = WORKERS[life.ctx.slug]

    def tell(self, visit: Visit, created: datetime, auth_used: int, scenario: Scenario | None):
        story = Story(visit, created)
        first = Version(1, created, INTEGRATION, visit.diagnoses, visit.lines)
        story.versions.append(first)
        self.life.send(story, first, "1", seconds(created, 1), auth_used)
        pay_day, imported = self.life.first_answer(story)
        if scenario is None:
            remit = self.payer.pay(visit, first.lines)
        else:
            remit = self.payer.deny(visit, first.lines, scenario, denied_lines(scenario, visit))
        _, denial = self.life.apply(story, remit, pay_day, imported, 0)
        if denial is not None:
            self._work(story, scenario, denial)
        if story.closed_at is None or story.closed_at.date() > self.window.cutoff:
            raise RuntimeError("a history claim would still be open at the cutoff")
        return story

    # --- choosing -----------------------------------------------------------------------------

    def _work(self, story: Story, scenario: Scenario, denial: Denial) -> None:
        chosen = self.rng.choices(list(scenario.resolutions), list(scenario.resolutions.values()))
        resolution = chosen[0]
        reason: str | None = None  # why it is resolved the quick way instead
        if denial.at.date() + timedelta(days=LONGEST[resolution]) > self.window.cutoff:
            reason = LATE_REASON  # too late to work it through: the quick way
        elif resolution is R.RESUBMIT and not self._room(story, denial):
            reason = NO_UNITS_REASON
        if reason is not None:
            resolution = R.BILL_PATIENT if R.BILL_PATIENT in scenario.resolutions else R.WRITE_OFF
        if resolution is R.WRITE_OFF:
            self._write_off(story, denial, reason or scenario.write_off_reason or LATE_REASON)
        elif resolution is R.BILL_PATIENT:
            self._bill_patient(story, denial)
        elif resolution is R.RESUBMIT:
            self._resubmit(story, scenario, denial)
        else:
            self._appeal(story, scenario, denial, won=resolution is R.APPEAL_WON)

    def _room(self, story: Story, denial: Denial) -> bool:
        """A corrected claim is scrubbed again, counting its own units as used: without room
        on its authorization it would be held, so it is not corrected."""
        visit = story.visit
        if visit.authorization is None:
            return True
        return visit.authorization.room_at(visit, denial.at + timedelta(days=10)) >= 0

    def _worker(self, amount: Decimal | None = None) -> str:
        if amount is not None and amount > self.threshold:
            return SUPERVISOR  # the write-off needs a supervisor
        names = [name for name, _ in self.workers]
        return self.rng.choices(names, [share for _, share in self.workers])[0]

    # --- resolutions ----------------------------------------------------------------------------

    def _write_off(self, story: Story, denial: Denial, reason: str) -> None:
        unpaid = story.total_charge - story.total_paid
        who = self._worker(denial.spec.amount or unpaid)
        task = self.life.task("work_denial", denial.spec, denial.detail, denial.at, who)
        story.tasks.append(task)
        story.events.append(Event(task.closed, "written_off", f"reason: {reason}", who))
        story.status, story.closed_at = "written_off", task.closed

    def _bill_patient(self, story: Story, denial: Denial) -> None:
        remit = denial.payment.remit
        amount = remit.patient_responsibility or (remit.charge - remit.paid)
        who = self._worker()
        task = self.life.task("work_denial", denial.spec, denial.detail, denial.at, who)
        story.tasks.append(task)
        text = f"bill the patient {amount.quantize(Decimal('0.01'))}"
        story.events.append(Event(task.closed, "patient_responsibility", text, who))
        story.status, story.closed_at = "patient_responsibility", task.closed

    def _resubmit(self, story: Story, scenario: Scenario, denial: Denial) -> None:
        who = self._worker()
        task = self.life.task("work_denial", denial.spec, denial.detail, denial.at, who)
        story.tasks.append(task)
        # Corrected soon after it was taken, before the decision (both in office hours).
        minutes = timedelta(minutes=self.rng.randint(5, 40))
        corrected_at = min(task.assigned + minutes, task.closed - timedelta(seconds=30))
        version = Version(
            2, corrected_at, who, self._fixed(story.visit, scenario), story.version.lines
        )
        story.versions.append(version)
        story.events.append(Event(corrected_at, "corrected", "version 2", who))
        text = f"version 2 as {denial.method}"
        story.events.append(Event(task.closed, "resubmit_decided", text, who))
        if denial.method == "reopening":
            # Medicare Part B takes no corrected claims: a reopening is requested instead.
            detail = _follow_up(denial, {"claim_version": 2})
            reopening = self.life.task(
                "reopening", denial.spec, detail, seconds(task.closed, 1), who, assign_days=(0, 1)
            )
            story.tasks.append(reopening)
            text = "reopening of version 2 requested"
            story.events.append(Event(reopening.closed, "resubmitted", text, who))
            story.status = "resubmitted"
            sent_on = reopening.closed.date()
        else:
            frequency = FREQUENCY_BY_METHOD.get(denial.method, "7")
            at = seconds(task.closed, 1)
            used = story.visit.authorization.used_at(at) if story.visit.authorization else 0
            sent_on = self.life.send(story, version, frequency, at, used).at.date()
        plan = story.visit.plan
        pay_day, imported = self.life.answered(story, sent_on, ADJUDICATION_DAYS[plan])
        remit = self.payer.pay(story.visit, version.lines)
        self.life.apply(story, remit, pay_day, imported, 0)

    def _appeal(self, story: Story, scenario: Scenario, denial: Denial, *, won: bool) -> None:
        who = self._worker()
        task = self.life.task("work_denial", denial.spec, denial.detail, denial.at, who)
        story.tasks.append(task)
        story.events.append(Event(task.closed, "appeal_decided", "level 1, no letter", who))
        detail = _follow_up(
            denial,
            {
                "level": 1,
                "letter_id": None,
                "no_letter_reason": NO_LETTER_REASON,
                "enclosures": list(ENCLOSURES.get(denial.spec.category or "", ())),
            },
        )
        send = self.life.task(
            "send_appeal", denial.spec, detail, seconds(task.closed, 1), who,
            assign_days=(0, 0), work_days=(0, 2),
        )  # fmt: skip
        story.tasks.append(send)
        story.events.append(Event(send.closed, "appealed", "level 1 appeal sent", who))
        story.status = "appealed"
        pay_day, imported = self.life.appeal_answer(story, send.closed.date())
        appealed = [line for i, line in enumerate(story.version.lines)
                    if i in denied_lines(scenario, story.visit)]  # fmt: skip
        if won:
            remit = self.payer.pay(story.visit, appealed)
            self.life.apply(story, remit, pay_day, imported, 1)
            return
        everything = range(len(appealed))
        remit = self.payer.deny(story.visit, appealed, scenario, everything)
        _, upheld = self.life.apply(story, remit, pay_day, imported, 1)
        self._write_off(story, upheld, UPHELD_REASON)

    def _fixed(self, visit: Visit, scenario: Scenario) -> tuple[str, ...]:
        """The corrected version's diagnoses: the one supporting the service goes first."""
        dx = visit.diagnoses
        if scenario.fix is not Fix.DIAGNOSES:
            return dx
        if visit.lines[0].code.startswith("H") or len(dx) == 1:
            # Substance-use lines must point at a substance-use disorder first: add support.
            extra = [code for code in DIAGNOSES["secondary"] if code not in dx]
            return dx[:1] + (self.rng.choice(extra),)
        return dx[1:] + dx[:1]


def denied_lines(scenario: Scenario, visit: Visit) -> list[int]:
    lines: tuple[Line, ...] = visit.lines
    if scenario.scope is Scope.ADD_ON:
        return [i for i, line in enumerate(lines) if line.code in ADD_ONS]
    if scenario.scope is Scope.LAST_DAY:
        return [len(lines) - 1]
    return list(range(len(lines)))


def _follow_up(denial: Denial, extra: dict):
    """A task continuing the denial: its facts, with what the new step adds."""
    return lambda: {**{k: v for k, v in denial.detail().items() if k != "queue_id"}, **extra}
