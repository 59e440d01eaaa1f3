"""Long work off the GUI thread, with a progress dialog that can be cancelled.

``run_job`` runs a plain (Qt-free) function on ``QThreadPool``. The function takes one
argument, ``progress``: calling ``progress(done, total, text)`` reports how far it has got
and raises ``JobCancelled`` once the user has pressed Cancel, so the function stops at its
next report. The result, or the exception, comes back to the GUI thread by a signal; the
worker never touches a widget.

A progress dialog appears only if the job is still running after ``PROGRESS_AFTER_MS``, so
quick work (most loads) shows no flicker.

A finished job leaves nothing behind: it is kept alive only while it runs (no Qt parent
holds it), its runnable lets go of the function, and so of everything the function's
closure held, as soon as the function returns, and Qt deletes it on the GUI thread once
it has reported.
"""

from __future__ import annotations

import sys
import threading
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, Qt, QThread, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QProgressBar, QProgressDialog, QWidget
from shiboken6 import isValid

PROGRESS_AFTER_MS = 200


class JobCancelled(Exception):
    """Raised inside a job by its progress callback once the user has cancelled it."""


class Progress:
    """What a job calls to report progress; thread-safe; raises ``JobCancelled``."""

    def __init__(self, report: Callable[[int, int, str], None]):
        self._report = report
        self._cancelled = threading.Event()

    def __call__(self, done: int = 0, total: int = 0, text: str = "") -> None:
        if self._cancelled.is_set():
            raise JobCancelled()
        try:
            self._report(int(done), int(total), text)
        except RuntimeError:  # the job's Qt side is gone (the program is closing): stop
            self._cancelled.set()
            raise JobCancelled() from None

    def cancel(self) -> None:
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()


class _Signals(QObject):
    progressed = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(object)


class _Runnable(QRunnable):
    def __init__(self, function: Callable[[Progress], Any], signals: _Signals, progress: Progress):
        super().__init__()
        self._function = function
        self._signals = signals
        self._progress = progress

    def run(self) -> None:  # on a worker thread: signals only, never widgets
        # Let go of the function at once: its closure may hold a whole register's rows.
        function, self._function = self._function, None
        try:
            try:
                result = function(self._progress)
            except BaseException as err:  # noqa: BLE001 - every failure goes back to the GUI thread
                self._signals.failed.emit(err)
            else:
                self._signals.succeeded.emit(result)
        except RuntimeError:
            pass  # the job's Qt side is gone (the program is closing): nobody to tell


class Job(QObject):
    """One running job, living on the GUI thread. Signals: ``finished(result)``,
    ``failed(exception)``, ``cancelled()`` — exactly one of them, once.

    ``parent`` is the widget the progress dialog stands over; it does not own the job
    (a job owned by a window would live as long as the window). Cancel pressed as the
    function returns counts as cancelled, unless ``result_stands`` (a committed write)."""

    finished = Signal(object)
    failed = Signal(object)
    cancelled = Signal()

    def __init__(self, function: Callable[[Progress], Any], *, title: str = "",
                 label: str = "", parent: QWidget | None = None, cancellable: bool = True,
                 show_progress: bool = True, result_stands: bool = False):
        super().__init__()
        self.title = title
        self._result_stands = result_stands
        self._done = False
        self._dialog: QProgressDialog | None = None
        self._bar: QProgressBar | None = None
        self._dialog_parent = parent
        self._label = label
        self._cancellable = cancellable
        # The signals object has no parent: the worker emits on it until it returns, even
        # if the window that started the job has gone.
        self._signals = _Signals()
        self._signals.progressed.connect(self._on_progressed)
        self._signals.succeeded.connect(self._on_succeeded)
        self._signals.failed.connect(self._on_failed)
        self.progress = Progress(self._signals.progressed.emit)
        self._runnable = _Runnable(function, self._signals, self.progress)
        self._runnable.setAutoDelete(False)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._show_dialog)
        self._show_progress = show_progress

    def start(self, pool: QThreadPool | None = None, priority: int = 0) -> "Job":
        """Run on ``pool`` (the global pool unless given); a higher ``priority`` is taken
        from the pool's queue first."""
        _running.add(self)
        if self._show_progress:
            self._timer.start(PROGRESS_AFTER_MS)
        (pool or QThreadPool.globalInstance()).start(self._runnable, priority)
        return self

    @property
    def is_running(self) -> bool:
        return not self._done

    @property
    def dialog(self) -> QProgressDialog | None:
        """The progress dialog, once shown."""
        return self._dialog

    def cancel(self) -> None:
        """Ask the job to stop at its next progress report; ``cancelled`` follows."""
        self.progress.cancel()
        if self._dialog is not None:
            self._dialog.setLabelText("Stopping…")

    # --- on the GUI thread ---

    def _show_dialog(self) -> None:
        if self._done or (self._dialog_parent is not None and not isValid(self._dialog_parent)):
            return
        dialog = QProgressDialog(self._label or self.title, "Cancel" if self._cancellable else "",
                                 0, 0, self._dialog_parent)
        dialog.setWindowTitle(self.title or "Working")
        dialog.setAccessibleName(self.title or "Progress")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        if not self._cancellable:
            dialog.setCancelButton(None)
        dialog.canceled.connect(self.cancel)
        # Progress goes to the bar itself: QProgressDialog.setValue on a modal dialog runs
        # the event loop inside this slot, where the job could finish under it.
        self._bar = QProgressBar(dialog)
        self._bar.setRange(0, 0)
        dialog.setBar(self._bar)
        self._dialog = dialog
        dialog.show()

    def _on_progressed(self, done: int, total: int, text: str) -> None:
        if self._dialog is None:
            return
        self._bar.setMaximum(max(total, 0))
        if total:
            self._bar.setValue(min(done, total))
        if text:
            self._dialog.setLabelText(text)

    def _finish(self) -> None:
        self._done = True
        self._timer.stop()
        if self._dialog is not None and isValid(self._dialog):  # gone with its parent, perhaps
            self._dialog.canceled.disconnect(self.cancel)
            self._dialog.close()
            self._dialog.deleteLater()
        self._dialog = None
        _running.discard(self)
        # Qt deletes the job here, on the GUI thread, once its last signal has been handled:
        # a wrapper left in a reference cycle would otherwise be deleted by whichever thread
        # next collects garbage, and a QObject deleted off its thread can crash the program.
        self.deleteLater()
        self._signals.deleteLater()

    def _on_succeeded(self, result: Any) -> None:
        cancelled = self.progress.cancelled and not self._result_stands
        self._finish()
        if cancelled:
            self.cancelled.emit()
        else:
            self.finished.emit(result)

    def _on_failed(self, error: BaseException) -> None:
        self._finish()
        if isinstance(error, JobCancelled):
            self.cancelled.emit()
        else:
            self.failed.emit(error)


# Jobs still running, so that Python keeps them alive until their result arrives.
_running: set[Job] = set()


def running_jobs() -> list[Job]:
    return list(_running)


_reading_queue: QThreadPool | None = None
_writing_queue: QThreadPool | None = None
_upkeep_queue: QThreadPool | None = None

# Priorities on the reading queue: what the user is waiting for, then what is read ahead.
ASKED_FOR = 1
AHEAD = 0
PREPARING = -1


def reading_queue() -> QThreadPool:
    """One thread for reading the database into the window (the dashboard, the registers).

    Two of these reads at once take three times as long as one after the other: each builds
    Python objects for every row and hands the interpreter's lock back and forth with the
    other at every row. Work that waits on SQLite or the disk, not on Python (the check
    after opening, backups, exports), stays on the global pool beside it.
    """
    global _reading_queue
    if _reading_queue is None:
        _reading_queue = QThreadPool()
        _reading_queue.setMaxThreadCount(1)
    return _reading_queue


def writing_queue() -> QThreadPool:
    """One thread for every change to the database, taken in the order they were asked
    for: an undo asked for after a save runs after it. A write made before the check after
    opening has passed waits for it here (``app.database.WriteGate``), holding the writes
    behind it, not the window."""
    global _writing_queue
    if _writing_queue is None:
        _writing_queue = QThreadPool()
        _writing_queue.setMaxThreadCount(1)
    return _writing_queue


def upkeep_queue() -> QThreadPool:
    """One thread at a low priority for upkeep that nobody watches: the check and daily
    backup after opening. On two cores it would otherwise take a whole core from the window
    and its reads just when the office starts work; it takes what they leave instead.

    Windows has priorities below normal, and an idle thread there can wait seconds while
    anything else runs (a save waits for this check), so it gets the lowest normal one;
    Linux has nothing between normal and idle."""
    global _upkeep_queue
    if _upkeep_queue is None:
        _upkeep_queue = QThreadPool()
        _upkeep_queue.setMaxThreadCount(1)
        _upkeep_queue.setThreadPriority(QThread.Priority.IdlePriority if sys.platform.startswith("linux")
                                        else QThread.Priority.LowestPriority)
    return _upkeep_queue


def wait_for_jobs(timeout_ms: int = 30_000) -> bool:
    """Wait for every job's worker to return (at exit, and between tests)."""
    pools = [QThreadPool.globalInstance()] + [pool for pool in (_reading_queue, _writing_queue, _upkeep_queue)
                                              if pool is not None]
    return all(pool.waitForDone(timeout_ms) for pool in pools)


def run_job(function: Callable[[Progress], Any], *, title: str, on_done: Callable[[Any], None],
            on_error: Callable[[BaseException], None] | None = None,
            on_cancelled: Callable[[], None] | None = None, label: str = "",
            parent: QWidget | None = None, cancellable: bool = True,
            show_progress: bool = True, pool: QThreadPool | None = None,
            priority: int = 0) -> Job:
    """Run ``function(progress)`` off the GUI thread; ``on_done(result)`` on the GUI
    thread when it returns. An exception goes to ``on_error``, or else to the error
    handler (``ui.errors.report_exception``): a plain sentence or the crash dialog.

    If ``parent`` has been deleted by the time the job ends, nobody is told (a bug is
    still logged)."""
    from ui import errors

    job = Job(function, title=title, label=label, parent=parent, cancellable=cancellable,
              show_progress=show_progress)

    def alive() -> bool:
        return parent is None or isValid(parent)

    def failed(error: BaseException) -> None:
        if not alive():
            errors.log_exception(error)
        elif on_error is not None:
            on_error(error)
        else:
            errors.report_exception(error, parent)

    job.finished.connect(lambda result: on_done(result) if alive() else None)
    job.failed.connect(failed)
    if on_cancelled is not None:
        job.cancelled.connect(lambda: on_cancelled() if alive() else None)
    return job.start(pool, priority)
