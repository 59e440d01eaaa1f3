"""The window's server entries, seen from a database file (no server needed): File > Open
server database… checks the address and says what is wrong with it; a server that does not
answer is said in words and the file stays open; Move to a server… is offered for a file;
the snapshot entry and the timer are for a server database only. The same on a real server:
tests/postgres/test_server_window.py."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from app import cli
from tests.ui.conftest import open_window
from ui import dialogs
from ui.server_dialogs import ServerAddressDialog

SLOW = 20_000  # a limit on waiting on a busy machine, not a timing
# Nothing listens on port 1: the connection is refused at once.
NOWHERE = "postgresql+psycopg://officer@127.0.0.1:1/casereviews"


@pytest.fixture
def window(qtbot, office_database):
    return open_window(qtbot, office_database)


def drive_address_dialog(steps) -> QTimer:
    """Once the server address dialog is open, call ``steps(dialog)`` on it (once)."""
    timer = QTimer()
    timer.setInterval(20)

    def answer() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, ServerAddressDialog) and widget.isVisible():
                timer.stop()
                steps(widget)

    timer.timeout.connect(answer)
    timer.start()
    return timer


def test_the_command_line_hands_the_window_a_server_address_as_text(monkeypatch):
    given = []
    assert cli.main(["--db", NOWHERE], start_gui=lambda location, open_it: given.append(location) or 0) == 0
    assert given == [NOWHERE]  # a Path would have folded its "//"


def test_the_address_dialog_says_what_is_wrong_before_anything_is_opened(qtbot, window, office_database, tmp_path):
    said = {}

    def steps(dialog: ServerAddressDialog) -> None:
        for typed in (str(tmp_path / "office.sqlite"), "postgresql+psycopg://officer:hunter2@dbserver/casereviews",
                      "mysql://officer@dbserver/casereviews"):
            dialog.address_edit.setText(typed)
            dialog.ok_button.click()
            assert dialog.isVisible()  # refused: the dialog stays, with the reason
            said[typed] = dialog.error_label.text()
        dialog.address_edit.setText("postgresql+psycopg://officer@dbserver/casereviews")
        said["hint"] = dialog.hint_label.text()
        assert not dialog.error_label.isVisible()
        dialog.reject()

    timer = drive_address_dialog(steps)
    window.open_server_action.trigger()
    timer.stop()
    assert "is not the address of a server database" in said[str(tmp_path / "office.sqlite")]
    assert "File > Open database…" in said[str(tmp_path / "office.sqlite")]
    assert "holds a password" in said["postgresql+psycopg://officer:hunter2@dbserver/casereviews"]
    assert "type the password in the Password box" in said["postgresql+psycopg://officer:hunter2@dbserver/casereviews"]
    assert "not a database this program can use" in said["mysql://officer@dbserver/casereviews"]
    assert "Windows Credential Manager" in said["hint"] and "officer@dbserver" in said["hint"]
    assert "never in the program's settings" in said["hint"]
    assert window.database is office_database
    assert window.settings.recent_databases() == []


def test_a_server_that_does_not_answer_is_said_in_words_and_the_file_stays_open(
        qtbot, window, office_database, monkeypatch):
    title, text = _nobody_answers(qtbot, monkeypatch, window.open_server_action)
    assert title == "Open database"
    assert text.startswith("Could not open casereviews on 127.0.0.1 (as officer)")
    assert "Check the address, that the server is running" in text and "Nothing has been changed" in text
    assert window.database is office_database
    assert window.windowTitle() == "office.sqlite — Case Review Tracker"
    assert NOWHERE not in window.settings.recent_databases()  # only a database opened is remembered


def _nobody_answers(qtbot, monkeypatch, action, look=lambda dialog: None) -> tuple[str, str]:
    """Trigger ``action``, type into its address dialog an address where nobody answers
    (``look`` at the dialog first), and return the warning shown: (title, text)."""
    warned = []
    monkeypatch.setattr(dialogs, "warn", lambda parent, title, text: warned.append((title, text)))

    def steps(dialog: ServerAddressDialog) -> None:
        look(dialog)
        dialog.address_edit.setText(NOWHERE)
        dialog.ok_button.click()

    timer = drive_address_dialog(steps)
    action.trigger()
    timer.stop()
    qtbot.waitUntil(lambda: bool(warned), timeout=SLOW)
    return warned[0]


def test_on_a_file_move_to_a_server_is_offered_and_the_snapshot_and_timer_are_not(window):
    file_menu = window.menuBar().actions()[0].menu()
    file_menu.aboutToShow.emit()
    texts = [action.text() for action in file_menu.actions() if action.isVisible()]
    assert texts[:6] == ["&New database…", "&Open database…", "Open &server database…", "Open &demo",
                         "&Recent databases", "&Move to a server…"]
    assert window.move_to_server_action.isEnabled()
    snapshot = next(action for action in file_menu.actions() if action.objectName() == "saveSnapshotAction")
    assert not snapshot.isVisible() and not snapshot.isEnabled()
    assert not window.change_watch.poll_timer.isActive()  # a file is looked at when the officer comes back


def test_move_to_a_server_that_does_not_answer_copies_nothing_and_says_why(qtbot, window, office_database,
                                                                          monkeypatch):
    before = office_database.path.read_bytes()
    seen = []
    title, text = _nobody_answers(qtbot, monkeypatch, window.move_to_server_action,
                                  lambda dialog: seen.append((dialog.windowTitle(), dialog.ok_button.text())))
    assert seen == [("Move to a server", "Copy to the server")]
    assert title == "Move to a server"
    assert "127.0.0.1" in text and "office.sqlite has not been changed" in text
    assert window.database is office_database
    assert office_database.path.read_bytes() == before
