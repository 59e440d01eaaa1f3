"""Starting the window: the Qt application, its names, and the main window's size."""

from __future__ import annotations

import sys

from PySide6.QtCore import QCoreApplication, QSize
from PySide6.QtWidgets import QApplication

from app.database import Database
from ui.main_window import APP_TITLE, MainWindow

# QSettings keeps the window's settings under these names.
ORGANISATION_NAME = "Case Review Tracker"
DEFAULT_SIZE = QSize(1280, 800)


def create_main_window(database: Database) -> MainWindow:
    """The main window over an open database, not yet shown (a QApplication must exist)."""
    window = MainWindow(database)
    window.resize(DEFAULT_SIZE)
    return window


def show_main_window(window: MainWindow) -> None:
    """Show the window at its default size, or maximised on a screen smaller than that."""
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
    window = create_main_window(database)
    show_main_window(window)
    return app.exec()
