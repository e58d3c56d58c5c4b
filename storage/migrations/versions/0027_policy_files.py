"""policy documents remember the file they came from and its version

Revision ID: 0027
Revises: 0001
Depends on: 0003 (the policy_documents table)
"""

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0001"  # every revision branches off 0001 (see 0004)
branch_labels = None
depends_on = "0003"  # the policy_documents table


def upgrade() -> None:
    # Plain ADD COLUMN: a batch copy of the table on SQLite would cascade to its clauses.
    op.add_column(
        "policy_documents",
        sa.Column("source", sa.String(length=120), nullable=False, server_default=""),
    )
    op.add_column(
        "policy_documents",
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
    )
    op.create_index("ix_policy_documents_source", "policy_documents", ["source"])


def downgrade() -> None:
    op.drop_index("ix_policy_documents_source", table_name="policy_documents")
    op.drop_column("policy_documents", "version")
    op.drop_column("policy_documents", "source")
