"""Consistent copies of a live SQLite database (SQLite's online backup, not a file copy)."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def open_copy(dest: Path) -> sqlite3.Connection:
    """A connection to a new copy at ``dest`` that keeps the file locked until it is closed.

    In exclusive locking mode SQLite holds its lock from the first write to the close, so
    another copy of the program clearing away unfinished copies can tell this one is still
    being written (``in_use``), and a copy taken from a WAL database needs no ``-shm``.
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(dest), isolation_level=None)
    conn.execute("PRAGMA locking_mode = EXCLUSIVE")
    return conn


def copy_into(source: Path, out: sqlite3.Connection) -> None:
    """Copy the database at ``source`` (which may be in use) into the connection ``out``."""
    src = sqlite3.connect(str(source))
    try:
        src.backup(out)
    finally:
        src.close()


def backup_sqlite(source: Path, dest: Path) -> Path:
    """Copy the database at ``source`` over ``dest`` (both may be in use: other connections to
    ``dest`` see the new content whole); return ``dest``."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    out = sqlite3.connect(str(dest))
    try:
        copy_into(source, out)
    finally:
        out.close()
    return dest


def in_use(path: Path) -> bool:
    """Whether an SQLite connection (in any process) holds a lock on the file at ``path``."""
    conn = sqlite3.connect(str(path), timeout=0, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
    except sqlite3.OperationalError as err:
        return "locked" in str(err)
    except sqlite3.DatabaseError:  # not a database (a half-written header): nobody is using it
        return False
    finally:
        conn.close()
    return False
