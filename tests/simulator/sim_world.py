"""A payer book and claims for the simulator tests.

Claims go the real way: a domain ClaimInput, written by write_837p, read back by read_837p, so
every test adjudicates exactly what the product would send. The payers mirror the demo's kinds:
a commercial plan that authorizes 90837 and takes telehealth at place 02, Medicare Part B,
a Medicaid plan with a visit limit, a self-funded employer plan and a Medicare Advantage plan.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from decimal import Decimal
from random import Random

from denialdesk.domain.claim import (
    Address,
    Authorization,
    Claim,
    ClaimInput,
    Coverage,
    Payer,
    Person,
    Practice,
    Provider,
    ServiceLine,
)
from denialdesk.domain.npi import npi_with_check_digit
from denialdesk.domain.x12.claim_in import ReceivedClaim, read_837p
from denialdesk.domain.x12.claim_out import Envelope, Transaction, write_837p
from denialdesk.simulator import (
    Adjudication,
    Ledger,
    PatientShare,
    PayerBook,
    PayerTerms,
    adjudicate,
)

DOS = date(2026, 3, 2)
RECEIVED = date(2026, 3, 4)
PRACTICE_NPI = npi_with_check_digit("164938201")
THERAPIST_NPI = npi_with_check_digit("198765432")
MEMBER = "MEM000123"

TELE_02 = {"places_of_service": ["02"], "modifier": "95"}
PAYERS: dict[str, dict] = {
    "COMM1": {
        "plan_type": "commercial",
        "filing": "CI",
        "timely_filing_days": 90,
        "rules": {"auth_required_codes": ["90837", "H0015"], "telehealth": TELE_02},
    },
    "MCARE": {"plan_type": "medicare_b", "filing": "MB", "rules": {"auth_required_codes": []}},
    "MCAID": {
        "plan_type": "medicaid_mco",
        "filing": "MC",
        "timely_filing_days": 95,
        "rules": {"auth_required_codes": ["90837"], "visit_limit_per_year": 24},
    },
    "ERISA": {"plan_type": "erisa", "filing": "CI", "rules": {}},
    "MADV": {"plan_type": "medicare_advantage", "filing": "16", "rules": {}},
}


def book(**term_changes) -> PayerBook:
    found = PayerBook(salt="test-salt")
    for number, (payer_id, spec) in enumerate(PAYERS.items(), start=1):
        terms = PayerTerms(
            payer_id=payer_id,
            name=f"{payer_id} Health Plan",
            plan_type=spec["plan_type"],
            remittance_ids=[f"1{number:09d}", payer_id],
            rules=spec["rules"],
            timely_filing_days=spec.get("timely_filing_days", 365),
            share=PatientShare.for_plan(spec["plan_type"]),
            review_rate=0.0,
        )
        found.add(dataclasses.replace(terms, **term_changes))
    return found


def line(code: str = "90834", **changes) -> ServiceLine:
    values = {
        "service_date": DOS,
        "code": code,
        "charge": Decimal("150.00"),
        "place_of_service": "11",
        "dx_pointers": (1,),
    }
    return ServiceLine(**(values | changes))


def claim_input(
    *lines: ServiceLine,
    payer: str = "COMM1",
    diagnoses: tuple[str, ...] = ("F32.9",),
    member: str = MEMBER,
    control: str = "DD0000001",
    frequency: str = "1",
    payer_claim_number: str | None = None,
    authorization: str | None = None,
    responsibility: str = "primary",
) -> ClaimInput:
    address = Address("1520 Locust Street", "Philadelphia", "PA", "191021234")
    spec = PAYERS.get(payer, {"plan_type": "commercial", "filing": "CI"})
    auth = None
    if authorization is not None:
        auth = Authorization(authorization, date(2026, 1, 1), date(2026, 12, 31), 10)
    return ClaimInput(
        practice=Practice("Calm Waters", PRACTICE_NPI, "232874519", address, "2084P0800X"),
        payer=Payer(f"{payer} Health Plan", payer, spec["plan_type"], spec["filing"]),
        provider=Provider(THERAPIST_NPI, "Dana", "Reyes", "LCSW", "1041C0700X"),
        patient=Person("Jane", "Doe", date(1985, 6, 15), "F", address),
        coverage=Coverage(member_id=member, order=responsibility),
        claim=Claim(
            control_number=control,
            diagnoses=diagnoses,
            lines=lines or (line(),),
            frequency=frequency,
            payer_claim_number=payer_claim_number,
        ),
        authorization=auth,
    )


def interchange(*inputs: ClaimInput, control: int = 17, created: date = RECEIVED) -> str:
    envelope = Envelope(
        sender_id="DENIALDESK",
        receiver_id="CLEARINGHOUSE",
        submitter_name="Denialdesk Billing",
        receiver_name="Clearinghouse",
        contact_name="Billing Office",
        contact_phone="5555550100",
        interchange_control=control,
        group_control=control,
        production=False,
    )
    now = datetime(created.year, created.month, created.day, 9, 30)
    return write_837p([Transaction("0001", tuple(inputs))], envelope=envelope, now=now)


def received(*lines: ServiceLine, **changes) -> ReceivedClaim:
    (claim,) = read_837p(interchange(claim_input(*lines, **changes))).claims
    return claim


def run(
    claim: ReceivedClaim,
    payer_book: PayerBook,
    ledger: Ledger | None = None,
    *,
    received_on: date = RECEIVED,
    seed: int = 1,
) -> Adjudication:
    """Adjudicate and record, as the runner does."""
    ledger = ledger if ledger is not None else Ledger(instance="T")
    done = adjudicate(claim, payer_book, received_on=received_on, rng=Random(seed), ledger=ledger)
    ledger.record(done.entry)
    return done


def carcs(done: Adjudication) -> list[tuple[str, str]]:
    decision = done.payments[-1]
    found = [(a.group, a.carc) for a in decision.adjustments]
    return found + [(a.group, a.carc) for ln in decision.lines for a in ln.adjustments]


def remarks(done: Adjudication) -> list[str]:
    decision = done.payments[-1]
    return list(decision.remarks) + [r for ln in decision.lines for r in ln.remarks]
