"""The README's setup of a shared database, followed step by step: IT makes the database and the
logins, the administrator copies the office's file in, an officer saves, a reader only reads."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from app.cli import main
from app.database import open_database
from app.db_errors import plain_database_errors
from app.errors import UserError
from app.services import referrals
from db.models import AuditEntry, Referral
from tests.postgres import databases as server

README = Path(__file__).resolve().parents[2] / "README.md"


def _readme_sql(names: dict[str, str]) -> tuple[list[str], list[str]]:
    """The README's SQL for IT: (run on the server, run in the new database), with this test's names."""
    section = README.read_text(encoding="utf-8").split("## Several officers: PostgreSQL", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sql\n(.*?)```", section, re.DOTALL)
    assert len(blocks) == 2, "the README gives IT two blocks of SQL"

    def statements(block: str) -> list[str]:
        for old, new in names.items():
            block = re.sub(rf"\b{old}\b", new, block)
        lines = [line for line in block.splitlines() if not line.lstrip().startswith("--")]
        return [s.strip() for s in " ".join(lines).split(";") if s.strip()]
    return statements(blocks[0]), statements(blocks[1])


@pytest.fixture
def office(server_url):
    suffix = uuid.uuid4().hex[:6]
    names = {name: f"{name}_{suffix}" for name in
             ("casereviews", "crt_admin", "crt_officers", "crt_readers", "jsmith", "achair")}
    on_server, in_database = _readme_sql(names)
    server.run_as_superuser(*on_server)
    # IT runs the second block in the new database as its owner, the administrator.
    server.run_as_superuser(f"SET ROLE {names['crt_admin']}", *in_database, database=names["casereviews"])
    yield names, server.server_url().set(database=names["casereviews"])
    server.run_as_superuser(f"DROP DATABASE IF EXISTS {names['casereviews']} WITH (FORCE)",
                            *(f"DROP ROLE IF EXISTS {names[n]}" for n in
                              ("jsmith", "achair", "crt_officers", "crt_readers", "crt_admin")))


def test_an_office_set_up_as_the_readme_says_works(office, tmp_path, capsys):
    names, url = office
    demo = tmp_path / "office.sqlite"
    assert main(["demo", "--db", str(demo)]) == 0

    # The administrator (the database's owner, not a superuser) moves the office's file in.
    assert main(["copy", "--from", str(demo), "--to", server.as_login(url, names["crt_admin"])]) == 0
    assert "every id kept" in capsys.readouterr().out

    # An officer signs in with their own login and saves, with its audit entry.
    officer = open_database(server.as_login(url, names["jsmith"]))
    try:
        with officer.sessions.begin() as s:
            new = referrals.create_referral(s, reference="Ref-officer", summary="Saved by an officer")
        with officer.readers() as s:
            assert s.scalar(select(AuditEntry.new_value).where(
                AuditEntry.table_name == "referral", AuditEntry.record_id == str(new.id),
                AuditEntry.field == "reference")) == "Ref-officer"
    finally:
        officer.close()

    # A reader reads, and the server refuses their save.
    reader = open_database(server.as_login(url, names["achair"]))
    try:
        with reader.readers() as s:
            assert s.scalar(select(Referral.summary).where(Referral.reference == "Ref-officer")) == "Saved by an officer"
        with pytest.raises(UserError, match="may read this database but not change it"):
            with plain_database_errors(), reader.sessions.begin() as s:
                referrals.create_referral(s, reference="Ref-reader", summary="Not allowed")
    finally:
        reader.close()
    assert main(["check", "--db", server.as_login(url, names["achair"])]) == 0
