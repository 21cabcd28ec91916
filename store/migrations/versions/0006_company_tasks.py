"""company tasks: a task may belong to no practice and no workflow (rejected inbox files)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-08 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("task") as batch_op:
        batch_op.alter_column("practice_id", existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column("workflow_id", existing_type=sa.String(length=80), nullable=True)


def downgrade() -> None:
    # The billing company's tasks have no practice to give back: they go with the column's
    # NOT NULL (the files stay in the inbox's rejected/ folder).
    op.execute("DELETE FROM task WHERE practice_id IS NULL OR workflow_id IS NULL")
    with op.batch_alter_table("task") as batch_op:
        batch_op.alter_column("workflow_id", existing_type=sa.String(length=80), nullable=False)
        batch_op.alter_column("practice_id", existing_type=sa.Integer(), nullable=False)
