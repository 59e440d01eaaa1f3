"""A file that is not ours is never changed; copies a killed backup left are cleared at the next start."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from app import cli
from app.backups import backup_folder, clear_unfinished_copies, list_backups
from app.database import open_database
from app.errors import UserError
from tests.app.safety.helpers import rows

REPO = Path(__file__).resolve().parents[3]


def _contacts(path: Path, *, revision: str | None = None) -> Path:
    """Another program's SQLite file (rollback journal, as most programs leave them)."""
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE contacts (name TEXT, phone TEXT)")
    conn.execute("INSERT INTO contacts VALUES ('Dr Patel', '01632 960001')")
    if revision:  # another program that also uses Alembic
        conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
        conn.execute("INSERT INTO alembic_version VALUES (?)", (revision,))
    conn.commit()
    conn.close()
    return path


@pytest.mark.parametrize("revision", [None, "3f2a9c1b7d10"], ids=["no schema version", "another program's"])
def test_a_file_that_is_not_ours_is_refused_and_not_changed_at_all(tmp_path, revision):
    theirs = _contacts(tmp_path / "contacts.sqlite", revision=revision)
    before = theirs.read_bytes()
    with pytest.raises(UserError, match="not a Case Review Tracker one|newer version"):
        open_database(theirs, create=False)
    assert theirs.read_bytes() == before  # the header's journal mode bytes included
    assert rows(theirs, "PRAGMA journal_mode") == [("delete",)]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("contacts")] == ["contacts.sqlite"]


def test_the_command_line_refuses_it_too(tmp_path, capsys):
    theirs = _contacts(tmp_path / "contacts.sqlite")
    before = theirs.read_bytes()
    assert cli.main(["plan", "--db", str(theirs)]) == 1
    assert "not a Case Review Tracker one" in capsys.readouterr().err
    assert theirs.read_bytes() == before


_SLOW_BACKUP = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from app import backups

    copy = backups.copy_into

    def copy_then_hang(source, out):
        copy(source, out)
        print("copying", flush=True)
        time.sleep(120)

    backups.copy_into = copy_then_hang
    backups.take_backup(Path(sys.argv[1]), Path(sys.argv[2]), "manual")
""")


def test_a_killed_backup_leaves_a_partial_copy_that_the_next_start_clears(office_db):
    folder = backup_folder()
    proc = subprocess.Popen([sys.executable, "-c", _SLOW_BACKUP, str(office_db), str(folder)], cwd=REPO,
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "copying"
        [partial] = folder.glob("*.partial")
        # Still being written by the other process: a start now leaves it alone.
        assert clear_unfinished_copies(folder, office_db) == []
        assert partial.exists()
    finally:
        proc.kill()
        proc.wait()
    assert partial.exists()  # what the kill left

    open_database(office_db, create=False).close()  # the next start

    assert not any(p.name.endswith((".partial", ".partial-journal", ".partial-wal", ".partial-shm"))
                   for p in folder.iterdir())
    assert all(b.ok for b in list_backups(folder, office_db))


def test_a_restore_cut_short_leaves_an_incoming_copy_that_the_next_start_clears(office_db):
    incoming = office_db.with_name(office_db.name + ".restoring")
    incoming.write_bytes(office_db.read_bytes()[:8192])
    open_database(office_db, create=False).close()
    assert not incoming.exists()
    assert rows(office_db, "SELECT count(*) FROM action") == [(40,)]
