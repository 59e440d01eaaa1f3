"""The README's setup of a shared database, followed step by step: IT makes the database and the
logins, the administrator copies the office's file in, an officer saves, a reader only reads."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.cli import main
from app.database import open_database
from app.db_errors import plain_database_errors
from app.errors import UserError
from app.services import referrals
from db.models import AuditEntry, Referral
from tests.postgres import databases as server
from tests.postgres.office import remove_office, set_up_office


@pytest.fixture
def office(server_url):
    names, url = set_up_office()
    yield names, url
    remove_office(names)


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
            assert s.execute(select(AuditEntry.user, AuditEntry.new_value).where(
                AuditEntry.table_name == "referral", AuditEntry.record_id == str(new.id),
                AuditEntry.field == "reference")).one() == (names["jsmith"], "Ref-officer")
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
    assert re.search(r"Changes made outside the program +0\n", capsys.readouterr().out)
