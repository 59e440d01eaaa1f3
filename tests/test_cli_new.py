"""``main.py new --db FILE``: an empty database, from the command line as a user runs it."""

from __future__ import annotations

from sqlalchemy import func, select

from app.cli import main
from app.database import open_database
from app.defaults import AGENCIES
from db.models import Action, Agency, ListItem, Referral, Review


def test_new_creates_an_empty_database_with_the_usual_lists(data_dir, tmp_path, capsys):
    path = tmp_path / "office" / "tracker.sqlite"
    assert main(["new", "--db", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"New database created at {path}" in out and f"{len(AGENCIES)} agencies" in out
    db = open_database(path, create=False)
    try:
        with db.readers() as s:
            assert [s.scalar(select(func.count()).select_from(m)) for m in (Referral, Review, Action)] == [0, 0, 0]
            assert s.scalar(select(func.count()).select_from(Agency)) == len(AGENCIES)
            assert s.scalar(select(func.count()).select_from(ListItem)) > 0
    finally:
        db.close()


def test_new_refuses_an_existing_file_and_leaves_it_alone(data_dir, tmp_path, capsys):
    path = tmp_path / "tracker.sqlite"
    path.write_bytes(b"somebody's file")
    assert main(["new", "--db", str(path)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert path.read_bytes() == b"somebody's file"


def test_new_needs_a_file_name(data_dir, capsys):
    try:
        main(["new"])
    except SystemExit as usage:
        assert usage.code == 2
    assert "--db" in capsys.readouterr().err
