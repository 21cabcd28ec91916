"""The API reads the demo history as it reads live claims, on SQLite and on PostgreSQL (where the
history's bulk write also has to leave the id sequences and control counters right for the
claims that come after it)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from demo_day import DEMO_TODAY
from fastapi.testclient import TestClient
from pg import BACKENDS, database
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from denialdesk.app.asgi import create_app
from denialdesk.app.seed import seed_demo
from denialdesk.app.settings import Settings
from denialdesk.store.claims import LineInput, create_claim
from denialdesk.store.models import (
    Claim,
    ClaimEvent,
    ClaimPayment,
    Coverage,
    Practice,
    Provider,
    Remittance,
)
from denialdesk.store.tokens import issue_token
from denialdesk.store.users import get_user


@dataclass
class Demo:
    client: TestClient
    engine: Engine
    tokens: dict[str, str]  # username -> bearer token

    def get(self, path: str, who: str, **params):
        headers = {"Authorization": f"Bearer {self.tokens[who]}"}
        return self.client.get(f"/api/v1{path}", headers=headers, params=params)


@pytest.fixture(scope="module", params=BACKENDS)
def demo(request, tmp_path_factory) -> Iterator[Demo]:
    folder = tmp_path_factory.mktemp("demo-api")
    settings = Settings(mode="dev", var_dir=folder / "var", _env_file=None)
    with database(request, request.param, folder) as engine:
        seed_demo(engine, today=DEMO_TODAY)
        app = create_app(settings, engine)
        with Session(engine) as session:
            tokens = {
                name: issue_token(app.state.secret_key, get_user(session, username=name))
                for name in ("spec", "spec2")
            }
        with TestClient(app) as client:
            yield Demo(client, engine, tokens)


def all_pages(demo: Demo, who: str, **params) -> list[dict]:
    items, cursor = [], None
    while True:
        extra = {"cursor": cursor} if cursor else {}
        response = demo.get("/claims", who, limit=200, **params, **extra)
        assert response.status_code == 200, response.text
        page = response.json()
        items.extend(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            return items


def test_claims_page_through_the_whole_history_each_user_seeing_their_practices(demo: Demo):
    with Session(demo.engine) as session:
        calm = session.exec(select(Practice).where(Practice.slug == "calm-psych")).one()
        total = session.exec(select(func.count()).select_from(Claim)).one()
        calm_total = session.exec(
            select(func.count()).select_from(Claim).where(Claim.practice_id == calm.id)
        ).one()
    everything = all_pages(demo, "spec")  # both practices
    ids = [item["id"] for item in everything]
    assert len(ids) == total >= 2000 and ids == sorted(set(ids))
    only_calm = all_pages(demo, "spec2")
    assert len(only_calm) == calm_total and {i["practice_id"] for i in only_calm} == {calm.id}
    written_off = all_pages(demo, "spec", status="written_off", practice="harbor-recovery")
    assert written_off and all(i["status"] == "written_off" for i in written_off)
    assert all(Decimal(i["total_paid"]) <= Decimal(i["total_charge"]) for i in everything)


def appealed(demo: Demo, status: str) -> int:
    with Session(demo.engine) as session:
        return session.exec(
            select(Claim.id)
            .join(ClaimEvent, col(ClaimEvent.claim_id) == Claim.id)
            .where(ClaimEvent.kind == "appealed", Claim.status == status)
            .order_by(col(Claim.id))
        ).first()


def test_an_overturned_appeal_reads_as_a_paid_claim_with_its_whole_story(demo: Demo):
    response = demo.get(f"/claims/{appealed(demo, 'paid')}", "spec")
    assert response.status_code == 200, response.text
    claim = response.json()
    kinds = [event["kind"] for event in claim["events"]]
    assert kinds[:4] == ["scrubbed", "submitted", "payment", "denied"]
    assert kinds[-4:] == ["appeal_decided", "appealed", "payment", "paid"]
    assert claim["status"] == "paid" and claim["closed_at"] is not None
    assert claim["denials"] == [] and claim["next_deadline"] is None  # the last payment paid
    assert Decimal(claim["total_paid"]) > 0
    payment = next(e for e in claim["events"] if e["kind"] == "payment")
    assert payment["detail"].startswith("denied: paid 0.00, denied ")  # the readable sentence


def test_an_upheld_appeal_reads_as_written_off_with_the_payers_denial(demo: Demo):
    response = demo.get(f"/claims/{appealed(demo, 'written_off')}", "spec")
    assert response.status_code == 200, response.text
    claim = response.json()
    assert [e["kind"] for e in claim["events"]][-3:] == ["payment", "denied", "written_off"]
    (denial, *_) = claim["denials"]
    assert denial["category"] and denial["appealable"] and Decimal(denial["amount"]) > 0
    assert claim["events"][-1]["detail"].startswith("reason: ")


def test_live_claims_after_the_history_get_fresh_ids_and_control_numbers(demo: Demo):
    """The history inserts its own ids: the sequences (PostgreSQL) and the CLM01 counter moved
    past them, so the next claim the API stores collides with nothing."""
    with Session(demo.engine) as session:
        newest = session.exec(select(func.max(Claim.id))).one()
        controls = set(session.exec(select(Claim.control_number)))
        practice = session.exec(select(Practice).where(Practice.slug == "calm-psych")).one()
        coverage = session.exec(
            select(Coverage).where(Coverage.order == "primary").order_by(col(Coverage.id))
        ).first()
        provider = session.exec(
            select(Provider).where(Provider.practice_id == practice.id, Provider.credential == "MD")
        ).first()
        line = LineInput(
            service_date=DEMO_TODAY - timedelta(days=3), code="90834", minutes=45,
            charge=Decimal("160.00"), place_of_service="11", dx_pointers=(1,),
        )  # fmt: skip
        claim = create_claim(
            session, practice=practice, patient_id=coverage.patient_id, coverage_id=coverage.id,
            provider_id=provider.id, authorization_id=None, diagnoses=["F41.1"], lines=[line],
        )  # fmt: skip
        assert claim.id > newest and claim.control_number not in controls
        remittance = Remittance(
            payer_identifier="1411289245", trace_number="LIVE-1", payer_name="Evergreen",
            amount=Decimal("0.00"), practice_id=practice.id,
        )  # fmt: skip
        session.add(remittance)
        session.flush()
        payment = ClaimPayment(
            remittance_id=remittance.id, claim_id=claim.id, control_number=claim.control_number,
            status_code="1", charge=Decimal("160.00"), paid=Decimal("0.00"), result="paid",
        )  # fmt: skip
        session.add(payment)
        session.flush()  # a duplicate key here would mean a sequence left behind
        session.rollback()
