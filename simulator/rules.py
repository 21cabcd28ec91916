"""The payer's edits: why a claim or a line is not paid, as the CARC and RARC it answers with.

Each rule reads the claim as received, the payer's terms and rules (the same Payer.rules the
product's scrubber reads, so a claim the scrubber lets through passes these too unless the
payer's records differ) and the payer's own records. The first rule a line breaks decides its
denial, in the order a payer's edits run: eligibility, timely filing, code validity, coverage
of the code, place of service and modifiers, diagnosis, authorization, benefit limits, and at
last a records review of high-intensity services.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from random import Random

from denialdesk.domain.claim import Payer, PayerRules
from denialdesk.domain.codes.diagnoses import is_mental_health, is_substance_use
from denialdesk.domain.codes.modifiers import (
    AUDIO_ONLY_MODIFIERS,
    SUBSTANCE_USE_MODIFIER,
    TELEHEALTH_MODIFIERS,
)
from denialdesk.domain.codes.places import TELEHEALTH_PLACES
from denialdesk.domain.codes.procedures import SUBSTANCE_USE_CODES, procedure
from denialdesk.domain.deadlines import corrected_claim_deadline, timely_filing_deadline
from denialdesk.domain.npi import is_valid_npi
from denialdesk.domain.x12.claim_in import ReceivedClaim, ReceivedLine
from denialdesk.simulator.book import AuthorizationOnFile, PayerRecords, PayerTerms, visit_key
from denialdesk.simulator.ledger import Ledger

# ICD-10-CM shape (no dot, as the 837P sends it). The shape only: whether a code is billable
# is the scrubber's job, and loading the whole code set would cost the payer seconds a claim.
_ICD10 = re.compile(r"^[A-Z][0-9][0-9A-Z][0-9A-Z]{0,4}$")
_PROCEDURE = re.compile(r"^(\d{5}|\d{4}[FTU]|[A-V]\d{4})$")
# Services whose records a payer pulls for review, and what it finds lacking then:
# 152 the length of the session, 150 the level of the visit, 50 the medical necessity.
REVIEWED: dict[str, str] = {
    "90837": "152", "90838": "152", "90839": "152",
    "99205": "150", "99215": "150", "90792": "150",
    "H0015": "50", "H2036": "50", "H0035": "50", "96130": "50", "96131": "50",
}  # fmt: skip


@dataclass(frozen=True)
class Denial:
    carc: str
    remarks: tuple[str, ...] = ()
    group: str = "CO"


@dataclass
class ClaimContext:
    """One claim under adjudication, with what the payer knows, and the counts the claim's
    own earlier lines have used up."""

    claim: ReceivedClaim
    terms: PayerTerms
    records: PayerRecords
    ledger: Ledger
    member: str
    received_on: date
    rng: Random
    besides: str | None = None  # the entry a replacement replaces: not counted against it
    last_answer: date | None = None  # the original's answer date, for a replacement
    payer: Payer = field(init=False)
    rules: PayerRules = field(init=False)
    new_days: set[date] = field(default_factory=set)  # visit days this claim adds
    drawn: dict[str, Decimal] = field(default_factory=dict)  # authorization -> drawn here
    authorizations: dict[str, str] = field(default_factory=dict)  # line control -> number
    auth_days: dict[str, set[date]] = field(default_factory=dict)  # number -> days drawn here

    def __post_init__(self) -> None:
        self.payer = self.terms.as_payer()
        self.rules = self.terms.payer_rules


def rejection(ctx: ClaimContext) -> Denial | None:
    """The claim cannot be processed at all (CO-16 with MA130: no appeal, send a new claim)."""
    claim = ctx.claim
    if not all(_ICD10.match(code) for code in claim.diagnoses):
        return Denial("16", ("MA130", "M76"))  # missing/invalid diagnosis
    for line in claim.lines:
        if not is_valid_npi(line.rendering_npi or claim.billing_npi):
            return Denial("16", ("MA130", "N290"))  # rendering provider not identifiable
    return None


def credentialed(ctx: ClaimContext, line: ReceivedLine) -> Denial | None:
    """A clinician the payer has not (yet) credentialed: the service is denied, B7 with N570,
    and paid once credentialing is done and the claim corrected or appealed."""
    enrolled = ctx.terms.enrolled_npis
    npi = line.rendering_npi or ctx.claim.billing_npi
    if enrolled is not None and npi not in enrolled:
        return Denial("B7", ("N570",))
    return None


def line_denial(ctx: ClaimContext, line: ReceivedLine) -> Denial | None:
    for rule in (
        coverage_ended,
        timely_filing,
        credentialed,
        procedure_code,
        code_covered,
        telehealth,
        diagnosis_supports,
        records_review,
    ):
        found = rule(ctx, line)
        if found is not None:
            return found
    # The counting rules last: a line they let through draws on the counts at once, so the
    # claim's next line sees them used.
    drawn = authorization(ctx, line)
    if isinstance(drawn, Denial):
        return drawn
    over = visit_limit(ctx, line)
    if over is not None:
        return over
    if ctx.rules.visit_limit_per_year is not None:
        ctx.new_days.add(line.service_date)
    if drawn is not None:
        auth, need = drawn
        ctx.drawn[auth.number] = ctx.drawn.get(auth.number, Decimal(0)) + need
        ctx.auth_days.setdefault(auth.number, set()).add(line.service_date)
        ctx.authorizations[line.answer_control] = auth.number
    return None


def coverage_ended(ctx: ClaimContext, line: ReceivedLine) -> Denial | None:
    last_day = ctx.records.coverage_ended.get(ctx.member)
    return Denial("27") if last_day is not None and line.service_date > last_day else None


def timely_filing(ctx: ClaimContext, line: ReceivedLine) -> Denial | None:
    if ctx.claim.frequency == "7":
        deadline = corrected_claim_deadline(line.service_date, ctx.payer, ctx.last_answer)
    else:
        deadline = timely_filing_deadline(line.service_date, ctx.payer)
    return Denial("29") if ctx.received_on > deadline else None


def procedure_code(ctx: ClaimContext, line: ReceivedLine) -> Denial | None:
    known = line.code in ctx.terms.fees or procedure(line.code) is not None
    if not known or not _PROCEDURE.match(line.code):
        return Denial("16", ("M51",))  # missing/invalid procedure code
    pointers = line.dx_pointers
    if not pointers or not all(1 <= p <= len(ctx.claim.diagnoses) for p in pointers):
        return Denial("16", ("M76",))  # the line points at no diagnosis
    return None


def code_covered(ctx: ClaimContext, line: ReceivedLine) -> Denial | None:
    # A real code the plan has no fee for (Medicare and the state H codes): not a benefit.
    return None if line.code in ctx.terms.fees else Denial("96", ("N130",))


def telehealth(ctx: ClaimContext, line: ReceivedLine) -> Denial | None:
    rule = ctx.rules.telehealth
    place, modifiers = line.place_of_service, set(line.modifiers)
    if rule.in_person_place:
        # Telehealth billed as in person (the office's place, the payer's modifier): a
        # telehealth place of service is the wrong place.
        return Denial("5", ("M77",)) if place in TELEHEALTH_PLACES else None
    if place in TELEHEALTH_PLACES | rule.places_of_service:
        if place not in rule.places_of_service:
            return Denial("5", ("M77",))  # a telehealth place this payer does not take
        if "GT" in modifiers:
            return Denial("4")  # retired for professional claims
        audio_only = bool(modifiers & AUDIO_ONLY_MODIFIERS)
        if rule.modifier and rule.modifier not in modifiers and not audio_only:
            return Denial("4")
    elif modifiers & TELEHEALTH_MODIFIERS:
        return Denial("5", ("M77",))  # a telehealth modifier on an in-person place
    return None


def diagnosis_supports(ctx: ClaimContext, line: ReceivedLine) -> Denial | None:
    first = ctx.claim.diagnoses[line.dx_pointers[0] - 1]
    found = procedure(line.code)
    if line.code in SUBSTANCE_USE_CODES or SUBSTANCE_USE_MODIFIER in line.modifiers:
        supported = is_substance_use(first)
    elif found is not None and found.mental_health:
        supported = is_mental_health(first)
    else:
        supported = True
    return None if supported else Denial("11")


def authorization(
    ctx: ClaimContext, line: ReceivedLine
) -> Denial | tuple[AuthorizationOnFile, Decimal] | None:
    """CO-197 only from a payer that requires authorization for the code; CO-198 when the
    authorization on file has no room left for the line. Else the authorization the line
    draws on and how much (None: the code needs none)."""
    if line.code not in ctx.rules.auth_required_codes:
        return None
    number = ctx.claim.authorization_number
    mine = [a for a in ctx.records.authorizations if a.member == ctx.member]
    if number is not None:
        named = [a for a in mine if a.number == number]
        if not named:
            return Denial("197", ("N54",))  # the number on the claim is not on file
        mine = named
    covering = [a for a in mine if a.covers(line.code, line.service_date)]
    if not covering:
        # Nothing on file for the service (M62), or the one named does not cover it (N54).
        return Denial("197", ("N54",) if number is not None else ("M62",))
    for auth in covering:
        if auth.unit_type == "units":
            need = line.units
        else:  # visits and days count each date once, however many lines it has
            same_day = line.service_date in ctx.auth_days.get(auth.number, set())
            need = Decimal(0) if same_day else Decimal(1)
        if _drawn(ctx, auth) + need <= auth.approved:
            return auth, need
    return Denial("198", ("N362",))  # the authorized services are used up


def _drawn(ctx: ClaimContext, auth: AuthorizationOnFile) -> Decimal:
    earlier = ctx.ledger.authorization_used(
        ctx.terms.payer_id, ctx.member, auth.number, auth.unit_type, ctx.besides
    )
    return auth.used + earlier + ctx.drawn.get(auth.number, Decimal(0))


def visit_limit(ctx: ClaimContext, line: ReceivedLine) -> Denial | None:
    limit = ctx.rules.visit_limit_per_year
    if limit is None:
        return None
    year = line.service_date.year
    before = ctx.ledger.visit_days(ctx.terms.payer_id, ctx.member, year, ctx.besides)
    if line.service_date in before or line.service_date in ctx.new_days:
        return None  # a day already counted (another service the same day)
    paid_earlier = ctx.records.visits_paid.get(visit_key(ctx.member, year), 0)
    this_year = {day for day in ctx.new_days if day.year == year}
    if paid_earlier + len(before) + len(this_year) + 1 > limit:
        return Denial("119", ("N362",))
    return None


def records_review(ctx: ClaimContext, line: ReceivedLine) -> Denial | None:
    carc = REVIEWED.get(line.code)
    if carc is None or ctx.rng.random() >= ctx.terms.review_rate:
        return None
    return Denial(carc)
