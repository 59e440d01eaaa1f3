"""A locked, read-only or full file is not damage: each is said in its own words, and a
restore is offered only for real damage, once a copy of the damaged file is kept beside it."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
import textwrap
from contextlib import contextmanager
from pathlib import Path

import pytest

from app import backups, cli
from app.backups import backup_folder, prepare_to_open, restore_backup, take_backup, verify_before_open
from app.database import open_database
from app.db_errors import LOCKED, NO_SPACE, READ_ONLY, DamagedDatabaseError, DatabaseUnavailableError
from db import engine as db_engine
from tests.app.safety.helpers import DAMAGE, rows


def _beside(db_path: Path) -> list[str]:
    return sorted(p.name for p in db_path.parent.iterdir() if p.name.startswith(db_path.stem))


@pytest.fixture
def short_wait(monkeypatch):
    monkeypatch.setattr(db_engine, "BUSY_TIMEOUT_MS", 300)


@contextmanager
def locked_by_another_program(path: Path):
    """Another process holding an exclusive lock on the file (as a copying or sync tool can)."""
    code = textwrap.dedent(f"""
        import sqlite3, time
        conn = sqlite3.connect({str(path)!r}, isolation_level=None)
        conn.execute("PRAGMA locking_mode = EXCLUSIVE")
        conn.execute("BEGIN EXCLUSIVE")
        print("locked", flush=True)
        time.sleep(60)
    """)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "locked"
        yield
    finally:
        proc.kill()
        proc.wait()


def test_a_locked_database_is_in_use_not_damaged_and_no_restore_is_offered(office_db, short_wait):
    take_backup(office_db, backup_folder(), "daily")
    with locked_by_another_program(office_db):
        with pytest.raises(DatabaseUnavailableError) as refused:
            prepare_to_open(office_db)
        assert not isinstance(refused.value, DamagedDatabaseError)
        assert refused.value.reason == LOCKED
        assert "in use by another program" in str(refused.value) and "not damaged" in str(refused.value)
        with pytest.raises(DatabaseUnavailableError):
            open_database(office_db, create=False)
    assert not any("unreadable" in name for name in _beside(office_db))
    open_database(office_db, create=False).close()  # once the other program lets go


def test_a_restore_over_a_locked_database_is_refused_and_changes_nothing(office_db, short_wait):
    good = take_backup(office_db, backup_folder(), "before-import")
    db = open_database(office_db)
    from app.services.referrals import create_referral
    with db.sessions.begin() as s:
        create_referral(s, reference="Ref960", summary="Newer work")
    db.close()
    with locked_by_another_program(office_db):
        with pytest.raises(DatabaseUnavailableError, match="in use by another program"):
            restore_backup(good.path, office_db, backup_folder())
    assert rows(office_db, "SELECT count(*) FROM referral WHERE reference = 'Ref960'") == [(1,)]
    assert not any("unreadable" in name for name in _beside(office_db))


def test_the_command_line_says_in_use(office_db, short_wait, capsys):
    with locked_by_another_program(office_db):
        assert cli.main(["plan", "--db", str(office_db)]) == 1
    err = capsys.readouterr().err
    assert "in use by another program" in err and "damaged" not in err.replace("not damaged", "")


@contextmanager
def read_only(path: Path):
    """Make ``path`` (a file or a folder) read-only even for root, or skip the test."""
    if os.geteuid() != 0:
        mode = path.stat().st_mode
        path.chmod(0o555 if path.is_dir() else 0o444)
        try:
            yield
        finally:
            path.chmod(mode)
        return
    if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(path)]).returncode != 0:
        pytest.skip("cannot make a file read-only for root here")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


def test_a_database_in_a_read_only_folder_is_read_only_not_damaged(office_db):
    take_backup(office_db, backup_folder(), "daily")
    with read_only(office_db.parent):
        with pytest.raises(DatabaseUnavailableError) as refused:
            open_database(office_db, create=False)
        assert refused.value.reason == READ_ONLY and "read-only" in str(refused.value)
        try:  # SQLite may or may not manage to read it without writing its -shm
            verify_before_open(office_db, backup_folder())
        except DatabaseUnavailableError as err:
            assert err.reason == READ_ONLY
    assert not any("unreadable" in name for name in _beside(office_db))


def test_a_read_only_database_file_is_read_only_not_damaged(office_db):
    from app.db_errors import plain_database_errors
    from app.errors import UserError
    from app.services.referrals import create_referral

    with read_only(office_db):
        try:
            db = open_database(office_db, create=False)
        except DatabaseUnavailableError as refused:
            assert refused.reason == READ_ONLY
        else:  # SQLite opened it for reading: the first save says why it cannot be saved
            try:
                with pytest.raises(UserError, match="read-only"):
                    with plain_database_errors(), db.sessions.begin() as s:
                        create_referral(s, reference="Ref961", summary="Neglect")
            finally:
                db.close()
    assert not any("unreadable" in name for name in _beside(office_db))


def test_a_full_disk_at_open_is_not_enough_space(tmp_path, monkeypatch):
    connect = db_engine._on_sqlite_connect

    def full_disk(journal_mode):
        prepare = connect(journal_mode)

        def on_connect(dbapi_conn, record):
            prepare(dbapi_conn, record)
            dbapi_conn.execute("PRAGMA max_page_count = 3")  # SQLite's own "disk is full"
        return on_connect
    monkeypatch.setattr(db_engine, "_on_sqlite_connect", full_disk)
    with pytest.raises(DatabaseUnavailableError) as refused:
        open_database(tmp_path / "new.sqlite")
    assert refused.value.reason == NO_SPACE and "not enough space" in str(refused.value)


def test_real_damage_is_copied_beside_the_file_before_a_restore_is_offered(office_db):
    good = take_backup(office_db, backup_folder(), "daily")
    DAMAGE["zeroed pages"](office_db)
    damaged = office_db.read_bytes()
    with pytest.raises(DamagedDatabaseError) as refused:
        verify_before_open(office_db, backup_folder())
    kept = refused.value.kept
    assert refused.value.offer.path == good.path
    assert kept.parent == office_db.parent and kept.read_bytes() == damaged
    assert f"kept as {kept}" in str(refused.value)
    with pytest.raises(DamagedDatabaseError) as again:  # opened again: the same copy, not another
        verify_before_open(office_db, backup_folder())
    assert again.value.kept == kept
    assert len([n for n in _beside(office_db) if "-unreadable-" in n and n.endswith(".sqlite")]) == 1

    restore_backup(good.path, office_db, backup_folder())
    assert kept.read_bytes() == damaged
    assert rows(office_db, "SELECT count(*) FROM action") == [(40,)]


def test_without_room_for_the_copy_no_restore_is_offered(office_db, monkeypatch):
    take_backup(office_db, backup_folder(), "daily")
    DAMAGE["truncated"](office_db)

    def no_room(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(backups.shutil, "copy2", no_room)
    with pytest.raises(DamagedDatabaseError, match="could not be kept beside it") as refused:
        verify_before_open(office_db, backup_folder())
    assert refused.value.offer is None and refused.value.kept is None
