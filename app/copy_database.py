"""Move the office's records between an SQLite file and a PostgreSQL server, either way.

``copy_database`` copies every record, the audit trail and the settings, keeping every
record's id; the source is only read (from one consistent snapshot, so others may go on
working on a server while it is copied). The target must be a new file or an empty server
database; it is given the program's schema, filled, and checked table by table (rows and a
checksum) before it is committed, so a copy that fails leaves nothing half-made.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, String, create_engine, func, select
from sqlalchemy.exc import DBAPIError

from app.database import database_location
from app.errors import UserError
from app.file_permissions import create_private_file
from app.text import plural
from db import copy as table_copy
from db.engine import SQLITE_MAGIC, describe_location, make_engine, read_only_uri
from db.migrate import current_revision, head_revision, upgrade


@dataclass
class CopyResult:
    """What was copied where, each table's rows and checksum (equal on both sides), and how long it took."""

    source: str
    target: str
    tables: list[table_copy.TableSum]
    seconds: float

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables)

    def describe(self) -> str:
        return (f"Copied {self.source} to {self.target}: {plural(self.rows, 'row')} in "
                f"{plural(len(self.tables), 'table')}, every id kept, in {self.seconds:.1f} s. "
                "Each table's rows and checksum were checked in the copy.")


def _said(location: str | Path, engine: Engine) -> str:
    return str(location) if isinstance(location, Path) else describe_location(engine.url)


def _source_engine(location: str | Path) -> Engine:
    if isinstance(location, str):
        return make_engine(location)
    if not location.is_file():
        raise UserError(f"There is no database at {location}; nothing has been copied.")
    with location.open("rb") as fh:
        if fh.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
            raise UserError(f"{location} is not a Case Review Tracker database (it is not an SQLite "
                            "file); nothing has been copied.")
    # Read-only, with no PRAGMA sent: copying from a file never changes it.
    return create_engine("sqlite://", creator=lambda: sqlite3.connect(read_only_uri(location), uri=True,
                                                                      isolation_level=None))


def _refuse_old_or_new(engine: Engine, said: str) -> None:
    revision, head = current_revision(engine), head_revision()
    if revision == head:
        return
    if revision is None:
        raise UserError(f"{said} is not a Case Review Tracker database (it has no schema version); "
                        "nothing has been copied.")
    raise UserError(f"{said} has schema {revision}, and this version of the program copies schema {head}. "
                    "Open it once with this version first (which upgrades it), or, if it is newer, "
                    "install the newer version of Case Review Tracker. Nothing has been copied.")


def _target_engine(location: str | Path) -> Engine:
    if isinstance(location, str):
        return make_engine(location)
    if location.exists() and (location.is_dir() or location.stat().st_size > 0):
        raise UserError(f"{location} already exists. A copy is written into a new file only: choose "
                        "a new file name; nothing has been copied.")
    location.parent.mkdir(parents=True, exist_ok=True)
    create_private_file(location)
    return make_engine(location)


def _refuse_data(engine: Engine, said: str) -> None:
    with engine.connect() as conn:
        holding = table_copy.tables_holding_rows(conn)
    if holding:
        raise UserError(f"{said} already holds data (in {', '.join(holding[:5])}"
                        f"{' and more' if len(holding) > 5 else ''}). A copy goes only into an empty "
                        "database, so nothing is overwritten or mixed; nothing has been copied.")


def _refuse_too_long(source, target: Engine) -> None:
    # SQLite keeps text of any length; PostgreSQL refuses text longer than its column.
    if target.dialect.name == "sqlite":
        return
    for table in table_copy.tables():
        key = list(table.primary_key.columns)[0]
        for column in table.columns:
            if isinstance(column.type, String) and column.type.length:
                found = source.execute(select(key).where(func.length(column) > column.type.length)
                                       .order_by(key).limit(1)).first()
                if found is not None:
                    raise UserError(
                        f"The {table.name} record {found[0]} has a {column.name} longer than the "
                        f"{column.type.length} characters the server keeps. Shorten it in the program, "
                        "then copy again; nothing has been copied.", field=column.name)


def _begin_snapshot(conn) -> None:
    """Read the whole source from one moment: others may be saving meanwhile."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN")
    else:
        conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)


def copy_database(source: str | Path, target: str | Path,
                  progress: Callable[[str, int], None] | None = None) -> CopyResult:
    """Copy the database at ``source`` (an SQLite file or a PostgreSQL address) into ``target``
    (a new SQLite file, or an empty PostgreSQL database), every row with its id.

    Raises ``UserError`` for a source that is missing, not ours, or at another schema, and
    for a target that already exists (a file) or holds data (a server database). The target
    is checked table by table (rows and checksum) before it is committed.
    """
    started = time.perf_counter()
    source, target = database_location(str(source)), database_location(str(target))
    if str(source) == str(target):
        raise UserError("The copy must go to another database than the one it is copied from.")
    source_engine = _source_engine(source)
    target_engine = None
    made_file = False
    try:
        source_said = _said(source, source_engine)
        _refuse_old_or_new(source_engine, source_said)
        made_file = isinstance(target, Path) and not target.exists()
        target_engine = _target_engine(target)
        target_said = _said(target, target_engine)
        _refuse_data(target_engine, target_said)
        with source_engine.connect() as reader:
            _begin_snapshot(reader)
            _refuse_too_long(reader, target_engine)
            upgrade(target_engine, None)  # the program's schema in an empty database (refusals as at open)
            with target_engine.begin() as writer:
                read = table_copy.copy_tables(reader, writer, progress)
                table_copy.reset_sequences(writer)
                written = [table_copy.table_sum(writer, t) for t in table_copy.tables()]
                problems = table_copy.compare(read, written)
                if problems:
                    raise UserError("The copy did not match the original, so it was not kept: "
                                    + "; ".join(problems) + ".")
    except DBAPIError as err:
        _discard(target, target_engine, made_file)
        reason = str(err.orig).strip().splitlines()[0] if err.orig is not None else str(err)
        raise UserError(f"The copy could not be made: {reason}. Nothing has been kept in the target.") from err
    except BaseException:
        _discard(target, target_engine, made_file)
        raise
    finally:
        source_engine.dispose()
    target_engine.dispose()
    return CopyResult(source_said, target_said, read, time.perf_counter() - started)


def _discard(target: str | Path, engine: Engine | None, made_file: bool) -> None:
    """Leave no half-made target: a new file is removed (a server database's transaction has
    already been rolled back; the schema made in it stays, empty)."""
    if engine is not None:
        engine.dispose()
    if made_file and isinstance(target, Path):
        for leftover in (target, target.with_name(target.name + "-wal"), target.with_name(target.name + "-shm")):
            leftover.unlink(missing_ok=True)
