"""Backups belong to a database by its identity, are ordered and rotated by what each
records inside itself (not by a clock or a file name), and are checked whole before a
restore replaces anything."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from app import backups, cli
from app.backups import backup_before_change, backup_folder, list_backups, restore_backup, take_backup
from app.database import open_database
from app.errors import UserError
from app.identity import identity_of
from app.synthetic import generate
from tests.app.safety.helpers import DAMAGE, rows


def _office(folder: Path, actions: int = 5) -> Path:
    path = folder / "office.sqlite"
    folder.mkdir(parents=True, exist_ok=True)
    db = open_database(path, backup_folder=folder / "unused")
    generate(db, actions=actions, seed=4)
    db.close()
    return path


class Clock:
    """The computer's clock as backups read it, set by the test."""

    def __init__(self, monkeypatch, start: dt.datetime):
        self.now = start
        monkeypatch.setattr(backups, "_now", lambda: self.now)

    def days_later(self, days: float = 1) -> None:
        self.now += dt.timedelta(days=days)


# --- identity ---------------------------------------------------------------------------------

def test_a_database_has_its_identity_from_creation_and_exports_stamp_the_same(tmp_path):
    from app.excel.export import database_id

    path = tmp_path / "new.sqlite"
    db = open_database(path)
    try:
        identity = identity_of(path)
        assert identity is not None and len(identity) == 32
        with db.sessions.begin() as s:
            assert database_id(s) == identity
    finally:
        db.close()
    assert identity_of(path) == identity


def test_two_databases_with_one_name_keep_separate_backup_histories(tmp_path, monkeypatch, capsys):
    first, second = _office(tmp_path / "Team A"), _office(tmp_path / "Team B", actions=7)
    assert identity_of(first) != identity_of(second)
    clock = Clock(monkeypatch, dt.datetime(2026, 3, 2, 9))
    assert cli.main(["backup", "--db", str(first)]) == 0
    [only_of_first] = list_backups(backup_folder(), first)
    for _ in range(40):  # weeks of backups of the other office.sqlite, rotated as they go
        clock.days_later()
        assert cli.main(["backup", "--db", str(second)]) == 0

    assert only_of_first.path.exists()
    assert [b.path for b in list_backups(backup_folder(), first)] == [only_of_first.path]
    of_second = list_backups(backup_folder(), second)
    assert len(of_second) >= 7 and all(b.actions == 7 for b in of_second)
    capsys.readouterr()
    assert cli.main(["backups", "--db", str(first)]) == 0
    assert capsys.readouterr().out.count("office-") == 1

    before = first.read_bytes()
    with pytest.raises(UserError, match="backup of another database"):
        restore_backup(of_second[0].path, first, backup_folder())
    assert first.read_bytes() == before


def test_a_copy_of_the_file_made_elsewhere_keeps_its_own_backups(office_db, tmp_path):
    import shutil

    copy = shutil.copyfile(office_db, tmp_path / "office-archive.sqlite")
    of_copy = take_backup(copy, backup_folder(), "manual")
    of_original = take_backup(office_db, backup_folder(), "manual")
    assert [b.path for b in list_backups(backup_folder(), office_db)] == [of_original.path]
    assert [b.path for b in list_backups(backup_folder(), copy)] == [of_copy.path]


# --- order and rotation by what each backup records -------------------------------------------

@pytest.mark.parametrize("jump", [dt.timedelta(days=800), dt.timedelta(days=-2500)],
                         ids=["clock two years fast", "clock seven years slow"])
def test_a_wrong_clock_neither_reorders_backups_nor_loses_the_newest(office_db, monkeypatch, jump):
    clock = Clock(monkeypatch, dt.datetime(2026, 3, 2, 9))
    taken = []
    for day in range(10):
        if day == 2:
            taken.append(backup_before_change(office_db, "import").path)
        taken.append(take_backup(office_db, backup_folder(), "manual").path)
        backups.rotate(backup_folder())
        clock.days_later()
    clock.now += jump  # the laptop's clock goes wrong for a day...
    taken.append(take_backup(office_db, backup_folder(), "manual").path)
    backups.rotate(backup_folder())
    clock.now -= jump  # ...and is put right
    for _ in range(3):
        taken.append(take_backup(office_db, backup_folder(), "daily").path)
        backups.rotate(backup_folder())
        clock.days_later()
    clock.now += jump  # and goes wrong again when the rotation runs
    backups.rotate(backup_folder())

    listed = [b.path for b in list_backups(backup_folder(), office_db)]
    # Newest first in the order they were taken, whatever dates they carry.
    assert listed == [p for p in reversed(taken) if p in listed]
    assert set(taken[-7:]) <= set(listed)  # the seven newest are all kept
    assert taken[2] in listed  # the last copy before an import, a month and more old


def test_a_backup_records_when_and_why_it_was_taken_inside_itself(office_db, monkeypatch):
    Clock(monkeypatch, dt.datetime(2026, 3, 2, 9, 30))
    info = take_backup(office_db, backup_folder(), "manual")
    renamed = info.path.rename(info.path.with_name("office-20990101-000000-daily.sqlite"))
    [listed] = list_backups(backup_folder(), office_db)
    assert (listed.path, listed.taken_at, listed.label) == (renamed, dt.datetime(2026, 3, 2, 9, 30), "manual")
    assert listed.database_id == identity_of(office_db) and listed.sequence == 1


# --- checked whole before a restore ---------------------------------------------------------------

def _emptied_version(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM alembic_version")
    conn.close()


def _dropped_table(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("DROP TABLE progress_update")
    conn.close()


def _planted_trigger(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TRIGGER wipe AFTER INSERT ON referral BEGIN DELETE FROM action; END")
    conn.close()


def _missing_column(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("ALTER TABLE action DROP COLUMN lead_officer")
    conn.close()


@pytest.mark.parametrize("craft, words", [
    (_emptied_version, "not a Case Review Tracker database"),
    (_dropped_table, "lacks part of the program's tables"),
    (_planted_trigger, "holds things the program never makes (trigger wipe)"),
    (_missing_column, "tables are not as the program makes them (action)"),
    (DAMAGE["truncated"], "cannot be restored"),
], ids=["no schema version", "a table missing", "a planted trigger", "a column missing", "a partial copy"])
def test_a_crafted_or_partial_backup_is_refused_with_a_message_and_nothing_changes(office_db, capsys, craft, words):
    backup = take_backup(office_db, backup_folder(), "manual")
    craft(backup.path)
    before = office_db.read_bytes()
    capsys.readouterr()

    assert cli.main(["restore", "--db", str(office_db), str(backup.path)]) == 1

    err = capsys.readouterr().err
    assert err.startswith("Error: ") and words in err and "Traceback" not in err
    assert office_db.read_bytes() == before
    assert [b.label for b in list_backups(backup_folder(), office_db)] == ["manual"]  # no before-restore
    assert not office_db.with_name(office_db.name + ".restoring").exists()


def test_the_restored_database_carries_no_record_of_the_backup(office_db):
    backup = take_backup(office_db, backup_folder(), "manual")
    restore_backup(backup.path, office_db, backup_folder())
    assert rows(office_db, "SELECT count(*) FROM setting WHERE key LIKE 'backup.%'") == [(0,)]
    assert identity_of(office_db) == backup.database_id
