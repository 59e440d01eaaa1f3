"""An empty (0-byte) database file is refused, unless the user asks for a new database there."""

from __future__ import annotations

import pytest

from app import cli
from app.database import open_database
from app.errors import UserError
from tests.app.safety.helpers import rows


@pytest.fixture
def empty(tmp_path):
    path = tmp_path / "office.sqlite"
    path.write_bytes(b"")  # what a copy or a sync that stopped half-way leaves
    return path


def test_opening_an_empty_file_is_refused_and_it_stays_as_it_was(empty):
    with pytest.raises(UserError, match=r"empty file \(0 bytes\)") as refused:
        open_database(empty)
    assert "restore a backup" in str(refused.value) and "File > New database" in str(refused.value)
    assert empty.stat().st_size == 0
    assert sorted(p.name for p in empty.parent.iterdir() if p.name.startswith("office")) == ["office.sqlite"]


def test_the_window_start_up_and_the_command_line_refuse_it(empty, capsys):
    refusals = []

    def start_gui(path, open_it):
        try:
            open_it()
        except UserError as err:
            refusals.append(str(err))
        return 0

    cli.main(["--db", str(empty)], start_gui=start_gui)
    assert len(refusals) == 1 and "empty file" in refusals[0]
    assert cli.main(["plan", "--db", str(empty)]) == 1
    assert "empty file (0 bytes)" in capsys.readouterr().err
    assert empty.stat().st_size == 0


def test_asking_for_a_new_database_there_makes_one(empty, capsys):
    db = open_database(empty, create=True)  # File > New database… with this name
    db.close()
    assert rows(empty, "SELECT count(*) FROM alembic_version") == [(1,)]
    empty.unlink()
    empty.write_bytes(b"")
    assert cli.main(["demo", "--db", str(empty)]) == 0
    assert rows(empty, "SELECT count(*) FROM referral")[0][0] > 0


def test_a_missing_file_at_first_start_is_still_a_new_database(tmp_path):
    path = tmp_path / "first-start.sqlite"
    open_database(path).close()
    assert rows(path, "SELECT count(*) FROM alembic_version") == [(1,)]
