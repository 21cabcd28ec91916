"""What a claim payment means: result, denial category, recommended action, appealability.

Rules (the CARC/RARC tables they read are domain/data/*.csv):
- result: `reversal` if CLP02 = 22 (never otherwise decided from CLP02); `denied` if nothing was
  paid and at least one denial adjustment exists at claim or line level; `partially_paid` if
  something was paid and such an adjustment exists; else `paid` - PR-1/2/3, CO-45, OA-23,
  CO-253 and the other `not_denial` codes deny nothing, even when all the money went to the
  deductible.
- category: that of the denial adjustment with the largest amount, claim and line level
  together; equal amounts break ties in CATEGORY_PRECEDENCE order.
- CO-16 and the other missing-information codes take the category of the first remark code
  (the line's LQ first, then the claim's MOA/MIA) whose hint is a category, else `missing_info`.
- MA130 anywhere on the claim: no appeal rights, action `new_claim`; it never sets the category.
- group PR with a denial code (PR-96, PR-204): action `bill_patient`, not an appeal.
- Medicare Part B CO-29 (filed too late): no redetermination right (a claim denied as untimely
  is not an initial determination); action `timely_proof_or_exception`: proof of timely filing
  through a reopening, or an exception request (an administrative error, retroactive
  entitlement). Other plans take an appeal with the proof.
Deadlines are computed elsewhere (domain/deadlines.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from denialdesk.domain.carc import CATEGORY_PRECEDENCE, carc, is_category_hint, rarc
from denialdesk.domain.deadlines import TIMELY_PROOF_OR_EXCEPTION
from denialdesk.domain.x12.remit_model import Adjustment, ClaimPayment

MISSING_INFO = "missing_info"
NO_APPEAL_REMARK = "MA130"
NEW_CLAIM = "new_claim"
BILL_PATIENT = "bill_patient"
NO_ACTION = "none"
UNTIMELY = "29"  # CARC: the time limit for filing has expired
ZERO = Decimal(0)
PREDETERMINATION = "25"  # CLP02: predetermination pricing only, no payment
PENDING_REVIEW = "133"  # CARC: the disposition of the claim or line is pending further review
_RANK = {category: rank for rank, category in enumerate(CATEGORY_PRECEDENCE)}


class Result(StrEnum):
    PAID = "paid"
    PARTIALLY_PAID = "partially_paid"
    DENIED = "denied"
    REVERSAL = "reversal"
    # The payer has not decided: CLP02 25 (predetermination pricing only) or CARC 133 (the
    # disposition is pending further review). Informational: no result, no task.
    PENDING = "pending"


@dataclass(frozen=True, slots=True)
class AdjustmentAnalysis:
    """One CAS reason as a person sees it. `line` is the 0-based service line, None at claim
    level; `remarks` are the RARCs that apply to it (its line's LQ, then the claim's)."""

    group: str
    carc: str
    amount: Decimal
    line: int | None
    description: str
    denial: bool
    category: str | None
    action: str
    appealable: bool
    remarks: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DenialAnalysis:
    result: Result
    category: str | None  # None when nothing was denied
    action: str
    appealable: bool
    denied_amount: Decimal
    adjustments: tuple[AdjustmentAnalysis, ...]

    @property
    def denials(self) -> tuple[AdjustmentAnalysis, ...]:
        return tuple(a for a in self.adjustments if a.denial)

    @property
    def amount_at_stake(self) -> Decimal:
        """What the practice can win back: CO/OA/PI denials; PR amounts are the patient's."""
        return sum((a.amount for a in self.denials if a.group != "PR"), ZERO)


def analyse_claim(claim: ClaimPayment, *, plan_type: str | None = None) -> DenialAnalysis:
    """`plan_type` is the payer's (codes.plans.PLAN_TYPES); without it no plan's own rule
    applies."""
    medicare = plan_type == "medicare_b"
    line_remarks = tuple(code for line in claim.lines for code in line.remarks)
    no_appeal = NO_APPEAL_REMARK in claim.remarks or NO_APPEAL_REMARK in line_remarks
    # A claim-level adjustment has no line of its own: every line's remarks come first.
    analysed = [
        _analyse(adj, None, line_remarks + claim.remarks, no_appeal, medicare)
        for adj in claim.adjustments
    ]
    for index, line in enumerate(claim.lines):
        scope = line.remarks + claim.remarks
        analysed.extend(
            _analyse(adj, index, scope, no_appeal, medicare) for adj in line.adjustments
        )
    denials = [a for a in analysed if a.denial]
    denied_amount = sum((a.amount for a in denials), ZERO)
    # A patient-responsibility denial (PR-96 and the like) is billed to the patient: when
    # larger, it must not hide a provider-liability denial (CO/OA/PI) on another line.
    provider = [a for a in denials if a.group != "PR"]

    if claim.is_reversal:
        return DenialAnalysis(Result.REVERSAL, None, NO_ACTION, False, ZERO, tuple(analysed))
    if claim.status_code == PREDETERMINATION or any(a.carc == PENDING_REVIEW for a in analysed):
        return DenialAnalysis(Result.PENDING, None, NO_ACTION, False, ZERO, tuple(analysed))
    if not denials:
        return DenialAnalysis(Result.PAID, None, NO_ACTION, False, ZERO, tuple(analysed))
    # CLP04 < 0 outside a reversal is a take-back: with a denial adjustment it is a denial too.
    result = Result.PARTIALLY_PAID if claim.paid > 0 else Result.DENIED
    deciding = min(provider or denials, key=lambda a: (-a.amount, _RANK[a.category or "other"]))
    return DenialAnalysis(
        result,
        deciding.category,
        deciding.action,
        deciding.appealable,
        denied_amount,
        tuple(analysed),
    )


def _analyse(
    adj: Adjustment, line: int | None, remarks: tuple[str, ...], no_appeal: bool, medicare: bool
) -> AdjustmentAnalysis:
    info = carc(adj.carc)
    # A zero or negative amount (corrections, reversals) takes no money away: not a denial.
    denial = info.is_denial and adj.amount > 0
    if not denial:
        return AdjustmentAnalysis(
            adj.group, info.code, adj.amount, line, info.description,
            False, None, info.action, False, remarks,
        )  # fmt: skip
    category = info.category
    if category == MISSING_INFO:
        category = _category_from_remarks(remarks)
    if no_appeal:
        action, appealable = NEW_CLAIM, False
    elif adj.group == "PR":
        action, appealable = BILL_PATIENT, False
    elif medicare and info.code == UNTIMELY:
        action, appealable = TIMELY_PROOF_OR_EXCEPTION, False
    else:
        action, appealable = info.action, True
    return AdjustmentAnalysis(
        adj.group, info.code, adj.amount, line, info.description,
        True, category, action, appealable, remarks,
    )  # fmt: skip


def _category_from_remarks(remarks: tuple[str, ...]) -> str:
    for code in remarks:
        hint = rarc(code).hint
        if is_category_hint(hint):
            return hint
    return MISSING_INFO


def payment_findings(claim: ClaimPayment) -> list[str]:
    """What does not add up in a claim payment though the file balances: CLP05 (the patient
    responsibility) against the PR adjustments of the claim and its lines."""
    found = []
    pr = sum(
        (a.amount for a in (*claim.adjustments, *(x for ln in claim.lines for x in ln.adjustments))
         if a.group == "PR"),
        ZERO,
    )  # fmt: skip
    stated = claim.patient_responsibility
    if stated is not None and stated != pr and not claim.is_reversal:
        found.append(
            f"CLP05 patient responsibility {stated:.2f} is not the PR adjustments {pr:.2f}"
        )
    return found
