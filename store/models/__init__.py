"""All tables; importing this package registers them on SQLModel.metadata."""

from denialdesk.store.models.access import ROLES, AuditEvent, LoginFailure, User, UserRole
from denialdesk.store.models.claims import (
    Claim,
    ClaimDiagnosis,
    ClaimEvent,
    ClaimVersion,
    ServiceLine,
)
from denialdesk.store.models.exchange import ControlCounter, PaymentOutbox, Submission
from denialdesk.store.models.people import (
    Authorization,
    AuthorizationUse,
    Coverage,
    Patient,
    ScheduledVisit,
)
from denialdesk.store.models.reference import Payer, Practice, Provider
from denialdesk.store.models.remittances import (
    ClaimPayment,
    PaymentAdjustment,
    PaymentLine,
    PaymentRemark,
    Remittance,
)
from denialdesk.store.models.work import Letter, Queue, QueueMember, Task, TeamView

__all__ = [
    "ROLES",
    "AuditEvent",
    "Authorization",
    "AuthorizationUse",
    "Claim",
    "ClaimDiagnosis",
    "ClaimEvent",
    "ClaimPayment",
    "ClaimVersion",
    "ControlCounter",
    "Coverage",
    "Letter",
    "LoginFailure",
    "Patient",
    "Payer",
    "PaymentAdjustment",
    "PaymentLine",
    "PaymentOutbox",
    "PaymentRemark",
    "Practice",
    "Provider",
    "Queue",
    "QueueMember",
    "Remittance",
    "ScheduledVisit",
    "ServiceLine",
    "Submission",
    "Task",
    "TeamView",
    "User",
    "UserRole",
]
