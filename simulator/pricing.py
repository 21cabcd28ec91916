"""Paying a line: the allowed amount from the fee schedule, the contractual write-off, the
patient's share and what the payer pays. On every line paid + adjustments = charge:

    charge = allowed + CO-45 (charge - allowed)
    allowed = paid + PR-1 (deductible) + PR-2 (coinsurance) + PR-3 (copay) + CO-253

CO-253 is the Medicare sequestration reduction (2 % of what Medicare would pay). The payer
pays the lesser of the charge and its fee, as contracts say.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from denialdesk.domain.x12.claim_in import ReceivedLine
from denialdesk.domain.x12.remit_model import Adjustment
from denialdesk.domain.x12.remit_out import LineOut
from denialdesk.simulator.book import PayerTerms
from denialdesk.simulator.ledger import Ledger

CENT, ZERO = Decimal("0.01"), Decimal(0)
SEQUESTRATION = Decimal("0.02")


@dataclass
class PatientCosts:
    """The member's cost sharing as this claim uses it up, line by line."""

    terms: PayerTerms
    ledger: Ledger
    member: str
    besides: str | None = None
    deductible_used: dict[int, Decimal] = field(default_factory=dict)  # year -> this claim
    copay_days: set[date] = field(default_factory=set)

    def deductible_left(self, year: int) -> Decimal:
        deductible = self.terms.share.deductible
        if deductible <= 0:
            return ZERO
        met = initial_deductible_met(self.member, year, deductible)
        met += self.ledger.deductible_applied(self.terms.payer_id, self.member, year, self.besides)
        met += self.deductible_used.get(year, ZERO)
        return max(ZERO, deductible - met)


def initial_deductible_met(member: str, year: int, deductible: Decimal) -> Decimal:
    """What the member had met before the simulator's first claim of the year: a share fixed
    by the member key (so the same on every run), none for a third of members, all of it for
    another third, part of it for the rest."""
    digest = hashlib.sha256(f"{member}:{year}:deductible".encode()).digest()
    share = Decimal(int.from_bytes(digest[:4], "big")) / Decimal(0xFFFFFFFF)
    if share < Decimal("0.33"):
        return ZERO
    if share > Decimal("0.67"):
        return deductible
    return money(deductible * (share - Decimal("0.33")) / Decimal("0.34"))


def price(line: ReceivedLine, costs: PatientCosts) -> LineOut:
    terms = costs.terms
    fee = terms.fees[line.code] * line.units
    allowed = min(money(fee), line.charge)
    adjustments: list[Adjustment] = []
    if line.charge > allowed:
        adjustments.append(Adjustment("CO", "45", line.charge - allowed))
    left = allowed
    year = line.service_date.year
    deductible = min(left, costs.deductible_left(year))
    left -= deductible
    costs.deductible_used[year] = costs.deductible_used.get(year, ZERO) + deductible
    coinsurance = money(left * terms.share.coinsurance)
    left -= coinsurance
    copay = ZERO
    if terms.share.copay > 0 and line.service_date not in costs.copay_days:
        copay = min(left, terms.share.copay)
        costs.copay_days.add(line.service_date)
        left -= copay
    sequestration = money(left * SEQUESTRATION) if terms.plan_type == "medicare_b" else ZERO
    left -= sequestration
    if sequestration:
        adjustments.append(Adjustment("CO", "253", sequestration))
    for carc, amount in (("1", deductible), ("2", coinsurance), ("3", copay)):
        if amount:
            adjustments.append(Adjustment("PR", carc, amount))
    return LineOut(
        code=line.code,
        charge=line.charge,
        paid=left,
        service_date=line.service_date,
        units=line.units,
        modifiers=line.modifiers,
        adjustments=tuple(adjustments),
        control=line.answer_control,
        allowed=allowed,
    )


def denied(line: ReceivedLine, carc: str, remarks: tuple[str, ...], group: str = "CO") -> LineOut:
    return LineOut(
        code=line.code,
        charge=line.charge,
        paid=ZERO,
        service_date=line.service_date,
        units=line.units,
        modifiers=line.modifiers,
        adjustments=(Adjustment(group, carc, line.charge),),
        remarks=remarks,
        control=line.answer_control,
    )


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)
