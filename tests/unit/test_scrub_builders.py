"""Builders for claims in the scrubber, deadline and 837P tests, and the checks that the
claims they build by default are clean — so every other test's finding comes from the one
thing it changed."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

from denialdesk.domain.claim import (
    Address,
    Authorization,
    Claim,
    ClaimInput,
    Coverage,
    Payer,
    PayerRules,
    Person,
    Practice,
    Provider,
    ServiceLine,
)
from denialdesk.domain.npi import npi_with_check_digit
from denialdesk.domain.scrubber import Finding, scrub

TODAY = date(2024, 3, 1)
DOS = date(2024, 2, 20)
PRACTICE_NPI = npi_with_check_digit("123456789")
THERAPIST_NPI = npi_with_check_digit("198765432")
PSYCHIATRIST_NPI = npi_with_check_digit("154321098")


def practice(**changes) -> Practice:
    base = Practice(
        name="Riverside Behavioral Health",
        npi=PRACTICE_NPI,
        tax_id="12-3456789",
        address=Address("100 Main St", "Springfield", "IL", "627011234", line2="Suite 200"),
        taxonomy="261QM0801X",
        phone="(555) 555-0100",
    )
    return dataclasses.replace(base, **changes)


def payer(rules: dict | None = None, **changes) -> Payer:
    base = Payer(
        name="Acme Health",
        payer_id="ACME1",
        plan_type="commercial",
        filing_indicator="CI",
        rules=PayerRules.from_json(rules),
    )
    return dataclasses.replace(base, **changes)


def therapist(**changes) -> Provider:
    base = Provider(THERAPIST_NPI, "Dana", "Reyes", "LCSW", "1041C0700X")
    return dataclasses.replace(base, **changes)


def psychiatrist(**changes) -> Provider:
    base = Provider(PSYCHIATRIST_NPI, "Sam", "Okafor", "MD", "2084P0800X")
    return dataclasses.replace(base, **changes)


def patient(**changes) -> Person:
    base = Person(
        "Jane",
        "Doe",
        date(1985, 6, 15),
        "F",
        Address("1 Elm St", "Springfield", "IL", "62701"),
    )
    return dataclasses.replace(base, **changes)


def coverage(**changes) -> Coverage:
    base = Coverage(member_id="MEM123456", group_number="GRP77", effective_from=date(2023, 1, 1))
    return dataclasses.replace(base, **changes)


def authorization(**changes) -> Authorization:
    base = Authorization(
        number="AUTH-4411",
        start=date(2024, 1, 1),
        end=date(2024, 6, 30),
        approved=12,
        codes=frozenset({"90834", "90837"}),
        used=3,
        scheduled=2,
    )
    return dataclasses.replace(base, **changes)


def line(code: str = "90834", minutes: int | None = 45, **changes) -> ServiceLine:
    base = ServiceLine(
        service_date=DOS,
        code=code,
        charge=Decimal("150.00"),
        place_of_service="11",
        dx_pointers=(1,),
        minutes=minutes,
    )
    return dataclasses.replace(base, **changes)


def claim_input(
    *lines: ServiceLine,
    diagnoses: tuple[str, ...] = ("F32.9",),
    frequency: str = "1",
    payer_claim_number: str | None = None,
    control_number: str = "DD0000001",
    **changes,
) -> ClaimInput:
    claim = Claim(
        control_number=control_number,
        diagnoses=diagnoses,
        lines=lines or (line(),),
        frequency=frequency,
        payer_claim_number=payer_claim_number,
    )
    base = ClaimInput(
        practice=practice(),
        payer=payer(),
        provider=therapist(),
        patient=patient(),
        coverage=coverage(),
        claim=claim,
    )
    return dataclasses.replace(base, **changes)


def run(ci: ClaimInput, **kwargs) -> list[Finding]:
    kwargs.setdefault("today", TODAY)
    return scrub(ci, **kwargs)


def codes(findings: list[Finding]) -> list[str]:
    return [finding.code for finding in findings]


def test_a_plain_psychotherapy_claim_is_clean():
    assert run(claim_input()) == []


def test_a_psychiatry_visit_with_add_on_and_dual_diagnosis_is_clean():
    ci = claim_input(
        line("99214", minutes=None, charge=Decimal("180.00"), dx_pointers=(1, 2)),
        line("90833", minutes=25, charge=Decimal("90.00"), dx_pointers=(1,)),
        line("90785", minutes=None, charge=Decimal("20.00"), dx_pointers=(1,)),
        line("H0004", minutes=60, units=Decimal(4), dx_pointers=(2, 1), modifiers=("HF",)),
        diagnoses=("F33.1", "F10.20"),
        provider=psychiatrist(),
    )
    assert run(ci) == []


def test_a_telehealth_claim_with_authorization_is_clean():
    rules = {"auth_required_codes": ["90837"], "telehealth": {"modifier": "95"}}
    ci = claim_input(
        line("90837", minutes=55, place_of_service="10", modifiers=("95",)),
        payer=payer(rules),
        authorization=authorization(),
    )
    assert run(ci) == []


def test_scrubbing_never_changes_the_claim():
    ci = claim_input(line("90832", minutes=50, modifiers=("GT",)), diagnoses=("F32",))
    before = dataclasses.replace(ci)
    findings = run(ci)
    assert findings  # the claim is wrong in several ways…
    assert ci == before  # …and is left exactly as it was


def test_findings_come_claim_level_first_then_by_line():
    ci = claim_input(
        line("90837", minutes=20),
        line("90834", minutes=10),
        diagnoses=("F32",),
    )
    lines = [finding.line for finding in run(ci)]
    assert lines[0] is None
    assert lines == sorted(lines, key=lambda n: -1 if n is None else n)
