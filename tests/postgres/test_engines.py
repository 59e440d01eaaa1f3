"""One code base, two engines: the program opens a PostgreSQL database as it opens a file,
with the same migrations, and refuses a schema it must not use in plain words."""

from __future__ import annotations

import datetime as dt

import keyring
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from keyring.backend import KeyringBackend
from sqlalchemy import create_engine, inspect, select, text

from app.database import open_database
from app.errors import UserError
from db.engine import KEYRING_SERVICE
from db.migrate import alembic_config, current_revision, head_revision
from db.models import Base, ListItem, Setting
from tests.postgres import databases as server


def _names(url) -> dict[str, set[str]]:
    """The names of every key, link, unique rule, check and index, table by table."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            found = inspect(conn)
            names: dict[str, set[str]] = {}
            for table in found.get_table_names():
                names[table] = ({found.get_pk_constraint(table)["name"]}
                                | {fk["name"] for fk in found.get_foreign_keys(table)}
                                | {uq["name"] for uq in found.get_unique_constraints(table)}
                                | {ix["name"] for ix in found.get_indexes(table)}
                                | {ck["name"] for ck in found.get_check_constraints(table)})
            return names
    finally:
        engine.dispose()


def test_an_empty_server_database_gets_the_schema_and_the_usual_lists(empty_pg):
    db = open_database(server.address(empty_pg))
    try:
        assert (db.on_server, db.path) == (True, None)
        assert db.location.startswith(f"{empty_pg.database} on ")
        assert (db.migration.from_revision, db.migration.to_revision) == (None, head_revision())
        with db.readers() as s:
            assert s.scalar(select(ListItem).where(ListItem.kind == "action_status").limit(1)) is not None
            assert s.get(Setting, "database_id") is not None
    finally:
        db.close()


def test_the_migrations_make_on_the_server_what_the_models_say_with_the_same_names_as_sqlite(pg_url, tmp_path):
    engine = create_engine(pg_url)
    try:
        with engine.connect() as conn:
            differences = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}),
                                           Base.metadata)
    finally:
        engine.dispose()
    assert differences == []
    open_database(tmp_path / "office.sqlite").close()
    on_sqlite, on_server = _names(f"sqlite:///{tmp_path / 'office.sqlite'}"), _names(pg_url)
    assert set(on_server) == set(on_sqlite)
    for table, names in on_sqlite.items():
        # SQLite leaves a table's primary key unnamed when it reads it back; the server keeps pk_<table>.
        assert names - {None} <= on_server[table], table
        assert on_server[table] - names <= {f"pk_{table}"}, table


def test_a_database_written_by_a_newer_program_is_refused(pg_url):
    server.run_as_superuser("UPDATE alembic_version SET version_num = '9999'", database=pg_url.database)
    with pytest.raises(UserError, match=r"newer version of Case Review Tracker \(schema 9999\)"):
        open_database(server.address(pg_url))


def _database_at(url, revision: str) -> None:
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            cfg = alembic_config()
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
    finally:
        engine.dispose()


def test_an_older_schema_is_upgraded_by_its_administrator_only(empty_pg):
    _database_at(empty_pg, "0001")  # every later script runs on the server: a column renamed in 0003
    server.login("crt_officer_old")
    server.run_as_superuser("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO crt_officer_old",
                            "GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO crt_officer_old",
                            database=empty_pg.database)
    with pytest.raises(UserError, match=r"older schema \(0001\).*Only the database's administrator can upgrade it"):
        open_database(server.as_login(empty_pg, "crt_officer_old"))
    engine = create_engine(empty_pg)
    try:
        assert current_revision(engine) == "0001"  # nothing changed
    finally:
        engine.dispose()

    db = open_database(server.address(empty_pg))  # the owner: the administrator
    try:
        assert (db.migration.from_revision, db.migration.to_revision) == ("0001", head_revision())
    finally:
        db.close()
    engine = create_engine(empty_pg)
    try:
        assert "capital_revenue" in {c["name"] for c in inspect(engine).get_columns("panel_report")}
    finally:
        engine.dispose()


def test_a_login_that_may_not_create_tables_is_told_to_ask_the_administrator(empty_pg):
    server.login("crt_officer_new")
    with pytest.raises(UserError, match="empty, and your login may not create the program's tables"):
        open_database(server.as_login(empty_pg, "crt_officer_new"))


class _Keyring(KeyringBackend):
    """The system keyring as the program sees it, kept in memory for the test."""

    priority = 1

    def __init__(self):
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.passwords.get((service, username))

    def set_password(self, service, username, password):
        self.passwords[(service, username)] = password

    def delete_password(self, service, username):
        self.passwords.pop((service, username), None)


@pytest.fixture
def tcp_login(pg_url):
    """A login that signs in over TCP with a password (the server trusts only its own socket),
    its address without the password, and the test's keyring."""
    port = (server.server_url().query.get("port"))
    server.login("crt_officer_pw", password="s3cret-Pw")
    server.run_as_superuser("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO crt_officer_pw",
                            "GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO crt_officer_pw",
                            database=pg_url.database)
    previous = keyring.get_keyring()
    store = _Keyring()
    keyring.set_keyring(store)
    yield f"postgresql+psycopg://crt_officer_pw@127.0.0.1:{port}/{pg_url.database}", store
    keyring.set_keyring(previous)


def test_the_password_comes_from_the_keyring_never_from_the_address(tcp_login):
    address, store = tcp_login
    with pytest.raises(UserError, match="asks for a password, and none is kept in the system keyring for "
                                        "crt_officer_pw@127.0.0.1"):
        open_database(address)
    store.set_password(KEYRING_SERVICE, "crt_officer_pw@127.0.0.1", "wrong")
    with pytest.raises(UserError, match="refused the password kept in the system keyring.*File > Open server database"):
        open_database(address)
    with pytest.raises(UserError, match="holds a password.*keyring set \"Case Review Tracker\" crt_officer_pw@127.0.0.1"):
        open_database(address.replace("crt_officer_pw@", "crt_officer_pw:s3cret-Pw@"))

    store.set_password(KEYRING_SERVICE, "crt_officer_pw@127.0.0.1", "s3cret-Pw")
    db = open_database(address)
    try:
        with db.readers() as s:
            assert s.scalar(text("SELECT current_user")) == "crt_officer_pw"
    finally:
        db.close()


def test_sslmode_in_the_address_reaches_the_server(tcp_login):
    address, store = tcp_login
    store.set_password(KEYRING_SERVICE, "crt_officer_pw@127.0.0.1", "s3cret-Pw")
    # The test server has no certificate: asking for TLS is refused by it, so the option got there.
    with pytest.raises(UserError, match="server does not support SSL"):
        open_database(address + "?sslmode=require")
    open_database(address + "?sslmode=disable").close()


def test_an_unreachable_server_is_said_in_words(server_url):
    with pytest.raises(UserError, match=r"Could not open casework on 127.0.0.1.*Check the address"):
        open_database("postgresql+psycopg://officer@127.0.0.1:1/casework")
