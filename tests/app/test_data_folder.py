"""The data folder on Windows: %LOCALAPPDATA%\\CaseReviewTracker, whatever the user is called
and wherever the profile lives; and a data folder given by path, non-ASCII names included."""

from __future__ import annotations

from pathlib import PureWindowsPath

import platformdirs.windows
import pytest

from app import logs, paths


@pytest.mark.parametrize("local_app_data", [
    r"C:\Users\Zoë Ó Briain\AppData\Local",
    r"\\council-fs01\profiles$\j.smith\AppData\Local",  # a profile kept on a network share
    r"D:\Profiles\Łukasz Wójcik\AppData\Local",
])
def test_on_windows_the_data_folder_is_case_review_tracker_in_local_app_data(monkeypatch, local_app_data):
    monkeypatch.setattr(platformdirs.windows, "get_win_folder", lambda csidl: local_app_data)
    # What app.paths asks platformdirs for, answered as Windows answers it.
    folder = platformdirs.windows.Windows(appname=paths.APP_NAME, appauthor=False).user_data_dir
    assert PureWindowsPath(folder) == PureWindowsPath(local_app_data) / "CaseReviewTracker"


def test_a_data_folder_with_a_non_ascii_name_is_made_and_used(tmp_path, monkeypatch):
    folder = tmp_path / "Zoë Ó Briain" / "Case Review Tracker data"
    monkeypatch.setenv(paths.DATA_DIR_ENV, str(folder))
    assert paths.data_dir() == folder and folder.is_dir()
    assert paths.default_db_path() == folder / "case-review-tracker.sqlite"
    assert logs.start_log() == folder / "logs" / logs.LOG_NAME
