"""faq_scope: FAQ entries written and published by a manager for a scope; managers' lines

Revision ID: 0010
Revises: 0001
Depends on: 0003 (the policy_faq table)
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0001"
branch_labels = None
depends_on = "0003"


def upgrade() -> None:
    with op.batch_alter_table("managers") as batch:
        batch.add_column(sa.Column("lines", sa.String(length=400), server_default="", nullable=False))
    # Entries saved so far hold a dealer's question word for word: they become drafts
    # (server default) that a manager rewords and publishes, or leaves unpublished.
    with op.batch_alter_table("policy_faq") as batch:
        batch.add_column(sa.Column("status", sa.String(length=16), server_default="draft", nullable=False))
        batch.add_column(sa.Column("scope", sa.String(length=16), server_default="all", nullable=False))
        batch.add_column(sa.Column("scope_codes", sa.Text(), server_default="", nullable=False))
        batch.add_column(sa.Column("published_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("policy_faq") as batch:
        for column in ("published_at", "scope_codes", "scope", "status"):
            batch.drop_column(column)
    with op.batch_alter_table("managers") as batch:
        batch.drop_column("lines")
