"""rebate programs with their tier tables, and one settlement per dealer and program

Revision ID: 0019
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0001"  # every revision branches off 0001 (see 0004)
branch_labels = None
depends_on = None

MONEY = sa.Numeric(precision=14, scale=2)


def upgrade() -> None:
    op.create_table(
        "rebate_programs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("basis", sa.String(length=16), nullable=False),
        sa.Column("scope", sa.JSON(), nullable=False),
        sa.Column("withhold_on_severe", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code", "period"),
    )
    op.create_index("ix_rebate_programs_period", "rebate_programs", ["period"])
    op.create_table(
        "rebate_tiers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("lower", MONEY, nullable=False),
        sa.Column("upper", MONEY, nullable=True),
        sa.Column("rate", sa.Numeric(precision=7, scale=4), nullable=True),
        sa.Column("amount", MONEY, nullable=True),
        sa.Column("cap", MONEY, nullable=True),
        sa.ForeignKeyConstraint(["program_id"], ["rebate_programs.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_rebate_tiers_program_id", "rebate_tiers", ["program_id"])
    op.create_table(
        "rebate_settlements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("dealer_code", sa.String(length=64), nullable=False),
        sa.Column("achieved", MONEY, nullable=False),
        sa.Column("tier", sa.Integer(), nullable=True),
        sa.Column("gross", MONEY, nullable=False),
        sa.Column("deduction", MONEY, nullable=False),
        sa.Column("net", MONEY, nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("credited_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["program_id"], ["rebate_programs.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("program_id", "dealer_code"),
    )
    op.create_index("ix_rebate_settlements_program_id", "rebate_settlements", ["program_id"])


def downgrade() -> None:
    op.drop_index("ix_rebate_settlements_program_id", table_name="rebate_settlements")
    op.drop_table("rebate_settlements")
    op.drop_index("ix_rebate_tiers_program_id", table_name="rebate_tiers")
    op.drop_table("rebate_tiers")
    op.drop_index("ix_rebate_programs_period", table_name="rebate_programs")
    op.drop_table("rebate_programs")
