"""Backups on the server are IT's: ``main.py backup`` says so and saves a snapshot as an
SQLite file when asked; ``main.py check`` works on a server database as on a file."""

from __future__ import annotations

import re

from app.cli import main
from app.database import open_database
from app.services import referrals
from tests.postgres import databases as server


def test_check_summarises_a_server_database(pg_database, pg_url, capsys):
    with pg_database.sessions.begin() as s:
        referrals.create_referral(s, reference="Ref001", summary="Checked on the server")
    assert main(["check", "--db", server.address(pg_url)]) == 0
    out = capsys.readouterr().out
    assert f"Database: {pg_url.database} on " in out
    assert "Foreign keys: all valid (enforced by the server)" in out
    assert re.search(r"^  Referrals +1$", out, re.MULTILINE)
    assert out.rstrip().endswith("Result: OK")


def test_check_says_when_the_server_schema_is_not_the_programs(pg_url, capsys):
    server.run_as_superuser("UPDATE alembic_version SET version_num = '0003'", database=pg_url.database)
    assert main(["check", "--db", server.address(pg_url)]) == 1
    out = capsys.readouterr().out
    assert "The schema is 0003 but this program uses" in out and "Result: PROBLEMS FOUND" in out


def test_backup_of_a_server_database_says_whose_it_is_and_saves_a_snapshot(pg_database, pg_url, tmp_path, capsys):
    with pg_database.sessions.begin() as s:
        referrals.create_referral(s, reference="Ref777", summary="Kept in the snapshot")
    address = server.address(pg_url)
    assert main(["backup", "--db", address]) == 1
    err = capsys.readouterr().err
    assert "the server's backups are your IT department's job" in err
    assert "--snapshot FILE.sqlite" in err

    snapshot = tmp_path / "archive" / "snapshot.sqlite"
    assert main(["backup", "--db", address, "--snapshot", str(snapshot)]) == 0
    assert f"Snapshot saved as {snapshot}" in capsys.readouterr().out
    db = open_database(snapshot, create=False)
    try:
        with db.readers() as s:
            assert referrals.get_referral(s, "Ref777").summary == "Kept in the snapshot"
    finally:
        db.close()

    assert main(["restore", str(snapshot), "--db", address]) == 1
    assert "Restoring it is theirs too" in capsys.readouterr().err
