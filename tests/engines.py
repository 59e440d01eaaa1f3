"""Test databases on either engine: a file (SQLite) or a database of its own on the test
PostgreSQL server (tests/postgres/databases.py); ``tests/conftest.py`` picks the engine."""

from __future__ import annotations

import hashlib
from pathlib import Path

from app.database import Database, open_database
from db.copy import table_sum, tables
from tests.postgres import databases as server

SQLITE, POSTGRESQL = "sqlite", "postgresql"


def open_test_database(engine: str, folder: Path, **options) -> Database:
    """A new database on ``engine``: ``office.sqlite`` in ``folder``, or a copy of the
    server's migrated template (dropped again by ``close_test_database``)."""
    if engine == POSTGRESQL:
        return open_database(server.address(server.new_database()), **options)
    return open_database(folder / "office.sqlite", **options)


def close_test_database(database: Database) -> None:
    """Close ``database``; on the server, drop it too."""
    database.close()
    if database.on_server:
        server.drop_database(database.engine.url)


def db_arg(database: Database) -> str:
    """What the user gives as ``--db`` for ``database``: its file, or its server address."""
    return str(database.path) if database.path is not None else server.address(database.engine.url)


def database_bytes(database: Database) -> str:
    """A digest of the database file and its write-ahead log; on a server, where there is no
    file, of every table's rows (each table's count and checksum, as a copy checks them)."""
    digest = hashlib.sha256()
    if database.on_server:
        with database.engine.connect() as conn:
            for table in tables():
                digest.update(repr(table_sum(conn, table)).encode("utf-8"))
        return digest.hexdigest()
    for suffix in ("", "-wal"):
        part = database.path.with_name(database.path.name + suffix)
        if part.exists():
            digest.update(part.read_bytes())
    return digest.hexdigest()
