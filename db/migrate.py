"""Bring a database's schema up to date with Alembic, safely.

A copy of the file is taken before any migration; a database written by a newer version of
the program, or a file that is not one of ours, is refused with a plain message.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from app.errors import UserError

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


@dataclass
class MigrationResult:
    from_revision: str | None
    to_revision: str
    backup: Path | None


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, backup_folder: Path | None) -> MigrationResult:
    """Upgrade the schema to the newest revision; back the file up first if it holds data."""
    script = ScriptDirectory.from_config(alembic_config())
    head = script.get_current_head()
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
        tables = set(inspect(conn).get_table_names())
    if current == head:
        return MigrationResult(current, head, None)
    if current is not None and current not in {s.revision for s in script.walk_revisions()}:
        raise UserError(
            f"This database was written by a newer version of Case Review Tracker "
            f"(schema {current}). Install the newer version to open it; nothing has been changed."
        )
    if current is None and tables:
        raise UserError(
            "This file is an SQLite database, but not a Case Review Tracker one; "
            "it has not been opened or changed."
        )

    backup = None
    db_file = engine.url.database
    sqlite = engine.dialect.name == "sqlite"
    if current is not None and sqlite and db_file and backup_folder:
        from app.backups import take_backup  # here: app.backups reads this module's revisions

        backup = take_backup(Path(db_file), backup_folder, f"before-{head}").path

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
