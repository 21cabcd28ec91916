"""What a task row names beside its own columns: its claim's number, the payer (the claim's,
else its authorization's coverage's) and the assignee's username.

COLUMNS go into a task query after Task (the worklist reads a page and its labels in one
statement, store/tasks.list_tasks), or `labels` reads them for given tasks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from denialdesk.store.models import Authorization, Claim, Coverage, Payer, Task, User


@dataclass(frozen=True)
class TaskLabels:
    claim_number: str | None
    payer: str | None
    assignee: str | None


def _scalar(query):
    return query.correlate(Task).scalar_subquery()


# Scalar subqueries rather than joins: PostgreSQL runs them for the rows a page returns only
# (after its sort and limit), and plans them in a fraction of the time six outer joins took
# (bench/bench_worklist.py: ~4 ms of planning per request).
_claim_payer = _scalar(
    select(Payer.name)
    .join(Claim, col(Claim.payer_id) == Payer.id)
    .where(col(Claim.id) == Task.claim_id)
)
_auth_payer = _scalar(
    select(Payer.name)
    .join(Coverage, col(Coverage.payer_id) == Payer.id)
    .join(Authorization, col(Authorization.coverage_id) == Coverage.id)
    .where(col(Authorization.id) == Task.authorization_id)
)
# Named so a row that also carries the task's own columns reads row.label_claim_number, ...
COLUMNS = (
    _scalar(select(Claim.control_number).where(col(Claim.id) == Task.claim_id)).label(
        "label_claim_number"
    ),
    func.coalesce(_claim_payer, _auth_payer).label("label_payer"),
    _scalar(select(User.username).where(col(User.id) == Task.assignee_id)).label("label_assignee"),
)


def of_row(row) -> TaskLabels:
    """The labels of a row selected with COLUMNS."""
    return TaskLabels(row.label_claim_number, row.label_payer, row.label_assignee)


def labels(session: Session, tasks: Sequence[Task]) -> dict[int, TaskLabels]:
    """The labels of `tasks` by task id (one statement; none for no tasks)."""
    if not tasks:
        return {}
    query = select(Task.id, *COLUMNS).where(col(Task.id).in_([task.id for task in tasks]))
    return {row.id: of_row(row) for row in session.exec(query).all()}
