"""dealer applications: the form as filled in, the visit, the terms; their documents

Revision ID: 0022
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0001"  # every revision branches off 0001 (see 0004)
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dealer_applications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_name", sa.String(length=200), nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("requester", sa.String(length=120), nullable=False),
        sa.Column("chat", sa.JSON(), nullable=True),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("visit", sa.JSON(), nullable=True),
        sa.Column("terms", sa.JSON(), nullable=True),
        sa.Column("terms_confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("dealer_code", sa.String(length=40), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dealer_applications")),
    )
    for column in ("company_name", "credit_code", "state", "requester", "request_id"):
        op.create_index(
            op.f(f"ix_dealer_applications_{column}"), "dealer_applications", [column]
        )
    op.create_table(
        "dealer_application_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("mime", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["dealer_applications.id"],
            name=op.f("fk_dealer_application_documents_application_id_dealer_applications"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dealer_application_documents")),
    )
    op.create_index(
        op.f("ix_dealer_application_documents_application_id"),
        "dealer_application_documents",
        ["application_id"],
    )


def downgrade() -> None:
    op.drop_table("dealer_application_documents")
    op.drop_table("dealer_applications")
