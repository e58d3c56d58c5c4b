"""invites keep the SHA-256 of their code, not the code; per-user message buckets

Revision ID: 0011
Revises: 0001

Codes issued before this revision are hashed here, so they keep working until they expire.
A downgrade cannot bring a code back: every invite is left with a code nobody can type.
"""

import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0001"
branch_labels = None
depends_on = None

invites = sa.table(
    "invites",
    sa.column("id", sa.Integer()),
    sa.column("code", sa.String()),
    sa.column("code_hash", sa.String()),
)


def upgrade() -> None:
    op.create_table(
        "rate_buckets",
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("user_id", sa.String(length=128), nullable=False),
        sa.Column("tat_us", sa.BigInteger(), nullable=False),
        sa.Column("noticed_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("platform", "user_id", name=op.f("pk_rate_buckets")),
    )
    op.add_column("invites", sa.Column("code_hash", sa.String(length=64), nullable=True))
    conn = op.get_bind()
    # Stored codes are normalized already (upper case, no separators): hash them as they are.
    for invite_id, code in conn.execute(sa.select(invites.c.id, invites.c.code)).all():
        digest = hashlib.sha256(code.encode("utf-8")).hexdigest()
        conn.execute(
            invites.update().where(invites.c.id == invite_id).values(code_hash=digest)
        )
    with op.batch_alter_table("invites") as batch:
        batch.drop_constraint("uq_invites_code", type_="unique")
        batch.drop_column("code")
        batch.alter_column("code_hash", existing_type=sa.String(length=64), nullable=False)
        batch.create_unique_constraint(op.f("uq_invites_code_hash"), ["code_hash"])


def downgrade() -> None:
    op.add_column("invites", sa.Column("code", sa.String(length=32), nullable=True))
    # Lower-case hex never equals a typed code (codes are upper-cased before the lookup).
    op.execute("UPDATE invites SET code = substr(code_hash, 1, 32)")
    with op.batch_alter_table("invites") as batch:
        batch.drop_constraint("uq_invites_code_hash", type_="unique")
        batch.drop_column("code_hash")
        batch.alter_column("code", existing_type=sa.String(length=32), nullable=False)
        batch.create_unique_constraint(op.f("uq_invites_code"), ["code"])
    op.drop_table("rate_buckets")
