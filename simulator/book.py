"""The payer book: what each simulated payer knows, as plain JSON-serialisable dataclasses.

Per payer (by its X12 payer id, optionally narrowed to one billing NPI, since the same plan
contracts different rules with different practices): plan type, rules (the same JSON the
product stores on Payer.rules), filing limit, fee schedule, patient cost sharing, and the
payer's own records, which the practice may not know or may know differently: authorizations
on file, members whose coverage ended, visits already paid this year, providers enrolled.

Members are never held in clear: a member id is keyed by `member_key` (SHA-256 over the book's
salt and the id), so the book and the ledger written next to it name no patient.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from pydantic import TypeAdapter

from denialdesk.domain.claim import AppealLevel, Payer, PayerRules
from denialdesk.simulator import fees

ZERO = Decimal(0)


@dataclass
class PatientShare:
    deductible: Decimal = ZERO  # a calendar year, per member
    coinsurance: Decimal = ZERO  # the member's share of the allowed amount after it
    copay: Decimal = ZERO  # per day of service

    @classmethod
    def for_plan(cls, plan_type: str) -> PatientShare:
        deductible, coinsurance, copay = fees.PATIENT_SHARE.get(
            plan_type, fees.PATIENT_SHARE["commercial"]
        )
        return cls(Decimal(deductible), Decimal(coinsurance), Decimal(copay))


@dataclass
class AuthorizationOnFile:
    number: str
    member: str  # member_key
    start: date
    end: date
    approved: int  # visits, units or days, per unit_type
    codes: list[str] = field(default_factory=list)  # empty: any code
    unit_type: str = "visits"  # visits | units | days
    used: int = 0  # drawn before the simulator's own claims (it counts those itself)
    active: bool = True  # False: on file but denied or withdrawn

    def covers(self, code: str, day: date) -> bool:
        in_codes = not self.codes or code in self.codes
        return self.active and in_codes and self.start <= day <= self.end


@dataclass
class PayerTerms:
    payer_id: str  # the X12 payer id the 837P names (2010BB)
    name: str
    plan_type: str
    remittance_ids: list[str] = field(default_factory=list)  # TRN03 and REF*2U in its 835s
    rules: dict = field(default_factory=dict)  # as Payer.rules
    timely_filing_days: int = 365
    fees: dict[str, Decimal] = field(default_factory=dict)  # allowed per unit, by code
    share: PatientShare = field(default_factory=PatientShare)
    address: tuple[str, str, str, str] = ("PO BOX 1", "ANYTOWN", "PA", "19101")
    billing_npi: str | None = None  # these terms are for this practice only; None: any
    enrolled_npis: list[str] | None = None  # rendering providers it pays; None: everyone
    # Share of high-intensity lines whose records the payer reviews and then denies.
    review_rate: float = 0.04
    appeal_levels: list[AppealLevel] = field(default_factory=list)

    @property
    def key(self) -> str:
        return payer_key(self.payer_id, self.billing_npi)

    @property
    def payer_rules(self) -> PayerRules:
        return PayerRules.from_json(self.rules)

    def as_payer(self) -> Payer:
        """The domain's view of the payer, for its deadline rules."""
        return Payer(
            name=self.name,
            payer_id=self.payer_id,
            plan_type=self.plan_type,
            filing_indicator="",
            timely_filing_days=self.timely_filing_days,
            appeal_levels=tuple(self.appeal_levels),
            rules=self.payer_rules,
        )

    @property
    def originator(self) -> str:
        """TRN03: "1" and the payer's tax id, as its remittance ids say."""
        found = [i for i in self.remittance_ids if len(i) == 10 and i.isdigit()]
        return (found or self.remittance_ids or ["1" + self.payer_id.rjust(9, "0")[-9:]])[0]

    @property
    def reference(self) -> str:
        """REF*2U: another remittance id when it has one, else its payer id."""
        others = [i for i in self.remittance_ids if i != self.originator]
        return (others or [self.payer_id])[0]


@dataclass
class PayerRecords:
    """What one payer (all its contracts) knows about its members."""

    authorizations: list[AuthorizationOnFile] = field(default_factory=list)
    coverage_ended: dict[str, date] = field(default_factory=dict)  # member_key -> last day
    visits_paid: dict[str, int] = field(default_factory=dict)  # visit_key -> days of service


@dataclass
class PayerBook:
    salt: str  # random per installation: member keys are not comparable across books
    payers: dict[str, PayerTerms] = field(default_factory=dict)  # by PayerTerms.key
    records: dict[str, PayerRecords] = field(default_factory=dict)  # by X12 payer id

    def add(self, terms: PayerTerms) -> PayerTerms:
        if not terms.fees:
            terms.fees = fees.fee_schedule(terms.plan_type)
        self.payers[terms.key] = terms
        self.records.setdefault(terms.payer_id, PayerRecords())
        return terms

    def terms(self, payer_id: str, billing_npi: str | None = None) -> PayerTerms | None:
        """The payer's terms for this practice, else its terms for everyone."""
        if billing_npi is not None:
            found = self.payers.get(payer_key(payer_id, billing_npi))
            if found is not None:
                return found
        return self.payers.get(payer_id)

    def of(self, payer_id: str) -> PayerRecords:
        return self.records.setdefault(payer_id, PayerRecords())

    def member_key(self, member_id: str) -> str:
        normalized = member_id.strip().upper()
        return hashlib.sha256(f"{self.salt}:{normalized}".encode()).hexdigest()

    # --- the payer-only records, filled by whoever builds the book ----------------------------

    def add_authorization(self, payer_id: str, member_id: str, **fields) -> None:
        member = self.member_key(member_id)
        self.of(payer_id).authorizations.append(AuthorizationOnFile(member=member, **fields))

    def end_coverage(self, payer_id: str, member_id: str, last_day: date) -> None:
        self.of(payer_id).coverage_ended[self.member_key(member_id)] = last_day

    def add_visits(self, payer_id: str, member_id: str, year: int, days: int) -> None:
        records = self.of(payer_id)
        key = visit_key(self.member_key(member_id), year)
        records.visits_paid[key] = records.visits_paid.get(key, 0) + days

    def to_json(self) -> bytes:
        return _ADAPTER.dump_json(self, indent=1)

    @classmethod
    def from_json(cls, data: bytes | str) -> PayerBook:
        return _ADAPTER.validate_json(data)


def payer_key(payer_id: str, billing_npi: str | None) -> str:
    return f"{payer_id}@{billing_npi}" if billing_npi else payer_id


def visit_key(member: str, year: int) -> str:
    return f"{member}:{year}"


_ADAPTER = TypeAdapter(PayerBook)
