"""An export or a paper reads while the database's check at open runs alongside it (the
check no longer comes first): a damaged file still gives nothing out. The command says the
file is damaged and which backup to restore, writes no file, and leaves the database as it was."""

from __future__ import annotations

import pytest

from app.backups import backup_folder, take_backup
from app.cli import main
from tests.app.safety.helpers import DAMAGE


@pytest.mark.parametrize("damage", list(DAMAGE), ids=list(DAMAGE))
@pytest.mark.parametrize("command", [["export", "action-plan", "--out", "plan.xlsx"],
                                     ["export", "referrals", "--out", "referrals.xlsx"],
                                     ["export", "action-plan", "--out", "plan.csv"],
                                     ["report", "action-plan", "--out", "plan.pdf"]],
                         ids=["plan", "register", "csv", "paper"])
def test_a_damaged_file_gives_nothing_out(office_db, damage, command, tmp_path, capsys):
    good = take_backup(office_db, backup_folder(), "daily")
    DAMAGE[damage](office_db)
    before = office_db.read_bytes()
    out = tmp_path / "out" / command[-1]
    out.parent.mkdir()

    assert main([*command[:-1], str(out), "--db", str(office_db)]) == 1

    said = " ".join(capsys.readouterr().err.split())
    if "is not a Case Review Tracker database (it is not an SQLite file)" not in said:  # not even a header
        assert "The database cannot be used" in said and "It has not been opened or changed" in said, said
        assert str(good.path) in said  # the backup to restore
    assert list(out.parent.iterdir()) == []
    assert office_db.read_bytes() == before


def test_a_sound_file_is_exported_with_its_check_alongside(office_db, tmp_path, capsys):
    out = tmp_path / "plan.xlsx"
    assert main(["export", "action-plan", "--out", str(out), "--db", str(office_db)]) == 0
    assert out.is_file()
    assert f"Wrote 40 rows to {out}" in capsys.readouterr().out
