"""Starting the window: the Qt application, its names, error handling and the window."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QCoreApplication, QSize, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication

from app.database import Database
from app.errors import UserError
from app.resources import resource
from ui import errors
from ui.main_window import APP_TITLE, MainWindow
from ui.operations import BackgroundOp, Flow
from ui.workers import wait_for_jobs

ORGANISATION_NAME = "Case Review Tracker"
DEFAULT_SIZE = QSize(1280, 800)
SWITCH_INTERVAL_S = 0.0005
ICON = ("icons", "case-review-tracker.png")

log = logging.getLogger(__name__)


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
    # High-DPI: Qt 6 scales by the screen's exact factor (150% stays 1.5, not rounded to 2),
    # so text and lines stay sharp at Windows' usual 125% and 150%. Said here, not assumed.
    if QApplication.instance() is None:
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    app = QApplication.instance() or QApplication(sys.argv)
    app.setWindowIcon(QIcon(str(resource(*ICON))))
    errors.install()
    return app


def open_at_start(path: Path, open_it: Callable[[], Database],
                  opened: Callable[[Database | None], Any]) -> None:
    """Open the window's database with ``open_it``, off the GUI thread; ``opened(database)``,
    or ``opened(None)`` when there is nothing to open. A refusal is said in a dialog (a
    damaged file with the newest good backup offered); after a restore the file is opened
    again."""
    flow = Flow(opened, None)

    def refused(error: UserError) -> None:
        from ui.safety_dialogs import handle_open_error

        handle_open_error(None, path, error, restored=lambda again: attempt() if again else flow.fail())

    def attempt() -> None:
        BackgroundOp(None, lambda _progress: open_it(), title="Open database",
                     **flow.watch(success=flow.end, failure=refused)).run_in_background()

    attempt()


def _exit_with(app: QApplication, code: int) -> None:
    """End the program with ``code``, once the crash dialog (if one is open) is closed."""
    dialog = errors.current_crash_dialog()
    if dialog is None:
        app.exit(code)
    else:
        dialog.finished.connect(lambda _result: app.exit(code))


def run(path: Path, open_it: Callable[[], Database]) -> int:
    """Open the database at ``path`` (with ``open_it``) in the window and run until the
    window is closed; the exit code. The event loop runs from the start: the database is
    opened, and any question about it asked, while it runs."""
    app = start_application()
    app.setQuitOnLastWindowClosed(False)  # closing a question before the window must not end it
    shown: list[tuple[MainWindow, Database]] = []

    def opened(database: Database | None) -> None:
        if database is None:
            _exit_with(app, 1)
            return
        try:
            window = create_main_window(database)
            show_main_window(window)
        except Exception as error:  # noqa: BLE001 - no window to go on with: said, logged, ended
            database.close()
            errors.report_exception(error)
            _exit_with(app, 1)
            return
        QTimer.singleShot(0, lambda: log.info("Window shown"))  # once painted: the start-up benchmark reads it
        QTimer.singleShot(0, window.welcome)  # the first-run page, the first time
        app.setQuitOnLastWindowClosed(True)
        shown.append((window, database))

    open_at_start(path, open_it, opened)
    try:
        return app.exec()
    finally:
        wait_for_jobs()
        for window, database in shown:
            window.database.close()
            database.close()  # the first one, if another was opened since (closing twice is harmless)
