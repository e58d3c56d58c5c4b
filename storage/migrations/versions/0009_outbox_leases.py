"""outbox_chats (each chat's next turn, shared by every worker) and the outbox's retry dates

Revision ID: 0009
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbox_chats",
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("chat_id", sa.String(length=128), nullable=False),
        sa.Column("next_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("platform", "chat_id", name=op.f("pk_outbox_chats")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("first_failed_at", sa.DateTime(timezone=True)))
        batch_op.add_column(sa.Column("failed_at", sa.DateTime(timezone=True)))
        batch_op.add_column(sa.Column("failure_told_at", sa.DateTime(timezone=True)))
    # Messages that failed before this revision: their failure time is unknown, and they
    # are not news any more, so no digest reports them.
    op.execute(
        "UPDATE outbox SET failed_at = created_at, failure_told_at = created_at "
        "WHERE status IN ('failed', 'undeliverable')"
    )


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("failure_told_at")
        batch_op.drop_column("failed_at")
        batch_op.drop_column("first_failed_at")
    op.drop_table("outbox_chats")
