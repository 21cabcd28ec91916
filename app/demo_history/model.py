"""The history in memory, before it becomes rows: visits, the claims made of them and what
happened to each (versions sent, payments, decisions, tasks, timeline).

Objects refer to each other, not to ids: render.py numbers them when it writes the rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from denialdesk.domain.claim import ClaimInput
from denialdesk.domain.denials import DenialAnalysis
from denialdesk.domain.x12 import remit_model
from denialdesk.store.models import Coverage, Patient, Provider


@dataclass(frozen=True)
class Line:
    service_date: date
    code: str
    charge: Decimal
    place: str
    pointers: tuple[int, ...] = (1,)
    modifiers: tuple[str, ...] = ()
    units: Decimal = Decimal(1)
    minutes: int | None = None


@dataclass
class HistoricAuthorization:
    """An authorization that ran out before the seeded (current) one began."""

    coverage: Coverage
    number: str
    codes: tuple[str, ...]
    unit_type: str
    approved: int
    start: date
    end: date
    used: int = 0
    last_used: date | None = None  # the latest date of service drawn on it
    # (visit, date of service, units): what each claim drew, at the visit's submission.
    uses: list[tuple[Visit, date, int]] = field(default_factory=list)
    id: int | None = None

    def room_at(self, visit: Visit, moment: datetime) -> int:
        """Units left at `moment` once `visit` is counted again, as a rescrub of it counts
        (its own units are already among the used ones)."""
        used = sum(units for other, _, units in self.uses if other.created <= moment)
        need = sum(units for other, _, units in self.uses if other is visit)
        return self.approved - used - need

    def used_at(self, moment: datetime) -> int:
        return sum(units for other, _, units in self.uses if other.created <= moment)


@dataclass
class Visit:
    """What one claim bills: a session (or a program week) of one patient with one clinician."""

    patient: Patient
    coverage: Coverage
    plan: str  # the payer's plan key
    provider: Provider
    diagnoses: tuple[str, ...]
    lines: tuple[Line, ...]
    authorization: HistoricAuthorization | None = None
    created: datetime | None = None  # when the practice system sent it in
    claim_id: int | None = None  # once its claim is numbered

    @property
    def first_service(self) -> date:
        return min(line.service_date for line in self.lines)

    @property
    def last_service(self) -> date:
        return max(line.service_date for line in self.lines)


@dataclass
class Version:
    number: int
    created_at: datetime
    created_by: str | None  # username
    diagnoses: tuple[str, ...]
    lines: tuple[Line, ...]
    frequency: str = "1"  # as last sent
    payer_claim_number: str | None = None  # REF*F8 when sent as a replacement
    id: int | None = None


@dataclass
class Sent:
    """One 837P submission (a Submission row)."""

    version: Version
    frequency: str
    at: datetime
    payer_claim_number: str | None
    claim_input: ClaimInput  # as scrubbed; render.py writes its 837P once it is numbered
    interchange: int | None = None  # ISA13, numbered at render


@dataclass
class Payment:
    """One claim payment of an 835 transaction."""

    plan: str
    pay_day: date
    imported_at: datetime
    remit: remit_model.ClaimPayment  # control number filled in at render
    analysis: DenialAnalysis
    id: int | None = None


Detail = str | Callable[[], str]


@dataclass
class Event:
    at: datetime
    kind: str
    detail: Detail
    actor: str | None = None  # username
    keyed: bool = True  # a status event with the workflow's key (`{workflow_id}:e{n}`)
    payment: Payment | None = None  # a payment event, keyed `payment:{id}`


@dataclass
class WorkTask:
    """A task a person worked to the end (status done)."""

    kind: str
    category: str | None
    recommended_action: str | None
    amount: Decimal
    due_at: date | None
    priority: float
    priority_reason: str
    detail: Callable[[], dict]
    opened: datetime
    assigned: datetime
    closed: datetime
    assignee: str  # username


@dataclass
class Story:
    """One claim from creation to its close."""

    visit: Visit
    created_at: datetime
    versions: list[Version] = field(default_factory=list)
    sent: list[Sent] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    tasks: list[WorkTask] = field(default_factory=list)
    status: str = "draft"
    closed_at: datetime | None = None
    id: int | None = None
    control_number: str | None = None

    @property
    def version(self) -> Version:
        return self.versions[-1]

    @property
    def total_charge(self) -> Decimal:
        return sum((line.charge for line in self.version.lines), Decimal("0.00"))

    @property
    def total_paid(self) -> Decimal:
        return sum((p.remit.paid for p in self.payments), Decimal("0.00"))

    @property
    def payer_claim_number(self) -> str | None:
        numbers = [p.remit.payer_claim_number for p in self.payments if p.remit.payer_claim_number]
        return numbers[-1] if numbers else None
