"""The product's closed vocabularies (SPEC section 5), one place for each: claim statuses and
hold reasons, task kinds and statuses, decision actions, and which actions fit which task.

StrEnums compare equal to their strings, so stored rows, JSON and workflow payloads carry the
plain values and old histories replay unchanged.
"""

from __future__ import annotations

from enum import StrEnum


class ClaimStatus(StrEnum):
    DRAFT = "draft"
    ON_HOLD = "on_hold"
    SUBMITTED = "submitted"
    REJECTED = "rejected"
    PAID = "paid"
    PARTIALLY_PAID = "partially_paid"
    DENIED = "denied"
    APPEALED = "appealed"
    RESUBMITTED = "resubmitted"
    WRITTEN_OFF = "written_off"
    PATIENT_RESPONSIBILITY = "patient_responsibility"
    VOIDED = "voided"


class HoldReason(StrEnum):
    SCRUB = "scrub"  # blocking scrub findings: a scrub_findings task
    AUTHORIZATION = "authorization"  # an obtain_authorization task
    DATA = "data"  # stored data no 837P can carry: a fix_data task


class TaskKind(StrEnum):
    SCRUB_FINDINGS = "scrub_findings"
    OBTAIN_AUTHORIZATION = "obtain_authorization"
    RENEW_AUTHORIZATION = "renew_authorization"
    WORK_DENIAL = "work_denial"
    SEND_APPEAL = "send_appeal"
    PAYER_FOLLOW_UP = "payer_follow_up"
    REOPENING = "reopening"
    # A step failed on the claim's own data (a value the 837P cannot carry, a date out of
    # range): someone corrects the claim (PATCH) or the reference data, then retries.
    FIX_DATA = "fix_data"
    # A claim payment that makes no sense for the claim (above the charge, negative, a second
    # payment of a paid claim, another payer's remittance) is held, not applied.
    REVIEW_PAYMENT = "review_payment"
    # An 835 dropped in the clearinghouse inbox could not be read (unparsable, not UTF-8, empty,
    # too large): the billing company's task, not a practice's, and no workflow's; an admin of
    # every practice fixes the file and retries it, or dismisses it.
    REJECTED_FILE = "rejected_file"


class TaskStatus(StrEnum):
    OPEN = "open"
    PENDED = "pended"
    DONE = "done"
    CANCELLED = "cancelled"


class DecisionAction(StrEnum):
    RESUBMIT = "resubmit"
    APPEAL = "appeal"
    WRITE_OFF = "write_off"
    BILL_PATIENT = "bill_patient"
    REROUTE = "reroute"
    SENT = "sent"  # send_appeal, reopening, payer_follow_up: the request went to the payer
    RETRY = "retry"  # fix_data: run the failed step again; rejected_file: import the fixed file
    APPLY = "apply"  # review_payment: the held payment is right after all, apply it
    # review_payment: leave the held payment unapplied; rejected_file: the file stays rejected
    DISMISS = "dismiss"


class FileProblem(StrEnum):
    """Why the clearinghouse inbox rejected a file (a rejected_file task's `problem`)."""

    EMPTY = "empty"
    TOO_LARGE = "too_large"
    NOT_TEXT = "not_text"  # neither UTF-8 nor ASCII
    UNPARSABLE = "unparsable"  # the 835 reader refused it (its `segment N: reason`)
    NOT_STORED = "not_stored"  # parsed, but the database refused it


_A = DecisionAction
# What a person may decide on each kind of open task. A hold (scrub, authorization, data)
# is released by a correction; it can still be rerouted or written off when no fix exists.
ACTIONS_BY_TASK_KIND: dict[str, frozenset[DecisionAction]] = {
    TaskKind.WORK_DENIAL: frozenset(
        {_A.RESUBMIT, _A.APPEAL, _A.WRITE_OFF, _A.BILL_PATIENT, _A.REROUTE}
    ),
    TaskKind.SCRUB_FINDINGS: frozenset({_A.WRITE_OFF, _A.REROUTE}),
    TaskKind.OBTAIN_AUTHORIZATION: frozenset({_A.WRITE_OFF, _A.REROUTE}),
    TaskKind.FIX_DATA: frozenset({_A.RETRY, _A.WRITE_OFF, _A.REROUTE}),
    TaskKind.REVIEW_PAYMENT: frozenset({_A.APPLY, _A.DISMISS, _A.REROUTE}),
    TaskKind.SEND_APPEAL: frozenset({_A.SENT, _A.REROUTE}),
    TaskKind.REOPENING: frozenset({_A.SENT, _A.REROUTE}),
    # The payer was asked about a silent claim (sent), or it is past saving.
    TaskKind.PAYER_FOLLOW_UP: frozenset({_A.SENT, _A.WRITE_OFF, _A.REROUTE}),
    # retry: the file was fixed in rejected/ and goes back into the inbox.
    TaskKind.REJECTED_FILE: frozenset({_A.RETRY, _A.DISMISS}),
}

# PATCH /claims/{id} is accepted only while one of these tasks is open (SPEC 5).
CORRECTABLE_TASK_KINDS = frozenset(
    {
        TaskKind.SCRUB_FINDINGS,
        TaskKind.OBTAIN_AUTHORIZATION,
        TaskKind.WORK_DENIAL,
        TaskKind.FIX_DATA,
    }
)
