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


def downgrade() -> None:
    with op.batch_alter_table("managers") as batch:
        batch.drop_column("lines")
