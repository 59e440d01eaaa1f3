"""status codes and the day records were added

Closure reasons and review statuses get the stable codes the program reasons about (a
closure "superseded" is shown as such on every paper, whatever the office renames it to),
two closure reasons offices use are added, and actions and recommendations record the day
they were put on the record, so a paper for an earlier date can leave them out.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

# (list kind, name as the defaults wrote it, code)
CODES = [
    ("closure_reason", "Implemented and verified", "implemented"),
    ("closure_reason", "Closed, risk accepted", "risk_accepted"),
    ("closure_reason", "Superseded", "superseded"),
    ("closure_reason", "Not implemented", "not_implemented"),
    ("review_status", "Agreed", "agreed"),
    ("review_status", "Initiated", "initiated"),
    ("review_status", "Underway", "underway"),
    ("review_status", "On hold (parallel proceedings)", "on_hold"),
    ("review_status", "Completed", "completed"),
    ("review_status", "Published", "published"),
    ("review_status", "Closed", "closed"),
]
NEW_CLOSURE_REASONS = [("No longer applicable", "no_longer_applicable"),
                       ("Merged with another action", "merged")]

list_item = sa.table("list_item", sa.column("id", sa.Integer), sa.column("kind", sa.String),
                     sa.column("name", sa.String), sa.column("code", sa.String),
                     sa.column("sort_order", sa.Integer))


def upgrade() -> None:
    for table in ("action", "recommendation"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('added_on', sa.Date(), nullable=True))
    conn = op.get_bind()
    for kind, name, code in CODES:
        # Only a value the office has not given a code of its own.
        conn.execute(list_item.update()
                     .where(list_item.c.kind == kind, list_item.c.name == name, list_item.c.code.is_(None))
                     .values(code=code))
    last = conn.execute(sa.select(sa.func.max(list_item.c.sort_order))
                        .where(list_item.c.kind == "closure_reason")).scalar()
    # A database with no lists yet is filled by the defaults on opening, which include these.
    if last is None:
        return
    for offset, (name, code) in enumerate(NEW_CLOSURE_REASONS, start=1):
        taken = conn.execute(sa.select(list_item.c.id).where(
            list_item.c.kind == "closure_reason",
            sa.or_(list_item.c.name == name, list_item.c.code == code))).first()
        if taken is None:
            conn.execute(list_item.insert().values(kind="closure_reason", name=name, code=code,
                                                   sort_order=last + offset))


def downgrade() -> None:
    for table in ("recommendation", "action"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('added_on')
