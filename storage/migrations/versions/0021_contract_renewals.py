"""contract renewals: one per contract, its proposed term, request or termination notice

Revision ID: 0021
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0001"  # every revision branches off 0001 (see 0004)
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contract_renewals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dealer_code", sa.String(length=64), nullable=False),
        sa.Column("contract_end", sa.Date(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("start", sa.Date(), nullable=True),
        sa.Column("end", sa.Date(), nullable=True),
        sa.Column("annual_target", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("assessed", sa.Boolean(), nullable=True),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("proposed_by", sa.String(length=64), nullable=False),
        sa.Column("notice_on", sa.Date(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("dealer_code", "contract_end"),
    )
    op.create_index("ix_contract_renewals_request_id", "contract_renewals", ["request_id"])


def downgrade() -> None:
    op.drop_index("ix_contract_renewals_request_id", table_name="contract_renewals")
    op.drop_table("contract_renewals")
