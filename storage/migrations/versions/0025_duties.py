"""duties: nil reports (本期无销售) and financial statements by version

Revision ID: 0025
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0001"  # every revision branches off 0001 (see 0004)
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "duty_nil_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dealer_code", sa.String(length=64), nullable=False),
        sa.Column("duty", sa.String(length=32), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("filed_by", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("dealer_code", "duty", "period"),
    )
    money = sa.Numeric(precision=14, scale=2)
    op.create_table(
        "financial_statements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dealer_code", sa.String(length=64), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("revenue", money, nullable=False),
        sa.Column("cost", money, nullable=False),
        sa.Column("receivables", money, nullable=False),
        sa.Column("inventory", money, nullable=False),
        sa.Column("cash", money, nullable=False),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_by", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("dealer_code", "period", "version"),
    )
    op.create_index(
        "ix_financial_statements_dealer_code", "financial_statements", ["dealer_code"]
    )


def downgrade() -> None:
    op.drop_index("ix_financial_statements_dealer_code", table_name="financial_statements")
    op.drop_table("financial_statements")
    op.drop_table("duty_nil_reports")
