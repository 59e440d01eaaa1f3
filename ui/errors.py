"""Two kinds of error: ones the user can act on, and bugs.

A ``UserError``, or a known fault (the database busy, the disk full, a file open in
another program) is shown as a plain sentence. Anything else is a bug: it is written to a
rotating log in the data folder and shown once in the crash dialog, whose report the user
can copy into an e-mail to whoever supports the program; the program keeps running.

The log and the report hold the exception's type and where it happened (the traceback),
never its message: messages from the database can quote record text, and the records are
about children.
"""

from __future__ import annotations

import errno
import logging
import platform
import sys
import threading
import traceback
from pathlib import Path
from types import TracebackType

from PySide6 import __version__ as PYSIDE_VERSION
from PySide6.QtCore import QObject, Qt, Signal, qVersion
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import logs
from app.errors import UserError
from app.logs import LOG_NAME, log_path  # noqa: F401 - where the crash dialog says the log is
from ui import dialogs

log = logging.getLogger("crt.crash")

DISK_FULL = "The disk is full, so nothing was saved. Free some space, then try again."


def _file_name(err: OSError) -> str:
    return Path(err.filename).name if getattr(err, "filename", None) else "The file"


def known_error_sentence(error: BaseException) -> str | None:
    """A plain sentence for an error the user can act on, or ``None`` for a bug."""
    if isinstance(error, UserError):
        return str(error)
    from app.db_errors import friendly_database_error

    friendly = friendly_database_error(error)
    if friendly is not None:
        return str(friendly)
    if isinstance(error, PermissionError):
        name = _file_name(error)
        return (f"{name} could not be used: it is open in another program (Excel or Word, "
                f"perhaps), or you may not change it. Close it or choose another file, then try again.")
    if isinstance(error, OSError):
        if error.errno == errno.ENOSPC:
            return DISK_FULL
        # Windows: "being used by another process" (sharing and lock violations).
        if getattr(error, "winerror", None) in (32, 33):
            return (f"{_file_name(error)} is open in another program. Close it, then try again.")
        if isinstance(error, FileNotFoundError):
            return f"{_file_name(error)} could not be found. It may have been moved or deleted."
    if isinstance(error, MemoryError):
        return "The computer ran out of memory. Close other programs, then try again."
    return None


def crash_report(exc_type: type[BaseException], error: BaseException | None,
                 tb: TracebackType | None) -> str:
    """What the crash dialog shows and the log keeps: versions, the exception's type and the
    traceback (file, line and function names only — no message, no local values)."""
    from app.version import __version__

    lines = [
        f"Case Review Tracker {__version__}",
        f"Python {platform.python_version()}, Qt {qVersion()}, PySide6 {PYSIDE_VERSION}",
        f"{platform.system()} {platform.release()}",
        "",
        "Traceback (most recent call last):",
    ]
    for frame in traceback.extract_tb(tb):
        lines.append(f'  File "{Path(frame.filename).name}", line {frame.lineno}, in {frame.name}')
    lines.append(f"{exc_type.__module__}.{exc_type.__qualname__}")
    cause = error.__cause__ or error.__context__ if error is not None else None
    if cause is not None:
        lines.append(f"(caused by {type(cause).__module__}.{type(cause).__qualname__})")
    return "\n".join(lines)


def write_log(report: str) -> Path | None:
    """Add ``report`` to the program's log; the log's path, or ``None`` if it could not be
    written."""
    path = logs.start_log()
    if path is None:
        return None
    log.error("Unexpected error\n%s", report)
    logs.flush_log()
    return path if path.exists() else None


class CrashDialog(QDialog):
    """"Something went wrong": the report in a read-only box, a Copy button, and where the
    log is."""

    def __init__(self, report: str, log_file: Path | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Something went wrong")
        self.setObjectName("crashDialog")
        self.report = report
        intro = QLabel(
            "The program met a problem it did not expect. Your saved work is safe; what you "
            "were doing may not have finished, so please check it.\n\n"
            "Copy the report below and send it to whoever supports the program. It says "
            "where the problem happened and holds no record text.")
        intro.setWordWrap(True)
        where = QLabel(f"The report is also kept in {log_file}." if log_file else
                       "The report could not be written to the log folder.")
        where.setObjectName("logLocation")
        where.setWordWrap(True)
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.report_box = QPlainTextEdit(report)
        self.report_box.setReadOnly(True)
        self.report_box.setAccessibleName("Error report")
        self.report_box.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.copy_button = QPushButton("&Copy report")
        self.copy_button.setAccessibleName("Copy report")
        self.copy_button.clicked.connect(self._on_copy_clicked)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.report_box, 1)
        layout.addWidget(where)
        layout.addWidget(buttons)
        self.resize(640, 420)

    def _on_copy_clicked(self) -> None:
        QGuiApplication.clipboard().setText(self.report)
        self.copy_button.setText("Copied")


# One crash dialog at a time: a cascade of errors adds to the log, not to the screen.
_open_dialog: CrashDialog | None = None


def current_crash_dialog() -> CrashDialog | None:
    return _open_dialog


def _on_crash_dialog_closed() -> None:
    global _open_dialog
    _open_dialog = None


def show_crash(exc_type: type[BaseException], error: BaseException | None,
               tb: TracebackType | None, parent: QWidget | None = None) -> CrashDialog | None:
    """Log a bug and show the crash dialog (unless one is already open)."""
    report = crash_report(exc_type, error, tb)
    return _show_crash_dialog(report, write_log(report), parent)


def _show_crash_dialog(report: str, log_file: Path | None, parent: QWidget | None) -> CrashDialog | None:
    global _open_dialog
    if QApplication.instance() is None or _open_dialog is not None:
        return _open_dialog
    dialog = CrashDialog(report, log_file, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.finished.connect(_on_crash_dialog_closed)
    _open_dialog = dialog
    dialog.open()
    return dialog


class KnownFault(UserError):
    """A fault the user can act on (the database busy, the disk full, a file open in
    another program), said in words; the fault itself is its ``__cause__``. Unlike a
    refusal, trying again may work."""


def as_user_error(error: BaseException) -> UserError | None:
    """``error`` as a ``UserError`` if the user can act on it (itself, or a ``KnownFault``
    saying it in words), else ``None``: a bug."""
    if isinstance(error, UserError):
        return error
    sentence = known_error_sentence(error)
    if sentence is None:
        return None
    fault = KnownFault(sentence)
    fault.__cause__ = error
    return fault


def log_exception(error: BaseException) -> Path | None:
    """Keep a bug or a known fault (the disk full, the database busy) in the log; the log's
    path. A ``UserError`` is the user's to put right, not a fault: it is not logged."""
    if isinstance(error, UserError):
        return None
    return write_log(crash_report(type(error), error, error.__traceback__))


def report_exception(error: BaseException, parent: QWidget | None = None,
                     title: str = "Case Review Tracker") -> None:
    """The one error handler: show ``error`` as a plain sentence if the user can act on it,
    else in the crash dialog. Every fault but a ``UserError`` is also logged."""
    sentence = known_error_sentence(error)
    if sentence is None:
        show_crash(type(error), error, error.__traceback__, parent)  # logs it too
        return
    log_exception(error)
    dialogs.warn(parent, title, sentence)


def _active_window() -> QWidget | None:
    app = QApplication.instance()
    return app.activeWindow() if app is not None else None


def excepthook(exc_type: type[BaseException], error: BaseException,
               tb: TracebackType | None) -> None:
    """``sys.excepthook`` for the window: errors raised in slots, event handlers and Qt's
    virtual methods (PySide hands those to this hook) go to ``report_exception``."""
    if issubclass(exc_type, KeyboardInterrupt) or error is None:
        sys.__excepthook__(exc_type, error, tb)
        return
    try:
        if error.__traceback__ is None:
            error = error.with_traceback(tb)
        report_exception(error, _active_window())
    except Exception:  # noqa: BLE001 - the handler must never raise itself
        sys.__excepthook__(exc_type, error, tb)


class _Relay(QObject):
    """Carries an error raised on another thread to the GUI thread, where dialogs live."""

    raised = Signal(object)


_relay: _Relay | None = None


def thread_excepthook(args: threading.ExceptHookArgs) -> None:
    """``threading.excepthook``: an error that ends a Python thread goes to the one handler,
    on the GUI thread, where dialogs live."""
    if args.exc_value is None or issubclass(args.exc_type, SystemExit):
        return
    if _relay is None:
        threading.__excepthook__(args)
        return
    _relay.raised.emit(args.exc_value)


def _report_from_thread(error: BaseException) -> None:
    report_exception(error, _active_window())


def install() -> None:
    """Send uncaught errors to the one handler: from slots and Qt's virtual methods
    (``sys.excepthook``) and from Python threads (``threading.excepthook``). Called by
    ``ui.app.start_application`` on the GUI thread; tests leave pytest-qt's own hook in
    place, so that a bug fails the test, unless they install this one themselves."""
    global _relay
    if _relay is None:
        _relay = _Relay()
        _relay.raised.connect(_report_from_thread)
    sys.excepthook = excepthook
    threading.excepthook = thread_excepthook
