"""job runs; the covering index of target achievement on sales

Revision ID: 0004
Revises: 0001
Depends on: 0002 (the sales table)
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0001"
branch_labels = None
depends_on = "0002"


def upgrade() -> None:
    op.create_table(
        "job_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job", sa.String(length=64), nullable=False),
        sa.Column("occasion", sa.DateTime(timezone=True), nullable=False),
        sa.Column("trigger", sa.String(length=16), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("messages", sa.Integer(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_runs")),
    )
    op.create_index("ix_job_runs_job_occasion", "job_runs", ["job", "occasion"])
    op.create_index("ix_sales_achievement", "sales", ["dealer_id", "sold_on", "status", "amount"])


def downgrade() -> None:
    op.drop_index("ix_sales_achievement", table_name="sales")
    op.drop_index("ix_job_runs_job_occasion", table_name="job_runs")
    op.drop_table("job_runs")
