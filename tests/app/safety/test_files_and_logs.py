"""Files and logs leak nothing: private files where the platform allows, and logs without record text."""

from __future__ import annotations

import logging
import os

import pytest

from app import file_permissions
from app.backups import (
    backup_folder,
    prepare_to_open,
    restore_backup,
    set_backup_folder,
    take_backup,
    verify_before_open,
)
from app.database import open_database
from app.db_errors import DamagedDatabaseError
from app.file_permissions import create_private_file, make_private
from app.privacy_scan import scan_text
from app.services.referrals import create_referral
from tests.app.safety.helpers import DAMAGE

posix_only = pytest.mark.skipif(os.name != "posix", reason="Windows keeps the folder's access list")


@posix_only
def test_files_and_folders_are_made_owner_only(tmp_path):
    folder = tmp_path / "shared"
    folder.mkdir(mode=0o777)
    file = folder / "office.sqlite"
    file.write_bytes(b"")
    file.chmod(0o666)
    assert make_private(file) and make_private(folder)
    assert (file.stat().st_mode & 0o777, folder.stat().st_mode & 0o777) == (0o600, 0o700)


@posix_only
def test_a_private_file_is_private_from_its_first_moment(tmp_path):
    old = os.umask(0)  # even with a permissive umask
    try:
        path = create_private_file(tmp_path / "new.sqlite")
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o600
    with pytest.raises(FileExistsError):
        create_private_file(path)


def test_on_windows_permissions_are_left_to_the_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(file_permissions, "_posix", lambda: False)
    path = tmp_path / "office.sqlite"
    path.write_bytes(b"")
    mode = path.stat().st_mode
    assert make_private(path) is False
    assert path.stat().st_mode == mode


@posix_only
def test_the_settings_file_is_private(tmp_path, data_dir):
    set_backup_folder(tmp_path / "elsewhere")
    assert (data_dir / "settings.json").stat().st_mode & 0o777 == 0o600


def test_logs_record_backups_and_restores_but_never_the_text_of_records(office_db, caplog):
    secret_summary = "Extreme neglect of Zebedee at the caravan"
    db = open_database(office_db)
    with db.sessions.begin() as s:
        create_referral(s, reference="Ref777", subject="Child Z", summary=secret_summary)
    db.close()
    caplog.set_level(logging.DEBUG)

    prepare_to_open(office_db)
    backup = take_backup(office_db, backup_folder(), "manual")
    DAMAGE["zeroed pages"](office_db)
    with pytest.raises(DamagedDatabaseError):
        verify_before_open(office_db, backup_folder())
    restore_backup(backup.path, office_db, backup_folder())
    scan_text("NHS 943 476 5919, Zebedee", ["Zebedee"])

    logged = caplog.text
    assert "Backup taken" in logged and "Restored" in logged and "failed its check" in logged
    for secret in ("Zebedee", "caravan", "Child Z", "Ref777", "5919"):
        assert secret not in logged
