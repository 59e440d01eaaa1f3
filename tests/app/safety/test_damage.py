"""A damaged database is caught at open, left untouched, and the newest good backup offered and restorable."""

from __future__ import annotations

import shutil

import pytest

from app.backups import (
    backup_folder,
    newest_good_backup,
    prepare_to_open,
    restore_backup,
    take_backup,
    verify_before_open,
)
from app.check import check_database
from app.database import open_database
from app.db_errors import DamagedDatabaseError
from app.errors import UserError
from tests.app.safety.helpers import DAMAGE, rows


@pytest.fixture(params=list(DAMAGE), ids=list(DAMAGE))
def damage(request):
    return DAMAGE[request.param]


def test_a_damaged_file_is_refused_at_open_with_the_newest_good_backup_offered(office_db, damage):
    good = take_backup(office_db, backup_folder(), "daily")
    damage(office_db)
    before = office_db.read_bytes()

    with pytest.raises(DamagedDatabaseError) as refused:
        prepare_to_open(office_db)

    assert isinstance(refused.value, UserError)  # shown as a message, never a traceback
    assert refused.value.offer.path == good.path
    message = str(refused.value)
    assert "has not been opened or changed" in message
    assert f'python main.py restore --db "{office_db}" "{good.path}"' in message
    assert "40 actions" in message
    assert office_db.read_bytes() == before
    assert newest_good_backup(backup_folder(), office_db).path == good.path


def test_the_read_only_check_reports_damage_and_changes_nothing(office_db, damage):
    damage(office_db)
    before = office_db.read_bytes()
    try:
        report = check_database(office_db)
    except UserError:
        pass
    else:
        assert not report.ok and report.integrity != "ok"
    assert office_db.read_bytes() == before


def test_restoring_the_offered_backup_gives_a_working_database_and_keeps_the_damaged_file(
        office_db, damage):
    take_backup(office_db, backup_folder(), "daily")
    damage(office_db)
    damaged_bytes = office_db.read_bytes()
    with pytest.raises(DamagedDatabaseError) as refused:
        verify_before_open(office_db, backup_folder())

    result = restore_backup(refused.value.offer.path, office_db, backup_folder())

    assert result.report.ok
    assert result.safety_copy is None  # an unreadable file cannot be backed up...
    kept = [p for p in result.set_aside if p.name.endswith(".sqlite")]
    assert [p.read_bytes() for p in kept] == [damaged_bytes]  # ...so it is kept aside, untouched
    assert f"kept aside, not deleted, as {kept[0]}" in result.describe()
    assert rows(office_db, "SELECT count(*) FROM action") == [(40,)]
    prepare_to_open(office_db)
    db = open_database(office_db)
    db.close()


def test_without_a_good_backup_the_message_says_so(office_db, tmp_path):
    folder = tmp_path / "empty-backups"
    folder.mkdir()
    shutil.copyfile(office_db, folder / "office-20990101-000000-daily.sqlite")
    DAMAGE["zeroed pages"](folder / "office-20990101-000000-daily.sqlite")
    DAMAGE["truncated"](office_db)
    with pytest.raises(DamagedDatabaseError, match="No good backup of it was found") as refused:
        verify_before_open(office_db, folder)
    assert refused.value.offer is None


def test_a_new_empty_file_is_not_mistaken_for_damage(tmp_path):
    new = tmp_path / "new.sqlite"
    new.write_bytes(b"")
    verify_before_open(new, tmp_path / "backups")
    verify_before_open(tmp_path / "absent.sqlite", tmp_path / "backups")
