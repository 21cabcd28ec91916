"""Authorization denials (SPEC section 2): repeated CO-197 for one patient and payer raise one
request, on the patient's authorization for that payer when there is one."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from claim_data import line, new_claim, world
from test_payment_activities import apply, corpus, store_835

from denialdesk.activities.authorization_requests import authorization_detail
from denialdesk.contracts import claim as contracts
from denialdesk.domain.denials import AdjustmentAnalysis, DenialAnalysis, Result
from denialdesk.store.db import session_scope


def two_claims(engine, *, keep_authorization: bool):
    with session_scope(engine) as session:
        w = world(session)
        if not keep_authorization:
            session.delete(w.authorization)
            session.flush()
        claims = [
            new_claim(session, w, line(service_date=day, charge=Decimal("180")))
            for day in (date(2024, 3, 6), date(2024, 3, 13))
        ]
        auth_id = w.authorization.id if keep_authorization else None
    return claims, auth_id


def co197(engine, claim, trace: str):
    text = corpus("03_denied_authorization.835", claim.control_number, r"\w+")
    payments = store_835(engine, text.replace("NP20240320", trace))
    return next(p for p in payments if p.claim_id == claim.id)


def open_denial_task(acts, claim, outcome) -> int:
    workflow_id = f"claim-test-{claim.id}"
    return acts.open_task(
        contracts.TaskSpec(
            key=contracts.task_key(workflow_id, 1),
            workflow_id=workflow_id,
            claim_id=claim.id,
            kind="work_denial",
            category=outcome.category,
            recommended_action=outcome.action,
            detail=outcome.task_detail,
        )
    )


def test_a_second_co197_points_to_the_first_claims_request(engine, acts):
    (first, second), _ = two_claims(engine, keep_authorization=False)
    one = apply(acts, first.id, co197(engine, first, "TRACE1").id)
    assert one.action == "obtain_retro_authorization"
    assert one.task_detail == {"request": "raise"}
    assert "request" not in one.priority_reason
    open_denial_task(acts, first, one)

    two = apply(acts, second.id, co197(engine, second, "TRACE2").id)
    assert two.action == "obtain_retro_authorization"
    assert two.task_detail == {"request": "raised_elsewhere", "request_on_claim": first.id}
    assert two.priority_reason.endswith(f" · request raised on claim {first.id}")


def test_without_an_open_first_request_the_claim_raises_its_own(engine, acts):
    (first, second), _ = two_claims(engine, keep_authorization=False)
    apply(acts, first.id, co197(engine, first, "TRACE1").id)  # no task opened for it
    two = apply(acts, second.id, co197(engine, second, "TRACE2").id)
    assert two.task_detail == {"request": "raise"}


def test_with_an_authorization_on_file_the_request_belongs_on_it(engine, acts):
    (first, second), auth_id = two_claims(engine, keep_authorization=True)
    one = apply(acts, first.id, co197(engine, first, "TRACE1").id)
    open_denial_task(acts, first, one)
    two = apply(acts, second.id, co197(engine, second, "TRACE2").id)
    for outcome in (one, two):
        assert outcome.task_detail == {"request": "on_authorization", "authorization_id": auth_id}
        assert outcome.priority_reason.endswith(f" · request on authorization {auth_id}")


def analysis(carc: str, action: str) -> DenialAnalysis:
    adjustment = AdjustmentAnalysis(
        "CO", carc, Decimal("180"), None, "", True, "authorization", action, True, ()
    )
    return DenialAnalysis(
        Result.DENIED, "authorization", action, True, Decimal("180"), (adjustment,)
    )


def test_a_wrong_number_is_corrected_and_an_exceeded_one_appealed_or_extended(engine):
    (claim, _), auth_id = two_claims(engine, keep_authorization=True)
    with session_scope(engine) as session:
        for carc in ("15", "284", "296"):
            detail, because = authorization_detail(
                session, claim, analysis(carc, "correct_resubmit")
            )
            assert detail == {"note": "correct the authorization number", "authorization_id": None}
            assert because is None
        detail, _ = authorization_detail(
            session, claim, analysis("198", "appeal_medical_necessity")
        )
        assert detail["options"] == ["appeal", "request_more_units"]
        assert detail["authorization_id"] == auth_id  # more units are asked for on it
