"""One demo practice as the history needs it: its rows, read once, and their domain values.

The history is written straight to the database, so it reads the reference rows the seed wrote
(payers, clinicians, patients, coverages, authorizations, users, the default queue) and maps
them once to the frozen values the scrubber and the 837P writer take.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, col, select

from denialdesk.app.demo_data import PRACTICES, payers_for
from denialdesk.domain import claim as domain
from denialdesk.store.claim_input import (
    to_coverage,
    to_payer,
    to_person,
    to_practice,
    to_provider,
)
from denialdesk.store.models import (
    Authorization,
    Coverage,
    Patient,
    Payer,
    Practice,
    Provider,
    Queue,
    User,
)


@dataclass
class PracticeContext:
    practice: Practice
    payers: dict[str, Payer]  # by the demo's plan key (medicare, medicaid, evergreen, ...)
    providers: list[Provider]
    patients: list[Patient]
    coverages: dict[int, list[Coverage]]  # patient id -> coverages
    seeded_authorizations: list[Authorization]
    users: dict[str, int]  # username -> id
    queue_id: int | None
    domain_practice: domain.Practice = field(init=False)
    domain_payers: dict[int, domain.Payer] = field(init=False)
    domain_providers: dict[int, domain.Provider] = field(init=False)
    domain_patients: dict[int, domain.Person] = field(init=False)
    domain_coverages: dict[int, domain.Coverage] = field(init=False)

    def __post_init__(self) -> None:
        self.domain_practice = to_practice(self.practice)
        self.domain_payers = {p.id: to_payer(p) for p in self.payers.values()}
        self.domain_providers = {p.id: to_provider(p) for p in self.providers}
        self.domain_patients = {p.id: to_person(p) for p in self.patients}
        self.domain_coverages = {
            c.id: to_coverage(c) for rows in self.coverages.values() for c in rows
        }

    @property
    def slug(self) -> str:
        return self.practice.slug

    def plan_of(self, payer_id: int) -> str:
        return next(key for key, payer in self.payers.items() if payer.id == payer_id)

    def primary_on(self, patient_id: int, day: date) -> Coverage | None:
        """The patient's primary coverage in effect on `day`."""
        for coverage in self.coverages.get(patient_id, []):
            ends = coverage.effective_to
            if coverage.order == "primary" and coverage.effective_from <= day:
                if ends is None or day <= ends:
                    return coverage
        return None

    def has_other_coverage(self, patient_id: int, coverage: Coverage) -> bool:
        return any(c.id != coverage.id and c.order != "primary" for c in self.coverages[patient_id])

    def provider(self, credential: str, *, not_first: bool = False) -> list[Provider]:
        found = [p for p in self.providers if p.credential == credential]
        return found[1:] if not_first else found


def load(session: Session, slug: str) -> PracticeContext | None:
    practice = session.exec(select(Practice).where(Practice.slug == slug)).first()
    if practice is None:
        return None
    spec = next(p for p in PRACTICES if p["slug"] == slug)
    by_payer_id = {payer["payer_id"]: key for key, payer in payers_for(spec).items()}
    payers = {}
    for row in session.exec(select(Payer).where(Payer.practice_id == practice.id)):
        if row.payer_id in by_payer_id:
            payers[by_payer_id[row.payer_id]] = row
    patients = list(
        session.exec(
            select(Patient).where(Patient.practice_id == practice.id).order_by(col(Patient.id))
        )
    )
    coverages: dict[int, list[Coverage]] = {p.id: [] for p in patients}
    query = select(Coverage).where(col(Coverage.patient_id).in_(list(coverages)))
    for row in session.exec(query.order_by(col(Coverage.id))):
        coverages[row.patient_id].append(row)
    queue = session.exec(
        select(Queue).where(Queue.practice_id == practice.id, col(Queue.is_default).is_(True))
    ).first()
    return PracticeContext(
        practice=practice,
        payers=payers,
        providers=list(
            session.exec(
                select(Provider)
                .where(Provider.practice_id == practice.id)
                .order_by(col(Provider.id))
            )
        ),
        patients=patients,
        coverages=coverages,
        seeded_authorizations=list(
            session.exec(
                select(Authorization)
                .where(Authorization.practice_id == practice.id)
                .order_by(col(Authorization.id))
            )
        ),
        users={u.username: u.id for u in session.exec(select(User))},
        queue_id=queue.id if queue is not None else None,
    )
