"""fee budgets, fee requests, fee claims and their proof files

Revision ID: 0024
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0001"  # every revision branches off 0001 (see 0004)
branch_labels = None
depends_on = None

MONEY = sa.Numeric(precision=14, scale=2)
WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "fee_budgets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("region_code", sa.String(length=40), nullable=False),
        sa.Column("line", sa.String(length=40), nullable=False),
        sa.Column("promotion_id", sa.Integer(), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("period", "region_code", "line", "promotion_id"),
    )
    op.create_index("ix_fee_budgets_period", "fee_budgets", ["period"])
    op.create_table(
        "fee_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dealer_code", sa.String(length=40), nullable=False),
        sa.Column("region_code", sa.String(length=40), nullable=False),
        sa.Column("activity", sa.String(length=16), nullable=False),
        sa.Column("promotion_id", sa.Integer(), nullable=True),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("end", sa.Date(), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("plan", sa.Text(), nullable=False),
        sa.Column("expected", sa.Text(), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("budget_id", sa.Integer(), nullable=True),
        sa.Column("over_budget", sa.Boolean(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("approval_id", sa.Integer(), nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(["budget_id"], ["fee_budgets.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    for column in ("dealer_code", "budget_id", "state", "approval_id"):
        op.create_index(f"ix_fee_requests_{column}", "fee_requests", [column])
    op.create_table(
        "fee_claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("dealer_code", sa.String(length=40), nullable=False),
        sa.Column("actual", MONEY, nullable=False),
        sa.Column("claimed", MONEY, nullable=False),
        sa.Column("results", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("approval_id", sa.Integer(), nullable=True),
        sa.Column("submitted_at", WHEN, nullable=False),
        sa.Column("payout", sa.String(length=16), nullable=True),
        sa.Column("payment_ref", sa.String(length=200), nullable=False),
        sa.Column("paid_at", WHEN, nullable=True),
        sa.ForeignKeyConstraint(["request_id"], ["fee_requests.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("request_id"),
    )
    for column in ("dealer_code", "state", "approval_id"):
        op.create_index(f"ix_fee_claims_{column}", "fee_claims", [column])
    op.create_table(
        "fee_proofs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("mime", sa.String(length=100), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("added_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(["claim_id"], ["fee_claims.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_fee_proofs_claim_id", "fee_proofs", ["claim_id"])
    op.create_index("ix_fee_proofs_sha256", "fee_proofs", ["sha256"])


def downgrade() -> None:
    op.drop_index("ix_fee_proofs_sha256", table_name="fee_proofs")
    op.drop_index("ix_fee_proofs_claim_id", table_name="fee_proofs")
    op.drop_table("fee_proofs")
    for column in ("dealer_code", "state", "approval_id"):
        op.drop_index(f"ix_fee_claims_{column}", table_name="fee_claims")
    op.drop_table("fee_claims")
    for column in ("dealer_code", "budget_id", "state", "approval_id"):
        op.drop_index(f"ix_fee_requests_{column}", table_name="fee_requests")
    op.drop_table("fee_requests")
    op.drop_index("ix_fee_budgets_period", table_name="fee_budgets")
    op.drop_table("fee_budgets")
