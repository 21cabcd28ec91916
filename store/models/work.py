"""The worklist: queues, tasks (projections of workflow state) and appeal letters."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Column, Index, LargeBinary, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from denialdesk.store.types import JSONType, Money, UTCDateTime, utcnow


class Queue(SQLModel, table=True):
    """A practice's work queue; routing picks it by task kind and denial category."""

    __table_args__ = (UniqueConstraint("practice_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    practice_id: int = Field(foreign_key="practice.id", index=True)
    name: str = Field(max_length=60)
    is_default: bool = False
    # {"kinds": ["work_denial"], "categories": ["authorization"]}; empty matches all.
    routing: dict = Field(default_factory=dict, sa_column=Column(JSONType))


class QueueMember(SQLModel, table=True):
    __tablename__ = "queue_member"

    queue_id: int = Field(foreign_key="queue.id", primary_key=True)
    user_id: int = Field(foreign_key="user.id", primary_key=True)


class Task(SQLModel, table=True):
    """Projection of a task owned by a workflow, upserted by key `{workflow_id}:{seq}`.

    People change assignee and pend state through guarded writes (version column);
    everything else is written by the workflow's activities. A task of the billing company
    itself (a rejected_file from the clearinghouse inbox) has neither practice nor workflow:
    only an admin of every practice sees it, and deciding it closes the row.
    """

    # The worklist (store/tasks.py): tab counts read the first index alone (an index-only
    # scan); each sort but priority (indexed below) walks its own index, so a page reads ~50
    # rows, not every open task. The due order is the list's: dates missing last.
    __table_args__ = (
        Index("ix_task_status_practice_assignee", "status", "practice_id", "assignee_id"),
        Index("ix_task_amount", "amount"),
        Index("ix_task_created_at", "created_at"),
        Index("ix_task_due_order", text("coalesce(due_at, '9999-12-31')")),
    )

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=120)
    workflow_id: str | None = Field(default=None, max_length=80, index=True)
    practice_id: int | None = Field(default=None, foreign_key="practice.id", index=True)
    queue_id: int | None = Field(default=None, foreign_key="queue.id", index=True)
    claim_id: int | None = Field(default=None, foreign_key="claim.id", index=True)
    authorization_id: int | None = Field(default=None, foreign_key="authorization.id", index=True)
    kind: str = Field(max_length=30, index=True)
    category: str | None = Field(default=None, max_length=20)
    recommended_action: str | None = Field(default=None, max_length=40)
    status: str = Field(default="open", max_length=10, index=True)  # open|pended|done|cancelled
    assignee_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    assigned_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    amount: Decimal = Field(default=Decimal("0.00"), sa_type=Money)
    priority: float = Field(default=0.0, index=True)
    priority_reason: str = Field(default="", max_length=120)
    due_at: date | None = None
    pended_until: date | None = None
    pend_reason: str | None = Field(default=None, max_length=200)
    escalated: bool = False
    # When the task's SLA runs out (set by its workflow; escalation raises priority and flags it).
    sla_due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    detail: dict = Field(default_factory=dict, sa_column=Column(JSONType))
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Letter(SQLModel, table=True):
    """A generated appeal letter; each generation is a new version, the docx kept in the row."""

    __table_args__ = (UniqueConstraint("claim_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claim.id", index=True)
    version: int
    kind: str = Field(max_length=30)  # denial category the template is for
    level: int = 1
    narrative: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    created_by: int | None = Field(default=None, foreign_key="user.id")


class TeamView(SQLModel, table=True):
    """A worklist filter saved by a supervisor for the team (the query string of the URL)."""

    __tablename__ = "team_view"
    __table_args__ = (UniqueConstraint("practice_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    practice_id: int = Field(foreign_key="practice.id", index=True)
    name: str = Field(max_length=60)
    query: str = Field(max_length=1000)
    created_by: int | None = Field(default=None, foreign_key="user.id")
