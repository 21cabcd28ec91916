"""Look-ups: practices, payers, providers, patients and coverages, read-only and paged.

Pages are keyset pages on the primary key (`id > after ORDER BY id`): stable while rows are
added, and as fast on page 1000 as on page 1. These functions filter by practice, never by
user: deciding which practices a caller may see is the API's job (api.deps.require).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlmodel import Session, SQLModel, select
from sqlmodel.sql.expression import SelectOfScalar

from denialdesk.store.models import Coverage, Patient, Payer, Practice, Provider

Row = TypeVar("Row", bound=SQLModel)


@dataclass(frozen=True)
class Page(Generic[Row]):
    items: Sequence[Row]
    # The id to continue after, or None when this is the last page.
    next_after: int | None


def _page(
    session: Session, query: SelectOfScalar[Row], model: type[Row], *, after: int | None, limit: int
) -> Page[Row]:
    if after is not None:
        query = query.where(model.id > after)
    # One extra row tells whether another page exists without a COUNT.
    rows = session.exec(query.order_by(model.id).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(items=rows, next_after=rows[-1].id if more else None)


def list_practices(
    session: Session,
    *,
    practice_ids: Collection[int] | None,
    after: int | None = None,
    limit: int = 50,
) -> Page[Practice]:
    """The given practices; `practice_ids=None` means every practice (an admin of all)."""
    query = select(Practice)
    if practice_ids is not None:
        query = query.where(Practice.id.in_(list(practice_ids)))
    return _page(session, query, Practice, after=after, limit=limit)


def get_practice(session: Session, *, slug: str) -> Practice | None:
    return session.exec(select(Practice).where(Practice.slug == slug)).first()


def list_payers(
    session: Session, *, practice_id: int, after: int | None = None, limit: int = 50
) -> Page[Payer]:
    query = select(Payer).where(Payer.practice_id == practice_id)
    return _page(session, query, Payer, after=after, limit=limit)


def list_providers(
    session: Session, *, practice_id: int, after: int | None = None, limit: int = 50
) -> Page[Provider]:
    query = select(Provider).where(Provider.practice_id == practice_id)
    return _page(session, query, Provider, after=after, limit=limit)


def list_patients(
    session: Session, *, practice_id: int, after: int | None = None, limit: int = 50
) -> Page[Patient]:
    query = select(Patient).where(Patient.practice_id == practice_id)
    return _page(session, query, Patient, after=after, limit=limit)


def get_patient(session: Session, *, patient_id: int) -> Patient | None:
    return session.get(Patient, patient_id)


def list_coverages(
    session: Session, *, patient_id: int, after: int | None = None, limit: int = 50
) -> Page[Coverage]:
    query = select(Coverage).where(Coverage.patient_id == patient_id)
    return _page(session, query, Coverage, after=after, limit=limit)


def get_coverage(session: Session, *, coverage_id: int) -> tuple[Coverage, int] | None:
    """The coverage and the practice it belongs to (through its patient), or None."""
    row = session.exec(
        select(Coverage, Patient.practice_id)
        .join(Patient, Patient.id == Coverage.patient_id)
        .where(Coverage.id == coverage_id)
    ).first()
    return None if row is None else (row[0], row[1])
