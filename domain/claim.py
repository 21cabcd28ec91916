"""A claim and everything needed to scrub and send it, as plain frozen values.

The store maps its rows into these; the scrubber, the deadline rules and the 837P writer read
them. Money is Decimal, dates are `date`; nothing here reads a clock or a database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from denialdesk.domain.codes.places import TELEHEALTH_PLACES


@dataclass(frozen=True)
class Address:
    line1: str
    city: str
    state: str
    zip: str
    line2: str | None = None


@dataclass(frozen=True)
class Practice:
    """The billing provider (2010AA): a type-2 NPI with its tax id."""

    name: str
    npi: str
    tax_id: str
    address: Address
    taxonomy: str
    phone: str | None = None


@dataclass(frozen=True)
class AppealLevel:
    level: int
    name: str
    window_days: int
    address: str | None = None
    # A window set in calendar months (external review: 4 months), which days cannot say:
    # when given it wins over window_days.
    window_months: int | None = None


@dataclass(frozen=True)
class TelehealthRule:
    places_of_service: frozenset[str] = TELEHEALTH_PLACES
    modifier: str | None = "95"  # None: the payer wants no telehealth modifier
    # The payer wants telehealth billed with the place of service the visit would have had in
    # person (11 in the office) and its modifier, never with a telehealth place (02, 10).
    in_person_place: bool = False


@dataclass(frozen=True)
class PayerRules:
    auth_required_codes: frozenset[str] = frozenset()
    visit_limit_per_year: int | None = None
    telehealth: TelehealthRule = field(default_factory=TelehealthRule)
    # code -> credentials that may bill it; codes not named follow the defaults in the scrubber.
    credentials_allowed: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # Some payers count a corrected claim's window from the last remittance, not the service.
    corrected_claim_days_from_remit: int | None = None
    renewal_notice_days: int = 14
    # code -> program (substance_use | mental_health) it is billed to when the line carries no
    # HF/HE: H0004 is mental health counseling in many Medicaid programs.
    programs: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_json(cls, rules: Mapping[str, Any] | None) -> PayerRules:
        """Read Payer.rules as stored (lists and dicts) into typed values."""
        rules = rules or {}
        tele = rules.get("telehealth") or {}
        telehealth = TelehealthRule(
            places_of_service=frozenset(tele.get("places_of_service") or TELEHEALTH_PLACES),
            modifier=tele.get("modifier", "95"),
            in_person_place=tele.get("in_person_place") is True,
        )
        return cls(
            auth_required_codes=frozenset(rules.get("auth_required_codes") or ()),
            visit_limit_per_year=rules.get("visit_limit_per_year"),
            telehealth=telehealth,
            credentials_allowed={
                code: frozenset(creds)
                for code, creds in (rules.get("credentials_allowed") or {}).items()
            },
            corrected_claim_days_from_remit=rules.get("corrected_claim_days_from_remit"),
            renewal_notice_days=rules.get("renewal_notice_days", 14),
            programs={
                str(code).strip().upper(): str(program)
                for code, program in (rules.get("programs") or {}).items()
            },
        )


@dataclass(frozen=True)
class Payer:
    name: str
    payer_id: str  # X12 payer id (NM1*PR … PI)
    plan_type: str  # codes.plans.PLAN_TYPES
    filing_indicator: str  # SBR09
    correction_method: str = "replacement_7"
    appeal_levels: tuple[AppealLevel, ...] = ()  # empty: the plan type's defaults apply
    timely_filing_days: int = 365
    processing_days: int = 30
    rules: PayerRules = field(default_factory=PayerRules)


@dataclass(frozen=True)
class Provider:
    """A rendering clinician (type-1 NPI)."""

    npi: str
    first_name: str
    last_name: str
    credential: str
    taxonomy: str


@dataclass(frozen=True)
class Person:
    """A patient, or a subscriber who is not the patient."""

    first_name: str
    last_name: str
    birth_date: date
    sex: str  # F | M | U
    address: Address | None = None


@dataclass(frozen=True)
class Coverage:
    member_id: str
    relationship: str = "self"  # self | spouse | child | other (patient to subscriber)
    order: str = "primary"  # primary | secondary | tertiary
    group_number: str | None = None
    subscriber: Person | None = None  # set when the patient is not the subscriber
    effective_from: date | None = None
    effective_to: date | None = None

    @property
    def patient_is_subscriber(self) -> bool:
        return self.relationship == "self"

    def active_on(self, day: date) -> bool:
        starts = self.effective_from is None or self.effective_from <= day
        return starts and (self.effective_to is None or day <= self.effective_to)


@dataclass(frozen=True)
class Authorization:
    number: str
    start: date
    end: date
    approved: int
    codes: frozenset[str] = frozenset()  # empty: any code
    unit_type: str = "visits"  # visits | units | days
    used: int = 0
    # Booked visits not yet billed, from the practice's schedule; on a units authorization
    # each weighs a session of its code (a 60-minute H0004 visit is 4 units).
    scheduled: int = 0
    status: str = "active"

    @property
    def remaining(self) -> int:
        return self.approved - self.used - self.scheduled

    def covers_code(self, code: str) -> bool:
        return not self.codes or code in self.codes

    def covers_date(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class ServiceLine:
    service_date: date
    code: str
    charge: Decimal
    place_of_service: str
    dx_pointers: tuple[int, ...]
    modifiers: tuple[str, ...] = ()
    units: Decimal = Decimal(1)
    minutes: int | None = None  # for scrubbing only; never sent in the 837P
    rendering: Provider | None = None  # None: the claim's provider


@dataclass(frozen=True)
class Claim:
    control_number: str  # CLM01, at most 20 characters, reused on replacements
    diagnoses: tuple[str, ...]  # ICD-10-CM, principal first
    lines: tuple[ServiceLine, ...]
    frequency: str = "1"  # 1 original | 7 replacement | 8 void
    payer_claim_number: str | None = None  # REF*F8 on 7/8

    @property
    def total_charge(self) -> Decimal:
        return sum((line.charge for line in self.lines), Decimal("0"))

    @property
    def first_service_date(self) -> date:
        return min(line.service_date for line in self.lines)


@dataclass(frozen=True)
class ClaimInput:
    """Everything one claim needs: who bills, who pays, who was seen, what was done."""

    practice: Practice
    payer: Payer
    provider: Provider  # the claim's rendering provider
    patient: Person
    coverage: Coverage
    claim: Claim
    authorization: Authorization | None = None  # the one attached (REF*G1)

    def rendering_for(self, line: ServiceLine) -> Provider:
        return line.rendering or self.provider
