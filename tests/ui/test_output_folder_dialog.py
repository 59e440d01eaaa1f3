"""First run: the window asks where papers and exports go, warns about a synced folder, and
does not ask again once a folder is chosen."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialogButtonBox, QPushButton, QWidget

from app import output_folder
from ui import dialogs
from ui.output_folder_dialog import ask_output_folder


@pytest.fixture
def window(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def _press(dialog, text):
    buttons = dialog.findChild(QDialogButtonBox)
    next(b for b in buttons.buttons() if b.text() == text).click()


def test_the_first_run_suggests_a_folder_and_keeps_the_one_accepted(qtbot, window, tmp_path):
    dialog = ask_output_folder(window)
    assert dialog is not None and dialog.isVisible()
    assert dialog.folder_edit.text() == str(output_folder.suggested_folder())

    chosen = tmp_path / "Zoë Ó Briain" / "Papers"
    dialog.folder_edit.setText(str(chosen))
    with qtbot.waitSignal(dialog.folder_chosen) as signal:
        _press(dialog, "&Use this folder")
    assert signal.args == [chosen]
    assert chosen.is_dir() and output_folder.chosen_folder() == chosen
    assert ask_output_folder(window) is None


def test_a_synced_folder_is_warned_about_as_it_is_typed(qtbot, window, tmp_path, monkeypatch):
    monkeypatch.setenv("OneDrive", str(tmp_path / "OneDrive root"))
    dialog = ask_output_folder(window)
    qtbot.addWidget(dialog)
    dialog.folder_edit.setText(str(tmp_path / "OneDrive root" / "Documents" / "Case Review Tracker"))
    assert dialog.warning.isVisible() and "OneDrive keeps in sync" in dialog.warning.text()
    dialog.folder_edit.setText(str(tmp_path / "Local" / "Case Review Tracker"))
    assert not dialog.warning.isVisible()


def test_ask_me_later_stores_nothing_and_asks_again_next_time(qtbot, window):
    dialog = ask_output_folder(window)
    _press(dialog, "Ask me &later")
    assert output_folder.needs_choice()
    again = ask_output_folder(window)
    assert again is not None
    again.reject()


def test_a_folder_that_cannot_be_used_is_said_and_the_dialog_stays(qtbot, window, tmp_path, monkeypatch):
    warned = []
    monkeypatch.setattr(dialogs, "warn", lambda parent, title, text: warned.append(text))
    blocker = tmp_path / "a file"
    blocker.write_text("", encoding="utf-8")
    dialog = ask_output_folder(window)
    qtbot.addWidget(dialog)
    dialog.folder_edit.setText(str(blocker / "Papers"))
    _press(dialog, "&Use this folder")
    assert "cannot be saved in" in warned[0]
    assert dialog.isVisible() and output_folder.needs_choice()


def test_browse_fills_in_the_folder_picked(qtbot, window, tmp_path, monkeypatch):
    monkeypatch.setattr(dialogs, "choose_folder", lambda parent, title, folder: tmp_path / "Picked")
    dialog = ask_output_folder(window)
    qtbot.addWidget(dialog)
    next(b for b in dialog.findChildren(QPushButton) if b.text() == "&Browse…").click()
    assert dialog.folder_edit.text() == str(tmp_path / "Picked")
