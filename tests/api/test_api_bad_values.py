"""Values that would break a workflow downstream are refused at the door with 422 naming the
field (issue: dates that overflow, identifiers holding X12 separators), and nothing is stored
or started."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from desk import Desk, desk_fixture  # noqa: F401 (the `desk` fixture)
from remit_builder import RemitClaim, build_835
from sqlmodel import Session, func, select

from denialdesk.store.models import Authorization, Claim, Remittance

TODAY = datetime.now(UTC).date()
DAY = timedelta(days=1)


def _count(desk: Desk, model) -> int:
    with Session(desk.engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def _claim_body(desk: Desk, service_date: str) -> dict:
    line = {
        "service_date": service_date,
        "code": "90837",
        "units": "1",
        "minutes": 55,
        "charge": "150.00",
        "place_of_service": "11",
        "dx_pointers": [1],
    }
    return {
        "patient_id": desk.home.patient_id,
        "coverage_id": desk.home.coverage_id,
        "provider_id": desk.home.provider_id,
        "diagnoses": ["F33.1"],
        "lines": [line],
    }


def _auth_body(desk: Desk, **changes) -> dict:
    return {
        "coverage_id": desk.home.coverage_id,
        "number": "A-123",
        "codes": ["90837"],
        "unit_type": "visits",
        "approved": 6,
        "start_date": TODAY.isoformat(),
        "end_date": (TODAY + 60 * DAY).isoformat(),
    } | changes


@pytest.mark.parametrize("service_date", ["9999-12-31", "1899-12-31", "0001-01-01"])
def test_a_claim_dated_out_of_range_is_422_and_never_started(desk: Desk, service_date):
    slug = desk.home.practice.slug
    response = desk.call(
        "POST", f"/practices/{slug}/claims", "integration", json=_claim_body(desk, service_date)
    )
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert detail.startswith("lines[0].service_date: must be between 1900-01-01 and ")
    assert service_date not in detail  # the range, not the value (dates of service are PHI)
    assert _count(desk, Claim) == 0 and desk.temporal.started == []


def test_a_claim_two_years_ahead_is_accepted(desk: Desk):
    ahead = (TODAY + 700 * DAY).isoformat()
    slug = desk.home.practice.slug
    created = desk.call(
        "POST", f"/practices/{slug}/claims", "integration", json=_claim_body(desk, ahead)
    )
    assert created.status_code == 201, created.text


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"end_date": "9999-12-31"}, "end_date"),
        ({"end_date": (TODAY + 6 * 366 * DAY).isoformat()}, "end_date"),
        ({"start_date": "1850-01-01"}, "start_date"),
        ({"number": "AB*1~SE*9^:"}, "number"),
        ({"number": "A" * 51}, "number"),
        ({"number": "AUTH#1"}, "number"),
    ],
)
def test_authorization_values_the_837p_or_the_clock_cannot_take(desk: Desk, changes, field):
    slug = desk.home.practice.slug
    response = desk.call(
        "POST", f"/practices/{slug}/authorizations", "specialist", json=_auth_body(desk, **changes)
    )
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    # The store's refusals are "field: reason"; pydantic's name the field in `loc`.
    assert (
        detail.startswith(f"{field}: ")
        if isinstance(detail, str)
        else detail[0]["loc"][-1] == field
    )
    assert _count(desk, Authorization) == 0 and desk.temporal.started == []


def test_extending_an_authorization_to_9999_is_refused_and_changes_nothing(desk: Desk):
    slug = desk.home.practice.slug
    created = desk.call(
        "POST", f"/practices/{slug}/authorizations", "specialist", json=_auth_body(desk)
    ).json()
    path = f"/authorizations/{created['id']}"
    refused = desk.call("PATCH", path, "specialist", json={"end_date": "9999-12-31"})
    assert refused.status_code == 422 and refused.json()["detail"].startswith("end_date: ")
    assert desk.temporal.updates == []
    assert desk.call("GET", path, "specialist").json()["end_date"] == created["end_date"]
    five_years = (TODAY + 5 * 365 * DAY).isoformat()
    assert desk.call("PATCH", path, "specialist", json={"end_date": five_years}).status_code == 200


def test_scheduled_visits_out_of_range_are_422(desk: Desk):
    slug = desk.home.practice.slug
    created = desk.call(
        "POST", f"/practices/{slug}/authorizations", "specialist", json=_auth_body(desk)
    ).json()
    response = desk.call(
        "PUT",
        f"/authorizations/{created['id']}/scheduled",
        "specialist",
        json={"dates": [TODAY.isoformat(), "9999-12-31"]},
    )
    assert response.status_code == 422 and response.json()["detail"].startswith("dates[1]: ")


def test_an_835_paid_in_9999_is_422_naming_the_segment(desk: Desk):
    # No claim needed: the file is refused before anything is matched or stored.
    text = build_835(
        [RemitClaim("DD0000000001", Decimal(150), Decimal(150), "P1", TODAY)],
        trace="T9999",
        paid_on=TODAY,
        payee_npi=desk.home.practice.npi,
    ).replace(f"DTM*405*{TODAY:%Y%m%d}", "DTM*405*99991231")
    response = desk.client.post(
        "/api/v1/remittances",
        content=text.encode(),
        headers={"Authorization": f"Bearer {desk.tokens['integration']}"},
    )
    assert response.status_code == 422
    assert response.json()["detail"] == (
        "segment 6: DTM02 must be between 1900-01-01 and "
        f"{TODAY.replace(year=TODAY.year + 2).isoformat()}"
    )
    assert _count(desk, Remittance) == 0
