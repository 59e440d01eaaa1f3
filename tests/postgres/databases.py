"""Databases on the test PostgreSQL server (``CRT_TEST_POSTGRES_URL``, set by ``.ci/run``).

Each test gets a database of its own, copied by the server from a template made once per
run (migrated and given the usual lists, as ``open_database`` makes a new one), and dropped
afterwards. Logins for the roles (an officer, a viewer, an administrator who is not a
superuser) are made as the tests ask for them.
"""

from __future__ import annotations

import itertools
import os
import uuid

from sqlalchemy import URL, create_engine, make_url, text

ENV = "CRT_TEST_POSTGRES_URL"
TEMPLATE = "crt_test_template"
NO_SERVER = f"no PostgreSQL server to test on ({ENV} is not set; .ci/run starts one)"
_counter = itertools.count(1)
_template_made = False


def server_url() -> URL | None:
    """The superuser's address on the test server, or None when no server was given."""
    value = os.environ.get(ENV)
    return make_url(value) if value else None


def _admin_engine():
    return create_engine(server_url(), isolation_level="AUTOCOMMIT")


def run_as_superuser(*statements: str, database: str | None = None) -> None:
    """Run ``statements`` as the server's superuser (in ``database``, else the default one)."""
    url = server_url()
    if database is not None:
        url = url.set(database=database)
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            for statement in statements:
                conn.execute(text(statement))
    finally:
        engine.dispose()


def _make_template() -> None:
    global _template_made
    if _template_made:
        return
    from app.database import open_database

    run_as_superuser(f"DROP DATABASE IF EXISTS {TEMPLATE} WITH (FORCE)", f"CREATE DATABASE {TEMPLATE}")
    open_database(address(server_url().set(database=TEMPLATE))).close()
    _template_made = True


def new_database(*, empty: bool = False) -> URL:
    """A new database on the test server; the superuser's address of it. ``empty``: with no
    tables at all (as IT hands one over); else at the newest schema with the usual lists."""
    name = f"crt_test_{os.getpid()}_{next(_counter)}_{uuid.uuid4().hex[:6]}"
    if empty:
        run_as_superuser(f"CREATE DATABASE {name}")
    else:
        _make_template()
        run_as_superuser(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
    return server_url().set(database=name)


def drop_database(url: URL) -> None:
    run_as_superuser(f"DROP DATABASE IF EXISTS {url.database} WITH (FORCE)")


def login(name: str, role: str | None = None, *, password: str | None = None,
          options: str = "") -> None:
    """Make (or make again) the server login ``name``, a member of ``role``."""
    run_as_superuser(f"DROP OWNED BY {name}" if _exists(name) else "SELECT 1")
    run_as_superuser(f"DROP ROLE IF EXISTS {name}",
                     f"CREATE ROLE {name} LOGIN {options}"
                     + (f" PASSWORD '{password}'" if password else "")
                     + (f" IN ROLE {role}" if role else ""))


def _exists(name: str) -> bool:
    engine = _admin_engine()
    try:
        with engine.connect() as conn:
            return conn.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name}) is not None
    finally:
        engine.dispose()


def as_login(url: URL, name: str) -> str:
    """The address of the database at ``url`` for the login ``name`` (a string, as typed)."""
    return address(url.set(username=name))


def address(url: URL) -> str:
    """``url`` as a user types it (``--db``): a string."""
    return url.render_as_string(hide_password=False)
