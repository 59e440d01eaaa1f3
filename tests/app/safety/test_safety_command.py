"""``python main.py backup``, ``restore`` and ``backups``, run through the real command line."""

from __future__ import annotations

import sqlite3

import pytest

from app import cli
from app.backups import backup_folder, list_backups
from app.safety_command import add_safety_parsers
from tests.app.safety.helpers import DAMAGE, rows


@pytest.fixture(autouse=True)
def safety_commands(monkeypatch):
    """Register the commands the way app/cli.py will once the hook is wired."""
    monkeypatch.setattr(cli, "_optional_commands", add_safety_parsers)


def test_backup_puts_a_checked_copy_in_the_backup_folder(office_db, capsys):
    assert cli.main(["backup", "--db", str(office_db)]) == 0
    [info] = list_backups(backup_folder(), office_db)
    assert info.ok and info.label == "manual" and info.actions == 40
    out = capsys.readouterr().out
    assert str(info.path) in out and "40 actions" in out


def test_backup_to_another_folder(office_db, tmp_path, capsys):
    stick = tmp_path / "memory stick"
    assert cli.main(["--db", str(office_db), "backup", "--to", str(stick)]) == 0
    assert [b.ok for b in list_backups(stick)] == [True]
    assert list_backups(backup_folder()) == []


def test_backups_lists_them_and_restore_puts_one_back(office_db, capsys):
    cli.main(["backup", "--db", str(office_db)])
    [info] = list_backups(backup_folder(), office_db)
    with sqlite3.connect(office_db) as conn:
        conn.execute("DELETE FROM progress_update")
    conn.close()
    capsys.readouterr()

    assert cli.main(["backups", "--db", str(office_db)]) == 0
    assert info.path.name in capsys.readouterr().out

    assert cli.main(["restore", "--db", str(office_db), str(info.path)]) == 0
    out = capsys.readouterr().out
    assert "Restored" in out and "before-restore" in out
    assert rows(office_db, "SELECT count(*) FROM progress_update") == rows(info.path, "SELECT count(*) FROM progress_update")


def test_restoring_a_damaged_backup_is_refused_with_a_plain_message(office_db, capsys):
    cli.main(["backup", "--db", str(office_db)])
    [info] = list_backups(backup_folder(), office_db)
    DAMAGE["zeroed pages"](info.path)
    before = office_db.read_bytes()
    capsys.readouterr()

    assert cli.main(["restore", "--db", str(office_db), str(info.path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Error: ") and "cannot be restored" in err and "Traceback" not in err
    assert office_db.read_bytes() == before


def test_backing_up_a_file_that_is_not_ours_is_refused(tmp_path, capsys):
    notes = tmp_path / "notes.sqlite"
    DAMAGE["a text file"](notes)
    assert cli.main(["backup", "--db", str(notes)]) == 1
    assert "could not be backed up" in capsys.readouterr().err


def test_the_backup_folder_can_be_changed_from_the_command_line(office_db, tmp_path, capsys):
    chosen = tmp_path / "shared drive"
    assert cli.main(["backups", "--set-folder", str(chosen)]) == 0
    assert backup_folder() == chosen.resolve()
    cli.main(["backup", "--db", str(office_db)])
    assert len(list_backups(chosen)) == 1
    assert cli.main(["backups", "--default-folder"]) == 0
    assert backup_folder() != chosen.resolve()
