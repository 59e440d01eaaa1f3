"""clocks paused or extended with a reason, and the chases sent about actions

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('clock_adjustment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('clock_rule_id', sa.Integer(), nullable=False),
    sa.Column('record_kind', sa.String(length=20), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('from_on', sa.Date(), nullable=False),
    sa.Column('to_on', sa.Date(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('recorded_on', sa.Date(), nullable=False),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('pause', 'extension')", name=op.f('ck_clock_adjustment_kind')),
    sa.CheckConstraint("record_kind IN ('referral', 'review', 'decision')",
                       name=op.f('ck_clock_adjustment_record_kind')),
    sa.ForeignKeyConstraint(['clock_rule_id'], ['clock_rule.id'],
                            name=op.f('fk_clock_adjustment_clock_rule_id_clock_rule')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clock_adjustment'))
    )
    with op.batch_alter_table('clock_adjustment', schema=None) as batch_op:
        batch_op.create_index('ix_clock_adjustment_record', ['record_kind', 'record_id'], unique=False)
    op.create_table('chase',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('chased_on', sa.Date(), nullable=False),
    sa.Column('to_whom', sa.String(length=300), nullable=False),
    sa.Column('channel', sa.String(length=40), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['action.id'], name=op.f('fk_chase_action_id_action'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chase'))
    )
    with op.batch_alter_table('chase', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_chase_action_id'), ['action_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_chase_chased_on'), ['chased_on'], unique=False)


def downgrade() -> None:
    op.drop_table('chase')
    op.drop_table('clock_adjustment')
