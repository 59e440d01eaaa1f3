"""Database errors the office user can act on, said in plain words.

SQLite reports a busy, full, unreadable or damaged file with terse messages ("database is
locked"); a record saved over someone else's newer change raises ``StaleDataError``. These
are known conditions, not bugs: ``friendly_database_error`` turns each into a ``UserError``
with a sentence for the officer. Anything it does not recognise is left alone (returns
``None``) so that it reaches the crash handler as the bug it is.
"""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import exc
from sqlalchemy.orm.exc import StaleDataError

from app.errors import UserError

BUSY = "The database is busy (another copy of the program is saving). Try again in a moment."
STALE = ("Someone else changed this record after you opened it, so your change was not saved. "
         "Compare the two versions and choose which to keep.")

# Fragments of SQLite's messages (lower case) and what they mean to the user. The first match wins.
KNOWN_SQLITE_ERRORS: tuple[tuple[str, str], ...] = (
    ("database is locked", BUSY),
    ("database table is locked", BUSY),
    ("database or disk is full",
     "The disk holding the database is full, so nothing was saved. Free some space, then try again."),
    ("disk i/o error",
     "The database file could not be read or written (a disk or network fault). Check that the "
     "drive is still connected, then try again; nothing was saved."),
    ("attempt to write a readonly database",
     "The database file is read-only, so nothing was saved. Check that you may change the file "
     "and that the drive is not write-protected."),
    ("unable to open database file",
     "The database file could not be opened. Check that its folder exists and that you may use it."),
    ("file is not a database",
     "The file is not a Case Review Tracker database, or it is damaged. Restore the newest good "
     "backup (File > Restore…)."),
    ("database disk image is malformed",
     "The database file is damaged. Restore the newest good backup (File > Restore…); the damaged "
     "file is kept aside, not deleted."),
)


def _sqlite_error(err: BaseException) -> sqlite3.Error | None:
    """The sqlite3 error behind ``err``: itself, or the one SQLAlchemy wrapped."""
    if isinstance(err, sqlite3.Error):
        return err
    if isinstance(err, exc.DBAPIError) and isinstance(err.orig, sqlite3.Error):
        return err.orig
    return None


def friendly_database_error(err: BaseException) -> UserError | None:
    """A ``UserError`` saying what ``err`` means for the user, or ``None`` if it is a bug."""
    if isinstance(err, StaleDataError):
        return UserError(STALE)
    original = _sqlite_error(err)
    if original is None:
        return None
    text = str(original).lower()
    for fragment, sentence in KNOWN_SQLITE_ERRORS:
        if fragment in text:
            return UserError(sentence)
    return None


@contextmanager
def plain_database_errors() -> Iterator[None]:
    """Re-raise known database errors inside the block as ``UserError`` (chained to the original)."""
    try:
        yield
    except (exc.DBAPIError, sqlite3.Error, StaleDataError) as err:
        friendly = friendly_database_error(err)
        if friendly is None:
            raise
        raise friendly from err


def ensure_unchanged(record, loaded_version: int) -> None:
    """Refuse to save over a record that changed since the user loaded it.

    The services fetch a record by id in a fresh session, so SQLAlchemy's own version check
    (``version_id_col``) sees the newest version and would let a second copy of the program
    overwrite a change it never saw. Call this with the version the form was loaded with,
    before changing the record, to raise ``StaleDataError`` in that case.
    """
    if record.version != loaded_version:
        raise StaleDataError(
            f"{type(record).__name__} {record.id} is at version {record.version}, "
            f"not {loaded_version} as loaded")


class DamagedDatabaseError(UserError):
    """The database file failed its check at open; ``offer`` is the newest good backup, if any.

    The window catches this to offer File > Restore… with ``offer`` chosen; the command line
    prints the message, which names the backup and the command that restores it.
    """

    def __init__(self, message: str, *, path: Path, offer=None):
        super().__init__(message)
        self.path = path
        self.offer = offer
