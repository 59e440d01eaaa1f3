"""Schema migrations: from empty, from an older schema (with a backup), never from a newer one."""

from __future__ import annotations

import shutil
import sqlite3
import textwrap

import pytest
from sqlalchemy import inspect, select

from app.database import open_database
from app.errors import UserError
from db import migrate
from db.engine import make_engine
from db.models import Base, Referral


def test_a_new_database_is_created_at_the_newest_schema(tmp_path):
    db = open_database(tmp_path / "new.sqlite")
    try:
        assert db.migration.from_revision is None
        assert migrate.current_revision(db.engine) == migrate.head_revision()
        tables = set(inspect(db.engine).get_table_names())
        assert set(Base.metadata.tables) <= tables
    finally:
        db.close()


def test_a_database_from_a_newer_program_is_refused_untouched(tmp_path):
    path = tmp_path / "newer.sqlite"
    open_database(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'ffff9999'")
    before = path.read_bytes()
    with pytest.raises(UserError, match="newer version"):
        open_database(path)
    assert path.read_bytes() == before


def test_an_sqlite_file_that_is_not_ours_is_refused(tmp_path):
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE contacts (name TEXT)")
    with pytest.raises(UserError, match="not a Case Review Tracker"):
        open_database(path)


def test_a_file_that_is_not_a_database_is_refused(tmp_path):
    path = tmp_path / "notes.sqlite"
    path.write_text("Ref,Summary\nRef053,Neglect\n", encoding="utf-8")
    with pytest.raises(UserError, match="not an SQLite file"):
        open_database(path)
    assert path.read_text(encoding="utf-8").startswith("Ref,Summary")


@pytest.fixture
def older_database(tmp_path, monkeypatch):
    """A database holding one referral, and migration scripts with one more revision (0099, a
    new column on referral) as the next release would ship them: the database is now older."""
    path = tmp_path / "office.sqlite"
    db = open_database(path)
    with db.sessions.begin() as s:
        s.add(Referral(reference="Ref044", age_text="1 yr 11 mths"))
    db.close()

    scripts = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS_DIR, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    (scripts / "versions" / "0099_add_column.py").write_text(textwrap.dedent(f'''
        from alembic import op
        import sqlalchemy as sa
        revision = "0099"
        down_revision = "{migrate.head_revision()}"
        branch_labels = None
        depends_on = None
        def upgrade():
            with op.batch_alter_table("referral") as batch:
                batch.add_column(sa.Column("extra_note", sa.Text()))
        def downgrade():
            with op.batch_alter_table("referral") as batch:
                batch.drop_column("extra_note")
    '''), encoding="utf-8")
    monkeypatch.setattr(migrate, "MIGRATIONS_DIR", scripts)
    return path


def test_upgrading_an_older_database_takes_a_backup_first_and_keeps_the_data(tmp_path, older_database):
    backups = tmp_path / "backups"
    db = open_database(older_database, backup_folder=backups)
    try:
        assert db.migration.to_revision == "0099"
        assert db.migration.backup is not None and db.migration.backup.parent == backups
        with db.engine.connect() as conn:
            assert "extra_note" in {c["name"] for c in inspect(conn).get_columns("referral")}
        with db.sessions() as s:
            assert s.scalar(select(Referral.age_text)) == "1 yr 11 mths"
    finally:
        db.close()
    with sqlite3.connect(db.migration.backup) as conn:
        assert conn.execute("SELECT reference FROM referral").fetchall() == [("Ref044",)]
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] != "0099"


def test_the_backup_is_taken_before_the_schema_changes(older_database):
    engine = make_engine(str(older_database))
    seen = []

    def back_up(db_file, revision):
        seen.append((db_file, revision, migrate.current_revision(engine)))
        return db_file.with_name("copy.sqlite")

    try:
        before = migrate.current_revision(engine)
        result = migrate.upgrade(engine, back_up)
    finally:
        engine.dispose()
    assert seen == [(older_database, "0099", before)]
    assert result.backup == older_database.with_name("copy.sqlite") and result.to_revision == "0099"


def test_no_upgrade_without_its_backup(tmp_path, older_database):
    not_a_folder = tmp_path / "backups"
    not_a_folder.write_text("a file where the backup folder should be", encoding="utf-8")
    before = older_database.read_bytes()
    with pytest.raises(UserError, match="backup folder"):
        open_database(older_database, backup_folder=not_a_folder)
    assert older_database.read_bytes() == before


def test_the_quick_head_agrees_with_alembic_and_follows_a_new_script(tmp_path, monkeypatch):
    assert migrate.quick_head_revision() == migrate.head_revision()
    scripts = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS_DIR, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    (scripts / "versions" / "0100_next.py").write_text(textwrap.dedent(f'''
        revision = "0100"
        down_revision = "{migrate.head_revision()}"
        def upgrade():
            pass
    '''), encoding="utf-8")
    monkeypatch.setattr(migrate, "MIGRATIONS_DIR", scripts)
    assert migrate.quick_head_revision() == migrate.head_revision() == "0100"


def test_the_quick_head_leaves_a_merge_to_alembic(tmp_path, monkeypatch):
    scripts = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS_DIR, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    head = migrate.head_revision()
    for name, revision, down in (("0100_a.py", "0100", f'"{head}"'), ("0101_b.py", "0101", f'"{head}"'),
                                 ("0102_merge.py", "0102", '("0100", "0101")')):
        (scripts / "versions" / name).write_text(
            f'revision: str = "{revision}"\ndown_revision = {down}\n', encoding="utf-8")
    monkeypatch.setattr(migrate, "MIGRATIONS_DIR", scripts)
    assert migrate.quick_head_revision() is None


def test_opening_a_database_at_the_newest_schema_does_not_load_alembic(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "office.sqlite"
    open_database(path).close()
    code = ("import sys; from app.database import open_database; "
            f"open_database({str(path)!r}, check_later=True).close(); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'alembic'))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            cwd=migrate.MIGRATIONS_DIR.parents[1])
    assert result.stdout.strip() == "[]"
