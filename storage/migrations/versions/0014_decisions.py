"""the decision log: decisions, their undo and reopen, appended only

Revision ID: 0014
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0001"  # every revision branches off 0001 (see 0004)
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.String(length=80), nullable=False),
        sa.Column("act", sa.String(length=16), nullable=False),
        sa.Column("author", sa.String(length=80), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("reverses", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["reverses"], ["decisions.id"], name="fk_decisions_reverses_decisions"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_decisions"),
        sa.UniqueConstraint("reverses", name="uq_decisions_reverses"),
    )
    op.create_index("ix_decisions_kind_subject", "decisions", ["kind", "subject"])


def downgrade() -> None:
    op.drop_index("ix_decisions_kind_subject", table_name="decisions")
    op.drop_table("decisions")
