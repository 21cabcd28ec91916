"""What the demo practices bill and what their payers pay: charge masters, fee schedules,
patient shares, pay days, diagnoses and who works the denials. Invented, with the shape of real
behavioral-health billing (app/demo_data.py holds the practices, payers and clinicians).
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

D = Decimal

# Each practice's charge master: what it bills per service (per unit for H0004).
CHARGES: dict[str, dict[str, Decimal]] = {
    "calm-psych": {
        "90791": D("250.00"), "90792": D("325.00"), "90832": D("110.00"), "90834": D("160.00"),
        "90837": D("210.00"), "90833": D("95.00"), "90836": D("130.00"), "90847": D("165.00"),
        "90853": D("70.00"), "90785": D("25.00"), "99213": D("150.00"), "99214": D("210.00"),
        "99215": D("290.00"), "96130": D("260.00"), "96131": D("210.00"), "96136": D("90.00"),
        "96137": D("80.00"),
    },
    "harbor-recovery": {
        "H0001": D("185.00"), "H0004": D("32.00"), "H0005": D("65.00"), "H0015": D("240.00"),
        "90791": D("230.00"), "90792": D("300.00"), "90834": D("150.00"), "90837": D("195.00"),
        "90853": D("65.00"), "99213": D("140.00"), "99214": D("195.00"),
    },
}  # fmt: skip


class PlanTerms(NamedTuple):
    """How a payer prices a claim: its fee schedule as a share of the charge, and what the
    patient pays (a copay on the first paid line, coinsurance on the rest, a yearly
    deductible for the share of patients whose plan has one)."""

    fee_share: Decimal
    copay: Decimal = D("0.00")
    coinsurance: Decimal = D("0.00")
    deductible: Decimal = D("0.00")
    deductible_share: float = 0.0  # patients whose plan has the deductible
    sequestration: Decimal = D("0.00")  # Medicare's 2 % payment reduction (CO-253)


TERMS: dict[str, PlanTerms] = {
    "medicare": PlanTerms(D("0.52"), coinsurance=D("0.20"), deductible=D("257.00"),
                          deductible_share=1.0, sequestration=D("0.02")),
    "medicaid": PlanTerms(D("0.45")),
    "evergreen": PlanTerms(D("0.72"), copay=D("30.00"), deductible=D("500.00"),
                           deductible_share=0.4),
    "crestline": PlanTerms(D("0.68"), coinsurance=D("0.20"), deductible=D("750.00"),
                           deductible_share=0.3),
    "northstar": PlanTerms(D("0.75"), copay=D("25.00")),
}  # fmt: skip

# The weekdays (0 = Monday) each payer sends its payment run; Medicare pays every weekday.
PAY_DAYS: dict[str, tuple[int, ...]] = {
    "medicare": (0, 1, 2, 3, 4),
    "medicaid": (4,),
    "evergreen": (1, 3),
    "crestline": (2,),
    "northstar": (0, 3),
}
# Days from receipt to the payment run: (fewest, most); the payer's processing_days bounds it.
ADJUDICATION_DAYS: dict[str, tuple[int, int]] = {
    "medicare": (14, 17),
    "medicaid": (12, 26),
    "evergreen": (9, 18),
    "crestline": (12, 26),
    "northstar": (10, 24),
}
# Days an appeal waits for the payer's decision (received to decision's payment run).
APPEAL_DAYS: tuple[int, int] = (24, 45)
# Payers that pay by check: the trace number is the check number (BPR04 CHK).
CHECK_PAYERS = frozenset({"medicaid"})
# ACH originator routing prefix of each payer (TRN02 is this and a 7-digit sequence).
ROUTING: dict[str, str] = {
    "medicare": "02100002",
    "medicaid": "03100005",
    "evergreen": "12400007",
    "crestline": "03160005",
    "northstar": "06400007",
}

# Diagnoses (ICD-10-CM, billable, chapter F): principal pools and the secondary pool.
DIAGNOSES: dict[str, tuple[str, ...]] = {
    "adult": ("F33.1", "F32.1", "F41.1", "F43.10", "F43.12", "F31.81", "F90.2", "F60.3",
              "F42.2", "F41.0", "F33.2"),
    "child": ("F90.2", "F90.0", "F41.1", "F43.23", "F91.3", "F93.0", "F32.1"),
    "substance_use": ("F10.20", "F11.20", "F12.20", "F14.20", "F15.20", "F10.21", "F11.21"),
    "secondary": ("F32.1", "F41.1", "F43.10", "F33.1", "F41.0"),
}  # fmt: skip
OPIOID_OR_ALCOHOL = ("F10.", "F11.")  # medication-assisted treatment with a prescriber

# Who works a practice's denials: (username, share of the tasks).
WORKERS: dict[str, tuple[tuple[str, float], ...]] = {
    "calm-psych": (("spec", 0.45), ("spec2", 0.35), ("super", 0.2)),
    "harbor-recovery": (("spec", 0.75), ("super", 0.25)),
}
SUPERVISOR = "super"  # approves write-offs above the practice's threshold
INTEGRATION = "integration"  # the practice system that sends claims and fetches 835s

# Enclosures an appeal carries, by denial category.
ENCLOSURES: dict[str, tuple[str, ...]] = {
    "timely_filing": ("proof of timely filing: 837P acceptance report",),
    "medical_necessity": ("progress notes", "treatment plan"),
    "benefit_limit": ("treatment plan", "mental health parity request"),
    "authorization": ("authorization history", "progress notes"),
    "credentialing": ("network adequacy letter",),
    "missing_info": ("requested records",),
}
NO_LETTER_REASON = "the payer's own appeal form, filled in on its portal"
