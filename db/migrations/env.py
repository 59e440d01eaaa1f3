"""Alembic environment: always run with a connection handed in by db.migrate."""

from alembic import context

from db.models import Base

config = context.config
connection = config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    # SQLite can only ALTER by copying the table: scripts use batch_alter_table, which copies
    # the table on SQLite only and is a plain ALTER TABLE on PostgreSQL.
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
