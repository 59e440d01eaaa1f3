"""Starting the window: the Qt application, its names, error handling and the window."""

from __future__ import annotations

import sys

from PySide6.QtCore import QCoreApplication, QSize
from PySide6.QtWidgets import QApplication

from app.database import Database
from ui import errors
from ui.main_window import APP_TITLE, MainWindow
from ui.workers import wait_for_jobs

ORGANISATION_NAME = "Case Review Tracker"
DEFAULT_SIZE = QSize(1280, 800)


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


def run(database: Database) -> int:
    """Open the window over ``database`` and run until it is closed; the exit code."""
    QCoreApplication.setApplicationName(APP_TITLE)
    QCoreApplication.setOrganizationName(ORGANISATION_NAME)
    app = QApplication.instance() or QApplication(sys.argv)
    errors.install()
    window = create_main_window(database)
    show_main_window(window)
    try:
        return app.exec()
    finally:
        wait_for_jobs()
