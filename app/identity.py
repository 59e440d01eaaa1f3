"""A database's identity: an id written inside it when it is created (or first opened by
this version), carried by every backup of it and stamped on every export.

Backups belong to a database by this id, not by its file name: two databases called
``office.sqlite`` in different folders have separate backup histories, and a backup of
one is never restored over the other.
"""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from db.engine import read_only_uri
from db.models import Setting

IDENTITY_SETTING = "database_id"


def database_id(session: Session) -> str:
    """This database's identity, written (through ``session``) if it has none yet."""
    row = session.get(Setting, IDENTITY_SETTING)
    if row is None:
        row = Setting(key=IDENTITY_SETTING, value=uuid.uuid4().hex)
        session.add(row)
        session.flush()
    return row.value


def stored_identity(conn: Connection) -> str | None:
    """The identity stored in the database ``conn`` reads (``None``: none yet)."""
    table = Setting.__table__.c
    return conn.scalar(select(table.value).where(table.key == IDENTITY_SETTING))


def read_identity(conn: sqlite3.Connection) -> str | None:
    """The identity in an SQLite file open on ``conn`` (``None``: none, or not readable)."""
    try:
        row = conn.execute("SELECT value FROM setting WHERE key = ?", (IDENTITY_SETTING,)).fetchone()
    except sqlite3.DatabaseError:
        return None
    return row[0] if row else None


def identity_of(path: Path) -> str | None:
    """The identity of the database file at ``path``, read without changing it (``None``
    if it has none or cannot be read, a damaged file say)."""
    if not path.is_file() or path.stat().st_size == 0:
        return None
    try:
        conn = sqlite3.connect(read_only_uri(path), uri=True)
    except sqlite3.Error:
        return None
    try:
        return read_identity(conn)
    finally:
        conn.close()
