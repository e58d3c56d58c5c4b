"""held severe alerts: kept for managers with no chat account until one links

Revision ID: 0015
Revises: 0001
Depends on: 0002 (the violations table)
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0001"
branch_labels = None
depends_on = "0002"


def upgrade() -> None:
    op.create_table(
        "held_alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("violation_id", sa.Integer(), nullable=False),
        sa.Column("manager_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["manager_id"], ["managers.id"], name=op.f("fk_held_alerts_manager_id_managers")
        ),
        sa.ForeignKeyConstraint(
            ["violation_id"],
            ["violations.id"],
            name=op.f("fk_held_alerts_violation_id_violations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_held_alerts")),
        sa.UniqueConstraint(
            "violation_id", "manager_id", name=op.f("uq_held_alerts_violation_id_manager_id")
        ),
    )
    op.create_index(
        op.f("ix_held_alerts_manager_id"), "held_alerts", ["manager_id"], unique=False
    )
    op.create_index(
        op.f("ix_held_alerts_delivered_at"), "held_alerts", ["delivered_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_held_alerts_delivered_at"), table_name="held_alerts")
    op.drop_index(op.f("ix_held_alerts_manager_id"), table_name="held_alerts")
    op.drop_table("held_alerts")
