"""Starting the window: the Qt application, its names, error handling and the window."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QCoreApplication, QSize
from PySide6.QtWidgets import QApplication

from app.database import Database
from ui import errors
from ui.main_window import APP_TITLE, MainWindow
from ui.workers import wait_for_jobs

ORGANISATION_NAME = "Case Review Tracker"
DEFAULT_SIZE = QSize(1280, 800)
SWITCH_INTERVAL_S = 0.0005


def create_main_window(database: Database) -> MainWindow:
    """The main window over an open database, not yet shown (a QApplication must exist).
    It takes the size and place it had when last closed, or the default size."""
    window = MainWindow(database)
    if not window.has_saved_geometry:
        window.resize(DEFAULT_SIZE)
    return window


def show_main_window(window: MainWindow) -> None:
    """Show the window where it was last, or at its default size (maximised on a screen
    smaller than that)."""
    if window.has_saved_geometry:
        window.show()
        return
    available = window.screen().availableGeometry().size()
    if available.width() < DEFAULT_SIZE.width() or available.height() < DEFAULT_SIZE.height():
        # Without a window manager maximising does nothing, so fit the screen first.
        window.resize(DEFAULT_SIZE.boundedTo(available))
        window.showMaximized()
    else:
        window.show()


def start_application() -> QApplication:
    """The Qt application for the window, with its names and error handling.

    Python's thread switch interval is cut from 5 ms to half a millisecond. Every call from
    Qt into Python (a table cell's text, a paint) must take the interpreter's lock, and while
    a worker reads the database it gives the lock back only when the interval runs out: with
    the default, one repaint during a read could wait a second, and the window felt stuck.
    """
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    QCoreApplication.setApplicationName(APP_TITLE)
    QCoreApplication.setOrganizationName(ORGANISATION_NAME)
    app = QApplication.instance() or QApplication(sys.argv)
    errors.install()
    return app


def open_at_start(path: Path, open_it: Callable[[], Database]) -> Database | None:
    """Open the window's database with ``open_it``. A refusal is said in a dialog (a damaged
    file with the newest good backup offered); after a restore the file is opened again.
    ``None`` when there is nothing to open."""
    while True:
        try:
            return open_it()
        except Exception as err:  # noqa: BLE001 - each is shown: in words, or in the crash dialog
            from ui.safety_dialogs import handle_open_error

            if not handle_open_error(None, path, err):
                return None


def run(path: Path, open_it: Callable[[], Database]) -> int:
    """Open the database at ``path`` (with ``open_it``) in the window and run until the
    window is closed; the exit code."""
    app = start_application()
    database = open_at_start(path, open_it)
    if database is None:
        return 1
    window = create_main_window(database)
    show_main_window(window)
    try:
        return app.exec()
    finally:
        wait_for_jobs()
        window.database.close()
        database.close()  # the first one, if another was opened since (closing twice is harmless)
