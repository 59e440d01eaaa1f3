"""Backups: consistent copies, once a day, kept in rotation, listed with contents, restored safely."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app import backups, paths
from app.backups import (
    backup_before_change,
    backup_folder,
    daily_backup_if_due,
    list_backups,
    prepare_to_open,
    restore_backup,
    rotate,
    set_backup_folder,
    take_backup,
)
from app.check import check_database
from app.database import open_database
from app.errors import UserError
from app.services.referrals import create_referral
from db.models import Referral
from tests.app.safety.helpers import rows

posix_only = pytest.mark.skipif(os.name != "posix", reason="Windows keeps the folder's access list")


def _referrals(path: Path) -> list[str]:
    return [r[0] for r in rows(path, "SELECT reference FROM referral ORDER BY reference")]


def _add_referral(path: Path, reference: str) -> None:
    db = open_database(path)
    try:
        with db.sessions.begin() as s:
            create_referral(s, reference=reference, summary="Neglect")
    finally:
        db.close()


def _fake_backup(folder: Path, database: str, when: dt.datetime, label: str, sequence: int, *,
                 identity: str | None = None) -> Path:
    """A small file recording itself as the ``sequence``-th backup of ``database``, taken at
    ``when`` (rotation reads only the record inside a backup)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{database}-{when:%Y%m%d-%H%M%S}-{label}.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE setting (key TEXT PRIMARY KEY, value TEXT)")
    conn.executemany("INSERT INTO setting VALUES (?, ?)", [
        ("database_id", identity or database),
        ("backup.taken_at", when.astimezone(dt.timezone.utc).isoformat()),
        ("backup.label", label), ("backup.sequence", str(sequence)),
        ("backup.source", str(folder.parent / f"{database}.sqlite"))])
    conn.commit()
    conn.close()
    return path


def _fake_history(folder: Path, database: str, taken: list[tuple[dt.datetime, str]]) -> dict:
    """Backups of ``database`` taken at these times, numbered in the order of their times."""
    return {(when, label): _fake_backup(folder, database, when, label, number)
            for number, (when, label) in enumerate(sorted(taken), start=1)}


# --- taking a backup --------------------------------------------------------------------------

def test_a_backup_taken_while_another_copy_is_saving_holds_only_what_was_committed(office_db, tmp_path):
    folder = tmp_path / "backups"
    db = open_database(office_db)
    try:
        with db.sessions.begin() as s:
            create_referral(s, reference="Ref900", summary="Not yet saved")
            s.flush()
            # The write transaction is open (and holds the write lock) while the copy is taken.
            info = take_backup(office_db, folder, "manual")
            committed = s.scalar(select(func.count()).select_from(Referral)) - 1
    finally:
        db.close()

    assert info.ok and info.label == "manual" and info.path.parent == folder
    assert info.referrals == committed
    assert "Ref900" not in _referrals(info.path) and "Ref900" in _referrals(office_db)
    assert rows(info.path, "PRAGMA quick_check") == [("ok",)]
    # A backup is one self-contained file: no -wal to lose when it is copied elsewhere.
    assert rows(info.path, "PRAGMA journal_mode") == [("delete",)]
    list_backups(folder)
    assert sorted(p.name for p in folder.iterdir()) == [info.path.name]


@posix_only
@pytest.mark.parametrize("chosen", [False, True], ids=["default folder", "new folder"])
def test_backups_and_their_folder_are_readable_by_the_user_only(office_db, tmp_path, chosen):
    folder = tmp_path / "new-backups" if chosen else backup_folder()
    info = take_backup(office_db, folder, "manual")
    assert oct(info.path.stat().st_mode & 0o777) == oct(0o600)
    assert oct(folder.stat().st_mode & 0o777) == oct(0o700)


def test_two_backups_in_the_same_second_do_not_overwrite_each_other(office_db, tmp_path):
    folder = tmp_path / "backups"
    first = take_backup(office_db, folder, "manual")
    second = take_backup(office_db, folder, "manual")
    assert first.path != second.path and first.path.exists() and second.path.exists()
    assert len(list_backups(folder)) == 2


def test_a_damaged_database_is_not_backed_up_and_leaves_nothing_behind(office_db, tmp_path):
    folder = tmp_path / "backups"
    data = bytearray(office_db.read_bytes())
    data[4096 * 2: 4096 * 6] = bytes(4096 * 4)
    office_db.write_bytes(bytes(data))
    with pytest.raises(UserError, match="could not be backed up"):
        take_backup(office_db, folder, "manual")
    assert list(folder.iterdir()) == []


def test_a_missing_database_is_not_backed_up(tmp_path):
    with pytest.raises(UserError, match="There is no database"):
        take_backup(tmp_path / "absent.sqlite", tmp_path / "backups", "manual")
    assert not (tmp_path / "absent.sqlite").exists()


# --- once a day, and kept in rotation ---------------------------------------------------------

def test_the_daily_backup_is_taken_once_a_calendar_day(office_db, tmp_path):
    folder = tmp_path / "backups"
    today = dt.date.today()
    first = daily_backup_if_due(office_db, folder, today=today)
    assert first is not None and first.label == "daily" and first.ok
    assert daily_backup_if_due(office_db, folder, today=today) is None
    assert len(list_backups(folder, office_db)) == 1
    # Tomorrow another is due (today's copy is dated today, not tomorrow).
    assert daily_backup_if_due(office_db, folder, today=today + dt.timedelta(days=1)) is not None


def test_a_new_empty_database_has_nothing_to_back_up(tmp_path):
    empty = tmp_path / "new.sqlite"
    empty.write_bytes(b"")
    assert daily_backup_if_due(empty, tmp_path / "backups") is None
    assert daily_backup_if_due(tmp_path / "absent.sqlite", tmp_path / "backups") is None


def test_rotation_keeps_seven_daily_four_weekly_and_twelve_monthly_backups(tmp_path):
    folder = tmp_path / "backups"
    day, taken = dt.date(2024, 11, 1), []
    while day <= dt.date(2026, 3, 18):
        taken.append((dt.datetime.combine(day, dt.time(9)), "daily"))
        day += dt.timedelta(days=1)
    extra = [(dt.datetime(2026, 3, 18, 12), "manual"), (dt.datetime(2026, 3, 5, 8), "before-import"),
             (dt.datetime(2026, 3, 10, 7), "before-restore"), (dt.datetime(2026, 2, 1, 8), "before-0002"),
             (dt.datetime(2025, 6, 1, 8), "before-0001")]
    made = _fake_history(folder, "office", taken + extra)
    newest, recent_import, recent_restore, last_upgrade, older_upgrade = (made[e] for e in extra)
    demo = _fake_backup(folder, "demo", dt.datetime(2020, 1, 1, 9), "daily", 1)
    strangers = [folder / "notes.sqlite", folder / "office copy.sqlite"]
    for path in strangers:
        path.write_bytes(b"keep me")

    deleted = rotate(folder, now=dt.datetime(2026, 3, 18, 13))

    daily_dates = {"2026-03-12", "2026-03-13", "2026-03-14", "2026-03-15", "2026-03-16", "2026-03-17"}
    weekly_dates = {"2026-03-08", "2026-03-01"}  # Sundays ending the ISO weeks before
    monthly_dates = {"2026-02-28", "2026-01-31", "2025-12-31", "2025-11-30", "2025-10-31", "2025-09-30",
                     "2025-08-31", "2025-07-31", "2025-06-30", "2025-05-31", "2025-04-30"}
    expected_daily = {folder / f"office-{d.replace('-', '')}-090000-daily.sqlite"
                      for d in daily_dates | weekly_dates | monthly_dates}
    remaining = set(folder.iterdir())
    # Also the seven newest in the order taken (the 09:00 copy of the newest day among them),
    # and the last copy before an upgrade whatever its age; not an older upgrade's.
    assert remaining == expected_daily | {
        newest, recent_import, recent_restore, last_upgrade, demo, *strangers,
        folder / "office-20260318-090000-daily.sqlite"}
    assert older_upgrade in deleted
    assert len(deleted) == len(set(deleted))


def test_rotation_never_deletes_the_only_backup(tmp_path):
    folder = tmp_path / "backups"
    only = _fake_backup(folder, "office", dt.datetime(2019, 5, 1, 9), "manual", 1)
    assert rotate(folder, keep_daily=0, keep_weekly=0, keep_monthly=0) == []
    assert only.exists()


def test_a_backup_before_an_import_is_labelled_and_survives_rotation(office_db, data_dir):
    info = backup_before_change(office_db, "import")
    assert info.label == "before-import" and info.path.parent == backup_folder()
    assert info.ok and info.actions == 40
    rotate(backup_folder(), keep_daily=0, keep_weekly=0, keep_monthly=0)
    assert info.path.exists()


# --- listing ----------------------------------------------------------------------------------

def test_the_list_shows_each_backup_newest_first_with_what_it_holds(office_db, tmp_path):
    folder = tmp_path / "backups"
    older = take_backup(office_db, folder, "daily")
    _add_referral(office_db, "Ref901")
    newer = take_backup(office_db, folder, "manual")
    broken = folder / "office-20990101-000000-daily.sqlite"
    broken.write_text("not a database", encoding="utf-8")
    demo = office_db.with_name("demo.sqlite")
    shutil.copyfile(office_db, demo)
    other = take_backup(demo, folder, "manual")

    listed = list_backups(folder, office_db)
    # In the order taken (a name dated 2099 does not make a copy the newest): the file with
    # no record of its own, listed by its name, comes after every recorded backup.
    assert [b.path for b in listed] == [newer.path, older.path, broken]
    assert not listed[2].ok and "not an SQLite database" in listed[2].problem
    assert listed[0].referrals == listed[1].referrals + 1
    assert "NOT USABLE" in listed[2].describe() and "referrals" in listed[0].describe()
    assert other.path not in [b.path for b in listed]
    assert other.path in [b.path for b in list_backups(folder)]


def test_newest_good_backup_passes_over_a_damaged_newer_copy(office_db, tmp_path):
    folder = tmp_path / "backups"
    good = take_backup(office_db, folder, "daily")
    damaged = folder / "office-20990101-000000-daily.sqlite"
    shutil.copyfile(good.path, damaged)
    data = bytearray(damaged.read_bytes())
    data[4096 * 2: 4096 * 5] = bytes(4096 * 3)
    damaged.write_bytes(bytes(data))
    assert backups.newest_good_backup(folder, office_db).path == good.path


# --- restoring --------------------------------------------------------------------------------

def test_restore_over_a_working_database_keeps_a_copy_and_other_copies_see_the_result(office_db, tmp_path):
    folder = tmp_path / "backups"
    backup = take_backup(office_db, folder, "manual")
    _add_referral(office_db, "Ref902")
    other_copy = open_database(office_db)  # another copy of the program, open throughout
    try:
        with other_copy.sessions() as s:
            assert s.scalar(select(Referral.id).where(Referral.reference == "Ref902")) is not None

        result = restore_backup(backup.path, office_db, folder)

        assert "Ref902" not in _referrals(office_db)
        assert result.safety_copy is not None and result.safety_copy.label == "before-restore"
        assert "Ref902" in _referrals(result.safety_copy.path)
        assert result.report.ok and result.set_aside == []
        with other_copy.sessions() as s:  # sees the restored data, and can go on saving
            assert s.scalar(select(Referral.id).where(Referral.reference == "Ref902")) is None
        with other_copy.sessions.begin() as s:
            create_referral(s, reference="Ref903")
    finally:
        other_copy.close()
    assert "Ref903" in _referrals(office_db)
    assert check_database(office_db).ok
    assert str(result.safety_copy.path) in result.describe()


def test_restore_where_only_a_stale_wal_is_left_sets_it_aside_first(office_db, tmp_path):
    folder = tmp_path / "backups"
    backup = take_backup(office_db, folder, "manual")
    # Another database's write-ahead log, with committed pages not yet in its main file.
    other = tmp_path / "other.sqlite"
    conn = sqlite3.connect(str(other))
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.execute("CREATE TABLE referral (reference TEXT)")
    conn.execute("INSERT INTO referral VALUES ('Stranger')")
    conn.commit()
    target = tmp_path / "restored.sqlite"
    shutil.copyfile(other.with_name("other.sqlite-wal"), target.with_name("restored.sqlite-wal"))
    conn.close()

    result = restore_backup(backup.path, target, folder)

    assert [p.name.endswith("-wal") for p in result.set_aside] == [True]
    assert _referrals(target) == _referrals(backup.path)
    assert rows(target, "PRAGMA integrity_check") == [("ok",)]
    assert result.safety_copy is None


def _newer_schema_backup(office_db: Path, folder: Path) -> Path:
    path = take_backup(office_db, folder, "manual").path
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'ffff9999'")
    conn.close()
    return path


def _foreign_backup(office_db: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "contacts.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE contacts (name TEXT)")
    conn.commit()
    conn.close()
    return path


def _text_backup(office_db: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "office-20260101-090000-daily.sqlite"
    path.write_text("hello", encoding="utf-8")
    return path


@pytest.mark.parametrize("make, message", [
    (lambda db, folder: folder / "no-such-backup.sqlite", "There is no backup"),
    (_text_backup, "not an SQLite database"),
    (_foreign_backup, "not a Case Review Tracker database"),
    (_newer_schema_backup, "newer version"),
    (lambda db, folder: db, "the database itself"),
])
def test_a_backup_that_cannot_be_restored_is_refused_and_nothing_changes(office_db, tmp_path, make, message):
    folder = tmp_path / "backups"
    candidate = make(office_db, folder)
    before = office_db.read_bytes()
    taken = set(folder.iterdir()) if folder.exists() else set()
    with pytest.raises(UserError, match=message):
        restore_backup(candidate, office_db, folder)
    assert office_db.read_bytes() == before
    assert (set(folder.iterdir()) if folder.exists() else set()) == taken  # no before-restore copy


def test_restore_will_not_overwrite_a_database_that_is_not_ours(office_db, tmp_path):
    folder = tmp_path / "backups"
    backup = take_backup(office_db, folder, "manual")
    theirs = tmp_path / "contacts.sqlite"
    _foreign_backup(office_db, tmp_path).rename(theirs)
    before = theirs.read_bytes()
    with pytest.raises(UserError, match="will not be overwritten"):
        restore_backup(backup.path, theirs, folder)
    assert theirs.read_bytes() == before


# --- the backup folder setting ----------------------------------------------------------------

def test_the_backup_folder_is_a_setting_in_the_data_folder(tmp_path, data_dir):
    assert backup_folder() == paths.backup_dir()
    chosen = tmp_path / "network drive" / "crt backups"
    assert set_backup_folder(chosen) == chosen.resolve()
    stored = json.loads((data_dir / "settings.json").read_text(encoding="utf-8"))
    assert stored == {"backup_folder": str(chosen.resolve())}
    assert backup_folder() == chosen.resolve()
    assert set_backup_folder(None) == paths.backup_dir()


def test_a_folder_that_cannot_be_used_is_refused_and_the_setting_kept(tmp_path):
    chosen = set_backup_folder(tmp_path / "good")
    blocker = tmp_path / "a file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(UserError, match="cannot be used"):
        set_backup_folder(blocker / "backups")
    assert backup_folder() == chosen


def test_an_unreadable_settings_file_falls_back_to_the_default_folder():
    (paths.data_dir() / "settings.json").write_text("{not json", encoding="utf-8")
    assert backup_folder() == paths.backup_dir()


def test_opening_when_the_backup_drive_is_missing_warns_but_does_not_stop_work(office_db, tmp_path):
    drive = set_backup_folder(tmp_path / "usb")
    drive.rmdir()
    drive.write_text("the drive letter now points at a file", encoding="utf-8")
    check = prepare_to_open(office_db)
    assert check.backup is None and "could not be taken" in check.warning
    open_database(office_db).close()


def test_opening_a_good_database_takes_the_days_backup_once(office_db):
    first = prepare_to_open(office_db)
    assert first.backup is not None and first.warning is None
    assert first.backup.path.parent == backup_folder()
    assert prepare_to_open(office_db).backup is None
