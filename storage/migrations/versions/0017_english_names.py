"""english_names: optional English names of products, terminals and regions

Revision ID: 0017
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0001"
branch_labels = None
depends_on = None

TABLES = ("products", "terminals", "regions")


def upgrade() -> None:
    # An empty name_en means "none": English replies fall back to the Chinese name.
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("name_en", sa.String(length=200), server_default="", nullable=False)
            )


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("name_en")
