"""Save and open dialogs start in Documents (the papers and exports folder), then in the
folder last used for that kind of file, never in the hidden data folder by default."""

from __future__ import annotations

from app import output_folder, paths
from ui import file_folders
from ui.settings_store import WindowSettings


def test_a_dialog_first_opens_in_the_papers_and_exports_folder_not_the_data_folder(data_dir, tmp_path, monkeypatch):
    documents = tmp_path / "Documents"
    documents.mkdir()
    monkeypatch.setattr(output_folder, "default_output_folder", lambda: documents)
    assert file_folders.start_folder(file_folders.EXPORT) == documents != paths.data_dir()


def test_each_kind_of_file_remembers_its_own_last_folder(data_dir, tmp_path):
    exports, imports = tmp_path / "Exports", tmp_path / "Trackers"
    exports.mkdir()
    imports.mkdir()
    file_folders.remember(file_folders.EXPORT, exports / "plan.xlsx")
    file_folders.remember(file_folders.IMPORT, imports)
    assert file_folders.start_folder(file_folders.EXPORT) == exports
    assert file_folders.start_folder(file_folders.IMPORT) == imports
    assert WindowSettings().last_folder(file_folders.PAPER) is None  # kept apart
    assert file_folders.start_folder(file_folders.PAPER) == output_folder.default_output_folder()


def test_a_last_folder_that_has_gone_is_not_offered(data_dir, tmp_path):
    gone = tmp_path / "Network drive"
    gone.mkdir()
    file_folders.remember(file_folders.PAPER, gone / "Annual report.pdf")
    gone.rmdir()
    assert file_folders.start_folder(file_folders.PAPER) == output_folder.default_output_folder()
