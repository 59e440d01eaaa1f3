"""Reading the registers into the window's views, off the GUI thread.

Each register is read (``QueryOp`` on ``ui.workers.reading_queue``, one read at a time,
what the user asked for first) the first time it is shown, when read ahead, after a change
and on Refresh; a newer read of a register replaces an older one. While a large register is
read for the first time its first rows are read beside it and shown meanwhile
(``app.first_rows``). A record asked for (opened from a link, or just saved) is selected
once its register has been read.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMainWindow

from app import first_rows, register_updates
from app.collector import collector_paused
from app.errors import UserError
from app.registers import ID_INDEX, REGISTERS
from ui import errors
from ui.operations import Changes, QueryOp
from ui.workers import AHEAD, ASKED_FOR, reading_queue, wait_for_jobs

# Registers read in the background as soon as a database is opened.
READ_AHEAD = ("actions",)


class RegisterLoading(QObject):
    """The reads of the registers of ``window`` (its ``database``, ``refusal``,
    ``current_key``, ``view(key)``, ``views``, ``set_rows_text`` and ``register_read``)."""

    def __init__(self, window: QMainWindow):
        super().__init__(window)
        self._window = window
        self._reads: dict[str, QueryOp] = {}
        self._first_reads: dict[str, QueryOp] = {}
        self._generations: dict[str, int] = {}
        # The database's plan_stamp when each register shown from first rows was last read.
        self._read_at: dict[str, str | None] = {}
        self.stale: set[str] = set()
        self._pending_select: dict[str, int] = {}

    def is_reading(self, key: str) -> bool:
        return key in self._reads

    def read_of(self, key: str) -> QueryOp | None:
        """Register ``key``'s read under way (its progress dialog is ``read_of(key).job.dialog``)."""
        return self._reads.get(key)

    def loaded_keys(self) -> list[str]:
        return [key for key, view in self._window.views.items() if view.is_loaded]

    def mark_all_stale(self) -> None:
        self.stale.update(self.loaded_keys())

    def stop(self) -> None:
        """Stop every read and wait for the workers (before the database is closed)."""
        for read in list(self._reads.values()):
            read.cancel()
        wait_for_jobs()
        self._reads.clear()

    def forget(self) -> None:
        """Another database: nothing read from the last one is wanted."""
        self.stale.clear()
        self._pending_select.clear()

    # --- reading ------------------------------------------------------------------------

    def load(self, key: str, *, quietly: bool = False, dialog: bool = True) -> None:
        """Read register ``key``; a newer read replaces an older one. ``quietly``: no
        progress dialog, behind what was asked for (reading ahead, before the page is asked
        for); ``dialog=False``: no progress dialog (after a change, with the rows read before
        still on screen and usable)."""
        window = self._window
        if window.refusal is not None:
            window.set_rows_text(window.refusal)
            return
        self.stale.discard(key)
        view = window.view(key)
        old = self._reads.pop(key, None)
        if old is not None:
            old.cancel()
        if key == window.current_key and not view.is_loaded and not view.showing_first_rows:
            window.set_rows_text("Loading…")
        generation = self._generations[key] = self._generations.get(key, 0) + 1
        database, fetch, title = window.database, REGISTERS[key].fetch, REGISTERS[key].title
        read_at: dict[str, str] = {}

        def fetch_rows(session) -> list[tuple]:
            if key in first_rows.READERS:  # the stamp read just before the rows
                read_at["stamp"] = first_rows.plan_stamp(session)
            return fetch(session)

        load_rows = view.make_loader(fetch_rows)
        # A register shown from its first rows meanwhile needs no dialog over them: the
        # status bar says the rest is being read.
        show_dialog = dialog and not (quietly or (key in first_rows.READERS and not view.is_loaded))
        self._reads[key] = QueryOp(
            window, database, load_rows, progress=True, title=f"Opening {title}",
            label=f"Reading {title.lower()}…" if show_dialog else None, cancellable=True,
            pool=reading_queue(), priority=AHEAD if quietly else ASKED_FOR,
            # A damaged file fails its reads before its check ends; the check says so, once.
            bugs_to_log=lambda: not database.known_sound,
            success=lambda result: self._on_loaded(key, generation, result, read_at.get("stamp")),
            failure=lambda error: self._on_load_failed(key, generation, error),
            cancelled=lambda: self._on_load_ended(key, generation, "Loading stopped; press F5 to read the register."),
            ended=lambda: self._on_load_ended(key, generation, "Could not read the register; press F5 to try again."),
        ).run_in_background()

    def update_rows(self, key: str, changes: Changes) -> bool:
        """Read again only the rows of register ``key`` that ``changes`` touched, and put
        them in place with no dialog (``app.register_updates``); the whole register is read
        if that turns out not to be possible. False, and nothing started, where the register
        is not on screen whole or the change is of a kind that needs the whole register."""
        window = self._window
        view = window.views.get(key)
        updates = register_updates.ROW_UPDATES.get(key)
        if (view is None or not view.is_loaded or key in self._reads or window.refusal is not None
                or updates is None or not updates.covers(changes.kinds)):
            return False
        generation = self._generations[key] = self._generations.get(key, 0) + 1
        query = view.model.query
        state = (view.search_box.text(), view.filter_bar.filters(), view.sort())
        records = {table: changes.ids(table) for table in changes.kinds}

        def read(session) -> tuple | None:
            found = register_updates.changed_rows(key, session, records)
            if found is None:
                return None
            fresh, gone = found
            with collector_paused():
                updated = query.replaced(fresh, gone)
                updated.prepare()
                return updated, state, updated.run(*state)

        def done(result: tuple | None) -> None:
            if result is None:  # not possible row by row after all
                if self._take(key, generation):
                    self.load(key, dialog=False)
                return
            self._on_loaded(key, generation, result, None)

        self._reads[key] = QueryOp(
            window, window.database, read, title=f"Opening {REGISTERS[key].title}",
            pool=reading_queue(), priority=ASKED_FOR, success=done,
            failure=lambda error: self._on_load_failed(key, generation, error),
            ended=lambda: self._on_load_ended(key, generation, "Could not read the register; press F5 to try again."),
        ).run_in_background()
        return True

    def read_first_rows(self, key: str) -> None:
        """While a large register is read for the first time, read its first rows beside
        it and show them meanwhile. They go on the shared pool, not the reading queue, so
        they need not wait for the dashboard's read or the register's."""
        window = self._window
        view = window.views[key]
        reader = first_rows.READERS.get(key)
        if reader is None or not view.wants_first_rows() or view.showing_first_rows or key in self._first_reads:
            return
        database, sort = window.database, view.sort()
        remembered = window.settings.remembered_order(key)

        def done(found: first_rows.FirstRows) -> None:
            # Shown only if still wanted, from a database still in use, in the order read.
            if (database is window.database and window.refusal is None and view.wants_first_rows()
                    and view.sort() == sort):
                view.show_first_rows(found.rows, found.total)

        # The whole register's read says what is wrong with the file; a fault in this
        # shortcut alone goes to the log only, as the whole register still comes.
        self._first_reads[key] = QueryOp(
            window, database, lambda session: reader(session, sort, remembered), title=f"Opening {REGISTERS[key].title}",
            priority=ASKED_FOR, bugs_to_log=True, success=done, failure=lambda _error: None,
            ended=lambda: self._first_reads.pop(key, None)).run_in_background()

    def remember_first_rows(self) -> None:
        """Keep which rows each register shown from first rows had at the top in its order,
        for the next start (``app.first_rows.RememberedOrder``): only from rows read since
        the last change, and as read, with no search or filter."""
        window = self._window
        for key in first_rows.READERS:
            view = window.views.get(key)
            stamp = self._read_at.get(key)
            sort = view.sort() if view is not None else None
            if view is None or not view.is_loaded or stamp is None or sort is None or key in self.stale:
                continue
            query = view.model.query
            ids = [query.rows[position][ID_INDEX] for position in query.order(*sort)[:first_rows.FIRST_ROWS]]
            window.settings.set_remembered_order(key, first_rows.RememberedOrder(
                stamp, view.register.columns[sort[0]].key, sort[1], ids))

    def read_ahead(self) -> None:
        """Read the action plan (the office's main page) in the background while the
        dashboard is read, so that it is on screen as soon as it is chosen. The check after
        opening comes after both: it shows nothing, and saves wait for it."""
        for key in READ_AHEAD:
            if not self._window.view(key).is_loaded and key not in self._reads:
                self.load(key, quietly=True)

    # --- how a read ends ----------------------------------------------------------------

    def _take(self, key: str, generation: int) -> bool:
        """Forget register ``key``'s read if it is the latest; True if it was."""
        if self._generations.get(key) != generation or key not in self._reads:
            return False
        del self._reads[key]
        return True

    def _on_loaded(self, key: str, generation: int, result: Any, stamp: str | None) -> None:
        if not self._take(key, generation):
            return
        self._read_at[key] = stamp
        self._window.view(key).set_loaded(result)
        self.select_pending(key)
        self._window.register_read(key)

    def _on_load_failed(self, key: str, generation: int, error: UserError) -> None:
        window = self._window
        if not self._take(key, generation):
            return
        self.stale.add(key)
        if not window.database.known_sound or window.refusal is not None:
            # A damaged file fails its reads before its check ends; the check says so, once.
            if key == window.current_key:
                window.set_rows_text("Could not read the register while the database is being checked.")
            return
        if key == window.current_key:
            window.set_rows_text("Could not read the register; press F5 to try again.")
        errors.report_exception(error, window, title=f"Opening {REGISTERS[key].title}")

    def _on_load_ended(self, key: str, generation: int, words: str) -> None:
        """A cancel, or (after the other callbacks) a bug: the register is read again when
        next shown."""
        if not self._take(key, generation):
            return
        self.stale.add(key)
        if key == self._window.current_key:
            self._window.set_rows_text(words)

    # --- the record to select -----------------------------------------------------------

    def want_selected(self, key: str, record_id: int) -> None:
        """Select ``record_id`` in register ``key`` once it has been read (``select_pending``)."""
        self._pending_select[key] = record_id

    def select_pending(self, key: str) -> None:
        record_id = self._pending_select.get(key)
        window = self._window
        if record_id is None or not window.is_loaded(key):
            return
        del self._pending_select[key]
        if not window.view(key).select_record(record_id):
            window.statusBar().showMessage("That record is archived or no longer in this register.", 5000)
        window.view(key).table.setFocus()
