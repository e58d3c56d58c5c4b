"""market sizes per region, line and period; one scorecard per dealer and period

Revision ID: 0023
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0001"  # every revision branches off 0001 (see 0004)
branch_labels = None
depends_on = None

MONEY = sa.Numeric(precision=14, scale=2)


def upgrade() -> None:
    op.create_table(
        "market_sizes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("line", sa.String(length=64), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.ForeignKeyConstraint(["region_id"], ["regions.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("region_id", "line", "period"),
    )
    op.create_index("ix_market_sizes_period", "market_sizes", ["period"])
    op.create_table(
        "scorecards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dealer_code", sa.String(length=64), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("scores", sa.JSON(), nullable=False),
        sa.Column("total", sa.Numeric(precision=6, scale=2), nullable=True),
        sa.Column("grade", sa.String(length=8), nullable=True),
        sa.Column("consequences", sa.JSON(), nullable=False),
        sa.Column("tier", sa.String(length=20), nullable=False),
        sa.Column("new_tier", sa.String(length=20), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("adjustments", sa.JSON(), nullable=False),
        sa.Column("appeal", sa.Text(), nullable=False),
        sa.Column("appeal_request_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("dealer_code", "period"),
    )
    op.create_index("ix_scorecards_period", "scorecards", ["period"])


def downgrade() -> None:
    op.drop_index("ix_scorecards_period", table_name="scorecards")
    op.drop_table("scorecards")
    op.drop_index("ix_market_sizes_period", table_name="market_sizes")
    op.drop_table("market_sizes")
