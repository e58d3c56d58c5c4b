"""sentence vectors of the policy's texts, per model, keyed by a digest of the text

Revision ID: 0028
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0001"  # every revision branches off 0001 (see 0004)
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "policy_vectors",
        sa.Column("model", sa.String(length=40), nullable=False),
        sa.Column("digest", sa.String(length=40), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("model", "digest"),
    )


def downgrade() -> None:
    op.drop_table("policy_vectors")
