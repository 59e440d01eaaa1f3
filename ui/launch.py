"""The program's one way in: ``main.py``, the installed commands (``case-review-tracker``,
``case-review-tracker-cli``) and the frozen program all call ``main``.

Before anything else it gives the process its Windows AppUserModelID, so that the window
has the taskbar button of the Start menu shortcut. A program started without a console (the
windowed command, the frozen program) has no ``sys.stdout`` or ``sys.stderr``: what the
command line would have printed there is caught, and shown in a message box when it
matters (an error, or ``--help``). A failure before the window's own error handling is
running is written to the log and shown in a message box, never lost.
"""

from __future__ import annotations

import io
import logging
import sys
import time
from pathlib import Path
from typing import Callable, Sequence

from app.collector import collector_paused

# The modules build a few hundred thousand objects that last as long as the program: loaded
# with the collector paused, and then kept out of its sight, they cost nothing at each later
# collection (a fifth of an export's time from the command line went on walking them).
with collector_paused():
    from app.cli import main as run_command_line
    from app.database import Database, open_database
    from app.windows_shell import native_message_box, set_app_user_model_id

log = logging.getLogger(__name__)

TITLE = "Case Review Tracker"
# How long the self-test waits for the window before calling it a failure.
WINDOW_TIMEOUT_S = 120


def main(argv: Sequence[str] | None = None) -> int:
    """Run the program with ``argv`` (default: the process's own arguments); the exit status."""
    set_app_user_model_id()
    argv = list(sys.argv[1:] if argv is None else argv)
    if sys.stdout is None or sys.stderr is None:
        return _without_console(argv)
    return run_command_line(argv, start_gui=start_gui, check_window=check_window)


def _without_console(argv: list[str]) -> int:
    """Run with the output caught; show it if the command failed or opened no window."""
    caught = io.StringIO()
    streams = sys.stdout, sys.stderr
    sys.stdout = sys.stdout or caught
    sys.stderr = sys.stderr or caught
    started: list[bool] = []

    def start_and_note(path: Path, open_it: Callable[[], Database]) -> int:
        started.append(True)
        return start_gui(path, open_it)

    failure: Exception | None = None
    try:
        status = run_command_line(argv, start_gui=start_and_note, check_window=check_window)
    except SystemExit as done:  # argparse: --help, --version, a mistyped command
        status = done.code if isinstance(done.code, int) else (0 if done.code is None else 2)
    except Exception as error:  # noqa: BLE001 - a bug, and no console for its traceback
        failure, status = error, 1
    finally:
        sys.stdout, sys.stderr = streams
    if failure is not None:
        show_start_up_failure(failure)
        return status
    text = caught.getvalue().strip()
    if text and (status != 0 or not started):
        show_message(text, error=status != 0)
    return status


def start_gui(path: Path, open_it: Callable[[], Database]) -> int:
    """Open the window (``ui.app.run``); a failure before it is running is written to the
    log and shown in a message box, and the exit status is 1."""
    try:
        with collector_paused():  # Qt's modules, as the program's own above
            from ui.app import run

        return run(path, open_it)
    except Exception as error:  # noqa: BLE001 - said to the user, never a silent exit
        show_start_up_failure(error)
        return 1


def show_start_up_failure(error: BaseException) -> None:
    """Write ``error`` to the log and say in a message box that the program could not start:
    in a sentence if the user can act on it, else where the report is kept."""
    from app import logs

    logs.start_log()
    try:
        from ui import errors
    except Exception:  # noqa: BLE001 - Qt itself failed to load: log it and use Windows' own box
        log.exception("The program could not start: Qt could not be loaded")
        text = f"{TITLE} could not start: its window library could not be loaded ({type(error).__name__})."
        if not native_message_box(TITLE, text):
            print(text, file=sys.stderr)
        return
    sentence = errors.known_error_sentence(error)
    log_file = errors.log_exception(error)
    if sentence is None:
        sentence = (f"{TITLE} could not start because of a problem it did not expect.\n\n"
                    + (f"A report is kept in {log_file}; please send it to whoever supports the program."
                       if log_file else "The report could not be written to the log either."))
    show_message(sentence, error=True)


def show_message(text: str, *, error: bool) -> None:
    """Show ``text`` in a message box, with a Qt application of its own if there is none yet."""
    from PySide6.QtWidgets import QApplication, QMessageBox

    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else TITLE])
    box = QMessageBox(QMessageBox.Icon.Critical if error else QMessageBox.Icon.Information, TITLE, text)
    box.exec()
    del app  # kept alive until the box is closed


def check_window(path: Path) -> float:
    """Open the window over the database at ``path`` as the program starts it, and close it
    once it is on screen; the seconds that took. Raises if it did not show (a refusal, a
    crash) within ``WINDOW_TIMEOUT_S``."""
    from PySide6.QtCore import QTimer

    from ui import errors
    from ui.app import run, start_application
    from ui.main_window import MainWindow

    started = time.perf_counter()
    app = start_application()
    shown: list[float] = []

    def close_once_shown() -> None:
        if errors.current_crash_dialog() is not None:
            app.exit(1)
            return
        windows = [w for w in app.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        if windows:
            shown.append(time.perf_counter() - started)
            windows[0].close()
        elif time.perf_counter() - started > WINDOW_TIMEOUT_S:
            app.exit(1)
        else:
            QTimer.singleShot(20, close_once_shown)

    QTimer.singleShot(0, close_once_shown)
    status = run(path, lambda: open_database(path, check_later=True))
    if status != 0 or not shown:
        raise RuntimeError(f"the window did not open and close cleanly (status {status})")
    return shown[0]
