"""a penalty's amount on its violation (a fine, a confiscation)

Revision ID: 0020
Revises: 0001 (and needs 0002, whose violations it extends)
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0001"  # every revision branches off 0001 (see 0004)
branch_labels = None
depends_on = "0002"


def upgrade() -> None:
    with op.batch_alter_table("violations") as batch:
        batch.add_column(sa.Column("penalty_amount", sa.Numeric(precision=14, scale=2)))


def downgrade() -> None:
    with op.batch_alter_table("violations") as batch:
        batch.drop_column("penalty_amount")
