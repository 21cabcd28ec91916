"""Record an authorization from a task. The one a claim waits on: the payer's approval (or a
retro-authorization after a CO-197 denial) is stored for the claim's coverage and attached to
the claim as a new version, which its workflow re-scrubs (the obtain_authorization task closes
once the claim passes; a denial's task then goes on to resubmit that version).

The authorization and the claim's new version are one transaction: a value either refuses
leaves neither stored. Then, as POST /practices/{slug}/authorizations and PATCH /claims/{id}
do, the authorization's workflow starts and the claim's workflow hears of the correction.

And the payer's next authorization, from a renew_authorization task (renew_for_task)."""

from __future__ import annotations

from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from denialdesk.contracts.authorization import Renewal, auth_workflow_id
from denialdesk.contracts.enums import TaskKind
from denialdesk.domain.principal import Principal
from denialdesk.domain.roles import Action
from denialdesk.services import tasks as task_service
from denialdesk.services.authorizations import (
    AuthorizationCreate,
    load_authorization,
    start_workflow,
    today,
)
from denialdesk.services.claims import load_claim, require_correctable, send_correction
from denialdesk.services.errors import Conflict, Invalid, invalid, workflow_refusals
from denialdesk.store import authorizations as store_auth
from denialdesk.store import claims as store_claims
from denialdesk.store import tasks as store_tasks
from denialdesk.store.models import Authorization, Claim, Practice
from denialdesk.workflows import auth_client


def may_record(kind: str, category: str | None) -> bool:
    """Tasks whose claim waits for an authorization: the hold before submission, and an
    authorization denial (absent, or a retro-authorization needed)."""
    return kind == TaskKind.OBTAIN_AUTHORIZATION or (
        kind == TaskKind.WORK_DENIAL and category == "authorization"
    )


async def record_for_task(
    session: Session,
    client,
    principal: Principal,
    task_id: int,
    fields: dict,
    task_queue: str,
) -> tuple[Authorization, Claim]:
    """`fields`: number, codes, unit_type, approved, start_date, end_date as
    AuthorizationCreate takes them (ValidationError). Invalid: a task that waits for no
    authorization, or a value the store refuses; Conflict: see claims.require_correctable."""

    def store() -> tuple[Authorization, Claim, str]:
        task = task_service.load_task(session, principal, task_id, Action.WORK_OWN)
        if task.claim_id is None or not may_record(task.kind, task.category):
            raise Invalid("this task does not wait for an authorization")
        claim = load_claim(session, principal, task.claim_id, Action.WRITE_CLAIMS)
        require_correctable(session, claim)
        body = AuthorizationCreate.model_validate({**fields, "coverage_id": claim.coverage_id})
        practice = session.get(Practice, claim.practice_id)
        try:
            row = store_auth.create_authorization(
                session, practice=practice, today=today(), **body.model_dump()
            )
            store_claims.add_version(
                session, claim=claim, user_id=principal.user_id, today=today(),
                authorization_id=row.id,
            )  # fmt: skip
        except (store_auth.AuthorizationInputError, store_claims.ClaimInputError) as exc:
            session.rollback()
            raise invalid(exc) from None
        session.commit()
        return row, claim, practice.slug

    row, claim, slug = await run_in_threadpool(store)
    await start_workflow(client, slug, row.id, task_queue)
    await send_correction(client, slug, claim, principal.user_id)
    return row, claim


async def renew_for_task(
    session: Session,
    client,
    principal: Principal,
    task_id: int,
    fields: dict,
    task_queue: str,
) -> Authorization:
    """The payer's next authorization, from a renew_authorization task: stored for the same
    coverage with the scheduled visits of its dates moved onto it (store renew_authorization,
    one transaction), its workflow started, and the old one's told (`renewed`), which closes
    the renewal task. Invalid: not a renewal task, or a value the store refuses."""

    def store() -> tuple[Authorization, str, str]:
        task = task_service.load_task(session, principal, task_id, Action.WORK_OWN)
        if task.kind != TaskKind.RENEW_AUTHORIZATION or task.authorization_id is None:
            raise Invalid("this task renews no authorization")
        if task.status not in store_tasks.ACTIVE:
            raise Conflict(f"this task is {task.status}")
        old = load_authorization(session, principal, task.authorization_id, Action.WRITE_CLAIMS)
        body = AuthorizationCreate.model_validate({**fields, "coverage_id": old.coverage_id})
        practice = session.get(Practice, old.practice_id)
        values = body.model_dump(exclude={"coverage_id"})
        try:
            row = store_auth.renew_authorization(
                session, old=old, practice=practice, today=today(), **values
            )
        except store_auth.AuthorizationInputError as exc:
            session.rollback()
            raise invalid(exc) from None
        session.commit()
        return row, practice.slug, auth_workflow_id(practice.slug, old.id)

    row, slug, old_workflow = await run_in_threadpool(store)
    await start_workflow(client, slug, row.id, task_queue)
    with workflow_refusals("authorization"):
        await auth_client.renewed(
            client, old_workflow, Renewal(authorization_id=row.id, user_id=principal.user_id)
        )
    return row
