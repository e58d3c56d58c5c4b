"""sales_monthly: confirmed sales per dealer and month, filled from the sales stored so far

Revision ID: 0007
Revises: 0001
Depends on: 0002 (the sales table)
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0001"
branch_labels = None
depends_on = "0002"


def upgrade() -> None:
    op.create_table(
        "sales_monthly",
        sa.Column("dealer_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dealer_id"], ["dealers.id"], name=op.f("fk_sales_monthly_dealer_id_dealers")
        ),
        sa.PrimaryKeyConstraint("dealer_id", "month", name=op.f("pk_sales_monthly")),
    )
    if op.get_bind().dialect.name == "sqlite":
        month = "date(sold_on, 'start of month')"
    else:
        month = "CAST(date_trunc('month', sold_on) AS DATE)"
    op.execute(
        f"INSERT INTO sales_monthly (dealer_id, month, amount, last_day) "
        f"SELECT dealer_id, {month}, SUM(amount), MAX(sold_on) FROM sales "
        f"WHERE status = 'confirmed' "
        f"GROUP BY dealer_id, {month}"
    )


def downgrade() -> None:
    op.drop_table("sales_monthly")
