"""Notices a change made outside this window (a colleague's copy of the program on a shared
database, a command run meanwhile) when the officer comes back to the window, so that a
register never shows what was true before they left it. On a shared database on a server,
where colleagues save all day, it also looks every ``POLL_SECONDS`` while the window is in
use (active, and no write of its own under way): one ``max(id)`` query, off the GUI thread.
When the mark has moved, the audit entries after it say which records were written, so a
register reads only those rows again.

The window's own writes announce what they changed (``ui.operations``); a change mark
(``app.change_mark``) that moved with no such announcement was written elsewhere.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QMainWindow

from app.change_mark import change_mark, changed_since
from ui import operations
from ui.operations import CollectionOp, QueryOp
from ui.workers import AHEAD, reading_queue

# The "table" of a change that may have touched any record: an import's bulk writes, or a
# write made elsewhere. Every register shown is read again.
ANY_RECORD = "any record"
# How often a shared database on a server is looked at while the window is in use.
POLL_SECONDS = 15


class ChangeWatch(QObject):
    """``check()`` reads the change mark off the GUI thread; ``changed_elsewhere(records)``
    when it has moved since the last reading and no write of this program explains it:
    the (table, id) of every record written since, or {(ANY_RECORD, 0)} when they are too
    many to name (an import) or not all records of ours."""

    changed_elsewhere = Signal(object)  # frozenset of (table, id)

    def __init__(self, window: QMainWindow):
        super().__init__(window)
        self._window = window
        self._mark: int | None = None
        self._reading = False
        self._again = False  # asked for while a reading was under way
        self._own_write = False
        operations.changes().records_changed.connect(self._on_own_write)
        self.poll_timer = QTimer(self)
        self.poll_timer.setInterval(POLL_SECONDS * 1000)
        self.poll_timer.timeout.connect(self._on_poll)
        self._follow(window.database)

    def _follow(self, database) -> None:
        """Look at a server database on the timer; a file only when the officer comes back."""
        if database.on_server:
            self.poll_timer.start()
        else:
            self.poll_timer.stop()

    def _on_poll(self) -> None:
        if self._window.isActiveWindow() and not self._reading and not _writing():
            self.check()

    def _on_own_write(self, changes: operations.Changes) -> None:
        if changes.database is self._window.database:
            # Read the mark again as it stands after this write: it is not news.
            self._own_write, self._mark = True, None
            self.check()

    def forget(self) -> None:
        """Another database is open: its first reading is taken as it is."""
        self._mark = None
        self._follow(self._window.database)

    def check(self) -> None:
        """Read the mark (once the reading under way, if any, has ended)."""
        window = self._window
        if self._reading:
            self._again = True
            return
        if window.refusal is not None:
            return
        database = window.database
        self._reading, self._own_write = True, False
        previous = self._mark

        def read_mark(session) -> tuple[int, frozenset[tuple[str, int]] | None]:
            mark = change_mark(session)
            if previous is None or mark == previous:
                return mark, None
            return mark, _records(changed_since(session, previous))

        def read(found: tuple[int, frozenset[tuple[str, int]] | None]) -> None:
            mark, records = found
            if database is not window.database or self._own_write or _writing():
                self._mark = None  # a write of this window may be under way: read it afresh next time
            elif self._mark is None or self._mark != previous:
                self._mark = mark  # a first reading, or one taken afresh meanwhile
            elif mark != self._mark:
                self._mark = mark
                self.changed_elsewhere.emit(records)

        def ended() -> None:
            self._reading = False
            if self._again:
                self._again = False
                self.check()

        QueryOp(window, database, read_mark, title="Checking for changes", pool=reading_queue(),
                priority=AHEAD, success=read, failure=lambda _error: None, ended=ended).run_in_background()


def _records(changed: set[tuple[str, str]] | None) -> frozenset[tuple[str, int]]:
    """The audit trail's (table, record id) pairs as a write's ``Changes`` name them; any record
    when they are too many, or one is not a single record's number."""
    if changed and all(record_id.isdigit() for _table, record_id in changed):
        return frozenset((table, int(record_id)) for table, record_id in changed)
    return frozenset({(ANY_RECORD, 0)})


def _writing() -> bool:
    return any(isinstance(op, CollectionOp) for op in operations.running_operations())
