"""the deposit ledger; each dealer's recorded deposit becomes its opening pledge entry

Revision ID: 0018
Revises: 0001
"""

from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0001"  # every revision branches off 0001 (see 0004)
branch_labels = None
depends_on = None


def upgrade() -> None:
    entries = op.create_table(
        "deposit_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dealer_code", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=80), nullable=False),
        sa.Column("recorded_by", sa.String(length=80), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    op.create_index("ix_deposit_entries_dealer_code", "deposit_entries", ["dealer_code"])
    dealers = sa.table(
        "dealers",
        sa.column("code", sa.String),
        sa.column("deposit", sa.Numeric),
        sa.column("since", sa.Date),
    )
    now = datetime.now(UTC)
    rows = op.get_bind().execute(
        sa.select(dealers.c.code, dealers.c.deposit, dealers.c.since).where(
            dealers.c.deposit > 0
        )
    )
    opening = [
        {
            "dealer_code": code,
            "kind": "pledge",
            "amount": deposit,
            "day": since or date.today(),
            "reason": "",
            "source": "opening",
            "recorded_by": "import",
            "at": now,
            "key": f"opening:{code}",
        }
        for code, deposit, since in rows
    ]
    if opening:
        op.bulk_insert(entries, opening)


def downgrade() -> None:
    op.drop_index("ix_deposit_entries_dealer_code", table_name="deposit_entries")
    op.drop_table("deposit_entries")
