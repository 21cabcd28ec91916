"""Build 835 remittances for claims under test (fake payer and patient; service lines as given).

A small hand-made stand-in for the payer, for tests that need exact answers (pay this, deny that
with CO-197) for named claims. The product's 835 writer is domain/x12/remit_out.py, which the
payer simulator (simulator/, app/payer_sim.py) answers claims with by payer rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


@dataclass
class RemitClaim:
    control_number: str
    charge: Decimal
    paid: Decimal
    payer_claim_number: str
    service_date: date
    status: str = "1"  # CLP02: 1 processed as primary, 4 denied, 22 reversal
    # (group, carc, amount); charge − paid must equal their sum
    adjustments: list[tuple[str, str, Decimal]] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)  # MOA remark codes
    # SVC loops as segment texts ("SVC*HC:90837*180*150**1", "CAS*CO*45*30", "REF*6R*1"); the
    # lines' adjustments count in the claim's balance with its own.
    lines: list[str] = field(default_factory=list)


def build_835(
    claims: list[RemitClaim],
    *,
    trace: str,
    paid_on: date,
    payer_name: str = "BLUE HARBOR HEALTH PLAN",
    payer_ref: str = "BHHP1",
    payer_tax_id: str = "1043210987",
    payee_npi: str = "1234567893",
    control: int = 101,
) -> str:
    total = sum((c.paid for c in claims), Decimal("0"))
    body = [
        "ST*835*0001",
        f"BPR*I*{_amount(total)}*C*CHK************{paid_on:%Y%m%d}",
        f"TRN*1*{trace}*{payer_tax_id}",
        f"DTM*405*{paid_on:%Y%m%d}",
        f"N1*PR*{payer_name}",
        "N3*100 HARBOR WAY",
        "N4*BOSTON*MA*02110",
        f"REF*2U*{payer_ref}",
        f"N1*PE*DEMO PRACTICE*XX*{payee_npi}",
        "LX*1",
    ]
    for claim in claims:
        patient_share = sum((a for g, _, a in claim.adjustments if g == "PR"), Decimal("0"))
        body.append(
            f"CLP*{claim.control_number}*{claim.status}*{_amount(claim.charge)}"
            f"*{_amount(claim.paid)}*{_amount(patient_share) if patient_share else ''}*12"
            f"*{claim.payer_claim_number}*11*1"
        )
        body += [
            f"CAS*{group}*{carc}*{_amount(amount)}" for group, carc, amount in claim.adjustments
        ]
        body.append("NM1*QC*1*SAMPLE*PAT****MI*MBR0000001")
        if claim.remarks:
            body.append("MOA***" + "*".join(claim.remarks[:5]))
        body += [f"DTM*232*{claim.service_date:%Y%m%d}", f"DTM*233*{claim.service_date:%Y%m%d}"]
        body += claim.lines
    body.append(f"SE*{len(body) + 1}*0001")
    isa = (
        f"ISA*00*{'':10}*00*{'':10}*ZZ*{'PAYER835':15}*ZZ*{'DENIALDESK':15}"
        f"*{paid_on:%y%m%d}*1200*^*00501*{control:09d}*0*T*:"
    )
    segments = [
        isa,
        f"GS*HP*PAYER835*DENIALDESK*{paid_on:%Y%m%d}*1200*{control}*X*005010X221A1",
        *body,
        f"GE*1*{control}",
        f"IEA*1*{control:09d}",
    ]
    return "~\n".join(segments) + "~\n"


def _amount(value: Decimal) -> str:
    return format(value.quantize(Decimal("0.01")).normalize(), "f")
