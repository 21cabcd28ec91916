"""What crosses the workflow boundary: inputs, Updates, signals and activity requests/results.

Only ids, codes, amounts and statuses travel here (payloads are encrypted anyway): the store
holds the PHI and activities read it by id. Dates are ISO strings so histories stay readable
by the replay tests across SDK versions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

CLAIM_WORKFLOW = "ClaimWorkflow"

# Signals, Updates and queries of ClaimWorkflow.
PAYMENT_SIGNAL = "payment"  # int claim_payment_id; sent with signal_with_start by the relay
TASK_CHANGED_SIGNAL = "task_changed"  # TaskChange
CORRECT_UPDATE = "correct"  # Correction -> None
DECIDE_UPDATE = "decide"  # Decision -> None
STATE_QUERY = "state"  # -> ClaimState

# ApplicationError types raised by Update validators; the API maps them to HTTP codes.
CONFLICT = "Conflict"  # 409: the task is no longer the claim's open task, wrong state
INVALID = "Invalid"  # 422: bad input for this decision
# Raised by activities (activities/errors.py) when the data itself is wrong: never retried;
# details[0] names the field to correct, when known. The workflow opens a task with it.
DATA_ERROR = "DataError"

# Activity names (the implementation lives in activities/, registered by app/worker.py).
SCRUB_CLAIM = "scrub_claim"
SUBMIT_CLAIM = "submit_claim"
RECORD_STATUS = "record_status"
OPEN_TASK = "open_task"
CLOSE_TASK = "close_task"
APPLY_PAYMENT = "apply_payment"
# The task clock (activities/task_clock.py): read a task's assignment and pend state, and the
# writes its timers make. Added with the "claim-clock" patch of ClaimWorkflow.
TASK_CLOCK = "task_clock"  # TaskClockRequest -> TaskClockFacts
ESCALATE_TASK = "escalate_task"  # TaskEscalation -> None
RETURN_TASK = "return_pended_task"  # TaskClockRequest -> bool (returned now)
RELEASE_TASK = "release_idle_task"  # TaskRelease -> bool (released now)
# The appeal packet a sent appeal leaves in the clearinghouse outbox (activities/claims.py).
# Added with the "appeal-packet" patch of ClaimWorkflow.
SEND_APPEAL = "send_appeal_packet"  # AppealPacketRequest -> str (file name)


def claim_workflow_id(practice_slug: str, claim_id: int) -> str:
    return f"claim-{practice_slug}-{claim_id}"


def task_key(workflow_id: str, seq: int) -> str:
    return f"{workflow_id}:{seq}"


def decision_update_id(task_id: int, task_version: int) -> str:
    # Deterministic, so a retried API call is the same Update; the version makes a second
    # decision on the same task (after a reroute) a new one.
    return f"task-{task_id}:v{task_version}:decision"


@dataclass
class OpenTask:
    key: str
    task_id: int
    kind: str
    # The task clock (ISO datetimes, or an ISO date for the pend), restarted by task changes.
    sla_due_at: str | None = None
    escalated: bool = False
    pended_until: str | None = None
    assigned_at: str | None = None
    idle_due_at: str | None = None


@dataclass
class ClaimState:
    """Everything the workflow knows; carried whole across continue-as-new."""

    status: str = "draft"
    hold_reason: str | None = None
    version: int = 1  # latest stored version of the claim
    submitted_version: int | None = None
    frequency: str = "1"
    task_seq: int = 0
    open_task: OpenTask | None = None
    applied_payment_ids: list[int] = field(default_factory=list)
    # claim payment id -> the status before it was applied (a reversal returns to it)
    status_before_payment: dict[int, str] = field(default_factory=dict)
    last_result: str | None = None
    resubmit_method: str | None = None  # replacement_7 | new_claim | reopening
    appeal_level: int = 0  # highest level appealed
    max_appeal_level: int = 0
    event_seq: int = 0
    # Added by the workflow: the open task as last sent to OPEN_TASK, so a reroute re-sends it
    # whole and a send_appeal/reopening task inherits the denial's category and deadline.
    open_task_spec: TaskSpec | None = None
    # Inputs handled per run before continuing as new; 0 leaves it to Temporal's suggestion.
    # Tests set it low to force continue-as-new.
    continue_as_new_every: int = 0
    # The deadline clock (issue 6). Business dates as ISO strings, computed by activities.
    deadline_on: str | None = None  # the hard deadline in force
    deadline_kind: str | None = None  # timely_filing | corrected_claim | reopening | appeal
    # Reminders already given for deadline_on, as days before it; 0 means "passed" was said.
    reminders_done: list[int] = field(default_factory=list)
    reminder_days: list[int] = field(default_factory=lambda: [14, 3])  # configurable per claim
    follow_up_on: str | None = None  # the payer is silent past this day: payer_follow_up
    processing_days: int = 0  # the payer's, from the scrub; 0: no follow-up timer
    charge: str = "0.00"  # the claim's total charge: what a hold puts at stake
    idle_release_days: int = 2  # an assignment untouched this long goes back to the queue
    # Claim payments held for review (id -> why), oldest first: the open review_payment task is
    # about the first; the task they displaced comes back once none is left.
    held_payments: dict[int, str] = field(default_factory=dict)
    suspended_task_spec: TaskSpec | None = None


@dataclass
class ClaimStart:
    claim_id: int
    practice_slug: str
    state: ClaimState | None = None  # set when continuing as new


@dataclass
class Correction:
    """A new claim version stored by the API (PATCH /claims/{id})."""

    version: int
    user_id: int | None = None


@dataclass
class Decision:
    task_id: int
    action: str  # a contracts.enums.DecisionAction value
    note: str = ""
    user_id: int | None = None
    claim_version: int | None = None  # resubmit
    level: int | None = None  # appeal
    letter_id: int | None = None  # appeal
    no_letter_reason: str | None = None  # appeal without a letter
    reason: str | None = None  # write_off
    amount: str | None = None  # bill_patient (decimal string)
    queue_id: int | None = None  # reroute
    enclosures: list[str] = field(default_factory=list)  # appeal: what goes with the letter


@dataclass
class TaskChange:
    task_id: int
    change: str  # assigned | released | pended | returned


# --- activity requests and results --------------------------------------------------------


@dataclass
class ScrubRequest:
    claim_id: int
    version: int
    today: str  # ISO date: the business day the workflow scrubs on


@dataclass
class ScrubOutcome:
    blocking: int  # blocking coding/payer findings (not authorization)
    warnings: int
    # None, or why the claim waits for an authorization: required | missing | expired | exhausted
    authorization_problem: str | None = None
    finding_codes: list[str] = field(default_factory=list)
    # For the deadline clock (defaults keep older histories readable): the last day the claim
    # may reach the payer, the payer's processing days and the claim's total charge.
    timely_filing_on: str | None = None
    processing_days: int = 0
    charge: str = "0.00"


@dataclass
class SubmitRequest:
    claim_id: int
    version: int
    frequency: str  # 1 | 7 | 8
    submitted_on: str  # ISO date


@dataclass
class AppealPacketRequest:
    claim_id: int
    level: int
    category: str | None
    letter_id: int | None
    no_letter_reason: str | None
    enclosures: list[str]
    sent_on: str  # ISO date: the business day the appeal went out


@dataclass
class SubmitOutcome:
    interchange_control: int
    file_name: str
    # Authorizations whose used units this submission changed: their workflows recount.
    authorization_workflow_ids: list[str] = field(default_factory=list)


@dataclass
class StatusChange:
    claim_id: int
    status: str
    hold_reason: str | None
    event_kind: str
    detail: str
    key: str  # idempotency key of the claim event: f"{workflow_id}:e{event_seq}"
    closed: bool = False
    user_id: int | None = None


@dataclass
class TaskSpec:
    key: str
    workflow_id: str
    claim_id: int
    kind: str
    category: str | None = None
    recommended_action: str | None = None
    amount: str = "0.00"
    due_at: str | None = None  # ISO date
    priority: float = 0.0
    priority_reason: str = ""
    detail: dict = field(default_factory=dict)
    sla_due_at: str | None = None  # ISO datetime: when the task escalates if untouched


@dataclass
class TaskClose:
    key: str
    status: str  # done | cancelled


@dataclass
class PaymentRequest:
    claim_id: int
    claim_payment_id: int
    appeal_level: int
    # A person reviewed the held payment and chose to apply it: skip the sanity checks.
    force: bool = False


@dataclass
class PaymentOutcome:
    result: str  # paid | partially_paid | denied | reversal
    category: str | None
    action: str
    appealable: bool
    amount_at_stake: str  # decimal string: denied dollars
    due_at: str | None  # ISO date of the next hard deadline
    deadline_kind: str | None
    priority: float
    priority_reason: str
    resubmit_method: str  # replacement_7 | new_claim | reopening
    max_appeal_level: int
    # For a reversal: the claim payment it reverses (matched by the activity), else None.
    reverses_payment_id: int | None = None
    # Merged into the work_denial task's detail (e.g. where an authorization request lives).
    task_detail: dict = field(default_factory=dict)
    # result "held": why the payment is not applied (above the charge, negative, a second
    # payment of a paid claim, another payer's remittance); a review_payment task shows it.
    held_reason: str | None = None


def held_outcome(reason: str, amount: str = "0.00") -> PaymentOutcome:
    """A claim payment not applied (`amount`: what it pays) and why: a review_payment task."""
    return PaymentOutcome(
        result="held",
        category=None,
        action="",
        appealable=False,
        amount_at_stake=amount,
        due_at=None,
        deadline_kind=None,
        priority=0.0,
        priority_reason="",
        resubmit_method="",
        max_appeal_level=0,
        held_reason=reason,
    )


@dataclass
class TaskClockRequest:
    key: str
    sla_due_at: str | None = None  # written on the row: the restarted SLA


@dataclass
class TaskClockFacts:
    """What people did to a task (store/tasks.py writes it; the workflow reads it on a signal)."""

    status: str  # open | pended | done | cancelled | missing
    assignee_id: int | None = None
    assigned_at: str | None = None  # ISO datetime
    pended_until: str | None = None  # ISO date


@dataclass
class TaskEscalation:
    key: str
    priority: float
    priority_reason: str


@dataclass
class TaskRelease:
    key: str
    assigned_at: str  # only this assignment is released; a newer one stays
