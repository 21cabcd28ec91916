"""remittance scope: practice and payer ids; held claim payments

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 16:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import denialdesk.store.types

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# 0001 left the unique constraint unnamed: name it on reflection so it can be dropped.
NAMING = {"uq": "uq_%(table_name)s_%(column_0_name)s"}


def upgrade() -> None:
    with op.batch_alter_table("remittance", naming_convention=NAMING) as batch_op:
        batch_op.add_column(
            sa.Column("payer_ids", denialdesk.store.types.JSONType(), nullable=True)
        )
        batch_op.add_column(sa.Column("practice_id", sa.Integer(), nullable=True))
        batch_op.create_index("ix_remittance_practice_id", ["practice_id"], unique=False)
        batch_op.create_foreign_key(
            "fk_remittance_practice_id", "practice", ["practice_id"], ["id"]
        )
        batch_op.drop_constraint(_old_unique(), type_="unique")
    op.create_index(
        "uq_remittance_trace",
        "remittance",
        ["payer_identifier", "trace_number", sa.text("coalesce(practice_id, 0)")],
        unique=True,
    )
    with op.batch_alter_table("claim_payment") as batch_op:
        batch_op.add_column(sa.Column("held_reason", sa.String(length=300), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("claim_payment") as batch_op:
        batch_op.drop_column("held_reason")
    op.drop_index("uq_remittance_trace", table_name="remittance")
    with op.batch_alter_table("remittance") as batch_op:
        batch_op.create_unique_constraint(
            "remittance_payer_identifier_trace_number_key", ["payer_identifier", "trace_number"]
        )
        batch_op.drop_constraint("fk_remittance_practice_id", type_="foreignkey")
        batch_op.drop_index("ix_remittance_practice_id")
        batch_op.drop_column("practice_id")
        batch_op.drop_column("payer_ids")


def _old_unique() -> str:
    # PostgreSQL named it itself; SQLite reflects it unnamed and NAMING names it.
    if op.get_bind().dialect.name == "postgresql":
        return "remittance_payer_identifier_trace_number_key"
    return "uq_remittance_payer_identifier"
