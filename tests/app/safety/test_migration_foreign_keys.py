"""A migration that rebuilds a table must not lose the rows that point at it.

Alembic's batch mode on SQLite rebuilds a table by copy, DROP and rename. ``db/migrate.py``
runs it with ``PRAGMA foreign_keys = ON`` (set on every connection by ``db/engine.py``), so
the DROP cascades: every progress update and recommendation link of every action is deleted,
in the same transaction, and the migration "succeeds". This test is expected to fail until
``db/migrate.py`` switches foreign keys off around the upgrade (the fix is in the safety
report); it then passes and the ``xfail`` marker should go.
"""

from __future__ import annotations

import shutil
import textwrap

import pytest

from app.database import open_database
from db import migrate
from tests.app.safety.helpers import rows


def test_rebuilding_the_action_table_keeps_progress_updates_and_links(office_db, tmp_path, monkeypatch):
    counts = "SELECT (SELECT count(*) FROM progress_update), (SELECT count(*) FROM action_recommendation)"
    before = rows(office_db, counts)
    assert before[0][0] > 0 and before[0][1] > 0
    scripts = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS_DIR, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    (scripts / "versions" / "0099_rebuild_action.py").write_text(textwrap.dedent(f'''
        from alembic import op
        import sqlalchemy as sa
        revision = "0099"
        down_revision = "{migrate.head_revision()}"
        branch_labels = None
        depends_on = None
        def upgrade():
            with op.batch_alter_table("action", recreate="always") as batch:
                batch.add_column(sa.Column("priority", sa.Integer()))
        def downgrade():
            pass
    '''), encoding="utf-8")
    monkeypatch.setattr(migrate, "MIGRATIONS_DIR", scripts)

    open_database(office_db, backup_folder=tmp_path / "backups").close()

    assert rows(office_db, "SELECT version_num FROM alembic_version") == [("0099",)]
    assert rows(office_db, counts) == before
