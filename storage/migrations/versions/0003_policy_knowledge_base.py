"""policy knowledge base: documents, clauses, questions, FAQ

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-27 00:40:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('policy_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('family', sa.String(length=120), nullable=False),
    sa.Column('lang', sa.String(length=8), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('source_hash', sa.String(length=64), nullable=False),
    sa.Column('revision', sa.String(length=32), nullable=False),
    sa.Column('loaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_policy_documents')),
    sa.UniqueConstraint('name', name=op.f('uq_policy_documents_name'))
    )
    with op.batch_alter_table('policy_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_policy_documents_family'), ['family'], unique=False)

    op.create_table('policy_faq',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('lang', sa.String(length=8), nullable=False),
    sa.Column('source_question_id', sa.Integer(), nullable=True),
    sa.Column('created_by', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revision', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_policy_faq'))
    )
    op.create_table('policy_clauses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('ordinal', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.Column('label', sa.String(length=60), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('section', sa.String(length=400), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['policy_documents.id'], name=op.f('fk_policy_clauses_document_id_policy_documents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_policy_clauses')),
    sa.UniqueConstraint('document_id', 'key', name=op.f('uq_policy_clauses_document_id_key'))
    )
    with op.batch_alter_table('policy_clauses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_policy_clauses_document_id'), ['document_id'], unique=False)

    op.create_table('policy_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('platform', sa.String(length=16), nullable=False),
    sa.Column('chat_id', sa.String(length=128), nullable=False),
    sa.Column('user_id', sa.String(length=128), nullable=False),
    sa.Column('dealer_code', sa.String(length=64), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('lang', sa.String(length=8), nullable=False),
    sa.Column('asked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('confidence', sa.Float(), nullable=False),
    sa.Column('refs', sa.JSON(), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('answered_by', sa.String(length=80), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('rating', sa.String(length=8), nullable=True),
    sa.Column('faq_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['faq_id'], ['policy_faq.id'], name=op.f('fk_policy_questions_faq_id_policy_faq'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_policy_questions'))
    )
    with op.batch_alter_table('policy_questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_policy_questions_asked_at'), ['asked_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_policy_questions_dealer_code'), ['dealer_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_policy_questions_status'), ['status'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('policy_questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_policy_questions_status'))
        batch_op.drop_index(batch_op.f('ix_policy_questions_dealer_code'))
        batch_op.drop_index(batch_op.f('ix_policy_questions_asked_at'))
    op.drop_table('policy_questions')
    with op.batch_alter_table('policy_clauses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_policy_clauses_document_id'))
    op.drop_table('policy_clauses')
    op.drop_table('policy_faq')
    with op.batch_alter_table('policy_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_policy_documents_family'))
    op.drop_table('policy_documents')
