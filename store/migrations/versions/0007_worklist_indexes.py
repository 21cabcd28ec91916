"""worklist indexes: tab counts, the amount / age / due sorts, the payer filter

Measured by bench/bench_worklist.py (100,000 open tasks, 1,000,000 claims, PostgreSQL 15):
the tab counts become index-only scans, each sort reads about a page of rows instead of
every open task, and the payer filter reads a payer's claim ids without visiting the claims.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-10 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_task_status_practice_assignee", "task", ["status", "practice_id", "assignee_id"]
    )
    op.create_index("ix_task_amount", "task", ["amount"])
    op.create_index("ix_task_created_at", "task", ["created_at"])
    # The order store/tasks.py sorts by due date in: tasks without one last.
    op.create_index("ix_task_due_order", "task", [sa.text("coalesce(due_at, '9999-12-31')")])
    op.create_index("ix_claim_payer_id_id", "claim", ["payer_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_claim_payer_id_id", table_name="claim")
    op.drop_index("ix_task_due_order", table_name="task")
    op.drop_index("ix_task_created_at", table_name="task")
    op.drop_index("ix_task_amount", table_name="task")
    op.drop_index("ix_task_status_practice_assignee", table_name="task")
