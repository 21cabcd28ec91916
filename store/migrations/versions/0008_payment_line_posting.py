"""payment lines: the line control number the payer returned (REF*6R) and our line it pays

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 20:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# resolve_fks=False: SQLite's copy of the table needs only its own columns; reflecting the tables
# its keys point to warned on every new database (an expression index of remittance).
_REFLECT = {"reflect_kwargs": {"resolve_fks": False}}


def upgrade() -> None:
    with op.batch_alter_table("payment_line", **_REFLECT) as batch:
        batch.add_column(sa.Column("line_control", sa.String(length=50), nullable=True))
        batch.add_column(sa.Column("service_line_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_payment_line_service_line", "service_line", ["service_line_id"], ["id"]
        )
        batch.create_index("ix_payment_line_service_line_id", ["service_line_id"])


def downgrade() -> None:
    with op.batch_alter_table("payment_line", **_REFLECT) as batch:
        batch.drop_index("ix_payment_line_service_line_id")
        batch.drop_constraint("fk_payment_line_service_line", type_="foreignkey")
        batch.drop_column("service_line_id")
        batch.drop_column("line_control")
