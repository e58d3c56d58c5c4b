"""sales, stock, price exceptions, drafts and violations

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 00:40:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('price_exceptions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dealer_id', sa.Integer(), nullable=True),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('min_price', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('approved_by', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['dealer_id'], ['dealers.id'], name=op.f('fk_price_exceptions_dealer_id_dealers')),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_price_exceptions_product_id_products')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_price_exceptions'))
    )
    with op.batch_alter_table('price_exceptions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_price_exceptions_dealer_id'), ['dealer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_price_exceptions_product_id'), ['product_id'], unique=False)

    op.create_table('sale_drafts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dealer_id', sa.Integer(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['dealer_id'], ['dealers.id'], name=op.f('fk_sale_drafts_dealer_id_dealers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sale_drafts'))
    )
    with op.batch_alter_table('sale_drafts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sale_drafts_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_sale_drafts_dealer_id'), ['dealer_id'], unique=False)

    op.create_table('sales',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dealer_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('terminal_id', sa.Integer(), nullable=False),
    sa.Column('qty', sa.Integer(), nullable=False),
    sa.Column('unit_price', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('sold_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('reported_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('dedupe_key', sa.String(length=255), nullable=False),
    sa.Column('corrects_id', sa.Integer(), nullable=True),
    sa.Column('source_text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['corrects_id'], ['sales.id'], name=op.f('fk_sales_corrects_id_sales')),
    sa.ForeignKeyConstraint(['dealer_id'], ['dealers.id'], name=op.f('fk_sales_dealer_id_dealers')),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_sales_product_id_products')),
    sa.ForeignKeyConstraint(['reported_by'], ['chat_identities.id'], name=op.f('fk_sales_reported_by_chat_identities')),
    sa.ForeignKeyConstraint(['terminal_id'], ['terminals.id'], name=op.f('fk_sales_terminal_id_terminals')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sales')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_sales_dedupe_key'))
    )
    with op.batch_alter_table('sales', schema=None) as batch_op:
        batch_op.create_index('ix_sales_dealer_id_sold_on', ['dealer_id', 'sold_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_sales_product_id'), ['product_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sales_terminal_id'), ['terminal_id'], unique=False)

    op.create_table('stock_levels',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dealer_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('qty', sa.Integer(), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('reported_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['dealer_id'], ['dealers.id'], name=op.f('fk_stock_levels_dealer_id_dealers')),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_stock_levels_product_id_products')),
    sa.ForeignKeyConstraint(['reported_by'], ['chat_identities.id'], name=op.f('fk_stock_levels_reported_by_chat_identities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_levels')),
    sa.UniqueConstraint('dealer_id', 'product_id', 'as_of', name=op.f('uq_stock_levels_dealer_id_product_id_as_of'))
    )
    with op.batch_alter_table('stock_levels', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stock_levels_dealer_id'), ['dealer_id'], unique=False)

    op.create_table('violations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dealer_id', sa.Integer(), nullable=False),
    sa.Column('sale_id', sa.Integer(), nullable=True),
    sa.Column('type', sa.String(length=40), nullable=False),
    sa.Column('severity', sa.String(length=16), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('penalty', sa.String(length=32), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('decided_by', sa.String(length=80), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['dealer_id'], ['dealers.id'], name=op.f('fk_violations_dealer_id_dealers')),
    sa.ForeignKeyConstraint(['sale_id'], ['sales.id'], name=op.f('fk_violations_sale_id_sales')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_violations'))
    )
    with op.batch_alter_table('violations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_violations_created_at'), ['created_at'], unique=False)
        batch_op.create_index('ix_violations_dealer_id_status', ['dealer_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_violations_sale_id'), ['sale_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('violations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_violations_sale_id'))
        batch_op.drop_index('ix_violations_dealer_id_status')
        batch_op.drop_index(batch_op.f('ix_violations_created_at'))

    op.drop_table('violations')
    with op.batch_alter_table('stock_levels', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stock_levels_dealer_id'))

    op.drop_table('stock_levels')
    with op.batch_alter_table('sales', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sales_terminal_id'))
        batch_op.drop_index(batch_op.f('ix_sales_product_id'))
        batch_op.drop_index('ix_sales_dealer_id_sold_on')

    op.drop_table('sales')
    with op.batch_alter_table('sale_drafts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sale_drafts_dealer_id'))
        batch_op.drop_index(batch_op.f('ix_sale_drafts_created_at'))

    op.drop_table('sale_drafts')
    with op.batch_alter_table('price_exceptions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_price_exceptions_product_id'))
        batch_op.drop_index(batch_op.f('ix_price_exceptions_dealer_id'))

    op.drop_table('price_exceptions')
