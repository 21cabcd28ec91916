"""Fee schedules and patient cost sharing by plan type: what a payer allows per unit of a code.

The Medicare figures are close to the national non-facility Physician Fee Schedule amounts of
recent years; Medicaid pays less and commercial plans more, as they do. The HCPCS H codes are
state Medicaid (and commercial behavioral-health) codes that Medicare does not pay: they have no
Medicare fee, so Medicare answers them as not covered. Amounts are per billed unit (per 15
minutes for H0004, per day for H0015), so the allowed amount is the fee times the units.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from denialdesk.domain.codes.em import EM_CODES
from denialdesk.domain.codes.procedures import PROCEDURES

CENT = Decimal("0.01")

# Medicare allowed amounts (non-facility), per unit.
MEDICARE: dict[str, str] = {
    "90785": "14.50", "90791": "174.00", "90792": "196.00",
    "90832": "77.00", "90833": "70.00", "90834": "102.00", "90836": "89.00",
    "90837": "151.00", "90838": "118.00", "90839": "160.00", "90840": "76.00",
    "90846": "99.00", "90847": "104.00", "90849": "36.00", "90853": "27.00",
    "90863": "25.00", "90870": "136.00",
    "96127": "4.50", "96130": "124.00", "96131": "94.00", "96136": "49.00", "96137": "45.00",
    "G0410": "60.00",
    # Office and outpatient E/M
    "99202": "72.00", "99203": "112.00", "99204": "167.00", "99205": "220.00",
    "99211": "24.00", "99212": "57.00", "99213": "91.00", "99214": "128.00", "99215": "180.00",
}  # fmt: skip
# Any other E/M visit (hospital, nursing facility, home, consults): a level by its last digit.
_EM_BY_LEVEL = {"1": "80.00", "2": "110.00", "3": "150.00", "4": "190.00", "5": "230.00"}
_EM_OTHER = "100.00"

# State Medicaid behavioral-health HCPCS rates, per unit (the base for the other levels).
HCPCS: dict[str, str] = {
    "H0001": "105.00", "H0004": "22.00", "H0005": "35.00", "H0015": "150.00",
    "H0020": "15.00", "H0031": "85.00", "H0032": "75.00", "H0035": "200.00",
    "H0038": "15.00", "H2011": "28.00", "H2019": "20.00", "H2036": "180.00",
}  # fmt: skip

# Level of each plan type against Medicare (CPT) and against the Medicaid HCPCS rates.
LEVELS: dict[str, tuple[Decimal, Decimal | None]] = {
    "medicare_b": (Decimal("1.00"), None),  # no H codes
    "medicare_advantage": (Decimal("1.00"), Decimal("1.00")),
    "medicaid_ffs": (Decimal("0.72"), Decimal("1.00")),
    "medicaid_mco": (Decimal("0.78"), Decimal("1.05")),
    "commercial": (Decimal("1.18"), Decimal("1.25")),
    "erisa": (Decimal("1.22"), Decimal("1.25")),
}

# (deductible a year, coinsurance share, copay per visit day) by plan type. Medicaid members
# pay nothing; Part B has its annual deductible and 20 %; Medicare Advantage and commercial HMO
# style plans charge a copay; self-funded employer plans are high-deductible plans.
PATIENT_SHARE: dict[str, tuple[str, str, str]] = {
    "medicare_b": ("257.00", "0.20", "0"),
    "medicare_advantage": ("0", "0", "20.00"),
    "medicaid_ffs": ("0", "0", "0"),
    "medicaid_mco": ("0", "0", "0"),
    "commercial": ("0", "0", "30.00"),
    "erisa": ("1500.00", "0.20", "0"),
}


def fee_schedule(plan_type: str) -> dict[str, Decimal]:
    """Allowed amount per unit of every code the plan pays, at the plan type's level."""
    cpt_level, hcpcs_level = LEVELS.get(plan_type, LEVELS["commercial"])
    fees = {code: _money(Decimal(amount) * cpt_level) for code, amount in _medicare().items()}
    if hcpcs_level is not None:
        fees |= {code: _money(Decimal(amount) * hcpcs_level) for code, amount in HCPCS.items()}
    return fees


def _medicare() -> dict[str, str]:
    fees = dict(MEDICARE)
    for code in sorted(EM_CODES - fees.keys()):
        fees[code] = _EM_BY_LEVEL.get(code[-1], _EM_OTHER)
    # Every other CPT code the product knows (H codes excepted: not Medicare's).
    for code in PROCEDURES:
        if code not in fees and code not in HCPCS and not code.startswith("H"):
            fees[code] = _EM_OTHER
    return fees


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)
