"""What a payer's 835 says about a claim: paid lines priced by its fee schedule (CO-45 for the
rest of the charge, the patient's deductible, coinsurance or copay as PR-1/2/3, Medicare's
sequestration as CO-253) and denied lines (the whole charge under the denial's group and CARC).

Every line balances (paid + adjustments = charge), and so does every claim payment; CLP05 is
the sum of the PR adjustments.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Sequence
from decimal import ROUND_HALF_UP, Decimal

from denialdesk.app.demo_history.model import Line, Visit
from denialdesk.app.demo_history.scenarios import Scenario
from denialdesk.app.demo_history.tables import TERMS
from denialdesk.domain.x12.remit_model import Adjustment, ClaimPayment, ServiceLine

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
PROCESSED_PRIMARY, DENIED = "1", "4"  # CLP02
ICN_PREFIX = {"medicare": "", "medicaid": "", "evergreen": "EG", "crestline": "", "northstar": "N"}


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


class Payer:
    """Prices claims for one practice's payers, keeping each patient's deductible per year."""

    def __init__(self, rng: random.Random, filing: dict[str, str]) -> None:
        self.rng = rng
        self.filing = filing  # plan key -> CLP06 filing indicator
        self.has_deductible: dict[tuple[int, str], bool] = {}
        self.deductible_left: dict[tuple[int, str, int], Decimal] = {}

    def pay(self, visit: Visit, lines: Sequence[Line]) -> ClaimPayment:
        """The lines paid as the plan's terms say."""
        copay_due = TERMS[visit.plan].copay
        paid_lines = []
        for line in lines:
            paid, copay_due = self._priced(visit, line, copay_due)
            paid_lines.append(paid)
        return self._claim(visit, paid_lines, PROCESSED_PRIMARY, ())

    def deny(
        self, visit: Visit, lines: Sequence[Line], scenario: Scenario, denied: Collection[int]
    ) -> ClaimPayment:
        """Lines whose index is in `denied` denied under the scenario, the others paid."""
        copay_due = TERMS[visit.plan].copay
        result = []
        for index, line in enumerate(lines):
            if index in denied:
                reason = Adjustment(scenario.group, scenario.carc, line.charge)
                result.append(_service(line, ZERO, (reason,), scenario.line_remarks))
            else:
                paid, copay_due = self._priced(visit, line, copay_due)
                result.append(paid)
        status = DENIED if len(denied) == len(lines) else PROCESSED_PRIMARY
        return self._claim(visit, result, status, scenario.remarks)

    def _priced(self, visit: Visit, line: Line, copay_due: Decimal) -> tuple[ServiceLine, Decimal]:
        terms = TERMS[visit.plan]
        allowed = min(cents(line.charge * terms.fee_share), line.charge)
        adjustments = []
        if line.charge > allowed:
            adjustments.append(Adjustment("CO", "45", line.charge - allowed))
        owed = allowed
        deductible = self._deductible(visit, line, allowed)
        if deductible:
            adjustments.append(Adjustment("PR", "1", deductible))
            owed -= deductible
        if owed and copay_due:
            copay = min(copay_due, owed)
            adjustments.append(Adjustment("PR", "3", copay))
            owed -= copay
            copay_due -= copay
        elif owed and terms.coinsurance:
            coinsurance = cents(owed * terms.coinsurance)
            adjustments.append(Adjustment("PR", "2", coinsurance))
            owed -= coinsurance
        if owed and terms.sequestration:
            reduction = cents(owed * terms.sequestration)
            adjustments.append(Adjustment("CO", "253", reduction))
            owed -= reduction
        return _service(line, owed, tuple(adjustments), ()), copay_due

    def _deductible(self, visit: Visit, line: Line, allowed: Decimal) -> Decimal:
        terms = TERMS[visit.plan]
        plan_key = (visit.patient.id, visit.plan)
        if plan_key not in self.has_deductible:
            self.has_deductible[plan_key] = self.rng.random() < terms.deductible_share
        if not self.has_deductible[plan_key]:
            return ZERO
        year_key = (visit.patient.id, visit.plan, line.service_date.year)
        left = self.deductible_left.setdefault(year_key, terms.deductible)
        taken = min(left, allowed)
        self.deductible_left[year_key] = left - taken
        return taken

    def _claim(
        self, visit: Visit, lines: list[ServiceLine], status: str, remarks: tuple[str, ...]
    ) -> ClaimPayment:
        patient_share = sum(
            (a.amount for line in lines for a in line.adjustments if a.group == "PR"), ZERO
        )
        dates = [line.service_from for line in lines]
        return ClaimPayment(
            control_number="",  # the claim's CLM01, known once it is numbered
            status_code=status,
            charge=sum((line.charge for line in lines), ZERO),
            paid=sum((line.paid for line in lines), ZERO),
            patient_responsibility=patient_share if patient_share else None,
            filing_indicator=self.filing[visit.plan],
            payer_claim_number=self._icn(visit.plan),
            statement_from=min(dates),
            statement_to=max(dates),
            remarks=remarks,
            lines=tuple(lines),
        )

    def _icn(self, plan: str) -> str:
        """The payer's claim number (CLP07), in each payer's own style."""
        digits = "".join(self.rng.choices("0123456789", k=13 if plan == "medicare" else 11))
        return ICN_PREFIX.get(plan, "") + digits


def _service(
    line: Line, paid: Decimal, adjustments: tuple[Adjustment, ...], remarks: tuple[str, ...]
) -> ServiceLine:
    return ServiceLine(
        qualifier="HC",
        code=line.code,
        modifiers=line.modifiers,
        charge=line.charge,
        paid=paid,
        units=line.units,
        service_from=line.service_date,
        service_to=None,
        adjustments=adjustments,
        remarks=remarks,
    )
