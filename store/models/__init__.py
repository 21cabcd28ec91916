"""All tables; importing this package registers them on SQLModel.metadata."""

from denialdesk.store.models.access import ROLES, AuditEvent, LoginFailure, User, UserRole
from denialdesk.store.models.claims import (
    Claim,
    ClaimDiagnosis,
    ClaimEvent,
    ClaimVersion,
    ServiceLine,
)
from denialdesk.store.models.people import Authorization, Coverage, Patient
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
    "Claim",
    "ClaimDiagnosis",
    "ClaimEvent",
    "ClaimPayment",
    "ClaimVersion",
    "Coverage",
    "Letter",
    "LoginFailure",
    "Patient",
    "Payer",
    "PaymentAdjustment",
    "PaymentLine",
    "PaymentRemark",
    "Practice",
    "Provider",
    "Queue",
    "QueueMember",
    "Remittance",
    "ServiceLine",
    "Task",
    "TeamView",
    "User",
    "UserRole",
]
