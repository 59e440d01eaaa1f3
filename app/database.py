"""Opening a database: check it, back it up, migrate it, and hand out sessions."""

from __future__ import annotations

import logging
import sqlite3
import threading
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from sqlalchemy import Engine, event, exc, select
from sqlalchemy.orm import Session, sessionmaker

from app import backups, paths
from app.seed import seed_defaults
from app.db_errors import raise_if_unavailable
from app.errors import UserError
from app.file_permissions import create_private_file
from app.identity import database_id, stored_identity
from db.audit import install_audit
from db.engine import (
    READ_ONLY_OPTION,
    ROLLBACK_JOURNAL,
    SQLITE_MAGIC,
    KEYRING_SERVICE,
    WAL,
    describe_location,
    is_server_address,
    keyring_user,
    make_engine,
    make_session_factory,
    read_only_uri,
)
from db.migrate import MigrationResult, is_known_revision, quick_head_revision, upgrade
from db.models import ListItem

log = logging.getLogger(__name__)

# How long a save made while the deferred open check is still running waits for it.
CHECK_WAIT_SECONDS = 60
STILL_CHECKING = ("The database is still being checked after opening, so nothing was saved. "
                  "Try again in a moment.")
FAILED_CHECK = ("This database failed its check when it was opened, so nothing can be saved to it. "
                "Restore a backup (File > Restore…) or open another database.")


class WriteGate:
    """Holds every write until the open check has passed.

    The window opens a database before checking it, so that it appears at once on a large
    file; the check (SQLite's page check and the day's first backup) then runs on a worker.
    A save made meanwhile waits for it here, and a save to a file that failed is refused.
    """

    def __init__(self, *, passed: bool):
        self._settled = threading.Event()
        self._error: BaseException | None = None
        if passed:
            self._settled.set()

    @property
    def pending(self) -> bool:
        return not self._settled.is_set()

    @property
    def failed(self) -> bool:
        return self._error is not None

    def settle(self, error: BaseException | None = None) -> None:
        self._error = error
        self._settled.set()

    def wait_for_check(self) -> None:
        """Return once the check has passed; raise the check's own error if it failed."""
        self._settled.wait()
        if self._error is not None:
            raise self._error

    def wait(self) -> None:
        """Return once writing is safe; ``UserError`` if it is not (or not yet)."""
        if not self._settled.wait(CHECK_WAIT_SECONDS):
            raise UserError(STILL_CHECKING)
        if self._error is not None:
            raise UserError(FAILED_CHECK)


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
    gate: WriteGate = field(default_factory=lambda: WriteGate(passed=True))
    backup_folder: Path | None = None
    # Said to the user at open: the file is on a network drive or in a synced folder (and so
    # kept without write-ahead logging), or None.
    location_warning: str | None = None

    @property
    def check_pending(self) -> bool:
        """True until ``finish_open_check`` has run for a database opened with ``check_later``."""
        return self.gate.pending

    @property
    def known_sound(self) -> bool:
        """True once the file has passed its check at open (at once, or later)."""
        return not self.gate.pending and not self.gate.failed

    def finish_open_check(self) -> backups.OpenCheck:
        """Run the check and daily backup that ``open_database(check_later=True)`` put off.

        Safe on a worker thread (it reads the file through connections of its own). Raises
        ``DamagedDatabaseError`` for a damaged file, after which every save is refused.
        """
        try:
            backups.check_at_open(self.path, self.backup_folder)
        except BaseException as err:
            self.gate.settle(err)
            raise
        self.gate.settle()
        _ensure_identity(self.engine, self.sessions)  # before the backup, which carries it
        self.open_check = backups.daily_backup_at_open(self.path, self.backup_folder)
        return self.open_check

    def check_alongside(self) -> threading.Thread | None:
        """Run the check put off by ``check_later`` on a thread of its own, while the caller
        reads (SQLite checks its pages without holding the interpreter, so a command that
        only reads need not wait for it); None when nothing was put off. Every write waits
        for it; ``wait_for_open_check`` before anything read leaves the program."""
        if not self.check_pending:
            return None

        def check() -> None:
            try:
                self.finish_open_check()
            except BaseException:  # kept by the gate: wait_for_open_check raises it
                pass

        thread = threading.Thread(target=check, name="open check", daemon=True)
        thread.start()
        return thread

    def wait_for_open_check(self) -> None:
        """Return once the file has passed its check at open; raise what the check raised
        (a damaged file: the newest good backup offered) if it did not."""
        self.gate.wait_for_check()

    @property
    def on_server(self) -> bool:
        """True for a shared database on a PostgreSQL server (no file: no file backups)."""
        return self.path is None and self.engine.dialect.name != "sqlite"

    @property
    def location(self) -> str:
        """Where the records are, as said to the user: the file, or the database and server."""
        return str(self.path) if self.path is not None else describe_location(self.engine.url)

    def close(self) -> None:
        self.engine.dispose()


def database_location(given: str | Path | None) -> str | Path:
    """What the user gave as ``--db`` (or chose to open): a server address is kept as text (a
    ``Path`` would fold its ``//``), anything else is a file; ``None`` is the default file."""
    if given is None:
        return paths.default_db_path()
    return str(given) if is_server_address(given) else Path(given)


def _refuse_non_database(path: Path) -> None:
    if not path.exists() or path.stat().st_size == 0:
        return
    if path.is_dir():
        raise UserError(f"{path} is a folder, not a database file.")
    with path.open("rb") as fh:
        head = fh.read(len(SQLITE_MAGIC))
    if head != SQLITE_MAGIC:
        raise UserError(f"{path} is not a Case Review Tracker database (it is not an SQLite file).")


def _peek(path: Path) -> tuple[set[str], str | None] | None:
    """The file's table names and stored schema revision, read without changing anything;
    ``None`` if SQLite cannot read them (damage: the check at open says so)."""
    try:
        conn = sqlite3.connect(read_only_uri(path), uri=True)
        try:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone() \
                if "alembic_version" in tables else None
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    return tables, (row[0] if row else None)


def _refuse_foreign(path: Path) -> str | None:
    """Refuse an SQLite file that is not one of ours, or is from a newer program, before
    anything is written to it (not even the switch to write-ahead logging, which is
    permanent); return the stored revision (``None``: unknown, or a new file)."""
    if not path.is_file() or path.stat().st_size == 0:
        return None
    peeked = _peek(path)
    if peeked is None:
        return None
    tables, revision = peeked
    if tables and "alembic_version" not in tables:
        raise UserError(f"{path} is an SQLite database, but not a Case Review Tracker one; "
                        "it has not been opened or changed.")
    if revision is not None and not is_known_revision(revision):
        raise UserError(f"{path} was written by a newer version of Case Review Tracker (schema "
                        f"{revision}), or by another program. Install the newer version to open it; "
                        "nothing has been changed.")
    return revision


def _ensure_identity(engine: Engine, sessions: sessionmaker[Session]) -> None:
    """Give the database its identity (``app.identity``) if it has none yet: written once,
    through the write path, so that its backups and exports carry it. Reads first, so an
    open database with one takes no write lock."""
    with engine.execution_options(**{READ_ONLY_OPTION: True}).connect() as conn:
        if stored_identity(conn) is not None:
            return
    with sessions.begin() as session:
        database_id(session)


def _install_gate(engine: Engine, gate: WriteGate) -> None:
    def wait_before_writing(conn) -> None:
        if not conn.get_execution_options().get(READ_ONLY_OPTION, False):
            gate.wait()

    # First among the "begin" listeners: wait before BEGIN IMMEDIATE takes the write lock.
    event.listen(engine, "begin", wait_before_writing, insert=True)


def _refuse_empty(path: Path) -> None:
    raise UserError(
        f"{path} is an empty file (0 bytes), not a database: a copy or a sync that stopped "
        "half-way can leave one. Nothing has been changed. If your records should be in it, "
        "restore a backup (File > Restore…, or python main.py restore). To start a new, empty "
        "database there instead, choose File > New database… and this file name.")


def open_database(location: str | Path, *, create: bool | None = None,
                  backup_folder: Path | None = None, check_later: bool = False) -> Database:
    """Open (and if needed create and migrate) the database at a file path or URL.

    ``create``: ``True`` when the user asked for a new database at this path (a missing or
    empty file becomes one); ``None`` (the default: the first start) for an existing
    database, or a new one where there is no file yet; ``False`` for an existing one only.

    Raises ``UserError`` for a missing file when ``create`` is false, an empty (0-byte)
    file unless ``create`` is true, a file that is not ours, or a database written by a
    newer version of the program.

    ``check_later`` (the window's start-up) leaves SQLite's page check and the daily backup
    to ``Database.finish_open_check``, holding every write until it has passed; reading may
    start at once. A file that needs upgrading is always checked first.
    """
    text = str(location)
    path = None if is_server_address(location) else Path(text)
    open_check = None
    warning = paths.location_warning(path) if path is not None else None
    gate = WriteGate(passed=True)
    if path is not None:
        if create is False and not path.exists():
            raise UserError(f"There is no database at {path}.")
        if create is not True and path.is_file() and path.stat().st_size == 0:
            _refuse_empty(path)
        try:
            _refuse_non_database(path)
        except OSError as err:
            raise_if_unavailable(err, path)
            raise
        revision = _refuse_foreign(path)
        if check_later and revision is not None and revision == quick_head_revision():
            # No upgrade is due (an upgrade must start from a file known to be sound).
            gate = WriteGate(passed=False)
        else:
            # A damaged file raises DamagedDatabaseError, offering the newest good backup;
            # a good one gets the day's first backup (before any upgrade changes it).
            open_check = backups.prepare_to_open(path, backup_folder)
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            create_private_file(path)  # readable by the user only, from its first moment
    engine = make_engine(path if path is not None else text, journal_mode=ROLLBACK_JOURNAL if warning else WAL)
    if warning:
        log.warning("Database on a network drive or in a synced folder, opened without WAL: %s", path)
    try:
        folder = backup_folder or (backups.backup_folder() if path else None)
        migration = upgrade(engine, partial(backups.backup_before_upgrade, folder) if folder else None)
        sessions = make_session_factory(engine)
        readers = make_session_factory(engine, read_only=True)
        install_audit(sessions)
        # Core, not the ORM: the ORM's first query configures every mapper (a fifth of a
        # second), which the window's first read then does on its worker instead.
        with engine.connect() as conn:
            empty = conn.scalar(select(ListItem.__table__.c.id).limit(1)) is None
        if empty:  # a new database: its editable lists (an existing one takes no write lock)
            with sessions.begin() as s:
                seed_defaults(s)
        if not gate.pending:
            _ensure_identity(engine, sessions)
    except (exc.DBAPIError, sqlite3.Error, OSError) as err:
        engine.dispose()
        if path is not None:  # locked, read-only or a full disk: said as such, not as damage
            raise_if_unavailable(err, path)
            if gate.pending:  # the check put off: run it now, to say what is damaged and what to restore
                backups.prepare_to_open(path, backup_folder)
        else:
            _raise_server_error(err, engine)
        if isinstance(err, OSError):
            raise
        raise UserError(f"{path or text} could not be read as a database: {err.orig if hasattr(err, 'orig') else err}.") from err
    except BaseException:
        engine.dispose()
        raise
    _install_gate(engine, gate)
    return Database(path, engine, sessions, readers, migration, open_check, gate, backup_folder, warning)


def _raise_server_error(err: BaseException, engine: Engine) -> None:
    """Say why a database server could not be used: not reached, or the login refused."""
    if not isinstance(err, exc.OperationalError):
        return
    where = describe_location(engine.url)
    reason = str(err.orig).strip().splitlines()[0] if err.orig is not None else str(err)
    if "no password supplied" in reason or "password authentication failed" in reason:
        said = "asks for a password, and none is" if "no password" in reason else "refused the password"
        raise UserError(
            f"Could not open {where}: the server {said} kept in the system keyring for "
            f"{keyring_user(engine.url)}. Type it in the window's File > Open server database… (it is "
            f'kept there), or on the command line run: python -m keyring set "{KEYRING_SERVICE}" '
            f"{keyring_user(engine.url)}; then try again. Nothing has been changed.") from err
    raise UserError(
        f"Could not open {where}: {reason}. Check the address, that the server is running and reachable "
        "from this computer, and your login (its password is kept in the system keyring). "
        "Nothing has been changed.") from err


def open_demo_database(path: Path, *, check_later: bool = False) -> Database:
    """Open the demo database at ``path``, writing the demo office into it on first use."""
    fresh = not path.exists() or path.stat().st_size == 0
    # The program's own file: one left empty by an interrupted first start is made again.
    database = open_database(path, create=True, check_later=check_later)
    if fresh:
        from app.demo import write_demo

        try:
            with database.sessions.begin() as session:
                write_demo(session)
        except BaseException:
            database.close()
            raise
    return database
