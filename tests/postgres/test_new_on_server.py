"""``main.py demo``, ``new`` and ``generate`` given a server address make the database there:
in an empty database on the server (as IT hands one over), never in a file named after the
address, and never over a database the office already keeps there."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.cli import main
from app.database import open_database
from db.models import Action, Referral
from tests.postgres import databases as server


@pytest.fixture
def here(tmp_path, monkeypatch):
    """The folder the command is run from, to see that no file is made there."""
    folder = tmp_path / "here"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


def _counts(address: str) -> tuple[int, int]:
    db = open_database(address)
    try:
        with db.readers() as s:
            return (s.scalar(select(func.count()).select_from(Referral)),
                    s.scalar(select(func.count()).select_from(Action)))
    finally:
        db.close()


def test_the_demo_is_written_into_the_empty_server_database_and_no_file_is_made(empty_pg, here, capsys):
    address = server.address(empty_pg)
    assert main(["demo", "--db", address]) == 0
    said = capsys.readouterr().out
    referrals, actions = _counts(address)
    assert f"{referrals} referrals" in said and referrals > 0 and actions > 0
    assert list(here.iterdir()) == []


def test_generate_fills_the_empty_server_database(empty_pg, here):
    address = server.address(empty_pg)
    assert main(["generate", "--db", address, "--actions", "40"]) == 0
    assert _counts(address)[1] == 40
    assert list(here.iterdir()) == []


def test_a_server_database_already_holding_one_is_refused_and_left_as_it_was(pg_url, here, capsys):
    address = server.address(pg_url)
    before = _counts(address)  # a database made (with its lists), holding no records yet
    assert main(["demo", "--db", address]) == 1
    assert "already holds a Case Review Tracker database" in capsys.readouterr().err
    assert _counts(address) == before == (0, 0)
    assert list(here.iterdir()) == []
