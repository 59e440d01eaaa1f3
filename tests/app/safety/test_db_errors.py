"""Known database failures become plain sentences; anything else stays a bug."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from app.database import open_database
from app.db_errors import friendly_database_error, plain_database_errors
from app.errors import UserError
from db.engine import make_engine
from tests.app.safety.helpers import DAMAGE


def _error_from(action) -> BaseException:
    try:
        action()
    except Exception as err:  # the real error SQLite (through SQLAlchemy) raises
        return err
    raise AssertionError("no error was raised")


def test_a_full_disk_is_said_in_words(office_db):
    db = open_database(office_db)
    try:
        def fill():
            with db.engine.begin() as conn:
                # A page limit just above the current size stands in for a full disk.
                pages = conn.exec_driver_sql("PRAGMA page_count").scalar()
                conn.exec_driver_sql(f"PRAGMA max_page_count = {pages + 1}")
                conn.exec_driver_sql("CREATE TABLE filler (x TEXT)")
                conn.exec_driver_sql("INSERT INTO filler VALUES (zeroblob(1000000))")
        err = _error_from(fill)
    finally:
        db.close()
    assert "disk holding the database is full" in str(friendly_database_error(err))


def test_a_read_only_file_is_said_in_words(office_db):
    engine = make_engine(f"sqlite:///file:{office_db.as_posix()}?mode=ro&uri=true")
    try:
        def write():
            with engine.begin() as conn:
                conn.execute(text("UPDATE action SET lead_officer = 'x'"))
        err = _error_from(write)
    finally:
        engine.dispose()
    assert "read-only" in str(friendly_database_error(err))


@pytest.mark.parametrize("damage, words", [("a text file", "not a Case Review Tracker database"),
                                           ("zeroed pages", "damaged")])
def test_a_file_that_is_not_a_database_or_is_damaged_is_said_in_words(office_db, damage, words):
    DAMAGE[damage](office_db)

    def read():
        conn = sqlite3.connect(str(office_db))
        try:
            conn.execute("SELECT count(*) FROM action").fetchall()
            conn.execute("PRAGMA integrity_check").fetchall()
            conn.execute("SELECT * FROM audit_entry").fetchall()
        finally:
            conn.close()
    err = _error_from(read)
    assert words in str(friendly_database_error(err))


def test_a_disk_fault_is_said_in_words():
    err = OperationalError("COMMIT", {}, sqlite3.OperationalError("disk I/O error"))
    assert "disk or network fault" in str(friendly_database_error(err))


def test_an_unknown_error_is_left_to_the_crash_handler(office_db):
    db = open_database(office_db)

    def query():
        with db.engine.connect() as conn:
            conn.execute(text("SELECT * FROM no_such_table"))
    try:
        err = _error_from(query)
    finally:
        db.close()
    assert friendly_database_error(err) is None
    assert friendly_database_error(ValueError("a bug")) is None
    with pytest.raises(OperationalError):
        with plain_database_errors():
            raise err


def test_a_known_error_inside_the_block_becomes_a_user_error_chained_to_the_cause():
    cause = sqlite3.OperationalError("database is locked")
    with pytest.raises(UserError) as raised:
        with plain_database_errors():
            raise cause
    assert raised.value.__cause__ is cause
    assert "busy" in str(raised.value)
