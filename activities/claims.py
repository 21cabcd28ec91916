"""The claim workflow's activities: scrub, submit the 837P, record status, project tasks,
apply a claim payment. Each is one transaction, safe to retry:
- events carry keys, submissions are unique per (claim, version, frequency), tasks per key;
- database errors propagate so Temporal retries; data that can never work raises a
  non-retryable `DataError`.
They are synchronous: the worker runs them on its thread pool (app/worker.py).
Nothing here logs or records patient identifiers: events hold codes, amounts, line numbers and
finding messages with their dates masked (dates of service identify a patient, SPEC section 2).
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import func, select
from temporalio import activity

from denialdesk.activities.appeal_packets import write_appeal_packet
from denialdesk.activities.errors import data_error, data_errors
from denialdesk.activities.payments import apply_claim_payment
from denialdesk.activities.task_clock import TaskClockActivities
from denialdesk.contracts import claim as contracts
from denialdesk.contracts.authorization import auth_workflow_id
from denialdesk.domain.claim import ClaimInput
from denialdesk.domain.deadlines import timely_filing_deadline
from denialdesk.domain.scrubber import Finding, scrub
from denialdesk.domain.x12.claim_out import ClaimOutError, Envelope, Transaction, write_837p
from denialdesk.store import claims as store_claims
from denialdesk.store.authorization_uses import record_claim_use
from denialdesk.store.authorizations import counts_for_claim
from denialdesk.store.claim_input import line_rows, visits_in_year
from denialdesk.store.control_numbers import next_control
from denialdesk.store.db import session_scope
from denialdesk.store.models import (
    Authorization,
    Claim,
    ClaimPayment,
    Practice,
    Remittance,
    Submission,
)
from denialdesk.store.tasks_projection import close_task, upsert_task

# Authorization findings → why the claim waits; the first in this order wins.
_AUTH_PROBLEMS = (
    ("auth_missing", "missing"),  # none attached
    ("auth_code_not_covered", "required"),  # one attached, but not for these services
    ("auth_not_started", "required"),
    ("auth_expired", "expired"),
    ("auth_exhausted", "exhausted"),
)
_DATE = re.compile(r"\b\d{2}/\d{2}/\d{4}\b")
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")


@dataclass(frozen=True)
class EnvelopeSettings:
    """Who we are to the clearinghouse; control numbers are allocated per submission."""

    sender_id: str = "DENIALDESK"
    receiver_id: str = "CLEARINGHOUSE"
    submitter_name: str = "Denialdesk Billing"
    receiver_name: str = "Clearinghouse"
    contact_name: str = "Billing Office"
    contact_phone: str = "5555550100"
    production: bool = False


class ClaimActivities(TaskClockActivities):
    def __init__(
        self, engine: Engine, outbox_dir: Path, envelope: EnvelopeSettings | None = None
    ) -> None:
        self.engine = engine
        self.outbox_dir = Path(outbox_dir)
        self.envelope = envelope or EnvelopeSettings()

    def activities(self) -> list[Callable]:
        return [
            self.scrub_claim,
            self.submit_claim,
            self.record_status,
            self.open_task,
            self.close_task,
            self.apply_payment,
            self.send_appeal_packet,
            *self.task_clock_activities(),
        ]

    @activity.defn(name=contracts.SCRUB_CLAIM)
    @data_errors
    def scrub_claim(self, request: contracts.ScrubRequest) -> contracts.ScrubOutcome:
        with session_scope(self.engine) as session:
            claim = _claim(session, request.claim_id)
            today = date.fromisoformat(request.today)
            claim_input = _claim_input(session, request.claim_id, request.version)
            claim_input = _with_claims_own_counts(
                session, claim, request.version, claim_input, today
            )
            findings = scrub(
                claim_input,
                today=today,
                on_file=store_claims.authorizations_on_file(session, claim),
                visits_this_year=_visits(session, claim, claim_input),
                last_remit_date=_last_remit_date(session, claim.id),
            )
            blocking = [f for f in findings if f.blocking and not f.authorization]
            outcome = contracts.ScrubOutcome(
                blocking=len(blocking),
                warnings=sum(1 for f in findings if not f.blocking),
                authorization_problem=_authorization_problem(findings),
                finding_codes=[f.code for f in findings],
                timely_filing_on=timely_filing_deadline(
                    claim_input.claim.first_service_date, claim_input.payer
                ).isoformat(),
                processing_days=claim_input.payer.processing_days,
                charge=str(claim_input.claim.total_charge.quantize(Decimal("0.01"))),
            )
            detail = {
                "version": request.version,
                "blocking": outcome.blocking,
                "warnings": outcome.warnings,
                "authorization_problem": outcome.authorization_problem,
                "findings": [_finding_json(f) for f in findings],
            }
            store_claims.add_event(
                session,
                claim_id=claim.id,
                kind="scrubbed",
                detail=json.dumps(detail),
                key=_activity_key("scrubbed"),
            )
            return outcome

    @activity.defn(name=contracts.SUBMIT_CLAIM)
    @data_errors
    def submit_claim(self, request: contracts.SubmitRequest) -> contracts.SubmitOutcome:
        with session_scope(self.engine) as session:
            found = session.exec(
                select(Submission).where(
                    Submission.claim_id == request.claim_id,
                    Submission.claim_version == request.version,
                    Submission.frequency == request.frequency,
                )
            ).first()
            if found is None:
                found = self._new_submission(session, request)
            # Idempotent, and done on a retry too: the retry's workflow still has to signal.
            touched = self._record_authorization_use(session, request)
        # Committed first, written second: a file never leaves under a control number the
        # database could still roll back. A retry rewrites a missing file with the same ISA13,
        # which a clearinghouse drops as a duplicate interchange if it already had it.
        _write_once(self.outbox_dir / found.file_name, found.content)
        return contracts.SubmitOutcome(found.interchange_control, found.file_name, touched)

    def _record_authorization_use(self, session, request: contracts.SubmitRequest) -> list[str]:
        claim = _claim(session, request.claim_id)
        version = store_claims.version_row(session, claim.id, request.version)
        changed = record_claim_use(
            session,
            claim_id=claim.id,
            authorization_id=version.authorization_id,
            lines=line_rows(session, version.id),
            voided=request.frequency == "8",
            today=date.fromisoformat(request.submitted_on),
        )
        slug = session.get(Practice, claim.practice_id).slug
        return [auth_workflow_id(slug, authorization_id) for authorization_id in changed]

    def _new_submission(self, session, request: contracts.SubmitRequest) -> Submission:
        claim = _claim(session, request.claim_id)
        if request.frequency not in ("1", "7", "8"):
            raise data_error(f"claim frequency {request.frequency!r} is not 1, 7 or 8")
        if request.frequency != "1" and not claim.payer_claim_number:
            raise data_error(f"claim {claim.id}: frequency {request.frequency} needs REF*F8")
        claim_input = _claim_input(session, claim.id, request.version)
        claim_input = dataclasses.replace(
            claim_input,
            claim=dataclasses.replace(
                claim_input.claim,
                frequency=request.frequency,
                payer_claim_number=claim.payer_claim_number if request.frequency != "1" else None,
            ),
        )
        isa13 = next_control(session, "ISA13")
        envelope = Envelope(
            **dataclasses.asdict(self.envelope),
            interchange_control=isa13,
            group_control=next_control(session, "GS06"),
        )
        st02 = f"{next_control(session, 'ST02'):04d}"  # 4–9 digits
        try:
            content = write_837p(
                [Transaction(st02, (claim_input,))], envelope=envelope, now=datetime.now(UTC)
            )
        except ClaimOutError as error:
            # The writer quotes the offending value (a member id, a name): keep what, not it.
            reason = _QUOTED.sub("'…'", str(error))
            raise data_error(f"the 837P cannot be written: {reason}", error.field) from None
        resubmission = session.exec(
            select(func.count()).select_from(Submission).where(Submission.claim_id == claim.id)
        ).one()
        submitted_on = date.fromisoformat(request.submitted_on)
        submission = Submission(
            claim_id=claim.id,
            claim_version=request.version,
            frequency=request.frequency,
            interchange_control=isa13,
            file_name=f"{isa13:09d}.837",
            submitted_on=submitted_on,
            content=content,
        )
        session.add(submission)
        version = store_claims.version_row(session, claim.id, request.version)
        version.frequency = request.frequency
        version.payer_claim_number = claim_input.claim.payer_claim_number
        session.add(version)
        claim.frequency = request.frequency
        claim.status = "resubmitted" if resubmission else "submitted"
        claim.hold_reason = None
        claim.closed_at = None
        claim.submitted_at = datetime.combine(submitted_on, datetime.min.time(), UTC)
        session.add(claim)
        session.flush()
        # No event here: the workflow records "submitted" through RECORD_STATUS right after.
        return submission

    @activity.defn(name=contracts.RECORD_STATUS)
    @data_errors
    def record_status(self, change: contracts.StatusChange) -> None:
        with session_scope(self.engine) as session:
            store_claims.set_status(
                session,
                claim=_claim(session, change.claim_id),
                status=change.status,
                hold_reason=change.hold_reason,
                event_kind=change.event_kind,
                detail=change.detail,
                key=change.key,
                closed=change.closed,
                user_id=change.user_id,
            )

    @activity.defn(name=contracts.OPEN_TASK)
    @data_errors
    def open_task(self, spec: contracts.TaskSpec) -> int:
        """The task row's id (the workflow keeps it in ClaimState.open_task)."""
        with session_scope(self.engine) as session:
            try:
                task = upsert_task(session, spec)
            except LookupError as error:
                raise data_error(str(error)) from error
            return task.id

    @activity.defn(name=contracts.CLOSE_TASK)
    @data_errors
    def close_task(self, close: contracts.TaskClose) -> None:
        with session_scope(self.engine) as session:
            try:
                close_task(session, close.key, close.status)
            except ValueError as error:
                raise data_error(str(error)) from error

    @activity.defn(name=contracts.SEND_APPEAL)
    @data_errors
    def send_appeal_packet(self, request: contracts.AppealPacketRequest) -> str:
        # Written once: a retry (or a replay's re-run) leaves the packet already there as is.
        return write_appeal_packet(self.engine, self.outbox_dir, request, _write_once)

    @activity.defn(name=contracts.APPLY_PAYMENT)
    @data_errors
    def apply_payment(self, request: contracts.PaymentRequest) -> contracts.PaymentOutcome:
        with session_scope(self.engine) as session:
            try:
                return apply_claim_payment(session, request)
            except LookupError as error:
                raise data_error(str(error)) from error


def _claim(session, claim_id: int) -> Claim:
    claim = session.get(Claim, claim_id)
    if claim is None:
        raise data_error(f"claim {claim_id} not found")
    return claim


def _claim_input(session, claim_id: int, version: int):
    try:
        return store_claims.claim_input(session, claim_id=claim_id, version=version)
    except LookupError as error:
        raise data_error(str(error)) from error


def _with_claims_own_counts(
    session, claim: Claim, version: int, claim_input: ClaimInput, today: date
) -> ClaimInput:
    """The attached authorization counted without this claim: its earlier submission's use
    and the scheduled visits on its own dates are what it bills now, not a second draw."""
    attached = claim_input.authorization
    authorization_id = store_claims.version_row(session, claim.id, version).authorization_id
    if attached is None or authorization_id is None:
        return claim_input
    drawn = {
        line.service_date
        for line in claim_input.claim.lines
        if attached.covers_code(line.code) and attached.covers_date(line.service_date)
    }
    found = counts_for_claim(
        session,
        authorization=session.get(Authorization, authorization_id),
        claim_id=claim.id,
        service_dates=drawn,
        today=today,
    )
    own = dataclasses.replace(attached, used=found.used, scheduled=found.scheduled)
    return dataclasses.replace(claim_input, authorization=own)


def _visits(session, claim: Claim, claim_input) -> int | None:
    if claim_input.payer.rules.visit_limit_per_year is None:
        return None  # no limit to count against: spare the query
    year = claim_input.claim.first_service_date.year
    return visits_in_year(session, claim, year)


def _last_remit_date(session, claim_id: int) -> date | None:
    query = (
        select(func.max(Remittance.payment_date))
        .select_from(ClaimPayment)
        .join(Remittance, Remittance.id == ClaimPayment.remittance_id)
        .where(ClaimPayment.claim_id == claim_id)
    )
    return session.exec(query).one()


def _authorization_problem(findings: list[Finding]) -> str | None:
    codes = {f.code for f in findings if f.authorization and f.blocking}
    return next((problem for code, problem in _AUTH_PROBLEMS if code in codes), None)


def _finding_json(finding: Finding) -> dict:
    # Dates of service are patient identifiers (SPEC section 2): the line number says which.
    message = _DATE.sub("[date]", finding.message)
    return {
        "code": finding.code,
        "line": finding.line,
        "blocking": finding.blocking,
        "message": message,
    }


def _activity_key(kind: str) -> str | None:
    """Stable across retries of one activity, distinct between calls (and runs)."""
    if not activity.in_activity():
        return None
    info = activity.info()
    return f"{info.workflow_run_id}:{info.activity_id}:{kind}"


def _write_once(path: Path, content: str) -> None:
    """Atomically: the clearinghouse sees no file or the whole file, never half of one."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="ascii", newline="") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
