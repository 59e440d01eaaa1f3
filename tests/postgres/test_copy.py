"""Moving to the server and back: ``main.py copy`` copies every record, the audit trail and
the settings, ids and all, checks each table, and refuses a target that holds data."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, select

from app.cli import main
from app.database import open_database
from app.services import referrals
from db import copy as table_copy
from db.engine import sqlite_url
from db.models import AuditEntry, Referral
from tests.postgres import databases as server

PAST_SCHEMAS = Path(__file__).resolve().parents[1] / "db" / "fixtures"


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    """The demo office, as ``main.py demo`` writes it."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    assert main(["demo", "--db", str(path)]) == 0
    return path


def sums(url) -> dict[str, table_copy.TableSum]:
    """Each table's rows and checksum, read on their own from the database at ``url``."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {t.name: table_copy.table_sum(conn, t) for t in table_copy.tables()}
    finally:
        engine.dispose()


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_demo_goes_to_the_server_and_back_identical(demo_file, empty_pg, tmp_path, capsys):
    before = _digest(demo_file)
    back = tmp_path / "back.sqlite"
    assert main(["copy", "--from", str(demo_file), "--to", server.address(empty_pg)]) == 0
    assert "every id kept" in capsys.readouterr().out
    assert main(["copy", "--from", server.address(empty_pg), "--to", str(back)]) == 0

    original, on_server, returned = sums(sqlite_url(demo_file)), sums(empty_pg), sums(sqlite_url(back))
    assert original == on_server == returned
    assert original["action"].rows > 50 and original["audit_entry"].rows > 1000
    assert original["setting"].rows > 0 and original["action_recommendation"].rows > 0
    # Outcomes point at the review type they commission: a link inside one table, filled in last.
    with sqlite3.connect(demo_file) as conn:
        assert conn.execute("SELECT COUNT(*) FROM list_item WHERE review_type_id IS NOT NULL").fetchone()[0] > 0
    conn.close()
    assert _digest(demo_file) == before  # the source is only read

    # The copy is a working database: the next record gets a new id on the server.
    db = open_database(server.address(empty_pg))
    try:
        with db.sessions.begin() as s:
            highest = s.scalar(select(Referral.id).order_by(Referral.id.desc()).limit(1))
            new = referrals.create_referral(s, reference="Ref-after-copy", summary="Added on the server")
        assert new.id == highest + 1
        with db.readers() as s:
            assert s.scalar(select(AuditEntry.id).where(AuditEntry.record_id == str(new.id),
                                                        AuditEntry.table_name == "referral").limit(1)) \
                > original["audit_entry"].rows
    finally:
        db.close()
    assert main(["check", "--db", str(back)]) == 0


def test_a_target_that_holds_data_is_refused_and_left_as_it_is(demo_file, pg_url, tmp_path, capsys):
    before = sums(pg_url)
    assert main(["copy", "--from", str(demo_file), "--to", server.address(pg_url)]) == 1
    assert "already holds data" in capsys.readouterr().err
    assert sums(pg_url) == before

    existing = tmp_path / "existing.sqlite"
    shutil.copy(demo_file, existing)
    assert main(["copy", "--from", server.address(pg_url), "--to", str(existing)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert _digest(existing) == _digest(demo_file)


def test_a_copy_that_cannot_be_made_leaves_nothing_behind(demo_file, empty_pg, tmp_path, capsys):
    long_name = tmp_path / "long.sqlite"
    shutil.copy(demo_file, long_name)
    db = open_database(long_name)
    try:  # SQLite keeps any length; the server does not
        with db.sessions.begin() as s:
            referral = s.scalar(select(Referral).limit(1))
            referral.location = "N" * 500
            rid = referral.id
    finally:
        db.close()
    assert main(["copy", "--from", str(long_name), "--to", server.address(empty_pg)]) == 1
    err = capsys.readouterr().err
    assert f"The referral record {rid} has a location longer than the 120 characters" in err
    _assert_untouched(empty_pg)

    missing = tmp_path / "nowhere.sqlite"
    assert main(["copy", "--from", str(missing), "--to", str(tmp_path / "out.sqlite")]) == 1
    assert "There is no database at" in capsys.readouterr().err
    assert not (tmp_path / "out.sqlite").exists()


def test_a_source_at_an_older_schema_is_not_copied(empty_pg, tmp_path, capsys):
    old = tmp_path / "old.sqlite"
    shutil.copy(PAST_SCHEMAS / "schema_0003.sqlite", old)
    assert main(["copy", "--from", str(old), "--to", server.address(empty_pg)]) == 1
    assert "has schema 0003" in capsys.readouterr().err
    _assert_untouched(empty_pg)


def _assert_untouched(url) -> None:
    engine = create_engine(url)
    try:
        assert inspect(engine).get_table_names() == []  # not even the schema was made
    finally:
        engine.dispose()
