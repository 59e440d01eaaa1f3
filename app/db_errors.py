"""Database errors the office user can act on, said in plain words.

SQLite reports a busy, full, unreadable or damaged file with terse messages ("database is
locked"), a PostgreSQL server with SQLSTATE codes (a login that may only read, a lock, a lost
connection); a record saved over someone else's newer change raises ``StaleDataError``. These
are known conditions, not bugs: ``friendly_database_error`` turns each into a ``UserError``
with a sentence for the officer. Anything it does not recognise is left alone (returns
``None``) so that it reaches the crash handler as the bug it is.
"""

from __future__ import annotations

import errno
import os
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


# A PostgreSQL server's SQLSTATE codes (or their class, the first two characters) and what
# they mean to the user.
SERVER_READ_ONLY = ("Your login may read this database but not change it, so nothing was saved. If you "
                    "should be able to, ask the database's administrator.")
SERVER_BUSY = ("Someone else was saving the same records at that moment, so nothing was saved. "
               "Try again.")
SERVER_LOST = ("The connection to the database server was lost, so nothing was saved. Check that this "
               "computer is on the office network, then try again.")
AUDIT_KEPT = ("The database server keeps the audit trail as it was written: only the database's administrator "
              "may change or delete an entry in it, so nothing was saved. A mistake in a record is put right "
              "by changing the record, which the audit trail then shows.")
SAME_LINK = ("Someone else made the same link at that moment (a referral to a meeting or a review, an "
             "action to a recommendation), so nothing was saved. Save again: the link is there once.")
# The link tables, whose rows two people can add at the same moment: each found the link
# missing, and the second insert breaks the table's key.
_LINK_TABLES = ("meeting_referral", "review_referral", "action_recommendation")
UNIQUE_VIOLATION = "23505"
# SQLSTATE raised by the server's audit triggers (migration 0005) for a change to the trail.
AUDIT_REFUSED = "CRT01"
# The server's audit tables, as its "permission denied for table ..." names them.
_AUDIT_TABLES = ("audit_entry", "row_change", "trail_write", "schema audit")
KNOWN_SERVER_ERRORS: dict[str, str] = {
    "42501": SERVER_READ_ONLY,  # insufficient privilege
    "40001": SERVER_BUSY,  # serialization failure
    "40P01": SERVER_BUSY,  # deadlock detected
    "55P03": SERVER_BUSY,  # lock not available
    "53100": ("The database server's disk is full, so nothing was saved. Tell your IT department."),
    "08": SERVER_LOST,  # connection exceptions
    "57P01": SERVER_LOST,  # the server was shut down
    AUDIT_REFUSED: AUDIT_KEPT,
}


def _server_error(err: BaseException) -> UserError | None:
    if not isinstance(err, exc.DBAPIError):
        return None
    if err.connection_invalidated:
        return UserError(SERVER_LOST)
    state = getattr(err.orig, "sqlstate", None)
    if not state:
        return None
    if state == "42501" and any(table in str(err.orig) for table in _AUDIT_TABLES):
        return UserError(AUDIT_KEPT)  # refused the audit trail itself, not the records
    if state == UNIQUE_VIOLATION:  # a link made twice at once; any other duplicate is a bug
        table = getattr(getattr(err.orig, "diag", None), "table_name", None)
        return UserError(SAME_LINK) if table in _LINK_TABLES else None
    sentence = KNOWN_SERVER_ERRORS.get(state) or KNOWN_SERVER_ERRORS.get(state[:2])
    return UserError(sentence) if sentence else None


def friendly_database_error(err: BaseException) -> UserError | None:
    """A ``UserError`` saying what ``err`` means for the user, or ``None`` if it is a bug."""
    if isinstance(err, StaleDataError):
        return UserError(STALE)
    server = _server_error(err)
    if server is not None:
        return server
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

    Raised only for real damage, once a copy of the damaged file has been kept beside it
    (``kept``); when no copy could be kept, ``offer`` is ``None``, so that nothing is restored
    over the only copy. The window catches this to offer File > Restore… with ``offer``
    chosen; the command line prints the message, which names the backup and the command
    that restores it.
    """

    def __init__(self, message: str, *, path: Path, offer=None, kept: Path | None = None):
        super().__init__(message)
        self.path = path
        self.offer = offer
        self.kept = kept


# Why a sound file cannot be used just now (``DatabaseUnavailableError.reason``).
LOCKED, READ_ONLY, NO_SPACE = "locked", "read-only", "no space"
_UNAVAILABLE = {
    LOCKED: ("{path} is in use by another program, which has locked it (a sync or backup tool, "
             "a program copying it, or another program reading it). Nothing has been changed; "
             "the file is not damaged. Close that program or wait for it to finish, then try again."),
    READ_ONLY: ("{path} is read-only (the file, or the folder it is in), so the program cannot work "
                "in it. Nothing has been changed; the file is not damaged. Copy it to a folder you "
                "may change, or ask whoever manages the drive to let you change it."),
    NO_SPACE: ("There is not enough space on the disk holding {path}. Nothing has been changed; the "
               "file is not damaged. Free some space on that disk, then try again."),
}
# Windows: "used by another process" and "another process has locked a portion of the file".
_WINDOWS_SHARING_ERRORS = (32, 33)


class DatabaseUnavailableError(UserError):
    """A database file that cannot be used just now for a reason that is not damage.

    ``reason`` is ``LOCKED`` (in use by another program), ``READ_ONLY`` (the file or its
    folder) or ``NO_SPACE`` (the disk is full). Restoring a backup over such a file would
    throw away work that is still in it, so none is ever offered for this error.
    """

    def __init__(self, path: Path, reason: str):
        super().__init__(_UNAVAILABLE[reason].format(path=path))
        self.path = path
        self.reason = reason


def _writable(path: Path) -> bool:
    """Whether ``path`` (a file, or a folder) may be written, as far as the system says."""
    return os.access(path, os.W_OK)


def unavailable_reason(err: BaseException, path: Path) -> str | None:
    """``LOCKED``, ``READ_ONLY`` or ``NO_SPACE`` when ``err`` (raised using the database at
    ``path``) means the file is sound but cannot be used now; ``None`` otherwise."""
    if isinstance(err, OSError):
        if getattr(err, "winerror", None) in _WINDOWS_SHARING_ERRORS:
            return LOCKED
        if err.errno in (errno.ENOSPC, errno.EDQUOT):
            return NO_SPACE
        if err.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            return READ_ONLY
        return None
    original = _sqlite_error(err)
    if original is None:
        return None
    text = str(original).lower()
    if "locked" in text:
        return LOCKED
    if "disk is full" in text:
        return NO_SPACE
    if "readonly" in text or "read-only" in text:
        return READ_ONLY
    if "unable to open" in text:
        # Reading a WAL database needs its -shm beside it: a folder that cannot be written
        # stops even a read-only connection.
        if not _writable(path) or not _writable(path.parent):
            return READ_ONLY
    return None


def raise_if_unavailable(err: BaseException, path: Path) -> None:
    """Raise ``DatabaseUnavailableError`` (chained to ``err``) when ``err`` means the file at
    ``path`` is locked, read-only or on a full disk; otherwise return."""
    reason = unavailable_reason(err, path)
    if reason is not None:
        raise DatabaseUnavailableError(path, reason) from err
