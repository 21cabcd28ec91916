"""A stored claim version read back as domain.claim.ClaimInput, for the scrubber and the 837P.

Rows map one to one onto the frozen domain values; nothing is defaulted silently except what
the domain itself defaults (a payer without its own appeal levels uses its plan type's).
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from denialdesk.domain import claim as domain
from denialdesk.store.models import (
    Authorization,
    Claim,
    ClaimDiagnosis,
    ClaimVersion,
    Coverage,
    Patient,
    Payer,
    Practice,
    Provider,
    ServiceLine,
)


def claim_input(session: Session, *, claim_id: int, version: int) -> domain.ClaimInput:
    claim = _get(session, Claim, claim_id)
    row = version_row(session, claim_id, version)
    coverage = _get(session, Coverage, claim.coverage_id)
    providers: dict[int, domain.Provider] = {}

    def provider(provider_id: int) -> domain.Provider:
        if provider_id not in providers:
            providers[provider_id] = to_provider(_get(session, Provider, provider_id))
        return providers[provider_id]

    lines = tuple(
        domain.ServiceLine(
            service_date=line.service_date,
            code=line.code,
            charge=line.charge,
            place_of_service=line.place_of_service,
            dx_pointers=tuple(line.dx_pointers),
            modifiers=tuple(line.modifiers),
            units=line.units,
            minutes=line.minutes,
            rendering=provider(line.rendering_provider_id) if line.rendering_provider_id else None,
        )
        for line in line_rows(session, row.id)
    )
    attached = session.get(Authorization, row.authorization_id) if row.authorization_id else None
    return domain.ClaimInput(
        practice=to_practice(_get(session, Practice, claim.practice_id)),
        payer=to_payer(_get(session, Payer, claim.payer_id)),
        provider=provider(claim.provider_id),
        patient=to_person(_get(session, Patient, claim.patient_id)),
        coverage=to_coverage(coverage),
        claim=domain.Claim(
            control_number=claim.control_number,
            diagnoses=tuple(d.code for d in diagnosis_rows(session, row.id)),
            lines=lines,
            frequency=row.frequency,
            payer_claim_number=row.payer_claim_number or claim.payer_claim_number,
        ),
        authorization=to_authorization(attached) if attached is not None else None,
    )


def authorizations_on_file(session: Session, claim: Claim) -> list[domain.Authorization]:
    """The patient's authorizations with the claim's payer (any of their coverages with it),
    so the scrubber can point at one worth attaching."""
    query = (
        select(Authorization)
        .join(Coverage, Coverage.id == Authorization.coverage_id)
        .where(Coverage.patient_id == claim.patient_id, Coverage.payer_id == claim.payer_id)
        .where(Authorization.practice_id == claim.practice_id)
        .order_by(Authorization.start_date, Authorization.id)
    )
    return [to_authorization(row) for row in session.exec(query)]


def visits_in_year(session: Session, claim: Claim, year: int) -> int:
    """Distinct days of service this year on the patient's other claims with the same payer
    (their latest versions; drafts and voids never reached the payer), for visit limits."""
    query = (
        select(ServiceLine.service_date)
        .join(ClaimVersion, ClaimVersion.id == ServiceLine.claim_version_id)
        .join(Claim, Claim.id == ClaimVersion.claim_id)
        .where(Claim.patient_id == claim.patient_id, Claim.payer_id == claim.payer_id)
        .where(Claim.id != claim.id, ClaimVersion.version == Claim.version)
        .where(col(Claim.status).not_in(("draft", "voided")))
        .where(ServiceLine.service_date >= date(year, 1, 1))
        .where(ServiceLine.service_date <= date(year, 12, 31))
    )
    return len(set(session.exec(query)))


def version_row(session: Session, claim_id: int, version: int) -> ClaimVersion:
    query = select(ClaimVersion).where(ClaimVersion.claim_id == claim_id)
    row = session.exec(query.where(ClaimVersion.version == version)).first()
    if row is None:
        raise LookupError(f"claim {claim_id} has no version {version}")
    return row


def diagnosis_rows(session: Session, claim_version_id: int) -> list[ClaimDiagnosis]:
    query = select(ClaimDiagnosis).where(ClaimDiagnosis.claim_version_id == claim_version_id)
    return list(session.exec(query.order_by(ClaimDiagnosis.position)))


def line_rows(session: Session, claim_version_id: int) -> list[ServiceLine]:
    query = select(ServiceLine).where(ServiceLine.claim_version_id == claim_version_id)
    return list(session.exec(query.order_by(ServiceLine.line_number)))


# --- rows to domain values ------------------------------------------------------------------


def to_practice(row: Practice) -> domain.Practice:
    address = domain.Address(row.address1, row.city, row.state, row.zip, line2=row.address2)
    return domain.Practice(row.legal_name, row.npi, row.tax_id, address, row.taxonomy, row.phone)


def to_payer(row: Payer) -> domain.Payer:
    levels = tuple(
        domain.AppealLevel(
            level=int(level["level"]),
            name=str(level.get("name", "")),
            window_days=int(level["window_days"]),
            address=level.get("address"),
            window_months=int(level["window_months"]) if level.get("window_months") else None,
        )
        for level in row.appeal_levels or ()
    )
    return domain.Payer(
        name=row.name,
        payer_id=row.payer_id,
        plan_type=row.plan_type,
        filing_indicator=row.filing_indicator,
        correction_method=row.correction_method,
        appeal_levels=levels,
        timely_filing_days=row.timely_filing_days,
        processing_days=row.processing_days,
        rules=domain.PayerRules.from_json(row.rules),
    )


def to_provider(row: Provider) -> domain.Provider:
    return domain.Provider(row.npi, row.first_name, row.last_name, row.credential, row.taxonomy)


def to_person(row: Patient) -> domain.Person:
    address = domain.Address(row.address1, row.city, row.state, row.zip, line2=row.address2)
    return domain.Person(row.first_name, row.last_name, row.birth_date, row.sex, address)


def to_coverage(row: Coverage) -> domain.Coverage:
    subscriber = None
    if row.relationship != "self" and row.subscriber_last_name and row.subscriber_birth_date:
        address = None
        if row.subscriber_address1 and row.subscriber_city:
            address = domain.Address(
                row.subscriber_address1,
                row.subscriber_city,
                row.subscriber_state or "",
                row.subscriber_zip or "",
            )
        subscriber = domain.Person(
            row.subscriber_first_name or "",
            row.subscriber_last_name,
            row.subscriber_birth_date,
            row.subscriber_sex or "U",
            address,
        )
    return domain.Coverage(
        member_id=row.member_id,
        relationship=row.relationship,
        order=row.order,
        group_number=row.group_number,
        subscriber=subscriber,
        effective_from=row.effective_from,
        effective_to=row.effective_to,
    )


def to_authorization(row: Authorization) -> domain.Authorization:
    return domain.Authorization(
        number=row.number,
        start=row.start_date,
        end=row.end_date,
        approved=row.approved,
        codes=frozenset(row.codes or ()),
        unit_type=row.unit_type,
        used=row.used,
        scheduled=row.scheduled,
        status=row.status,
    )


def _get(session: Session, model, row_id: int):
    row = session.get(model, row_id)
    if row is None:
        raise LookupError(f"{model.__name__} {row_id} not found")
    return row
