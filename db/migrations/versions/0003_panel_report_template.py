"""every part of the council's panel report template

The scrutiny panel cover report gets the parts of the council's template it lacked: the
chair's and the author's contact details, whether the report is open or exempt (and why),
property and other resource implications beside capital and revenue (the old "resource
implications", renamed), other legal implications, risk management and policy framework
implications, whether it is a key decision, the wards affected, whether equality and data
protection impact assessments are needed, documents in members' rooms and background papers.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

TEXTS = ("exemption", "property_other", "other_legal", "risk_management", "policy_framework",
         "members_room_documents", "background_papers")
STRINGS = (("chair_name", 200), ("chair_phone", 60), ("chair_email", 200), ("author_title", 200),
           ("author_name", 200), ("author_phone", 60), ("author_email", 200), ("wards_affected", 300))
FLAGS = ("exempt", "key_decision", "equality_assessment", "data_protection_assessment")


def upgrade() -> None:
    with op.batch_alter_table('panel_report', schema=None) as batch_op:
        batch_op.alter_column('resource_implications', new_column_name='capital_revenue')
        for name, length in STRINGS:
            batch_op.add_column(sa.Column(name, sa.String(length=length), nullable=True))
        for name in TEXTS:
            batch_op.add_column(sa.Column(name, sa.Text(), nullable=True))
        for name in FLAGS:
            batch_op.add_column(sa.Column(name, sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('panel_report', schema=None) as batch_op:
        for name in (*FLAGS, *TEXTS, *(name for name, _ in STRINGS)):
            batch_op.drop_column(name)
        batch_op.alter_column('capital_revenue', new_column_name='resource_implications')
