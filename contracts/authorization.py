"""What crosses AuthorizationWorkflow's boundary: ids, counts, business dates (ISO strings).

No authorization number, patient or code travels here: activities read those from the store by
id. Kept apart from contracts.py so the claim workflow's contract stays its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

AUTH_WORKFLOW = "AuthorizationWorkflow"

USAGE_CHANGED_SIGNAL = "usage_changed"  # no argument: re-read the counts
EXTEND_UPDATE = "extend"  # Extension -> None
RENEWED_UPDATE = "renewed"  # Renewal -> None
AUTH_STATE_QUERY = "auth_state"  # -> AuthState

READ_AUTHORIZATION = "read_authorization"  # AuthRead -> AuthCounts
OPEN_AUTH_TASK = "open_authorization_task"  # AuthTaskSpec -> task id
CLOSE_AUTH_TASK = "close_authorization_task"  # AuthTaskClose -> None
EXPIRE_AUTHORIZATION = "expire_authorization"  # AuthExpiry -> list of claim ids given tasks


def auth_workflow_id(practice_slug: str, authorization_id: int) -> str:
    return f"auth-{practice_slug}-{authorization_id}"


@dataclass
class AuthTask:
    key: str
    task_id: int
    reason: str  # units | schedule | end_date
    due_at: str


@dataclass
class AuthState:
    """Everything the workflow knows; carried whole across continue-as-new."""

    loaded: bool = False
    status: str = "active"  # active | expired
    unit_type: str = "visits"
    approved: int = 0
    used: int = 0
    scheduled: int = 0
    remaining: int = 0
    end_date: str = ""
    notice_days: int = 14
    threshold: int = 2
    first_uncovered: str | None = None
    task_seq: int = 0
    open_task: AuthTask | None = None
    expired_on: str | None = None  # the end date the authorization expired at
    claims_given_tasks: list[int] = field(default_factory=list)
    # Counts read from the store, and the last read the clock was checked against: a caller
    # that changed the counts knows the workflow acted on them once checked_reads catches up.
    reads: int = 0
    checked_reads: int = 0
    continue_as_new_every: int = 0  # tests set it low to force continue-as-new
    # The authorization that follows this one (RENEWED_UPDATE): no more renewal tasks here.
    renewed_by: int | None = None


@dataclass
class AuthStart:
    authorization_id: int
    practice_slug: str
    state: AuthState | None = None


@dataclass
class Extension:
    """Stored by the API first (PATCH /authorizations/{id}); the workflow re-reads the row."""

    end_date: str | None = None
    approved: int | None = None
    user_id: int | None = None


@dataclass
class Renewal:
    """The payer's next authorization, stored first (services/task_authorization.py); the
    old one's workflow stops asking for a renewal."""

    authorization_id: int
    user_id: int | None = None


@dataclass
class AuthRead:
    authorization_id: int
    today: str


@dataclass
class AuthCounts:
    status: str
    unit_type: str
    approved: int
    used: int
    scheduled: int
    remaining: int
    end_date: str
    notice_days: int
    threshold: int
    first_uncovered: str | None = None


@dataclass
class AuthTaskSpec:
    key: str
    workflow_id: str
    authorization_id: int
    kind: str  # renew_authorization
    due_at: str | None
    priority_reason: str
    detail: dict = field(default_factory=dict)


@dataclass
class AuthTaskClose:
    key: str
    status: str  # done | cancelled


@dataclass
class AuthExpiry:
    authorization_id: int
    workflow_id: str
    end_date: str  # expire only if the row still ends then (an extension may have won)
