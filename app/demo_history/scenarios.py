"""How payers deny the demo claims, and how the denials were worked.

A scenario is one denial (group, CARC, remarks) on the whole claim or on one line, with the
resolutions a specialist chose for it and how often. Every category of the CARC table
(domain/data/carc-categories.csv) has at least one; `weight` is its share of first-pass denials
among the scenarios that fit a claim (an add-on line to deny, an authorization attached, ...).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

COMMERCIAL = frozenset({"evergreen", "crestline", "northstar"})
ADD_ONS = frozenset({"90785", "90833", "90836"})  # what an ADD_ON denial denies
VISIT_LIMITS = frozenset({"medicaid", "crestline"})


class Resolution(StrEnum):
    RESUBMIT = "resubmit"  # corrected (a new version) and sent again: paid
    APPEAL_WON = "appeal_won"  # appealed at level 1, overturned: paid
    APPEAL_LOST = "appeal_lost"  # appealed at level 1, upheld: written off
    WRITE_OFF = "write_off"
    BILL_PATIENT = "bill_patient"


class Scope(StrEnum):
    CLAIM = "claim"  # every line denied
    ADD_ON = "add_on"  # the add-on line (90785, 90833, 90836) only
    LAST_DAY = "last_day"  # the last program day of a weekly claim only


class Fix(StrEnum):
    """What the corrected version changes."""

    NOTHING = "nothing"  # the fix was outside the claim (the member id, an enrollment)
    DIAGNOSES = "diagnoses"  # the diagnosis that supports the service goes first


@dataclass(frozen=True)
class Scenario:
    category: str
    group: str
    carc: str
    weight: float
    resolutions: dict[Resolution, float]
    remarks: tuple[str, ...] = ()  # claim-level (MOA) remarks
    line_remarks: tuple[str, ...] = ()  # remarks on the denied lines (LQ)
    scope: Scope = Scope.CLAIM
    fix: Fix = Fix.NOTHING
    plans: frozenset[str] | None = None  # None: every payer
    needs_authorization: bool | None = None  # True: attached; False: none on file
    needs_other_coverage: bool = False
    write_off_reason: str = ""
    codes: frozenset[str] = field(default_factory=frozenset)  # the claim bills one of these


_R = Resolution
SCENARIOS: tuple[Scenario, ...] = (
    # authorization
    Scenario("authorization", "CO", "197", 0.06,
             {_R.APPEAL_WON: 0.35, _R.APPEAL_LOST: 0.25, _R.WRITE_OFF: 0.4},
             plans=COMMERCIAL, needs_authorization=False,
             write_off_reason="no retro-authorization available for the date of service"),
    Scenario("authorization", "CO", "198", 0.05, {_R.APPEAL_WON: 0.6, _R.APPEAL_LOST: 0.4},
             line_remarks=("N54",), needs_authorization=True),
    # eligibility
    Scenario("eligibility", "CO", "31", 0.07, {_R.RESUBMIT: 0.85, _R.WRITE_OFF: 0.15},
             write_off_reason="member not found with the payer; no other coverage on file"),
    Scenario("eligibility", "CO", "27", 0.04, {_R.BILL_PATIENT: 0.6, _R.WRITE_OFF: 0.4},
             write_off_reason="coverage ended before the date of service; patient indigent"),
    Scenario("eligibility", "PR", "204", 0.03, {_R.BILL_PATIENT: 1.0}, plans=COMMERCIAL),
    Scenario("eligibility", "CO", "22", 0.02, {_R.WRITE_OFF: 1.0}, needs_other_coverage=True,
             write_off_reason="billed to the other payer under coordination of benefits"),
    # coding
    Scenario("coding", "CO", "11", 0.05, {_R.RESUBMIT: 1.0}, fix=Fix.DIAGNOSES),
    Scenario("coding", "CO", "146", 0.03, {_R.RESUBMIT: 1.0}, fix=Fix.DIAGNOSES),
    Scenario("coding", "CO", "97", 0.04, {_R.WRITE_OFF: 1.0}, scope=Scope.ADD_ON,
             write_off_reason="bundled add-on, under the write-off threshold"),
    Scenario("coding", "CO", "236", 0.02, {_R.WRITE_OFF: 1.0}, scope=Scope.ADD_ON,
             write_off_reason="NCCI edit on the add-on, under the write-off threshold"),
    Scenario("coding", "CO", "16", 0.03, {_R.RESUBMIT: 1.0}, line_remarks=("M51",),
             fix=Fix.DIAGNOSES),
    # medical necessity
    Scenario("medical_necessity", "CO", "50", 0.04, {_R.APPEAL_WON: 0.5, _R.APPEAL_LOST: 0.5}),
    Scenario("medical_necessity", "CO", "151", 0.04,
             {_R.APPEAL_WON: 0.55, _R.APPEAL_LOST: 0.45}),
    Scenario("medical_necessity", "CO", "167", 0.03,
             {_R.RESUBMIT: 0.5, _R.APPEAL_WON: 0.25, _R.APPEAL_LOST: 0.25}, fix=Fix.DIAGNOSES),
    Scenario("medical_necessity", "CO", "152", 0.02, {_R.APPEAL_WON: 0.6, _R.APPEAL_LOST: 0.4},
             codes=frozenset({"90837"})),
    # missing information
    Scenario("missing_info", "CO", "16", 0.05, {_R.RESUBMIT: 1.0}, remarks=("MA130",)),
    Scenario("missing_info", "CO", "252", 0.04, {_R.APPEAL_WON: 0.85, _R.APPEAL_LOST: 0.15}),
    Scenario("missing_info", "CO", "226", 0.03, {_R.APPEAL_WON: 0.8, _R.APPEAL_LOST: 0.2}),
    # credentialing
    Scenario("credentialing", "CO", "185", 0.04, {_R.RESUBMIT: 0.6, _R.WRITE_OFF: 0.4},
             line_remarks=("N290",),
             write_off_reason="rendering provider not enrolled with the payer on that date"),
    Scenario("credentialing", "CO", "B7", 0.03, {_R.RESUBMIT: 0.6, _R.WRITE_OFF: 0.4},
             write_off_reason="provider certification not in effect on that date"),
    Scenario("credentialing", "CO", "242", 0.02, {_R.APPEAL_WON: 0.5, _R.APPEAL_LOST: 0.5},
             plans=COMMERCIAL),
    # benefit limit
    Scenario("benefit_limit", "CO", "119", 0.05,
             {_R.APPEAL_WON: 0.35, _R.APPEAL_LOST: 0.3, _R.WRITE_OFF: 0.35},
             line_remarks=("N362",), plans=VISIT_LIMITS | COMMERCIAL,
             write_off_reason="visit limit reached; no parity exception"),
    Scenario("benefit_limit", "CO", "119", 0.03, {_R.APPEAL_WON: 0.5, _R.APPEAL_LOST: 0.5},
             line_remarks=("N362",), scope=Scope.LAST_DAY),
    # duplicate
    Scenario("duplicate", "CO", "18", 0.05, {_R.WRITE_OFF: 1.0},
             write_off_reason="verified: a duplicate of a claim the payer already paid"),
    Scenario("duplicate", "CO", "B13", 0.03, {_R.WRITE_OFF: 1.0},
             write_off_reason="verified: the service was paid on an earlier claim"),
    # timely filing
    Scenario("timely_filing", "CO", "29", 0.06, {_R.APPEAL_WON: 0.85, _R.APPEAL_LOST: 0.15}),
)  # fmt: skip

# Appeals lost end in a write-off, with this reason.
UPHELD_REASON = "level 1 appeal upheld; a second level is not worth the amount"
