"""The folder papers and exports go to, chosen at first run: the suggestion, the OneDrive
warning, and Windows paths (drive letters, UNC, mapped drives, non-ASCII user names)."""

from __future__ import annotations

import json
from pathlib import PureWindowsPath

import pytest

from app import output_folder, paths
from app.errors import UserError

ZOE_DOCUMENTS = PureWindowsPath(r"C:\Users\Zoë Ó Briain\Documents")


def test_the_suggestion_is_case_review_tracker_in_documents_whatever_the_user_is_called():
    assert output_folder.suggested_folder(ZOE_DOCUMENTS) == PureWindowsPath(
        r"C:\Users\Zoë Ó Briain\Documents\Case Review Tracker")
    assert output_folder.suggested_folder(PureWindowsPath(r"\\council\homes$\zoe\Documents")) == \
        PureWindowsPath(r"\\council\homes$\zoe\Documents\Case Review Tracker")


def test_a_portable_install_suggests_a_folder_in_its_own_data_folder(data_dir):
    assert output_folder.suggested_folder() == data_dir / "Case Review Tracker"


@pytest.mark.parametrize("folder", [
    r"C:\Users\j.smith\OneDrive - Hampshire County Council\Documents\Case Review Tracker",
    r"C:\Users\Zoë\OneDrive\Documents\Case Review Tracker",
])
def test_a_documents_folder_redirected_into_onedrive_is_warned_about(folder):
    warning = output_folder.sync_warning(PureWindowsPath(folder))
    assert warning is not None
    assert "OneDrive" in warning and folder in warning and "copied to the cloud" in warning


def test_onedrive_named_by_its_environment_variable_is_warned_about(monkeypatch, tmp_path):
    synced = tmp_path / "Sync root"
    monkeypatch.setenv("OneDriveCommercial", str(synced))
    assert "OneDrive" in output_folder.sync_warning(synced / "Documents" / "Case Review Tracker")


@pytest.mark.parametrize("folder", [
    r"C:\Users\Zoë Ó Briain\Documents\Case Review Tracker",
    r"\\council-fs01\safeguarding$\Case Review Tracker",
    r"Z:\Case reviews\Papers",
])
def test_local_drives_network_shares_and_mapped_drives_are_not_warned_about(folder):
    assert output_folder.sync_warning(PureWindowsPath(folder)) is None


@pytest.mark.parametrize("folder", [r"Z:\Case reviews\Papers", r"\\council-fs01\safeguarding$\Papers",
                                    r"C:\Users\Zoë Ó Briain\Documents\Case Review Tracker"])
def test_a_folder_is_kept_as_the_user_chose_it_mapped_drives_not_turned_into_network_names(folder):
    assert output_folder.stored_form(PureWindowsPath(folder)) == folder


def test_the_first_choice_is_made_once_and_kept(tmp_path, data_dir):
    assert output_folder.needs_choice()
    folder = tmp_path / "Zoë Ó Briain" / "Documents" / "Case Review Tracker"

    assert output_folder.choose_folder(folder) == folder
    assert folder.is_dir()
    assert not output_folder.needs_choice()
    assert output_folder.default_output_folder() == folder
    stored = json.loads((data_dir / "settings.json").read_text(encoding="utf-8"))
    assert stored[output_folder.SETTING] == str(folder)


def test_the_choice_sits_beside_the_backup_folder_setting_without_disturbing_it(tmp_path, data_dir):
    from app.backups import backup_folder, set_backup_folder

    set_backup_folder(tmp_path / "backups elsewhere")
    output_folder.choose_folder(tmp_path / "papers")
    assert backup_folder() == tmp_path / "backups elsewhere"
    assert output_folder.chosen_folder() == tmp_path / "papers"


def test_a_folder_that_cannot_be_made_is_refused_and_nothing_is_stored(tmp_path):
    blocker = tmp_path / "a file"
    blocker.write_text("", encoding="utf-8")
    with pytest.raises(UserError, match="cannot be saved in .*a file"):
        output_folder.choose_folder(blocker / "Papers")
    assert output_folder.needs_choice()


def test_a_chosen_folder_that_has_gone_falls_back_rather_than_failing(tmp_path, data_dir):
    folder = output_folder.choose_folder(tmp_path / "network drive" / "Papers")
    folder.rmdir()  # the drive is disconnected
    assert output_folder.default_output_folder() == paths.data_dir()
