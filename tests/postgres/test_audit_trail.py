"""Who did what, kept by the server (issue 18, item 4): each officer's saves are named by their
own login whatever the program says, no login but the administrator's may change the audit
trail, a change made with another tool is recorded by the server too, the reader may change
nothing at all, and a copy keeps the names the office's file was written with.

Each test works in an office set up as the README tells IT to (tests/postgres/office.py), with
a second officer's login, after the administrator has opened the new database once."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from contextlib import contextmanager

import pytest
from alembic import command
from sqlalchemy import create_engine, exc, func, select, text

from app.audit_query import count_outside_changes, outside_changes
from app.cli import main
from app.copy_database import copy_database
from app.database import open_database
from app.db_errors import AUDIT_KEPT, plain_database_errors
from app.errors import UserError
from app.services import referrals
from db.audit import ROW_CHANGE
from db.migrate import alembic_config
from db.models import AuditEntry, Base, Referral
from tests.postgres import databases as server
from tests.postgres.office import remove_office, set_up_office

READ_ONLY = "may read this database but not change it"


@contextmanager
def _office(*, opened: bool):
    names, url = set_up_office()
    second = f"pbrown_{uuid.uuid4().hex[:6]}"
    server.run_as_superuser(f"CREATE ROLE {second} LOGIN IN ROLE {names['crt_officers']}")
    try:
        if opened:
            open_database(server.as_login(url, names["crt_admin"])).close()
        yield names, url, second
    finally:
        remove_office(names, second)


@pytest.fixture
def office(server_url):
    """(the README's names → this office's, the superuser's address of its database, a second
    officer's login), with the program's schema made by the administrator's first open."""
    with _office(opened=True) as found:
        yield found


@pytest.fixture
def empty_office(server_url):
    """``office`` before anyone has opened its database: empty, as IT hands it over."""
    with _office(opened=False) as found:
        yield found


@contextmanager
def opened(location):
    """The database at ``location`` (a file, or an address with a login) opened by the program."""
    db = open_database(location)
    try:
        yield db
    finally:
        db.close()


@contextmanager
def psql(url, login: str):
    """A connection as ``login`` outside the program (as psql or a script would make one),
    in a transaction committed at the end of the block."""
    engine = create_engine(url.set(username=login))
    try:
        with engine.begin() as conn:
            yield conn
    finally:
        engine.dispose()


def refused(url, login: str, statement: str) -> exc.DBAPIError:
    """The server's refusal of ``statement`` run by ``login`` outside the program."""
    with pytest.raises(exc.DBAPIError) as raised:
        with psql(url, login) as conn:
            conn.execute(text(statement))
    return raised.value


def server_record(url) -> list[tuple]:
    """The server's record of changes (audit.row_change), oldest first, read by the superuser."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(select(ROW_CHANGE.c.login, ROW_CHANGE.c.table_name, ROW_CHANGE.c.operation,
                                       ROW_CHANGE.c.record_id, ROW_CHANGE.c.old_row, ROW_CHANGE.c.new_row)
                                .order_by(ROW_CHANGE.c.id)).all()
    finally:
        engine.dispose()


def test_each_officers_saves_are_named_by_their_own_login_whatever_the_program_says(office):
    names, url, second = office
    with opened(server.as_login(url, names["jsmith"])) as db:
        with db.sessions.begin() as s:
            s.info["audit_user"] = names["achair"]  # the program naming someone else: the server decides
            referral = referrals.create_referral(s, reference="Ref071", summary="Bruising to a non-mobile baby")
    with opened(server.as_login(url, second)) as db:
        with db.sessions.begin() as s:
            referrals.update_referral(s, referral.id, summary="Bruising to a baby of 4 months")
        with db.readers() as s:
            entries = s.execute(select(AuditEntry.user, AuditEntry.operation, AuditEntry.new_value)
                                .where(AuditEntry.table_name == "referral", AuditEntry.record_id == str(referral.id),
                                       AuditEntry.field == "summary").order_by(AuditEntry.id)).all()
    assert entries == [(names["jsmith"], "create", "Bruising to a non-mobile baby"),
                       (second, "update", "Bruising to a baby of 4 months")]
    # The server's own record names the same people, and neither change was made outside the program.
    assert [(login, operation) for login, table, operation, *_ in server_record(url) if table == "referral"] == [
        (names["jsmith"], "insert"), (second, "update")]
    with opened(server.as_login(url, names["achair"])) as db, db.readers() as s:
        assert count_outside_changes(s) == 0


def test_an_entry_written_by_hand_still_names_its_login_and_the_servers_time(office):
    names, url, _ = office
    with psql(url, names["jsmith"]) as conn:
        conn.execute(text("INSERT INTO audit_entry (at, \"user\", operation, table_name, record_id, field, new_value)"
                          " VALUES ('2001-01-01 09:00', :someone, 'update', 'referral', '1', 'summary', 'made up')"),
                     {"someone": names["achair"]})
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            who, at = conn.execute(select(AuditEntry.user, AuditEntry.at).where(AuditEntry.new_value == "made up")).one()
    finally:
        engine.dispose()
    assert who == names["jsmith"]
    assert abs(at - dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)) < dt.timedelta(minutes=5)


def test_an_officer_may_not_change_or_delete_the_audit_trail(office):
    names, url, _ = office
    with opened(server.as_login(url, names["jsmith"])) as db, db.sessions.begin() as s:
        referrals.create_referral(s, reference="Ref072", summary="Neglect")
    officer = names["jsmith"]
    for statement in ("UPDATE audit_entry SET new_value = 'rewritten'", "DELETE FROM audit_entry",
                      "TRUNCATE audit_entry", "DELETE FROM audit.row_change", "UPDATE audit.row_change SET login = 'x'",
                      "INSERT INTO audit.row_change (xact, at, login, table_name, operation)"
                      " VALUES (pg_current_xact_id(), now(), 'x', 'referral', 'insert')",
                      "DELETE FROM audit.trail_write",
                      "ALTER TABLE audit_entry DISABLE TRIGGER audit_stamp", "DROP TRIGGER audit_kept ON audit_entry",
                      "ALTER TABLE referral DISABLE TRIGGER audit_row", "DROP SCHEMA audit CASCADE",
                      "CREATE OR REPLACE FUNCTION audit.refuse_change() RETURNS trigger LANGUAGE plpgsql"
                      " AS $$ BEGIN RETURN NULL; END $$"):
        err = refused(url, officer, statement)
        assert err.orig.sqlstate == "42501", statement  # no privilege, or not the owner
    # Through the program's own handling, in words.
    with pytest.raises(UserError, match=re.escape(AUDIT_KEPT)):
        with plain_database_errors(), psql(url, officer) as conn:
            conn.execute(text("DELETE FROM audit_entry"))

    # Should a later GRANT give the privileges back, the server's trigger still refuses.
    server.run_as_superuser(f"SET ROLE {names['crt_admin']}",
                            f"GRANT UPDATE, DELETE, TRUNCATE ON audit_entry TO {names['crt_officers']}",
                            database=url.database)
    for statement in ("UPDATE audit_entry SET new_value = 'rewritten'", "DELETE FROM audit_entry",
                      "TRUNCATE audit_entry"):
        err = refused(url, officer, statement)
        assert err.orig.sqlstate == "CRT01", statement
        assert "the audit trail is kept as written" in str(err.orig)
    with pytest.raises(UserError, match=re.escape(AUDIT_KEPT)):
        with plain_database_errors(), psql(url, officer) as conn:
            conn.execute(text("UPDATE audit_entry SET new_value = 'rewritten'"))

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            assert conn.scalar(select(func.count()).select_from(AuditEntry)
                               .where(AuditEntry.new_value == "rewritten")) == 0
            assert conn.scalar(select(AuditEntry.new_value).where(AuditEntry.table_name == "referral",
                                                                  AuditEntry.field == "reference")) == "Ref072"
    finally:
        engine.dispose()
    # The administrator, who owns the database, still may.
    with psql(url, names["crt_admin"]) as conn:
        assert conn.execute(text("UPDATE audit_entry SET new_value = 'Ref072 (corrected)'"
                                 " WHERE table_name = 'referral' AND field = 'reference'")).rowcount == 1


def test_a_change_made_outside_the_program_is_recorded_with_its_login(office, capsys):
    names, url, second = office
    with opened(server.as_login(url, names["jsmith"])) as db, db.sessions.begin() as s:
        kept = referrals.create_referral(s, reference="Ref073", summary="Death of a child aged 2")
        gone = referrals.create_referral(s, reference="Ref074", summary="Entered by mistake")

    with psql(url, names["jsmith"]) as conn:
        conn.execute(text("UPDATE referral SET summary = 'Changed in psql' WHERE id = :id"), {"id": kept.id})
    with psql(url, second) as conn:
        conn.execute(text("DELETE FROM referral WHERE id = :id"), {"id": gone.id})
    # A save through the program afterwards is not counted with them.
    with opened(server.as_login(url, second)) as db, db.sessions.begin() as s:
        referrals.update_referral(s, kept.id, location="Northtown")

    record = [(login, operation, record_id, old, new) for login, table, operation, record_id, old, new
              in server_record(url) if table == "referral"]
    update = next(r for r in record if r[1] == "update" and r[4]["summary"] == "Changed in psql")
    assert update[:3] == (names["jsmith"], "update", str(kept.id))
    assert update[3]["summary"] == "Death of a child aged 2"
    deleted = next(r for r in record if r[1] == "delete")
    assert deleted[:3] == (second, "delete", str(gone.id))
    assert (deleted[3]["reference"], deleted[4]) == ("Ref074", None)

    # The reader sees which changes were made outside the program, by whom.
    with opened(server.as_login(url, names["achair"])) as db, db.readers() as s:
        assert s.get(Referral, kept.id).location == "Northtown"
        assert count_outside_changes(s) == 2
        said = [change.describe() for change in outside_changes(s)]
    assert re.fullmatch(rf"\d\d/\d\d/\d{{4}} \d\d:\d\d {second}: Deleted Referral Ref074, outside the program",
                        said[0])
    assert re.fullmatch(rf"\d\d/\d\d/\d{{4}} \d\d:\d\d {names['jsmith']}: Changed Referral Ref073 \(Summary\), "
                        "outside the program", said[1])
    assert main(["check", "--db", server.as_login(url, names["achair"])]) == 0
    assert re.search(r"Changes made outside the program +2\n", capsys.readouterr().out)


def test_the_reader_is_refused_every_write_by_the_server(office):
    names, url, _ = office
    reader = names["achair"]
    with opened(server.as_login(url, reader)) as db:
        with db.readers() as s:  # may read the server's record too
            assert s.scalar(select(func.count()).select_from(ROW_CHANGE)) > 0
        with pytest.raises(UserError, match=READ_ONLY):
            with plain_database_errors(), db.sessions.begin() as s:
                referrals.create_referral(s, reference="Ref-reader", summary="Not allowed")
    # Each table with a column of its key: every kind of write, each refused by the server.
    tables = [(f'"{t.name}"', list(t.primary_key.columns)[0].name) for t in Base.metadata.sorted_tables]
    for table, key in [*tables, ("audit.row_change", "id"), ("audit.trail_write", "xact")]:
        for statement in (f"INSERT INTO {table} SELECT * FROM {table} WHERE false",
                          f"UPDATE {table} SET {key} = {key} WHERE false",
                          f"DELETE FROM {table} WHERE false", f"TRUNCATE {table}"):
            err = refused(url, reader, statement)
            assert err.orig.sqlstate == "42501", statement


def test_a_copy_to_the_server_keeps_the_names_the_file_was_written_with(empty_office, tmp_path):
    names, url, _ = empty_office
    office_file = tmp_path / "office.sqlite"
    with opened(office_file) as db:
        with db.sessions.begin() as s:
            s.info["audit_user"] = "alice.office"
            referral = referrals.create_referral(s, reference="Ref075", summary="Fabricated illness")
        with db.sessions.begin() as s:
            s.info["audit_user"] = "bob.office"
            referrals.update_referral(s, referral.id, summary="Fabricated or induced illness")
        with db.readers() as s:
            written = s.execute(select(AuditEntry.id, AuditEntry.at, AuditEntry.user, AuditEntry.field)
                                .order_by(AuditEntry.id)).all()

    copy_database(office_file, server.as_login(url, names["crt_admin"]))
    with opened(server.as_login(url, names["jsmith"])) as db:
        with db.readers() as s:
            assert s.execute(select(AuditEntry.id, AuditEntry.at, AuditEntry.user, AuditEntry.field)
                             .order_by(AuditEntry.id)).all() == written
            assert {"alice.office", "bob.office"} <= set(s.scalars(select(AuditEntry.user)))
            assert count_outside_changes(s) == 0  # the records copied in are not changes
        assert server_record(url) == []
        with db.sessions.begin() as s:
            referrals.update_referral(s, referral.id, location="Southtown")
        with db.readers() as s:
            assert s.scalar(select(AuditEntry.user).where(AuditEntry.field == "location")) == names["jsmith"]

    # And back to a file, as an officer: every name as it was on the server.
    back = tmp_path / "back.sqlite"
    copy_database(server.as_login(url, names["jsmith"]), back)
    with opened(back) as db, db.readers() as s:
        assert [e.user for e in s.scalars(select(AuditEntry).order_by(AuditEntry.id))] == \
            [w.user for w in written] + [names["jsmith"]]


def test_every_record_table_has_the_servers_trigger(pg_url):
    engine = create_engine(pg_url)
    try:
        with engine.connect() as conn:
            watched = set(conn.scalars(text(
                "SELECT tgrelid::regclass::text FROM pg_trigger WHERE tgname = 'audit_row' AND NOT tgisinternal")))
    finally:
        engine.dispose()
    # A table added by a later migration needs its trigger (see migration 0005).
    assert watched == {t.name for t in Base.metadata.sorted_tables} - {"audit_entry"}


def test_the_migration_comes_off_and_on_again(pg_url):
    engine = create_engine(pg_url)
    try:
        cfg = alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0004")
        with engine.connect() as conn:
            assert conn.scalar(text("SELECT to_regnamespace('audit')")) is None
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
        with engine.connect() as conn:
            assert conn.scalar(text("SELECT count(*) FROM pg_trigger WHERE tgname = 'audit_stamp'")) == 1
    finally:
        engine.dispose()


def test_a_file_has_no_servers_record_and_says_nothing_of_one(tmp_path):
    with opened(tmp_path / "office.sqlite") as db:
        with db.sessions.begin() as s:
            referrals.create_referral(s, reference="Ref076", summary="Saved to a file")
        with db.readers() as s:
            assert (count_outside_changes(s), outside_changes(s)) == (None, [])
