"""Bring a database's schema up to date with Alembic, safely.

A copy of the file is taken before any migration, by the caller's ``back_up`` (backups
belong to app/, and db/ imports nothing from it); a database written by a newer version of
the program, or a file that is not one of ours, is refused with a plain message.

Alembic is imported only when there is something to migrate: opening a database that is
already at the newest schema (nearly every start) reads the revision with plain SQL and
the newest one from the scripts' own ``revision =`` lines, which saves a fifth of a second
of start-up.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

from db.engine import READ_ONLY_OPTION
from db.errors import UserError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
VERSION_TABLE = "alembic_version"


def alembic_config() -> "Config":
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def head_revision() -> str:
    """The newest revision, as Alembic reads the scripts."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def known_revisions() -> set[str]:
    """Every revision the scripts know, as Alembic reads them."""
    from alembic.script import ScriptDirectory

    return {s.revision for s in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


# "revision = '0001'" or "down_revision: str | None = None" at the start of a line.
_REVISION_LINE = re.compile(r"""^(revision|down_revision)\s*(?::[^=\n]+)?=\s*(None|'[^'\n]*'|"[^"\n]*")\s*$""",
                            re.MULTILINE)


def _script_revisions() -> dict[str, str | None]:
    """Each script's ``revision`` and its ``down_revision``, read from the files' plain
    assignments (read at every start, so not parsed as Python). A script whose
    ``down_revision`` is anything else (a merge's tuple) has none here, which makes two
    heads, and Alembic decides."""
    found: dict[str, str | None] = {}
    for script in (MIGRATIONS_DIR / "versions").glob("*.py"):
        values = {name: None if value == "None" else value[1:-1]
                  for name, value in _REVISION_LINE.findall(script.read_text(encoding="utf-8"))}
        if isinstance(values.get("revision"), str):
            found[values["revision"]] = values.get("down_revision")
    return found


def is_known_revision(revision: str) -> bool:
    """Whether ``revision`` is one of the scripts' (read without importing Alembic)."""
    return revision in _script_revisions()


def quick_head_revision() -> str | None:
    """The newest revision without importing Alembic: the one no other script revises.
    ``None`` when that is not plain to see (several heads, or a merge), and Alembic decides."""
    scripts = _script_revisions()
    heads = set(scripts) - {down for down in scripts.values() if isinstance(down, str)}
    return heads.pop() if len(heads) == 1 else None


_SCHEMAS: dict[str, dict[tuple[str, str], frozenset[str]]] = {}


def schema_objects(conn) -> dict[tuple[str, str], frozenset[str]]:
    """What an SQLite database defines: {(type, name): its columns (tables) or nothing}.
    ``conn`` is an ``sqlite3`` connection. SQLite's own objects are left out."""
    found = {}
    for kind, name in conn.execute("SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"):
        columns = frozenset(r[1] for r in conn.execute(f'PRAGMA table_info("{name}")')) \
            if kind == "table" else frozenset()
        found[(kind, name)] = columns
    return found


def expected_schema(revision: str) -> dict[tuple[str, str], frozenset[str]]:
    """The tables (with their columns), indexes, triggers and views a database at
    ``revision`` holds, as the migration scripts make them (built once per revision in a
    database in memory)."""
    if revision not in _SCHEMAS:
        from alembic import command
        from sqlalchemy import create_engine
        from sqlalchemy.pool import StaticPool

        engine = create_engine("sqlite://", poolclass=StaticPool)
        try:
            cfg = alembic_config()
            with engine.begin() as conn:
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, revision)
            with engine.connect() as conn:
                _SCHEMAS[revision] = schema_objects(conn.connection.driver_connection)
        finally:
            engine.dispose()
    return _SCHEMAS[revision]


def may_migrate(engine: Engine) -> bool:
    """Whether the server login may change the schema: it owns the tables (a member of the
    role that owns them), or, in a database with none yet, it may create them. An officer's
    or a viewer's login may not; the database's administrator (its owner) may."""
    with engine.connect() as conn:
        return bool(conn.scalar(text(
            "SELECT CASE WHEN to_regclass(:table) IS NULL"
            " THEN has_schema_privilege(current_schema(), 'CREATE')"
            " ELSE pg_has_role((SELECT relowner FROM pg_class WHERE oid = to_regclass(:table)), 'USAGE') END"),
            {"table": VERSION_TABLE}))


def _refuse_without_rights(engine: Engine, current: str | None, head: str) -> None:
    # On a server the schema belongs to the database's administrator: an officer's program
    # never half-changes it (a permission error in the middle of a migration), it says who can.
    if may_migrate(engine):
        return
    if current is None:
        raise UserError(
            "This database on the server is empty, and your login may not create the program's tables "
            "in it. Ask the database's administrator to set it up: they open it once with Case Review "
            "Tracker, or copy the office's records into it (python main.py copy). Nothing has been changed.")
    raise UserError(
        f"This database on the server has an older schema ({current}) than this version of Case Review "
        f"Tracker needs ({head}). Only the database's administrator can upgrade it: ask them to open it "
        "once with this version (after the server's own backup). Until then, use the version of the "
        "program the office had before. Nothing has been changed.")


@dataclass
class MigrationResult:
    from_revision: str | None
    to_revision: str
    backup: Path | None


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (``None``: no version table, or an empty one)."""
    with engine.execution_options(**{READ_ONLY_OPTION: True}).connect() as conn:
        if not inspect(conn).has_table(VERSION_TABLE):
            return None
        return conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()


def upgrade(engine: Engine, back_up: Callable[[Path, str], Path] | None) -> MigrationResult:
    """Upgrade the schema to the newest revision; back the file up first if it holds data.

    ``back_up(database_file, new_revision)`` copies an SQLite file that is about to be
    upgraded and returns the copy's path; it is called after the refusals and before any
    change to the schema, and an error from it stops the upgrade. ``None``: no copy.
    """
    current = current_revision(engine)
    if current is not None and current == quick_head_revision():
        return MigrationResult(current, current, None)

    from alembic import command

    head = head_revision()
    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
    if current == head:
        return MigrationResult(current, head, None)
    if current is not None and current not in known_revisions():
        raise UserError(
            f"This database was written by a newer version of Case Review Tracker "
            f"(schema {current}). Install the newer version to open it; nothing has been changed."
        )
    if current is None and tables:
        raise UserError(
            ("This file is an SQLite database" if engine.dialect.name == "sqlite"
             else "This database on the server holds tables")
            + ", but not a Case Review Tracker one; it has not been opened or changed."
        )

    sqlite = engine.dialect.name == "sqlite"
    if not sqlite:
        _refuse_without_rights(engine, current, head)
    backup = None
    db_file = engine.url.database
    if current is not None and sqlite and db_file and back_up is not None:
        backup = back_up(Path(db_file), head)

    cfg = alembic_config()
    with engine.connect() as conn:
        if sqlite:
            # Batch migrations rebuild a table by copy, DROP and rename; with foreign keys on,
            # the DROP would cascade-delete every row pointing at the table. The pragma only
            # takes effect outside a transaction, so it is set on the driver's connection.
            conn.connection.driver_connection.execute("PRAGMA foreign_keys = OFF")
        try:
            with conn.begin():
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
                if sqlite and conn.exec_driver_sql("PRAGMA foreign_key_check").first() is not None:
                    raise UserError("The upgrade would leave records pointing at records that do not "
                                    "exist, so it was not made; nothing has been changed.")
        finally:
            if sqlite:
                conn.connection.driver_connection.execute("PRAGMA foreign_keys = ON")
    return MigrationResult(current, head, backup)
