"""Engine and session set-up: SQLite PRAGMAs that make the file safe by default, and the
address of a PostgreSQL server (its password from the system keyring, never from the address)."""

from __future__ import annotations

import os
from pathlib import Path, PurePath, PureWindowsPath
from urllib.parse import quote

from sqlalchemy import URL, Engine, create_engine, event, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

from db.errors import UserError

# The first bytes of every SQLite file: anything else is not a database at all.
SQLITE_MAGIC = b"SQLite format 3\x00"
READ_ONLY_OPTION = "crt_read_only"
# How long a writer waits for another copy of the program to finish before giving up.
BUSY_TIMEOUT_MS = 5000
# Write-ahead logging needs shared memory between the copies of the program using a file,
# which a network file system does not give, and a syncing client (OneDrive) may copy the
# main file without its -wal: there the classic rollback journal is used.
WAL, ROLLBACK_JOURNAL = "WAL", "DELETE"
# The system keyring's service under which a server login's password is kept, by "user@host".
KEYRING_SERVICE = "Case Review Tracker"
# How long to wait for a database server that does not answer before saying so.
CONNECT_TIMEOUT_SECONDS = 10


def absolute_path(path: str | PurePath) -> PurePath:
    """``path`` made absolute WITHOUT resolving links or drives.

    ``Path.resolve`` turns a mapped network drive (``Z:\\``) into its UNC name
    (``\\\\server\\share``); the drive letter is what the user chose and what SQLite and
    every other program understand, so it is kept. A ``PureWindowsPath`` (tests of Windows
    paths on another system) is returned as it is when already absolute.
    """
    if isinstance(path, PureWindowsPath) and not isinstance(path, Path):
        return path
    return Path(os.path.abspath(path))


def read_only_uri(path: str | PurePath) -> str:
    """An SQLite ``file:`` URI that opens ``path`` read-only (``mode=ro``).

    The authority is always empty: SQLite refuses any other (``file://server/...`` is an
    error), so a UNC path ``\\\\server\\share\\x`` becomes ``file:////server/share/x`` and a
    drive path ``Z:\\x`` ``file:///Z:/x``. Characters with a meaning in a URI (``?``, ``#``,
    ``%``, spaces) are escaped.
    """
    absolute = absolute_path(path)
    text = absolute.as_posix()
    if not text.startswith("/"):
        text = "/" + text  # "Z:/x" -> "/Z:/x", which SQLite reads as the drive path
    return f"file://{quote(text, safe='/:')}?mode=ro"


def sqlite_url(path: str | PurePath) -> URL:
    """The SQLAlchemy URL of the SQLite file at ``path`` (its name handed to SQLite as it is,
    so UNC paths and mapped drives need no URL escaping)."""
    return URL.create("sqlite", database=str(absolute_path(path)))


def is_server_address(location: str | PurePath | URL) -> bool:
    """Whether ``location`` names a database server (``postgresql+psycopg://user@host/db``)
    rather than an SQLite file (a path, or an ``sqlite://`` URL)."""
    if isinstance(location, URL):
        return location.get_backend_name() != "sqlite"
    text = str(location)
    return not isinstance(location, PurePath) and "://" in text and not text.startswith("sqlite")


def keyring_user(url: URL) -> str:
    """The name a server login's password is kept under in the keyring: ``user@host``."""
    return f"{url.username}@{url.host or 'localhost'}"


def server_url(location: str | URL) -> URL:
    """The SQLAlchemy URL of a server database, its password taken from the system keyring.

    A password written in the address itself is refused (an address is shown, logged and
    remembered as the last database opened, so it must never carry one). With no password in
    the keyring (or no keyring), the server's own authentication is used: a certificate, the
    Windows sign-in, or the server's trust. ``sslmode`` and any other option in the address
    are passed to the driver as they are.
    """
    try:
        url = location if isinstance(location, URL) else make_url(str(location))
    except ArgumentError as err:
        raise UserError(f"'{location}' is not a database address ({err}). Give an SQLite file, "
                        "or an address such as postgresql+psycopg://officer@dbserver/casereviews.") from None
    if url.get_backend_name() != "postgresql":
        raise UserError(f"'{url.render_as_string()}' is not a database this program can use: give an "
                        "SQLite file or a PostgreSQL address (postgresql+psycopg://user@host/database).")
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    if url.password is not None and not isinstance(location, URL):
        raise UserError("The database address holds a password, which would then be kept in plain text. "
                        "Give the address without it and keep the password in the system keyring: "
                        f'python -m keyring set "{KEYRING_SERVICE}" {keyring_user(url)}')
    if url.password is None and url.username:
        password = _keyring_password(keyring_user(url))
        if password is not None:
            url = url.set(password=password)
    return url


def _keyring_password(user: str) -> str | None:
    import keyring
    from keyring.errors import KeyringError

    try:
        return keyring.get_password(KEYRING_SERVICE, user)
    except KeyringError:  # no keyring on this machine: the server's own authentication, then
        return None


def describe_location(url: URL) -> str:
    """A server database as said to the user: ``casereviews on dbserver (as officer)``."""
    host = url.host or url.query.get("host") or "this computer"
    if isinstance(host, tuple):
        host = host[0]
    return f"{url.database} on {host}" + (f" (as {url.username})" if url.username else "")


def _on_sqlite_connect(journal_mode: str):
    def on_connect(dbapi_conn, _record) -> None:
        # Hand transaction control to SQLAlchemy (pysqlite's own handling defers BEGIN).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cur.execute(f"PRAGMA journal_mode = {journal_mode}")
        # NORMAL is safe with WAL; the rollback journal needs FULL to survive a power cut.
        cur.execute(f"PRAGMA synchronous = {'NORMAL' if journal_mode == WAL else 'FULL'}")
        cur.close()
    return on_connect


def _on_sqlite_begin(conn) -> None:
    # BEGIN IMMEDIATE takes the write lock at the start of a unit of work, so two copies
    # of the program queue up instead of failing half-way through a save. Reading needs no
    # lock in WAL mode, so read-only sessions begin a plain (deferred) transaction.
    read_only = conn.get_execution_options().get(READ_ONLY_OPTION, False)
    conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def make_engine(url_or_path: str | PurePath | URL, *, journal_mode: str = WAL) -> Engine:
    """An engine for an SQLite file path or URL (with the safety PRAGMAs set), or for a
    PostgreSQL address (its password from the keyring: ``server_url``).

    ``journal_mode`` is ``WAL`` (the default, for a file on a local disk) or
    ``ROLLBACK_JOURNAL`` (a network or synced folder, where WAL is not safe).
    """
    if is_server_address(url_or_path):
        # The pool checks a connection before lending it: the server may have dropped it.
        return create_engine(server_url(url_or_path), pool_pre_ping=True,
                             connect_args={"connect_timeout": CONNECT_TIMEOUT_SECONDS})
    if isinstance(url_or_path, URL):
        url: str | URL = url_or_path
    elif isinstance(url_or_path, PurePath) or "://" not in str(url_or_path):
        url = sqlite_url(url_or_path)
    else:
        url = str(url_or_path)
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _on_sqlite_connect(journal_mode))
        event.listen(engine, "begin", _on_sqlite_begin)
    return engine


def make_session_factory(engine: Engine, *, read_only: bool = False) -> sessionmaker[Session]:
    """Sessions for one unit of work each: ``with factory.begin() as s: ...``.
    Read-only sessions (for lists, reports and exports) never hold the write lock."""
    if read_only:
        engine = engine.execution_options(**{READ_ONLY_OPTION: True})
    return sessionmaker(engine, expire_on_commit=False)
