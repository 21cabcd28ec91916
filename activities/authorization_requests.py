"""How an authorization denial is worked (SPEC section 2, issue 6 item 3): what the claim's one
work_denial task says beyond the code's action.

- CO-197/243/288 (absent) → obtain_retro_authorization. Several such denials for one patient and
  payer raise ONE request: on the patient's existing authorization for that payer (its
  `renew_authorization` task, owned by AuthorizationWorkflow, picks the request up through
  detail.authorization_id), else through the first such claim's open task; later claims point
  to it (detail.request_on_claim) and say so in their priority reason.
- CO-15/284/296 (number wrong) → correct_resubmit, with the note to correct the number.
- CO-198 (exceeded) → appeal, or request more units on the authorization.

Details hold ids and codes only (no patient identifiers): the task view reads names by id.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from denialdesk.domain.denials import DenialAnalysis
from denialdesk.store.models import Authorization, Claim, Coverage, Task

ABSENT = frozenset({"197", "243", "288"})
WRONG_NUMBER = frozenset({"15", "284", "296"})
EXCEEDED = frozenset({"198"})
RETRO = "obtain_retro_authorization"


def authorization_detail(
    session: Session, claim: Claim, analysis: DenialAnalysis
) -> tuple[dict, str | None]:
    """(task detail, text to add to the priority reason or None) for this claim's denial."""
    carcs = {a.carc for a in analysis.adjustments if a.group == "CO"}
    if analysis.action == RETRO or carcs & ABSENT:
        return _retro_request(session, claim)
    if carcs & WRONG_NUMBER and analysis.action == "correct_resubmit":
        return {
            "note": "correct the authorization number",
            "authorization_id": claim.authorization_id,
        }, None
    if carcs & EXCEEDED:
        on_file = _authorization_on_file(session, claim)
        return {
            "note": "appeal, or request more units on the authorization",
            "options": ["appeal", "request_more_units"],
            "authorization_id": on_file.id if on_file else claim.authorization_id,
        }, None
    return {}, None


def _retro_request(session: Session, claim: Claim) -> tuple[dict, str | None]:
    on_file = _authorization_on_file(session, claim)
    if on_file is not None:
        # The request belongs on the existing authorization (a retro addition or renewal).
        return {"request": "on_authorization", "authorization_id": on_file.id}, (
            f"request on authorization {on_file.id}"
        )
    first = _first_open_request(session, claim)
    if first is None or first.claim_id is None:
        return {"request": "raise"}, None  # this claim's task raises it
    return {"request": "raised_elsewhere", "request_on_claim": first.claim_id}, (
        f"request raised on claim {first.claim_id}"
    )


def _authorization_on_file(session: Session, claim: Claim) -> Authorization | None:
    """The patient's authorization for this payer: the claim's own, else the latest ending."""
    if claim.authorization_id is not None:
        own = session.get(Authorization, claim.authorization_id)
        if own is not None:
            return own
    query = (
        select(Authorization)
        .join(Coverage, Coverage.id == Authorization.coverage_id)
        .where(Coverage.patient_id == claim.patient_id, Coverage.payer_id == claim.payer_id)
        .order_by(col(Authorization.end_date).desc(), col(Authorization.id).desc())
    )
    return session.exec(query).first()


def _first_open_request(session: Session, claim: Claim) -> Task | None:
    """The earliest open retro-authorization task of another claim of this patient and payer."""
    query = (
        select(Task)
        .join(Claim, Claim.id == Task.claim_id)
        .where(
            Claim.patient_id == claim.patient_id,
            Claim.payer_id == claim.payer_id,
            Claim.id != claim.id,
            Task.kind == "work_denial",
            Task.recommended_action == RETRO,
            col(Task.status).in_(("open", "pended")),
        )
        .order_by(col(Task.created_at), col(Task.id))
    )
    return session.exec(query).first()
