"""The history's stories as table rows, numbered and worded as the live system stores them.

Claims get CLM01 control numbers and their submissions ISA13/GS06/ST02 from the store's
counters (reserved in blocks, so live claims never reuse one); rows that others point at get
their ids here (store/bulk_rows.py). Claims are numbered in the order they were created, claim
payments in the order their 835s were imported, so "the latest payment" is the last by id.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from decimal import Decimal

from sqlmodel import Session

from denialdesk.activities.claims import EnvelopeSettings
from denialdesk.app.demo_history.context import PracticeContext
from denialdesk.app.demo_history.model import HistoricAuthorization, Payment, Story
from denialdesk.app.demo_history.tables import CHECK_PAYERS, INTEGRATION, ROUTING
from denialdesk.contracts.claim import claim_workflow_id, task_key
from denialdesk.domain.task_clock import sla_due
from denialdesk.domain.x12.claim_out import Envelope, Transaction, write_837p
from denialdesk.store.bulk_rows import first_free_id
from denialdesk.store.claims import CLAIM_COUNTER, CONTROL_PREFIX
from denialdesk.store.control_numbers import reserve_controls
from denialdesk.store.models import (
    Authorization,
    Claim,
    ClaimPayment,
    ClaimVersion,
    PaymentLine,
    Remittance,
)

Rows = dict[str, list[dict]]  # table name -> rows, in insertion order
# Submissions go to the clearinghouse as test data: seed-demo runs in dev mode only.
ENVELOPE = dataclasses.asdict(EnvelopeSettings(production=False))


class Numbers:
    """The next free id of each table whose rows the history points at."""

    def __init__(self, session: Session) -> None:
        self._next = {
            model.__tablename__: first_free_id(session, model)
            for model in (
                Authorization,
                Claim,
                ClaimVersion,
                Remittance,
                ClaimPayment,
                PaymentLine,
            )  # fmt: skip
        }

    def take(self, table: str) -> int:
        number = self._next[table]
        self._next[table] += 1
        return number


def render(
    session: Session,
    ctx: PracticeContext,
    stories: list[Story],
    authorizations: list[HistoricAuthorization],
    practice_index: int,
    tick: Callable[[int], None] = lambda _: None,
) -> Rows:
    rows: Rows = defaultdict(list)
    numbers = Numbers(session)
    users = ctx.users
    for auth in authorizations:
        auth.id = numbers.take("authorization")
        rows["authorization"].append(_authorization(ctx, auth))
    stories = sorted(stories, key=lambda s: s.created_at)
    first_claim = reserve_controls(session, CLAIM_COUNTER, len(stories))
    for offset, story in enumerate(stories):
        story.id = story.visit.claim_id = numbers.take("claim")
        story.control_number = f"{CONTROL_PREFIX}{first_claim + offset:010d}"
        for version in story.versions:
            version.id = numbers.take("claim_version")
            rows["claim_version"].append(_version(story, version, users))
            rows["claim_diagnosis"].extend(
                {"claim_version_id": version.id, "position": n, "code": code}
                for n, code in enumerate(version.diagnoses, start=1)
            )
            rows["service_line"].extend(_lines(version))
        rows["claim"].append(_claim(ctx, story))
    _remittances(ctx, stories, numbers, practice_index, rows)
    _submissions(session, stories, rows, tick)
    _timeline(ctx, stories, rows)
    for auth in authorizations:
        for visit, day, units in auth.uses:
            rows["authorization_use"].append(
                {"authorization_id": auth.id, "claim_id": visit.claim_id, "service_date": day,
                 "units": units, "released": False}
            )  # fmt: skip
    return rows


def _authorization(ctx: PracticeContext, auth: HistoricAuthorization) -> dict:
    return {
        "id": auth.id, "practice_id": ctx.practice.id, "coverage_id": auth.coverage.id,
        "number": auth.number, "codes": list(auth.codes), "unit_type": auth.unit_type,
        "approved": auth.approved, "used": auth.used, "scheduled": 0,
        "start_date": auth.start, "end_date": auth.end, "status": "expired",
    }  # fmt: skip


def _claim(ctx: PracticeContext, story: Story) -> dict:
    visit, version = story.visit, story.version
    last_sent = story.sent[-1]
    return {
        "id": story.id, "practice_id": ctx.practice.id, "patient_id": visit.patient.id,
        "coverage_id": visit.coverage.id, "payer_id": visit.coverage.payer_id,
        "provider_id": visit.provider.id, "authorization_id": _id(visit.authorization),
        "control_number": story.control_number, "version": version.number,
        "frequency": last_sent.frequency, "payer_claim_number": story.payer_claim_number,
        "status": story.status, "hold_reason": None, "total_charge": story.total_charge,
        "total_paid": story.total_paid,
        "first_service_date": min(line.service_date for line in version.lines),
        "created_at": story.created_at,
        "submitted_at": datetime.combine(last_sent.at.date(), datetime.min.time(), UTC),
        "closed_at": story.closed_at,
    }  # fmt: skip


def _version(story: Story, version, users: dict[str, int]) -> dict:
    return {
        "id": version.id, "claim_id": story.id, "version": version.number,
        "frequency": version.frequency, "authorization_id": _id(story.visit.authorization),
        "payer_claim_number": version.payer_claim_number,
        "total_charge": sum((line.charge for line in version.lines), Decimal("0.00")),
        "created_at": version.created_at, "created_by": users.get(version.created_by),
    }  # fmt: skip


def _lines(version) -> Iterable[dict]:
    for number, line in enumerate(version.lines, start=1):
        yield {
            "claim_version_id": version.id, "line_number": number,
            "service_date": line.service_date, "code": line.code,
            "modifiers": list(line.modifiers), "units": line.units, "minutes": line.minutes,
            "charge": line.charge, "place_of_service": line.place,
            "dx_pointers": list(line.pointers), "rendering_provider_id": None,
        }  # fmt: skip


def _remittances(ctx, stories, numbers: Numbers, practice_index: int, rows: Rows) -> None:
    """One 835 transaction per payer and pay day, with its claim payments, as the import
    stores them (store/remittances.py), and the outbox rows the relay has sent."""
    runs: dict[tuple[str, object], list[tuple[Story, Payment]]] = defaultdict(list)
    for story in stories:
        for payment in story.payments:
            runs[(payment.plan, payment.pay_day)].append((story, payment))
    ordered = sorted(runs.items(), key=lambda item: (item[1][0][1].imported_at, item[0][0]))
    integration = ctx.users.get(INTEGRATION)
    for (plan, pay_day), payments in ordered:
        payer = ctx.payers[plan]
        imported_at = payments[0][1].imported_at
        remittance_id = numbers.take("remittance")
        check = plan in CHECK_PAYERS
        serial = f"{pay_day.toordinal() % 100000:05d}{practice_index:02d}"
        rows["remittance"].append({
            "id": remittance_id, "payer_identifier": payer.remittance_ids[0],
            "trace_number": serial if check else ROUTING[plan] + serial,
            "payer_name": payer.name[:60], "payer_ids": sorted(set(payer.remittance_ids)),
            "practice_id": ctx.practice.id,
            "amount": sum((p.remit.paid for _, p in payments), Decimal("0.00")),
            "payment_date": pay_day, "method": "CHK" if check else "ACH",
            "provider_adjustments": [], "imported_at": imported_at,
            "imported_by": integration,
        })  # fmt: skip
        for story, payment in payments:
            _payment(ctx, story, payment, remittance_id, numbers, rows)


def _payment(ctx, story: Story, payment: Payment, remittance_id: int, numbers, rows) -> None:
    remit, analysis = payment.remit, payment.analysis
    remit.control_number = story.control_number
    payment.id = numbers.take("claim_payment")
    rows["claim_payment"].append({
        "id": payment.id, "remittance_id": remittance_id, "claim_id": story.id,
        "practice_id": ctx.practice.id, "control_number": remit.control_number,
        "status_code": remit.status_code, "charge": remit.charge, "paid": remit.paid,
        "patient_responsibility": remit.patient_responsibility,
        "payer_claim_number": remit.payer_claim_number, "result": str(analysis.result),
        "denial_category": analysis.category, "held_reason": None,
    })  # fmt: skip
    rows["payment_outbox"].append({
        "claim_payment_id": payment.id, "claim_id": story.id,
        "workflow_id": claim_workflow_id(ctx.slug, story.id),
        "created_at": payment.imported_at, "sent_at": payment.imported_at,
        "attempts": 1, "last_error": None,
    })  # fmt: skip
    for code in remit.remarks:
        rows["payment_remark"].append(_remark(payment.id, None, code, "MOA"))
    for line in remit.lines:
        line_id = numbers.take("payment_line")
        rows["payment_line"].append({
            "id": line_id, "claim_payment_id": payment.id, "code": line.code,
            "modifiers": list(line.modifiers),
            "service_date": line.service_from or remit.statement_from,
            "service_date_end": line.service_to, "charge": line.charge, "paid": line.paid,
            "units": line.units,
        })  # fmt: skip
        for adjustment in line.adjustments:
            rows["payment_adjustment"].append({
                "claim_payment_id": payment.id, "payment_line_id": line_id,
                "group": adjustment.group, "carc": adjustment.carc,
                "amount": adjustment.amount, "quantity": adjustment.quantity,
            })  # fmt: skip
        for code in line.remarks:
            rows["payment_remark"].append(_remark(payment.id, line_id, code, "LQ"))


def _remark(payment_id: int, line_id: int | None, code: str, source: str) -> dict:
    return {"claim_payment_id": payment_id, "payment_line_id": line_id, "code": code,
            "source": source}  # fmt: skip


def _submissions(session: Session, stories: list[Story], rows: Rows, tick) -> None:
    """Each sent version's 837P, written as the submit activity writes it."""
    sent = sorted(
        ((story, each) for story in stories for each in story.sent), key=lambda s: s[1].at
    )
    if not sent:
        return
    isa13 = reserve_controls(session, "ISA13", len(sent))
    gs06 = reserve_controls(session, "GS06", len(sent))
    st02 = reserve_controls(session, "ST02", len(sent))
    for offset, (story, each) in enumerate(sent):
        each.interchange = isa13 + offset
        claim_input = dataclasses.replace(
            each.claim_input,
            claim=dataclasses.replace(each.claim_input.claim, control_number=story.control_number),
        )
        envelope = Envelope(**ENVELOPE, interchange_control=each.interchange,
                            group_control=gs06 + offset)  # fmt: skip
        content = write_837p(
            [Transaction(f"{st02 + offset:04d}", (claim_input,))], envelope=envelope, now=each.at
        )
        rows["submission"].append({
            "claim_id": story.id, "claim_version": each.version.number,
            "frequency": each.frequency, "interchange_control": each.interchange,
            "file_name": f"{each.interchange:09d}.837", "submitted_on": each.at.date(),
            "content": content, "created_at": each.at,
        })  # fmt: skip
        tick(1)


def _timeline(ctx: PracticeContext, stories: list[Story], rows: Rows) -> None:
    """Events keyed as the workflow keys them, and the tasks people worked."""
    events, tasks = [], []
    for story in stories:
        workflow_id = claim_workflow_id(ctx.slug, story.id)
        seq = 0
        for index, event in enumerate(story.events):
            key = None
            if event.payment is not None:
                key = f"payment:{event.payment.id}"
            elif event.keyed:
                seq += 1
                key = f"{workflow_id}:e{seq}"
            detail = event.detail() if callable(event.detail) else event.detail
            events.append(((event.at, story.id, index), {
                "claim_id": story.id, "at": event.at, "kind": event.kind, "detail": detail,
                "actor_id": ctx.users.get(event.actor) if event.actor else None, "key": key,
            }))  # fmt: skip
        for seq, task in enumerate(story.tasks, start=1):
            tasks.append(((task.opened, story.id, seq), {
                "key": task_key(workflow_id, seq), "workflow_id": workflow_id,
                "practice_id": ctx.practice.id, "queue_id": ctx.queue_id,
                "claim_id": story.id, "authorization_id": None, "kind": task.kind,
                "category": task.category, "recommended_action": task.recommended_action,
                "status": "done", "assignee_id": ctx.users[task.assignee],
                "assigned_at": task.assigned, "amount": task.amount,
                "priority": task.priority, "priority_reason": task.priority_reason[:120],
                "due_at": task.due_at, "pended_until": None, "pend_reason": None,
                "escalated": False, "sla_due_at": sla_due(task.kind, task.opened),
                "detail": task.detail(), "version": 3, "created_at": task.opened,
                "updated_at": task.closed, "closed_at": task.closed,
            }))  # fmt: skip
    rows["claim_event"].extend(row for _, row in sorted(events, key=lambda e: e[0]))
    rows["task"].extend(row for _, row in sorted(tasks, key=lambda t: t[0]))


def _id(row) -> int | None:
    return row.id if row is not None else None
