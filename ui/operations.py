"""Reading and writing the database from the window, off the GUI thread.

Modelled on Anki's ``QueryOp`` and ``CollectionOp`` (``qt/aqt/operations``): the window
never touches the database on the GUI thread and never spins an event loop to wait for
work. It starts an operation and carries on where the operation calls back.

- ``QueryOp(parent, database, read)``: ``read(session)`` in a read-only session.
- ``CollectionOp(parent, database, write)``: ``write(session)`` in one unit of work (all
  or nothing) on the writing queue, so writes happen in the order they were asked for. A
  write asked for before the check after opening has passed waits for it there
  (``app.database.WriteGate``). After a write that changed records, ``changes()`` emits
  ``records_changed`` with what changed, so the window can read it again.
- ``BackgroundOp(parent, work)``: ``work(progress)``, for work on files rather than
  through a session (a backup, a restore).
- ``Flow``: a task of several steps (questions and operations chained by their callbacks,
  an import say), which ends once however its steps end.

``progress=True`` passes the function a second argument, the job's ``Progress``
(``ui.workers``): it reports how far the work has got and stops it once cancelled.
``label`` puts up the progress dialog (only if the work is still running after a moment),
with a Cancel button if ``cancellable``. A write that has committed stands even if Cancel
was pressed as it did (``result_stands``).

How an operation ends, on the GUI thread, once:

- ``success(result)``;
- or, for an error the user can act on (a ``UserError``, or a known fault such as the
  database busy or the disk full, handed over as a ``UserError``), ``failure(error)``; by
  default the sentence is shown in a message. A known fault is logged too;
- or, for anything else, which is a bug, the crash dialog and the log
  (``ui.errors.report_exception``), whatever ``failure`` is;
- or ``cancelled()``;

and then ``ended()``, always. With ``bugs_to_log=True`` (or a function answering True when
the error arrives) a bug goes to the log without the crash dialog: for work whose result
only comes sooner than another's, or whose failure another reports (a read of a file whose
check after opening has not yet passed). The callbacks of a parent deleted meanwhile are not called
(a bug is still reported). An error raised by a callback itself goes to ``sys.excepthook``,
which the program points at the same handler (``ui.errors.install``).

An operation is kept alive while it runs and by nothing once it has ended: its function,
and everything the function's closure held, goes as soon as the function has returned.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, QThreadPool, Signal
from PySide6.QtWidgets import QWidget
from shiboken6 import isValid
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from app.database import Database
from app.errors import UserError
from ui import dialogs, errors
from ui.workers import Job, Progress, writing_queue

T = TypeVar("T")


@dataclass(frozen=True)
class Changes:
    """What a write changed: ``records`` holds (table name, id) of every row it added,
    changed or deleted, as the audit trail names them."""

    database: Database
    records: frozenset[tuple[str, int]]

    @property
    def kinds(self) -> frozenset[str]:
        """The tables written to ("action", "progress_update"...)."""
        return frozenset(table for table, _id in self.records)

    def ids(self, table: str) -> frozenset[int]:
        return frozenset(record_id for name, record_id in self.records if name == table)


class _Notifier(QObject):
    records_changed = Signal(object)  # Changes


_notifier: _Notifier | None = None


def changes() -> _Notifier:
    """Where every write made through ``CollectionOp`` is announced: ``records_changed``
    (a ``Changes``), on the GUI thread, once the write is committed."""
    global _notifier
    if _notifier is None:
        _notifier = _Notifier()
    return _notifier


# Operations still running, so that Python keeps them until they have ended.
_running: set[BackgroundOp] = set()


def running_operations() -> list[BackgroundOp]:
    return list(_running)


class BackgroundOp(Generic[T]):
    """``work(progress)`` off the GUI thread; the result or the error back on it. Start it
    with ``run_in_background()``."""

    def __init__(self, parent: QWidget | None, work: Callable[[Progress], T], *,
                 success: Callable[[T], Any] | None = None,
                 failure: Callable[[UserError], Any] | None = None,
                 cancelled: Callable[[], Any] | None = None,
                 ended: Callable[[], Any] | None = None,
                 title: str = "", label: str | None = None, cancellable: bool = False,
                 pool: QThreadPool | None = None, priority: int = 0,
                 bugs_to_log: bool | Callable[[], bool] = False, result_stands: bool = False):
        self._parent = parent
        self._work: Callable[[Progress], T] | None = work
        self._success = success
        self._failure = failure
        self._cancelled = cancelled
        self._ended = ended
        self.title = title or "Case Review Tracker"
        self._label = label
        self._cancellable = cancellable
        self._pool = pool
        self._priority = priority
        self._bugs_to_log = bugs_to_log
        self._result_stands = result_stands
        self._job: Job | None = None

    def run_in_background(self) -> BackgroundOp[T]:
        if self._work is None:
            raise RuntimeError("an operation runs once")
        job = Job(self._work, title=self.title, label=self._label or "", parent=self._parent,
                  cancellable=self._cancellable, show_progress=self._label is not None,
                  result_stands=self._result_stands)
        self._work = None  # the job holds it until it has run, and no longer
        job.finished.connect(self._on_finished)
        job.failed.connect(self._on_failed)
        job.cancelled.connect(self._on_cancelled)
        self._job = job
        _running.add(self)
        job.start(self._pool, self._priority)
        return self

    @property
    def is_running(self) -> bool:
        return self._job is not None

    @property
    def job(self) -> Job | None:
        """The job while it runs (its progress dialog, once shown, is ``job.dialog``)."""
        return self._job

    def cancel(self) -> None:
        """Ask the work to stop at its next progress report; ``cancelled`` follows (or the
        result, if it had already finished)."""
        if self._job is not None:
            self._job.cancel()

    # --- on the GUI thread ------------------------------------------------------------

    def _parent_alive(self) -> bool:
        return self._parent is None or isValid(self._parent)

    def _end(self) -> None:
        self._job = None
        _running.discard(self)

    def _on_finished(self, result: Any) -> None:
        self._end()
        try:
            self._succeeded(result)
        finally:
            self._call(self._ended)

    def _succeeded(self, result: Any) -> None:
        self._call(self._success, result)

    def _on_failed(self, error: BaseException) -> None:
        self._end()
        try:
            known = errors.as_user_error(error)
            if known is None:
                if self._bugs_to_log is True or callable(self._bugs_to_log) and self._bugs_to_log():
                    errors.log_exception(error)
                else:
                    errors.report_exception(error, self._parent if self._parent_alive() else None, self.title)
                return
            errors.log_exception(error)  # a known fault (a UserError is not logged)
            if self._failure is not None:
                self._call(self._failure, known)
            elif self._parent_alive():
                dialogs.warn(self._parent, self.title, str(known))
        finally:
            self._call(self._ended)

    def _on_cancelled(self) -> None:
        self._end()
        try:
            self._call(self._cancelled)
        finally:
            self._call(self._ended)

    def _call(self, callback: Callable[..., Any] | None, *args: Any) -> None:
        if callback is not None and self._parent_alive():
            callback(*args)


def _in_session(session: Session, function: Callable, with_progress: bool, progress: Progress) -> Any:
    return function(session, progress) if with_progress else function(session)


class QueryOp(BackgroundOp[T]):
    """``read(session)`` in a read-only session of ``database``, off the GUI thread
    (``read(session, progress)`` with ``progress=True``). Runs on the shared pool unless
    given another (the window's reads go on ``ui.workers.reading_queue``)."""

    def __init__(self, parent: QWidget | None, database: Database, read: Callable[..., T], *,
                 progress: bool = False, **options: Any):
        def work(job_progress: Progress) -> T:
            with database.readers() as session:
                return _in_session(session, read, progress, job_progress)

        super().__init__(parent, work, **options)


class CollectionOp(BackgroundOp[T]):
    """``write(session)`` in one unit of work on ``database``, off the GUI thread, on the
    writing queue (``write(session, progress)`` with ``progress=True``). Committed as a
    whole, or, if it raises (or is cancelled), rolled back as a whole. Once committed,
    ``changes().records_changed`` says which records it added, changed or deleted."""

    def __init__(self, parent: QWidget | None, database: Database, write: Callable[..., T], *,
                 progress: bool = False, **options: Any):
        self.database = database

        def work(job_progress: Progress) -> tuple[T, frozenset[tuple[str, int]]]:
            touched: set[tuple[str, int]] = set()
            with database.sessions.begin() as session:
                event.listen(session, "after_flush", lambda s, _context: _note_flushed(s, touched))
                result = _in_session(session, write, progress, job_progress)
            return result, frozenset(touched)

        options.setdefault("pool", writing_queue())
        options.setdefault("result_stands", True)  # once committed, Cancel comes too late
        super().__init__(parent, work, **options)

    def _succeeded(self, outcome: tuple[T, frozenset[tuple[str, int]]]) -> None:
        result, touched = outcome
        try:
            super()._succeeded(result)
        finally:
            if touched:  # the data changed, whoever asked for it is still there or not
                changes().records_changed.emit(Changes(self.database, touched))


def _note_flushed(session: Session, touched: set[tuple[str, int]]) -> None:
    """Add the rows a flush wrote (still listed as new, dirty or deleted in
    ``after_flush``) to ``touched``."""
    for record in (*session.new, *session.dirty, *session.deleted):
        state = inspect(record)
        key = state.mapper.primary_key_from_instance(record)
        if len(key) == 1 and isinstance(key[0], int):
            touched.add((state.mapper.local_table.name, key[0]))


class Flow:
    """One task the user started (an import, a backup, opening a database), from its
    first question to its last message: operations and questions chained by their
    callbacks, with nothing waiting in an event loop of its own. It ends once, with
    ``finished(outcome)``.

    Every callback given to ``watch`` must end the flow or start the next watched step; an
    operation that ends without calling any of them (a bug, reported by the operation
    itself; a refusal it showed) ends the flow with ``default``."""

    def __init__(self, finished: Callable[[Any], Any] | None, default: Any):
        self._finished = finished
        self._default = default
        self._ended = False

    def end(self, outcome: Any) -> None:
        if self._ended:
            return
        self._ended = True
        if self._finished is not None:
            self._finished(outcome)

    def fail(self) -> None:
        """End with nothing done."""
        self.end(self._default)

    def watch(self, **callbacks: Callable[..., Any]) -> dict[str, Callable[..., Any]]:
        """``callbacks`` for one operation, with the ``ended`` that ends the flow if none
        of them was called."""
        called: list[bool] = []

        def wrap(callback: Callable[..., Any]) -> Callable[..., Any]:
            def answer(*args: Any) -> Any:
                called.append(True)
                return callback(*args)
            return answer

        options = {name: wrap(callback) for name, callback in callbacks.items()}
        options["ended"] = lambda: None if called else self.fail()
        return options
