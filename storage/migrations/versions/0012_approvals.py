"""approval requests, decisions and stand-ins; price exceptions capped, revocable, linked

Revision ID: 0012
Revises: 0001 (and needs 0002, whose price_exceptions it extends)
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0001"  # every revision branches off 0001 (see 0004)
branch_labels = None
depends_on = "0002"


def upgrade() -> None:
    op.create_table(
        "approval_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("dealer_code", sa.String(length=40), nullable=True),
        sa.Column("requester", sa.String(length=80), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("chain", sa.JSON(), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("step_started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reminded_step", sa.Integer(), nullable=False),
        sa.Column("escalated_step", sa.Integer(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    for column in ("kind", "dealer_code", "requester", "state"):
        op.create_index(f"ix_approval_requests_{column}", "approval_requests", [column])
    op.create_table(
        "approval_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("for_manager", sa.String(length=40), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("dedupe_key", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["request_id"], ["approval_requests.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("request_id", "version"),
        sa.UniqueConstraint("dedupe_key"),
    )
    op.create_index("ix_approval_decisions_request_id", "approval_decisions", ["request_id"])
    op.create_index("ix_approval_decisions_at", "approval_decisions", ["at"])
    op.create_table(
        "approval_delegations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("manager_code", sa.String(length=40), nullable=False),
        sa.Column("delegate_code", sa.String(length=40), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("end", sa.Date(), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_approval_delegations_manager_code", "approval_delegations", ["manager_code"]
    )
    op.create_index(
        "ix_approval_delegations_delegate_code", "approval_delegations", ["delegate_code"]
    )
    with op.batch_alter_table("price_exceptions") as batch:
        batch.add_column(sa.Column("qty_cap", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("terminal_code", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("request_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("reason", sa.Text(), nullable=True))
        batch.add_column(sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("revoked_by", sa.String(length=80), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("price_exceptions") as batch:
        for column in ("revoked_by", "revoked_at", "reason", "request_id", "terminal_code", "qty_cap"):
            batch.drop_column(column)
    op.drop_table("approval_delegations")
    op.drop_table("approval_decisions")
    op.drop_table("approval_requests")
