"""The window opens a database before checking it: saves wait for the check, and a file
that fails it is never written to."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
from sqlalchemy import select

from app.backups import DAILY, backup_folder, list_backups, take_backup
from app.database import open_database
from app.db_errors import DamagedDatabaseError
from app.errors import UserError
from db.models import Referral
from tests.app.safety.helpers import zero_table


def _add_referral(db, reference: str) -> None:
    with db.sessions.begin() as s:
        s.add(Referral(reference=reference, age_text="4 mths"))


def test_a_sound_file_opens_unchecked_then_checks_and_backs_up(office_db):
    db = open_database(office_db, create=False, check_later=True)
    try:
        assert db.check_pending
        assert list_backups(backup_folder(), office_db) == []  # nothing done before the window
        with db.readers() as s:  # reading may start at once
            assert s.scalars(select(Referral.reference)).first() is not None

        check = db.finish_open_check()

        assert not db.check_pending
        assert check.backup is not None and check.backup.label == DAILY
        assert [b.label for b in list_backups(backup_folder(), office_db)] == [DAILY]
        _add_referral(db, "Ref901")
        with db.readers() as s:
            assert s.scalar(select(Referral.id).where(Referral.reference == "Ref901")) is not None
    finally:
        db.close()


def test_a_save_made_during_the_check_waits_for_it(office_db):
    db = open_database(office_db, create=False, check_later=True)
    checked_at = []

    def check_soon():
        time.sleep(0.3)
        checked_at.append(time.monotonic())
        db.finish_open_check()

    worker = threading.Thread(target=check_soon)
    try:
        worker.start()
        _add_referral(db, "Ref902")
        saved_at = time.monotonic()
        worker.join()
        assert checked_at and saved_at >= checked_at[0]
        with db.readers() as s:
            assert s.scalar(select(Referral.id).where(Referral.reference == "Ref902")) is not None
    finally:
        worker.join()
        db.close()




def test_a_damaged_file_found_by_the_later_check_is_never_written(office_db):
    good = take_backup(office_db, backup_folder(), "daily")
    zero_table(office_db, "action")
    before = office_db.read_bytes()
    db = open_database(office_db, create=False, check_later=True)
    try:
        assert db.check_pending
        with pytest.raises(DamagedDatabaseError) as found:
            db.finish_open_check()
        assert found.value.offer.path == good.path

        with pytest.raises(UserError, match="failed its check"):
            _add_referral(db, "Ref903")
        assert office_db.read_bytes() == before
    finally:
        db.close()


def test_a_file_whose_version_cannot_be_read_is_checked_before_opening(office_db):
    take_backup(office_db, backup_folder(), "daily")
    zero_table(office_db, "alembic_version")
    before = office_db.read_bytes()
    with pytest.raises(DamagedDatabaseError):
        open_database(office_db, create=False, check_later=True)
    assert office_db.read_bytes() == before


def test_the_check_is_not_put_off_when_the_file_needs_an_upgrade(office_db):
    conn = sqlite3.connect(office_db)
    conn.execute("UPDATE alembic_version SET version_num = 'ffff9999'")
    conn.commit()
    conn.close()
    with pytest.raises(UserError, match="newer version"):
        open_database(office_db, create=False, check_later=True)
