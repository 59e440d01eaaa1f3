"""The one way in (ui.launch.main): without a console, failures at start-up, the taskbar ID."""

from __future__ import annotations

import ctypes
import sys

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from app import logs, windows_shell
from app.version import __version__
from ui import launch


@pytest.fixture
def shown(monkeypatch):
    """What the message boxes said: (text, is an error)."""
    said: list[tuple[str, bool]] = []
    monkeypatch.setattr(launch, "show_message", lambda text, *, error: said.append((text, error)))
    return said


def windowed(monkeypatch) -> None:
    """Be a windowed program: no sys.stdout, no sys.stderr. Called in the test itself, as
    pytest sets its own streams again after the fixtures."""
    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(sys, "stderr", None)


def test_without_a_console_the_version_is_shown_in_a_message_box(monkeypatch, shown, data_dir):
    windowed(monkeypatch)
    assert launch.main(["--version"]) == 0
    assert shown == [(f"Case Review Tracker {__version__}", False)]
    assert sys.stdout is None and not data_dir.exists()


def test_without_a_console_a_refused_command_is_shown_as_an_error(monkeypatch, shown, tmp_path):
    windowed(monkeypatch)
    assert launch.main(["check", "--db", str(tmp_path / "missing.sqlite")]) == 1
    assert len(shown) == 1 and shown[0][1] is True
    assert "missing.sqlite" in shown[0][0]


def test_without_a_console_a_mistyped_command_is_shown_with_its_usage(monkeypatch, shown):
    windowed(monkeypatch)
    assert launch.main(["frobnicate"]) == 2
    assert "invalid choice: 'frobnicate'" in shown[0][0]


def test_without_a_console_a_command_that_worked_and_opened_no_window_says_what_it_did(monkeypatch, shown, tmp_path):
    windowed(monkeypatch)
    assert launch.main(["demo", "--db", str(tmp_path / "demo.sqlite")]) == 0
    assert "Demo database written" in shown[0][0]


def test_without_a_console_a_bug_in_a_command_is_shown_and_logged_not_lost(monkeypatch, shown, data_dir):
    windowed(monkeypatch)

    def buggy(argv, **kwargs):
        raise KeyError("a secret record text")

    monkeypatch.setattr(launch, "run_command_line", buggy)
    assert launch.main(["check"]) == 1
    text, error = shown[0]
    assert error and "could not start" in text and "a secret record text" not in text
    logs.flush_log()
    assert "KeyError" in (data_dir / "logs" / logs.LOG_NAME).read_text(encoding="utf-8")


def test_a_failure_before_the_window_runs_is_shown_and_logged(shown, data_dir, monkeypatch, tmp_path):
    import ui.app

    def broken(path, open_it):
        raise ZeroDivisionError("a secret record text")

    monkeypatch.setattr(ui.app, "run", broken)
    assert launch.start_gui(tmp_path / "office.sqlite", lambda: None) == 1

    text, error = shown[0]
    assert error and "could not start" in text and str(data_dir / "logs") in text
    logs.flush_log()
    logged = (data_dir / "logs" / logs.LOG_NAME).read_text(encoding="utf-8")
    assert "ZeroDivisionError" in logged and "a secret record text" not in logged


def test_a_refusal_before_the_window_is_said_in_its_own_words(shown, monkeypatch, tmp_path):
    import ui.app
    from app.errors import UserError

    def refused(path, open_it):
        raise UserError("office.sqlite was written by a newer version of the program.")

    monkeypatch.setattr(ui.app, "run", refused)
    assert launch.start_gui(tmp_path / "office.sqlite", lambda: None) == 1
    assert shown == [("office.sqlite was written by a newer version of the program.", True)]


def test_the_message_box_is_a_real_one_that_the_user_closes(qtbot):
    seen = []

    def read_and_close():
        box = QApplication.activeModalWidget()
        seen.append((box.text(), box.icon()))
        box.accept()

    QTimer.singleShot(0, read_and_close)
    launch.show_message("Case Review Tracker could not start.", error=True)
    assert seen == [("Case Review Tracker could not start.", QMessageBox.Icon.Critical)]


def test_the_app_user_model_id_is_set_before_anything_on_windows_and_skipped_elsewhere(monkeypatch, shown):
    assert windows_shell.set_app_user_model_id() is (sys.platform == "win32")

    given = []

    class Shell32:
        @staticmethod
        def SetCurrentProcessExplicitAppUserModelID(app_id):  # noqa: N802 - the Windows name
            given.append(app_id)
            return 0

    class WinDLL:
        shell32 = Shell32

    monkeypatch.setattr(windows_shell.sys, "platform", "win32")
    monkeypatch.setattr(ctypes, "windll", WinDLL, raising=False)
    monkeypatch.setattr(launch, "run_command_line", lambda argv, **kwargs: given.append("ran") or 0)
    assert launch.main([]) == 0
    assert given == [windows_shell.APP_USER_MODEL_ID, "ran"]


def test_output_survives_a_windows_code_page_that_lacks_its_characters(tmp_path):
    import os
    import subprocess
    from pathlib import Path

    folder = tmp_path / "Łódź → reviews"  # neither character is in code page 1252
    folder.mkdir()
    env = {**os.environ, "CRT_DATA_DIR": str(tmp_path / "data"), "PYTHONIOENCODING": "cp1252",
           "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, "main.py", "demo", "--db", str(folder / "office.sqlite")],
                            cwd=Path(__file__).resolve().parents[2], env=env, capture_output=True, timeout=120)
    assert result.returncode == 0, result.stderr.decode("cp1252")
    said = result.stdout.decode("cp1252")
    assert "Demo database written to" in said and "?\u00f3d? ? reviews" in said  # "?" for each it lacks


def test_a_window_that_cannot_be_made_is_reported_logged_and_ends_the_program(qtbot, monkeypatch, tmp_path, data_dir):
    import threading

    import ui.app
    from app.database import open_database
    from ui import errors

    # run() installs the window's error handlers; put the test's back afterwards.
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)

    def broken(database):
        raise ZeroDivisionError("a secret record text")

    monkeypatch.setattr(ui.app, "create_main_window", broken)
    reports = []

    def close_the_crash_dialog():
        dialog = errors.current_crash_dialog()
        if dialog is None:
            QTimer.singleShot(20, close_the_crash_dialog)
            return
        reports.append(dialog.report)
        dialog.reject()

    QTimer.singleShot(0, close_the_crash_dialog)
    path = tmp_path / "office.sqlite"
    assert ui.app.run(path, lambda: open_database(path, check_later=True)) == 1

    assert "ZeroDivisionError" in reports[0] and "a secret record text" not in reports[0]
    logs.flush_log()
    assert "ZeroDivisionError" in (data_dir / "logs" / logs.LOG_NAME).read_text(encoding="utf-8")
