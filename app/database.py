"""Opening a database: check it, back it up, migrate it, and hand out sessions."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, exc
from sqlalchemy.orm import Session, sessionmaker

from app import paths
from app.defaults import seed_defaults
from app.errors import UserError
from db.audit import install_audit
from db.engine import make_engine, make_session_factory
from db.migrate import MigrationResult, upgrade

SQLITE_MAGIC = b"SQLite format 3\x00"


@dataclass
class Database:
    """An open database: its file, engine and session factory (one session per unit of work)."""

    path: Path | None
    engine: Engine
    sessions: sessionmaker[Session]
    readers: sessionmaker[Session]  # for reading only: lists, reports, exports
    migration: MigrationResult

    def close(self) -> None:
        self.engine.dispose()


def _refuse_non_database(path: Path) -> None:
    if not path.exists() or path.stat().st_size == 0:
        return
    if path.is_dir():
        raise UserError(f"{path} is a folder, not a database file.")
    with path.open("rb") as fh:
        head = fh.read(len(SQLITE_MAGIC))
    if head != SQLITE_MAGIC:
        raise UserError(f"{path} is not a Case Review Tracker database (it is not an SQLite file).")


def open_database(location: str | Path, *, create: bool = True,
                  backup_folder: Path | None = None) -> Database:
    """Open (and if needed create and migrate) the database at a file path or URL.

    Raises ``UserError`` for a missing file when ``create`` is false, a file that is not
    ours, or a database written by a newer version of the program.
    """
    text = str(location)
    path = None if "://" in text else Path(text)
    if path is not None:
        if not create and not path.exists():
            raise UserError(f"There is no database at {path}.")
        _refuse_non_database(path)
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(text)
    try:
        migration = upgrade(engine, backup_folder or (paths.backup_dir() if path else None))
    except (exc.DatabaseError, sqlite3.DatabaseError) as err:
        engine.dispose()
        raise UserError(f"{path or text} could not be read as a database: {err.orig if hasattr(err, 'orig') else err}.") from err
    except BaseException:
        engine.dispose()
        raise
    sessions = make_session_factory(engine)
    install_audit(sessions)
    with sessions.begin() as s:
        seed_defaults(s)
    return Database(path, engine, sessions, make_session_factory(engine, read_only=True), migration)
