"""What ClaimWorkflow's main loop does with each input: the steps of SPEC section 2.

Kept apart from the handlers in claim.py so each file reads on its own. Every step mutates
ClaimState first and then tells the store through an activity, with idempotency keys derived
from counters in the state (event_seq, task_seq): a retried activity, or a replay, writes the
same row again rather than a second one.
"""

from __future__ import annotations

import dataclasses

from temporalio import workflow
from temporalio.exceptions import ActivityError

from denialdesk.contracts.authorization import USAGE_CHANGED_SIGNAL
from denialdesk.contracts.claim import (
    APPLY_PAYMENT,
    SCRUB_CLAIM,
    SEND_APPEAL,
    SUBMIT_CLAIM,
    AppealPacketRequest,
    Correction,
    Decision,
    PaymentOutcome,
    PaymentRequest,
    ScrubOutcome,
    ScrubRequest,
    SubmitOutcome,
    SubmitRequest,
    TaskSpec,
    held_outcome,
)
from denialdesk.workflows.claim_clock import WAITING_ON_PAYER
from denialdesk.workflows.claim_holds import ClaimHolds, data_problem

# Statuses in which a person has to work the claim (a work_denial task is open).
NEEDS_WORK_STATUSES = frozenset({"denied", "partially_paid"})
# Sent appeals leave a packet for the payer (runs started before it never wrote one).
APPEAL_PACKET_PATCH = "appeal-packet"
FREQUENCY_BY_METHOD = {"replacement_7": "7", "new_claim": "1"}


class ClaimSteps(ClaimHolds):
    # --- scrub and submit ---------------------------------------------------------------------

    async def _scrub_then_submit(self) -> None:
        state = self._state
        try:
            outcome: ScrubOutcome = await self._call(
                SCRUB_CLAIM,
                ScrubRequest(self._claim_id, state.version, self._today()),
                ScrubOutcome,
            )
        except ActivityError as error:
            await self._data_hold("scrub", error)
            return
        state.processing_days, state.charge = outcome.processing_days, outcome.charge
        if state.submitted_version is None:
            # Not yet with the payer: timely filing is the deadline. After a denial the
            # denial's own deadline (corrected claim, reopening) stays in force.
            on = outcome.timely_filing_on
            self._set_deadline(on, "timely_filing" if on else None)
        if outcome.blocking:
            codes = ", ".join(outcome.finding_codes) or "see the claim"
            await self._hold(
                "scrub",
                "scrub_findings",
                f"version {state.version}: {outcome.blocking} blocking findings ({codes})",
                {"version": state.version, "finding_codes": list(outcome.finding_codes)},
            )
        elif outcome.authorization_problem:
            await self._hold(
                "authorization",
                "obtain_authorization",
                f"version {state.version}: authorization {outcome.authorization_problem}",
                {"version": state.version, "problem": outcome.authorization_problem},
            )
        else:
            await self._submit(outcome.warnings)

    async def _submit(self, warnings: int) -> None:
        state = self._state
        version, frequency = state.version, state.frequency
        try:
            sent: SubmitOutcome = await self._call(
                SUBMIT_CLAIM,
                SubmitRequest(self._claim_id, version, frequency, self._today()),
                SubmitOutcome,
            )
        except ActivityError as error:
            await self._data_hold("submit", error)
            return
        if sent.authorization_workflow_ids and workflow.patched("auth-usage-v1"):
            await self._tell_authorizations(sent.authorization_workflow_ids)
        status = "submitted" if state.submitted_version is None else "resubmitted"
        state.submitted_version = version
        self._wait_for_payer()
        await self._set_status(
            status,
            status,
            f"version {version}, frequency {frequency}, {warnings} scrub warnings, "
            f"file {sent.file_name}",
        )

    async def _tell_authorizations(self, workflow_ids: list[str]) -> None:
        """The units this claim uses changed: each authorization's workflow recounts."""
        for workflow_id in workflow_ids:
            try:
                await workflow.get_external_workflow_handle(workflow_id).signal(
                    USAGE_CHANGED_SIGNAL
                )
            except Exception:  # noqa: BLE001 (not started or closed: it recounts when it runs)
                workflow.logger.info("authorization workflow not signalled")

    # --- payments -----------------------------------------------------------------------------

    async def _apply_payment(self, claim_payment_id: int, force: bool = False) -> None:
        state = self._state
        if claim_payment_id in state.applied_payment_ids and not force:
            return  # signalled again after it was applied (or held): exactly once
        try:
            outcome: PaymentOutcome = await self._call(
                APPLY_PAYMENT,
                PaymentRequest(self._claim_id, claim_payment_id, state.appeal_level, force),
                PaymentOutcome,
            )
        except ActivityError as error:
            reason, _ = data_problem(error)
            outcome = held_outcome(f"cannot be applied: {reason}")
        if claim_payment_id not in state.applied_payment_ids:
            state.applied_payment_ids.append(claim_payment_id)
        if outcome.result == "held":
            await self._hold_payment(
                claim_payment_id, outcome.held_reason or "held", outcome.amount_at_stake
            )
            return
        if outcome.result == "pending":
            # The payer has not decided yet (predetermination, pending review): nothing to
            # apply or work; it is an answer, so the silence clock starts again.
            if state.status in WAITING_ON_PAYER:
                self._wait_for_payer()
            await self._event("payer_pending", f"claim payment {claim_payment_id}: not decided yet")
            return
        state.status_before_payment[claim_payment_id] = state.status
        if outcome.result == "reversal":
            await self._reverse(claim_payment_id, outcome)
            return
        if outcome.result not in ("paid", "partially_paid", "denied"):
            # A bug in the activity, not a payer fact: fail the workflow task (it is retried
            # after a fix) instead of guessing what the payer meant.
            raise ValueError(f"unknown claim payment result {outcome.result!r}")
        await self._close_task("cancelled")  # whatever was open, the payer has moved on
        state.last_result = outcome.result
        if outcome.result == "paid":
            self._stop_clock()
            await self._set_status("paid", "paid", f"claim payment {claim_payment_id}: paid")
            return
        state.resubmit_method = outcome.resubmit_method
        state.max_appeal_level = outcome.max_appeal_level
        state.follow_up_on = None  # the payer answered
        self._set_deadline(outcome.due_at, outcome.deadline_kind)
        await self._set_status(
            outcome.result,
            outcome.result,
            f"claim payment {claim_payment_id}: {outcome.category or 'uncategorized'}, "
            f"recommended {outcome.action}",
        )
        await self._open_task(self._denial_task(claim_payment_id, outcome))

    async def _reverse(self, claim_payment_id: int, outcome: PaymentOutcome) -> None:
        reversed_id = outcome.reverses_payment_id
        restored = self._state.status_before_payment.get(reversed_id or -1, "submitted")
        needs_work = restored in NEEDS_WORK_STATUSES
        if restored in WAITING_ON_PAYER:
            self._wait_for_payer()
        elif not needs_work:
            self._stop_clock()
        elif outcome.due_at:
            self._set_deadline(outcome.due_at, outcome.deadline_kind)
        if not needs_work:
            # Back with the payer, or closed: the task the reversed payment opened is moot.
            await self._close_task("cancelled")
        await self._set_status(
            restored,
            "reopened",
            f"claim payment {claim_payment_id} reverses {reversed_id or 'an unknown payment'}; "
            f"back to {restored}",
        )
        if needs_work and self._state.open_task is None:
            # Denied again, but the denial's task was closed by the payment now reversed:
            # someone must work the claim, with what the remittance says now.
            await self._open_task(self._denial_task(claim_payment_id, outcome))

    @staticmethod
    def _denial_task(claim_payment_id: int, outcome: PaymentOutcome) -> TaskSpec:
        return TaskSpec(
            key="",
            workflow_id="",
            claim_id=0,
            kind="work_denial",
            category=outcome.category,
            recommended_action=outcome.action,
            amount=outcome.amount_at_stake,
            due_at=outcome.due_at,
            priority=outcome.priority,
            priority_reason=outcome.priority_reason,
            detail={
                **outcome.task_detail,
                "claim_payment_id": claim_payment_id,
                "appealable": outcome.appealable,
                "deadline_kind": outcome.deadline_kind,
            },
        )

    # --- corrections and decisions ------------------------------------------------------------

    async def _apply_correction(self, correction: Correction) -> None:
        state = self._state
        # The version is stored whatever happened meanwhile; it only drives a re-scrub while
        # the claim is held, and waits for the resubmit decision on a denial.
        state.version = max(state.version, correction.version)
        await self._event("corrected", f"version {correction.version}", correction.user_id)
        if state.status == "on_hold":
            await self._close_task("done")
            await self._scrub_then_submit()

    async def _apply_decision(self, decision: Decision) -> None:
        state, task = self._state, self._state.open_task
        if task is None or task.task_id != decision.task_id:
            # Validated, but a payment closed the task before the loop got to it.
            await self._event(
                "decision_dropped",
                f"{decision.action} on task {decision.task_id}: the task was closed meanwhile",
                decision.user_id,
            )
            return
        action, user = decision.action, decision.user_id
        if action == "reroute":
            spec = state.open_task_spec or TaskSpec(
                key=task.key, workflow_id="", claim_id=0, kind=task.kind
            )
            spec = dataclasses.replace(spec, detail={**spec.detail, "queue_id": decision.queue_id})
            await self._upsert_task(spec)
            await self._event("rerouted", f"task {task.task_id} to queue {decision.queue_id}", user)
            return
        denial_spec = state.open_task_spec
        await self._close_task("done")
        if task.kind == "review_payment":
            await self._review_decision(decision)
            return
        if action in ("write_off", "bill_patient"):
            self._stop_clock()
        elif action == "sent":
            self._wait_for_payer()  # an appeal, reopening or follow-up went to the payer
        if action == "write_off":
            await self._set_status(
                "written_off", "written_off", f"reason: {decision.reason}", user_id=user
            )
        elif action == "bill_patient":
            amount = decision.amount or "the patient responsibility"
            await self._set_status(
                "patient_responsibility",
                "patient_responsibility",
                f"bill the patient {amount}",
                user_id=user,
            )
        elif action == "sent" and task.kind == "send_appeal":
            await self._set_status(
                "appealed", "appealed", f"level {state.appeal_level} appeal sent", user_id=user
            )
            if denial_spec is not None and workflow.patched(APPEAL_PACKET_PATCH):
                await self._send_appeal_packet(denial_spec)
        elif action == "sent" and task.kind == "payer_follow_up":
            await self._event("followed_up", "asked the payer about the claim", user)
        elif action == "sent":  # a reopening request went to the payer
            state.submitted_version = state.version
            await self._set_status(
                "resubmitted",
                "resubmitted",
                f"reopening of version {state.version} requested",
                user_id=user,
            )
        elif action == "retry":  # the data outside the claim was fixed: the step again
            await self._event("retry", f"version {state.version}: scrub and submit again", user)
            await self._scrub_then_submit()
        elif action == "appeal":
            state.appeal_level = decision.level or state.appeal_level + 1
            letter = (
                f"letter {decision.letter_id}" if decision.letter_id is not None else "no letter"
            )
            await self._event("appeal_decided", f"level {state.appeal_level}, {letter}", user)
            await self._open_task(
                self._follow_up(
                    denial_spec,
                    "send_appeal",
                    {
                        "level": state.appeal_level,
                        "letter_id": decision.letter_id,
                        "no_letter_reason": decision.no_letter_reason,
                        "enclosures": list(decision.enclosures),
                    },
                )
            )
        else:  # resubmit
            await self._resubmit(decision, denial_spec)

    async def _send_appeal_packet(self, spec: TaskSpec) -> None:
        """Leave the appeal for the payer in the clearinghouse outbox. The person already sent
        it (marked sent), so a packet that cannot be built for a data reason is noted on the
        timeline rather than holding the claim."""
        detail = spec.detail
        request = AppealPacketRequest(
            claim_id=self._claim_id,
            level=int(detail.get("level") or self._state.appeal_level),
            category=spec.category,
            letter_id=detail.get("letter_id"),
            no_letter_reason=detail.get("no_letter_reason"),
            enclosures=list(detail.get("enclosures") or []),
            sent_on=self._today(),
        )
        try:
            await self._call(SEND_APPEAL, request, str)
        except ActivityError as error:
            reason, _field = data_problem(error)
            await self._event("appeal_packet_failed", f"level {request.level}: {reason}")

    async def _review_decision(self, decision: Decision) -> None:
        payment_id = self._reviewed()
        if decision.action == "apply":
            await self._event(
                "payment_accepted", f"claim payment {payment_id}: applied after review",
                decision.user_id,
            )  # fmt: skip
            # Applied, it answers the claim: the task the review displaced is moot.
            self._state.suspended_task_spec = None
            await self._apply_payment(payment_id, force=True)
            if self._state.open_task is None:
                await self._after_review()
            return
        await self._event(
            "payment_dismissed", f"claim payment {payment_id}: not applied", decision.user_id
        )
        await self._after_review()

    async def _resubmit(self, decision: Decision, denial_spec: TaskSpec | None) -> None:
        state = self._state
        state.version = max(state.version, decision.claim_version or state.version)
        method = state.resubmit_method or "replacement_7"
        await self._event(
            "resubmit_decided", f"version {state.version} as {method}", decision.user_id
        )
        if method == "reopening":
            # Medicare Part B takes no corrected claims: someone requests a reopening.
            await self._open_task(
                self._follow_up(denial_spec, "reopening", {"claim_version": state.version})
            )
            return
        state.frequency = FREQUENCY_BY_METHOD.get(method, "7")
        # The corrected version is scrubbed like any other; findings hold it again.
        await self._scrub_then_submit()

    @staticmethod
    def _follow_up(denial: TaskSpec | None, kind: str, detail: dict) -> TaskSpec:
        """A task that continues a denial: same category, amount, deadline and priority."""
        base = denial or TaskSpec(key="", workflow_id="", claim_id=0, kind=kind)
        # A reroute moved the denial, not its successor: the new kind is routed afresh.
        carried = {k: v for k, v in base.detail.items() if k != "queue_id"}
        return dataclasses.replace(base, kind=kind, detail={**carried, **detail})
