"""Opening a database: check it, back it up, migrate it, and hand out sessions."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, exc
from sqlalchemy.orm import Session, sessionmaker

from app import backups
from app.defaults import seed_defaults
from app.errors import UserError
from app.file_permissions import create_private_file
from db.audit import install_audit
from db.engine import SQLITE_MAGIC, make_engine, make_session_factory
from db.migrate import MigrationResult, upgrade


@dataclass
class Database:
    """An open database: its file, engine and session factory (one session per unit of work)."""

    path: Path | None
    engine: Engine
    sessions: sessionmaker[Session]
    readers: sessionmaker[Session]  # for reading only: lists, reports, exports
    migration: MigrationResult
    # The check and daily backup made before opening (with a warning if no backup was taken).
    open_check: backups.OpenCheck | None = None

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
    open_check = None
    if path is not None:
        if not create and not path.exists():
            raise UserError(f"There is no database at {path}.")
        _refuse_non_database(path)
        # A damaged file raises DamagedDatabaseError, offering the newest good backup;
        # a good one gets the day's first backup.
        open_check = backups.prepare_to_open(path, backup_folder)
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            create_private_file(path)  # readable by the user only, from its first moment
    engine = make_engine(text)
    try:
        migration = upgrade(engine, backup_folder or (backups.backup_folder() if path else None))
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
    return Database(path, engine, sessions, make_session_factory(engine, read_only=True), migration,
                    open_check)
