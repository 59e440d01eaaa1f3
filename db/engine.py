"""Engine and session set-up: SQLite PRAGMAs that make the file safe by default."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

# The first bytes of every SQLite file: anything else is not a database at all.
SQLITE_MAGIC = b"SQLite format 3\x00"
READ_ONLY_OPTION = "crt_read_only"
# How long a writer waits for another copy of the program to finish before giving up.
BUSY_TIMEOUT_MS = 5000


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{Path(path).resolve().as_posix()}"


def _on_sqlite_connect(dbapi_conn, _record) -> None:
    # Hand transaction control to SQLAlchemy (pysqlite's own handling defers BEGIN).
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys = ON")
    cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA journal_mode = WAL")
    cur.execute("PRAGMA synchronous = NORMAL")
    cur.close()


def _on_sqlite_begin(conn) -> None:
    # BEGIN IMMEDIATE takes the write lock at the start of a unit of work, so two copies
    # of the program queue up instead of failing half-way through a save. Reading needs no
    # lock in WAL mode, so read-only sessions begin a plain (deferred) transaction.
    read_only = conn.get_execution_options().get(READ_ONLY_OPTION, False)
    conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def make_engine(url_or_path: str | Path) -> Engine:
    """An engine for a database URL or an SQLite file path, with the safety PRAGMAs set."""
    url = str(url_or_path)
    if "://" not in url:
        url = sqlite_url(Path(url))
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _on_sqlite_connect)
        event.listen(engine, "begin", _on_sqlite_begin)
    return engine


def make_session_factory(engine: Engine, *, read_only: bool = False) -> sessionmaker[Session]:
    """Sessions for one unit of work each: ``with factory.begin() as s: ...``.
    Read-only sessions (for lists, reports and exports) never hold the write lock."""
    if read_only:
        engine = engine.execution_options(**{READ_ONLY_OPTION: True})
    return sessionmaker(engine, expire_on_commit=False)
