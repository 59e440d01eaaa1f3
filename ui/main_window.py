"""The main window: the dashboard and the registers in a side bar, menus, status bar.

Wiring only. Each register's screen is a ``RegisterView``; its rows are read on a worker
thread (``ui.workers``) the first time it is shown, after every change (the undo stack
moved, a form saved) and on Refresh. Forms, the dashboard and the linked-records panel
come from their own modules; if one is missing the window still opens without it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QPoint, Qt, QTimer, QUrl
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QDesktopServices,
    QGuiApplication,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QSplitter,
    QStackedWidget,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from app import first_rows, paths
from app.database import Database, open_database, open_demo_database
from app.db_errors import DamagedDatabaseError
from app.errors import UserError
from app.registers import ID_INDEX, REGISTERS
from app.settings import get_settings
from app.table_query import cell_formatter
from ui import dialogs, errors, operations
from ui.about import about_text
from ui.register_view import RegisterView, rows_text, showing_text
from ui.menus import add_import_export_actions, add_report_actions, add_safety_actions, report_for_register
from ui.settings_store import WindowSettings
from ui.table_model import RegisterTableModel
from ui.undo import UndoStack
from ui.workers import AHEAD, ASKED_FOR, Job, reading_queue, run_job, upkeep_queue, wait_for_jobs

try:  # the forms and linked records (another engineer's modules)
    from ui import forms
    from ui.forms.links import LINKED_KINDS, LinkedRecordsPanel
except ImportError:  # pragma: no cover - the window still lists records without them
    forms = None
    LinkedRecordsPanel = None
    LINKED_KINDS = frozenset()
try:
    from ui.dashboard import DashboardView
except ImportError:  # pragma: no cover
    DashboardView = None

APP_TITLE = "Case Review Tracker"
DASHBOARD = "dashboard"
# Pixels beside the longest page title in the side bar.
SIDEBAR_PADDING = 32
# Side-bar pages with a Ctrl+number shortcut (Ctrl+1 is the dashboard).
NUMBERED_PAGES = 9

# Room around the text of side bar entries and table cells, so they are not cramped.
STYLE_SHEET = """
QListWidget#pageList::item { padding: 5px 10px; }
QTableView::item { padding: 0px 6px; }
QTableView QHeaderView::section:horizontal { padding: 4px 6px; border: none;
    border-right: 1px solid palette(mid); border-bottom: 1px solid palette(mid);
    background: palette(button); font-weight: bold; }
"""
# Registers read in the background as soon as a database is opened.
READ_AHEAD = ("actions",)
# Where the reference lists begin in the side bar (a gap is left above them).
FIRST_REFERENCE_LIST = "agencies"


class MainWindow(QMainWindow):
    """The pages listed on the left; the chosen one on the right; linked records beside
    a register's table."""

    def __init__(self, database: Database, parent: QWidget | None = None,
                 settings: WindowSettings | None = None):
        super().__init__(parent)
        self._database = database
        self._initial_database = database
        self.settings = settings or WindowSettings()
        self._keys = [DASHBOARD, *REGISTERS]
        self._views: dict[str, RegisterView] = {}
        self._jobs: dict[str, Job] = {}
        self._first_jobs: dict[str, Job] = {}
        # The database's plan_stamp when each register shown from first rows was last read.
        self._read_at: dict[str, str | None] = {}
        self._generations: dict[str, int] = {}
        self._dashboard_needs_refresh = False
        self._stale: set[str] = set()
        self._pending_select: dict[str, int] = {}
        # Why the open database may not be used (it failed its check), or None.
        self._refusal: str | None = None
        self._text_of = cell_formatter(self._office_date_format())
        self.undo_stack = UndoStack(self)
        operations.changes().records_changed.connect(self._on_records_changed)
        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(0)
        self._reload_timer.timeout.connect(self._reload_after_change)

        self.setWindowTitle(self._window_title())
        self.setStyleSheet(STYLE_SHEET)
        self._build_body()
        self._build_menus()
        self._build_status_bar()
        self._restore_window()
        self.sidebar.setCurrentRow(0)
        self.sidebar.setFocus()
        self._read_ahead()
        self._finish_opening()

    # --- building ---------------------------------------------------------------------

    def _window_title(self) -> str:
        path = self._database.path
        return f"{path.name} — {APP_TITLE}" if path else APP_TITLE

    def _page_title(self, key: str) -> str:
        return "Dashboard" if key == DASHBOARD else REGISTERS[key].title

    def _build_body(self) -> None:
        self.sidebar = QListWidget()
        self.sidebar.setObjectName("pageList")
        self.sidebar.setAccessibleName("Pages")
        for key in self._keys:
            item = QListWidgetItem(self._page_title(key))
            item.setData(Qt.ItemDataRole.UserRole, key)
            self.sidebar.addItem(item)
        self.sidebar.setMinimumWidth(self.sidebar.sizeHintForColumn(0) + SIDEBAR_PADDING)
        self.sidebar.currentRowChanged.connect(self._on_page_chosen)

        self._heading = QLabel()
        self._heading.setObjectName("pageHeading")
        heading_font = self._heading.font()
        heading_font.setPointSizeF(heading_font.pointSizeF() * 1.4)
        heading_font.setBold(True)
        self._heading.setFont(heading_font)

        self._stack = QStackedWidget()
        self._dashboard_holder = QWidget()
        QVBoxLayout(self._dashboard_holder).setContentsMargins(0, 0, 0, 0)
        self.dashboard = None
        self._stack.addWidget(self._dashboard_holder)
        self._make_dashboard()
        # Each register's page is built when first needed (shown, read ahead or asked for):
        # building all twelve would hold up the window's first appearance.
        self._pages: dict[str, QWidget] = {}
        for key in REGISTERS:
            holder = self._pages[key] = QWidget()
            QVBoxLayout(holder).setContentsMargins(0, 0, 0, 0)
            self._stack.addWidget(holder)

        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(8, 6, 4, 0)
        layout.addWidget(self._heading)
        layout.addWidget(self._stack, 1)

        self.linked_panel = LinkedRecordsPanel() if LinkedRecordsPanel is not None else None
        self._body = QSplitter()
        self._body.setObjectName("pageSplitter")
        self._body.addWidget(page)
        if self.linked_panel is not None:
            self.linked_panel.setObjectName("linkedRecordsPanel")
            self.linked_panel.open_requested.connect(self.open_record)
            self.linked_panel.setMinimumWidth(200)
            self._body.addWidget(self.linked_panel)
            self._body.setStretchFactor(0, 1)
            self._body.setSizes([900, 260])

        splitter = QSplitter()
        splitter.setObjectName("mainSplitter")
        splitter.addWidget(self.sidebar)
        splitter.addWidget(self._body)
        splitter.setCollapsible(0, False)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([self.sidebar.minimumWidth() + SIDEBAR_PADDING, 1000])
        self.setCentralWidget(splitter)

    def _view(self, key: str) -> RegisterView:
        """Register ``key``'s view, built on first use."""
        view = self._views.get(key)
        if view is None:
            view = self._views[key] = RegisterView(key, REGISTERS[key], self.settings)
            view.set_text_of(self._text_of)
            view.counts_changed.connect(lambda shown, total, k=key: self._on_counts_changed(k, shown, total))
            view.selection_changed.connect(lambda k=key: self._on_selection_changed(k))
            view.record_activated.connect(self._on_record_activated)
            view.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            view.table.customContextMenuRequested.connect(
                lambda position, k=key: self._on_table_menu_requested(k, position))
        return view

    def _place(self, key: str) -> RegisterView:
        """Register ``key``'s view on its page: done when the page is first shown, as a view
        read ahead need not be laid out (a tenth of a second, while the window opens)."""
        view = self._view(key)
        if view.parentWidget() is None:
            self._pages[key].layout().addWidget(view)
        return view

    def _loaded_keys(self) -> list[str]:
        return [key for key, view in self._views.items() if view.is_loaded]

    def _make_dashboard(self) -> None:
        layout = self._dashboard_holder.layout()
        if self.dashboard is not None:
            layout.removeWidget(self.dashboard)
            self.dashboard.hide()  # now: deleting waits for the event loop, and a question may come first
            self.dashboard.deleteLater()
        if DashboardView is None or self._refusal is not None:
            self.dashboard = QLabel(self._refusal or "The dashboard is not part of this copy of the program.")
            self.dashboard.setObjectName("dashboardRefusal")
            self.dashboard.setWordWrap(True)
            self.dashboard.setAlignment(Qt.AlignmentFlag.AlignCenter)
        else:
            self.dashboard = DashboardView(self._database, self._dashboard_holder)
            self.dashboard.open_requested.connect(self.open_record)
        layout.addWidget(self.dashboard)

    def _action(self, text: str, slot: Callable, shortcut: QKeySequence | str | None = None,
                tip: str = "", icon: QStyle.StandardPixmap | None = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
        if icon is not None:
            action.setIcon(self.style().standardIcon(icon))
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        sp = QStyle.StandardPixmap

        file_menu = bar.addMenu("&File")
        file_menu.addAction(self._action("&New database…", self._on_new_database,
                                         tip="Create an empty database file and open it",
                                         icon=sp.SP_FileIcon))
        self.open_database_action = self._action(
            "&Open database…", self._on_open_database, QKeySequence.StandardKey.Open,
            tip="Open another database file", icon=sp.SP_DialogOpenButton)
        file_menu.addAction(self.open_database_action)
        file_menu.addAction(self._action("Open &demo", self._on_open_demo,
                                         tip="Open the demo database of made-up records"))
        self.recent_menu = file_menu.addMenu("&Recent databases")
        self.recent_menu.setObjectName("recentMenu")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        self._fill_recent_menu()
        file_menu.addSeparator()
        add_import_export_actions(file_menu, self, lambda: self._database, self._visible_action_ids)
        file_menu.addSeparator()
        add_safety_actions(file_menu, self, lambda: self._database,
                           reopen=self._reopen_after_restore, close_database=self._close_for_restore)
        file_menu.addSeparator()
        file_menu.addAction(self._action("&Settings…", self._on_settings,
                                         tip="The partnership's name, protective marking, date format and logo"))
        file_menu.addSeparator()
        file_menu.addAction(self._action("&Quit", self.close, "Ctrl+Q"))

        edit_menu = bar.addMenu("&Edit")
        self.undo_action, self.redo_action = self.undo_stack.make_actions(self)
        self.undo_action.setIcon(self.style().standardIcon(sp.SP_ArrowBack))
        self.redo_action.setIcon(self.style().standardIcon(sp.SP_ArrowForward))
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        edit_menu.addSeparator()
        self.copy_action = self._action("&Copy rows", self._on_copy_rows, QKeySequence.StandardKey.Copy,
                                        tip="Copy the selected rows, to paste into Excel or Word")
        edit_menu.addAction(self.copy_action)
        self.find_action = self._action("&Find…", self.focus_search, QKeySequence.StandardKey.Find,
                                        tip="Search the register on screen")
        edit_menu.addAction(self.find_action)

        view_menu = bar.addMenu("&View")
        self._page_actions = QActionGroup(self)
        for number, key in enumerate(self._keys, start=1):
            if key == FIRST_REFERENCE_LIST:
                view_menu.addSeparator()
            action = QAction(self._page_title(key), self)
            action.setCheckable(True)
            if number <= NUMBERED_PAGES:
                action.setShortcut(QKeySequence(f"Ctrl+{number}"))
            action.triggered.connect(lambda _checked=False, k=key: self.show_page(k))
            self._page_actions.addAction(action)
            view_menu.addAction(action)
        view_menu.addSeparator()
        view_menu.addAction(self._action("&Next page", lambda: self._step_page(1), "Ctrl+PgDown"))
        view_menu.addAction(self._action("&Previous page", lambda: self._step_page(-1), "Ctrl+PgUp"))
        view_menu.addSeparator()
        self.refresh_action = self._action("&Refresh", self.refresh, QKeySequence.StandardKey.Refresh,
                                           icon=sp.SP_BrowserReload)
        self.refresh_action.setShortcuts([QKeySequence("F5")])
        view_menu.addAction(self.refresh_action)
        self.columns_action = self._action("&Columns…", self._on_choose_columns,
                                           tip="Choose the columns the table shows")
        view_menu.addAction(self.columns_action)
        self.clear_filters_action = self._action("Clear &filters", self._on_clear_filters,
                                                 tip="Show every row of the register")
        view_menu.addAction(self.clear_filters_action)

        self.records_menu = bar.addMenu("&Records")
        self.records_menu.setObjectName("recordsMenu")
        self.new_action = self._action("&New…", self._on_new_record, QKeySequence.StandardKey.New,
                                       tip="Add a record to the register on screen", icon=sp.SP_FileDialogNewFolder)
        self.edit_action = self._action("&Edit…\tEnter", self._on_edit_record,
                                        tip="Open the selected record")
        self.delete_action = self._action("&Delete…", self._on_delete_records, QKeySequence.StandardKey.Delete,
                                          tip="Archive the selected records (Undo brings them back)",
                                          icon=sp.SP_TrashIcon)
        self.records_menu.aboutToShow.connect(self._fill_records_menu)
        self._fill_records_menu()

        reports_menu = bar.addMenu("Re&ports")
        self.print_action = self._action("&Print current view…", self._on_print_current_view,
                                         QKeySequence.StandardKey.Print)
        self.print_action.setStatusTip("The paper for the page on screen, with its filters")
        reports_menu.addAction(self.print_action)
        reports_menu.addSeparator()
        add_report_actions(reports_menu, self, lambda: self._database)
        self.reports_menu = reports_menu

        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self._action("&About Case Review Tracker", self._on_about,
                                         icon=sp.SP_MessageBoxInformation))
        help_menu.addAction(self._action("Open the &data folder", self._on_open_data_folder,
                                         tip="Backups, logs and window settings are kept there"))

    def _build_status_bar(self) -> None:
        self._rows_label = QLabel()
        self._rows_label.setObjectName("rowCount")
        self._rows_label.setContentsMargins(0, 0, 12, 0)
        self._database_label = QLabel()
        self._database_label.setObjectName("databaseName")
        # Both permanent, on the right: the messages that come and go on the left (the check
        # after opening, "Copied 3 rows") must not hide the count of rows shown.
        self.statusBar().addPermanentWidget(self._rows_label)
        self.statusBar().addPermanentWidget(self._database_label)
        self._show_database_name()

    def _show_database_name(self) -> None:
        self._database_label.setText(f"Database: {self._database_description()}")

    def _database_description(self) -> str:
        if self._database.path is not None:
            return str(self._database.path)
        return self._database.engine.url.render_as_string(hide_password=True)

    def _office_date_format(self) -> str:
        with self._database.readers() as session:
            return get_settings(session).date_format

    # --- what tests and other screens use --------------------------------------------

    @property
    def database(self) -> Database:
        return self._database

    @property
    def current_key(self) -> str:
        """The key of the page on screen: "dashboard" or a key of ``REGISTERS``."""
        return self._keys[self._stack.currentIndex()]

    def view(self, key: str) -> RegisterView:
        """The screen of register ``key``."""
        return self._view(key)

    def model(self, key: str) -> RegisterTableModel:
        return self._view(key).model

    def is_loaded(self, key: str) -> bool:
        """True once register ``key``'s rows are on screen and no reload is under way."""
        view = self._views.get(key)
        return view is not None and view.is_loaded and key not in self._jobs

    def show_page(self, key: str) -> None:
        """Put a page ("dashboard" or a register key) on screen."""
        self.sidebar.setCurrentRow(self._keys.index(key))

    show_register = show_page

    def open_record(self, kind: str, record_id: int) -> None:
        """Show register ``kind`` with record ``record_id`` selected (after loading)."""
        if kind not in REGISTERS:
            return
        self._pending_select[kind] = record_id
        self.show_page(kind)
        self._select_pending(kind)

    def refresh(self) -> None:
        """Read the page on screen again; the others are read again when next shown."""
        self._stale.update(self._loaded_keys())
        key = self.current_key
        if key == DASHBOARD:
            self._refresh_dashboard()
        else:
            self._dashboard_needs_refresh = True
            self._load(key)

    def focus_search(self) -> None:
        if self.current_key == DASHBOARD:
            self.show_page(next(iter(REGISTERS)))
        self._view(self.current_key).focus_search()

    # --- loading ----------------------------------------------------------------------

    def _fetcher(self, key: str, read_at: dict[str, str]) -> Callable[[], list[tuple]]:
        """A function reading register ``key``'s rows; for a register shown from its first
        rows it puts the database's ``plan_stamp`` in ``read_at``, read just before them."""
        database, fetch = self._database, REGISTERS[key].fetch

        def fetch_rows() -> list[tuple]:
            with database.readers() as session:
                if key in first_rows.READERS:
                    read_at["stamp"] = first_rows.plan_stamp(session)
                return fetch(session)

        return fetch_rows

    def _load(self, key: str, *, quietly: bool = False) -> None:
        """Read register ``key`` on a worker thread; a newer load replaces an older one.
        ``quietly``: no progress dialog (reading ahead, before the page is asked for)."""
        if self._refusal is not None:
            self._rows_label.setText(self._refusal)
            return
        self._stale.discard(key)
        view = self._view(key)
        old = self._jobs.pop(key, None)
        if old is not None:
            old.cancel()
        if key == self.current_key and not view.is_loaded and not view.showing_first_rows:
            self._rows_label.setText("Loading…")
        generation = self._generations[key] = self._generations.get(key, 0) + 1
        read_at: dict[str, str] = {}
        job = run_job(
            view.make_loader(self._fetcher(key, read_at)), title=f"Opening {REGISTERS[key].title}",
            label=f"Reading {REGISTERS[key].title.lower()}…", parent=self,
            on_done=lambda result, k=key, g=generation: self._on_loaded(k, g, result, read_at.get("stamp")),
            on_error=lambda error, k=key, g=generation: self._on_load_failed(k, g, error),
            on_cancelled=lambda k=key, g=generation: self._on_load_cancelled(k, g),
            # A register shown from its first rows meanwhile needs no dialog over them: the
            # status bar says the rest is being read.
            show_progress=not (quietly or (key in first_rows.READERS and not view.is_loaded)),
            pool=reading_queue(), priority=AHEAD if quietly else ASKED_FOR,
        )
        self._jobs[key] = job

    def _read_first_rows(self, key: str) -> None:
        """While a large register is read for the first time, read its first rows beside
        it and show them meanwhile (``app.first_rows``). They go on the shared pool, not the
        reading queue, so they need not wait for the dashboard's read or the register's."""
        view = self._views[key]
        reader = first_rows.READERS.get(key)
        if reader is None or not view.wants_first_rows() or view.showing_first_rows or key in self._first_jobs:
            return
        database, sort = self._database, view.sort()
        remembered = self.settings.remembered_order(key)

        def read(_progress) -> first_rows.FirstRows:
            with database.readers() as session:
                return reader(session, sort, remembered)

        def done(found: first_rows.FirstRows) -> None:
            self._first_jobs.pop(key, None)
            # Shown only if still wanted, from a database still in use, in the order read.
            if (database is self._database and self._refusal is None and view.wants_first_rows()
                    and view.sort() == sort):
                view.show_first_rows(found.rows, found.total)

        def failed(error: BaseException) -> None:
            self._first_jobs.pop(key, None)
            # The whole register's read says what is wrong with the file; a fault in this
            # shortcut alone goes to the log only, as the whole register still comes.
            if errors.known_error_sentence(error) is None:
                errors.write_log(errors.crash_report(type(error), error, error.__traceback__))

        self._first_jobs[key] = run_job(read, title=f"Opening {REGISTERS[key].title}", parent=self,
                                        show_progress=False, on_done=done, on_error=failed,
                                        on_cancelled=lambda: self._first_jobs.pop(key, None),
                                        priority=ASKED_FOR)

    def _remember_first_rows(self) -> None:
        """Keep which rows each register shown from first rows had at the top in its order,
        for the next start (``app.first_rows.RememberedOrder``): only from rows read since
        the last change, and as read, with no search or filter."""
        for key in first_rows.READERS:
            view = self._views.get(key)
            stamp = self._read_at.get(key)
            sort = view.sort() if view is not None else None
            if view is None or not view.is_loaded or stamp is None or sort is None or key in self._stale:
                continue
            query = view.model.query
            ids = [query.rows[position][ID_INDEX] for position in query.order(*sort)[:first_rows.FIRST_ROWS]]
            self.settings.set_remembered_order(key, first_rows.RememberedOrder(
                stamp, view.register.columns[sort[0]].key, sort[1], ids))

    def _job_is_current(self, key: str, generation: int) -> bool:
        return self._generations.get(key) == generation and key in self._jobs

    def _on_loaded(self, key: str, generation: int, result: Any, stamp: str | None) -> None:
        if not self._job_is_current(key, generation):
            return
        self._jobs.pop(key, None)
        self._read_at[key] = stamp
        self._view(key).set_loaded(result)
        self._select_pending(key)
        if key == self.current_key:
            self._show_linked_records()

    def _on_load_failed(self, key: str, generation: int, error: BaseException) -> None:
        if not self._job_is_current(key, generation):
            return
        self._jobs.pop(key, None)
        self._stale.add(key)
        if not self._database.known_sound or self._refusal is not None:
            # A damaged file fails its reads before its check ends; the check says so, once.
            if key == self.current_key:
                self._rows_label.setText("Could not read the register while the database is being checked.")
            return
        if key == self.current_key:
            self._rows_label.setText("Could not read the register; press F5 to try again.")
        errors.report_exception(error, self, title=f"Opening {REGISTERS[key].title}")

    def _on_load_cancelled(self, key: str, generation: int) -> None:
        if not self._job_is_current(key, generation):
            return
        self._jobs.pop(key, None)
        self._stale.add(key)
        if key == self.current_key:
            self._rows_label.setText("Loading stopped; press F5 to read the register.")

    def _select_pending(self, key: str) -> None:
        record_id = self._pending_select.get(key)
        if record_id is None or not self.is_loaded(key):
            return
        del self._pending_select[key]
        if not self._view(key).select_record(record_id):
            self.statusBar().showMessage("That record is archived or no longer in this register.", 5000)
        self._view(key).table.setFocus()

    def _read_ahead(self) -> None:
        """Read the action plan (the office's main page) in the background while the
        dashboard is read, so that it is on screen as soon as it is chosen. The check after
        opening comes after both: it shows nothing, and saves wait for it."""
        for key in READ_AHEAD:
            if not self._view(key).is_loaded and key not in self._jobs:
                self._load(key, quietly=True)

    def _schedule_reload(self) -> None:
        """Read the data again after a change, once, however many changes came together."""
        self._reload_timer.start()

    def _reload_after_change(self) -> None:
        self.refresh()
        self._show_linked_records()

    def _on_records_changed(self, changes: operations.Changes) -> None:
        if changes.database is self._database:
            self._schedule_reload()

    # --- pages ------------------------------------------------------------------------

    def _on_page_chosen(self, row: int) -> None:
        if row < 0:
            return
        key = self._keys[row]
        self._stack.setCurrentIndex(row)
        self._heading.setText(self._page_title(key))
        self._page_actions.actions()[row].setChecked(True)
        is_register = key != DASHBOARD
        for action in (self.columns_action, self.clear_filters_action, self.copy_action):
            action.setEnabled(is_register)
        if self.linked_panel is not None:
            self.linked_panel.setVisible(key in LINKED_KINDS)
        if is_register:
            view = self._place(key)
            if key in self._stale or (not view.is_loaded and key not in self._jobs):
                self._load(key)
            if key in self._jobs:
                self._read_first_rows(key)
            if view.is_loaded or view.showing_first_rows:
                self._on_counts_changed(key, view.shown_count, view.total_count)
            elif key in self._jobs:
                self._rows_label.setText("Loading…")
            self._show_linked_records()
        else:
            self._rows_label.setText("")
            if self.dashboard is not None and self._dashboard_stale():
                self._refresh_dashboard()
        self._update_record_actions()

    def _dashboard_stale(self) -> bool:
        return self._dashboard_needs_refresh

    def _refresh_dashboard(self) -> None:
        self._dashboard_needs_refresh = False
        if hasattr(self.dashboard, "refresh"):
            self.dashboard.refresh()

    def _step_page(self, step: int) -> None:
        self.sidebar.setCurrentRow((self.sidebar.currentRow() + step) % len(self._keys))

    def _on_counts_changed(self, key: str, shown: int, total: int) -> None:
        if key != self.current_key:
            return
        if self._views[key].showing_first_rows:
            self._rows_label.setText(f"The first {shown:,} of {total:,} rows; reading the rest…" if shown < total
                                     else f"{rows_text(total)}; still reading…")
        else:
            self._rows_label.setText(showing_text(shown, total))

    def _on_selection_changed(self, key: str) -> None:
        if key == self.current_key:
            self._show_linked_records()
            self._update_record_actions()

    def _show_linked_records(self) -> None:
        if self.linked_panel is None or self.current_key == DASHBOARD:
            return
        key = self.current_key
        view = self._view(key)
        ids = view.selected_ids() if view.is_loaded or view.showing_first_rows else []
        try:
            self.linked_panel.show_record(self._database, key, ids[0] if len(ids) == 1 else None)
        except UserError as err:
            self.statusBar().showMessage(str(err), 5000)

    # --- records ----------------------------------------------------------------------

    def _editable(self, key: str) -> bool:
        return (forms is not None and self._refusal is None
                and key in getattr(forms, "EDITABLE_KINDS", set()))

    def _update_record_actions(self) -> None:
        key = self.current_key
        editable = key != DASHBOARD and self._editable(key)
        count = len(self._view(key).selected_ids()) if key != DASHBOARD else 0
        self.new_action.setEnabled(editable)
        self.edit_action.setEnabled(editable and count == 1)
        self.delete_action.setEnabled(editable and count >= 1)

    def _quick_actions(self, key: str) -> list[tuple[str, str]]:
        if key == DASHBOARD or forms is None:
            return []
        return forms.quick_actions(key)

    def _add_record_actions(self, menu: QMenu, key: str) -> None:
        self._update_record_actions()
        menu.addAction(self.new_action)
        menu.addAction(self.edit_action)
        menu.addAction(self.delete_action)
        quick = self._quick_actions(key)
        if quick:
            menu.addSeparator()
            single = key != DASHBOARD and len(self._view(key).selected_ids()) == 1
            for name, label in quick:
                action = menu.addAction(label)
                action.setObjectName(f"quick_{name}")
                action.setEnabled(single)
                action.triggered.connect(lambda _checked=False, n=name: self.run_quick_action(n))

    def _fill_records_menu(self) -> None:
        self.records_menu.clear()
        self._add_record_actions(self.records_menu, self.current_key)

    def _on_table_menu_requested(self, key: str, position: QPoint) -> None:
        view = self._view(key)
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._add_record_actions(menu, key)
        menu.addSeparator()
        menu.addAction(self.copy_action)
        menu.popup(view.table.viewport().mapToGlobal(position))

    def _after_save(self, key: str, record_id: int) -> None:
        """Select the saved record, once the register has been read again if the save
        changed it (its write asked for that: ``_on_records_changed``)."""
        self._pending_select[key] = record_id
        if not self._reload_timer.isActive():
            self._select_pending(key)

    def _on_new_record(self) -> None:
        key = self.current_key
        if not self._editable(key):
            return
        record_id = forms.open_editor(self, self._database, self.undo_stack, key)
        if record_id is not None:
            self._after_save(key, record_id)

    def _on_edit_record(self) -> None:
        key = self.current_key
        if key == DASHBOARD:
            return
        record_id = self._view(key).current_id()
        if record_id is not None:
            self._on_record_activated(record_id)

    def _on_record_activated(self, record_id: int) -> None:
        key = self.current_key
        if not self._editable(key):
            return
        saved = forms.open_editor(self, self._database, self.undo_stack, key, record_id)
        if saved is not None:
            self._after_save(key, saved)

    def _on_delete_records(self) -> None:
        key = self.current_key
        if not self._editable(key):
            return
        ids = self._view(key).selected_ids()
        if ids:
            forms.delete_records(self, self._database, self.undo_stack, key, ids)

    def run_quick_action(self, name: str) -> bool:
        """Run quick action ``name`` on the selected record; True if it saved."""
        key = self.current_key
        if key == DASHBOARD or forms is None:
            return False
        record_id = self._view(key).current_id()
        if record_id is None:
            return False
        saved = forms.run_quick_action(self, self._database, self.undo_stack, name, key, record_id)
        if saved:
            self._after_save(key, record_id)
        return saved

    def _on_copy_rows(self) -> None:
        """The selected rows (shown columns only) as tab-separated text, with headers."""
        key = self.current_key
        if key == DASHBOARD:
            return
        view = self._view(key)
        rows = sorted({index.row() for index in view.table.selectionModel().selectedRows()})
        if not rows:
            return
        columns = view.visible_columns()
        model = view.model
        lines = ["\t".join(model.columns[c].header for c in columns)]
        for row in rows:
            lines.append("\t".join(
                str(model.data(model.index(row, c)) or "").replace("\t", " ") for c in columns))
        QGuiApplication.clipboard().setText("\n".join(lines))
        self.statusBar().showMessage(f"Copied {len(rows):,} row{'s' * (len(rows) != 1)}.", 3000)

    def _on_choose_columns(self) -> None:
        if self.current_key != DASHBOARD:
            self._view(self.current_key).show_column_menu()

    def _on_clear_filters(self) -> None:
        if self.current_key != DASHBOARD:
            view = self._view(self.current_key)
            view.search_box.clear()
            view.filter_bar.clear()

    # --- reports ----------------------------------------------------------------------

    def _on_print_current_view(self) -> None:
        """The paper for the page on screen (Reports > Print, Ctrl+P), preset from its filters:
        the action plan for the action plan, the briefing for reviews, and so on."""
        key = self.current_key
        preset = {}
        if key in REGISTERS:
            filters = self._view(key).filters()
            preset = {**dict(filters.choices), **{flag: True for flag in filters.flags},
                      "date_from": filters.date_from, "date_to": filters.date_to}
        found = report_for_register(key or "", **preset)
        if found is None:
            found = ("briefing", {})  # the dashboard and the lists: the paper the chair reads
        from ui.report_dialogs import open_report_dialog

        open_report_dialog(self, self._database, found[0], **found[1])

    # --- databases --------------------------------------------------------------------

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = self.settings.recent_databases()
        if not recent:
            action = self.recent_menu.addAction("(none yet)")
            action.setEnabled(False)
            return
        for number, path in enumerate(recent, start=1):
            action = self.recent_menu.addAction(f"&{number} {Path(path).name} — {path}")
            action.triggered.connect(lambda _checked=False, p=path: self.open_database_file(Path(p), create=False))

    def _on_new_database(self) -> None:
        path = dialogs.save_file(self, "New database", "Case Review Tracker databases (*.sqlite)",
                                 paths.data_dir() / "new-database.sqlite")
        if path is None:
            return
        if path.suffix == "":
            path = path.with_suffix(".sqlite")
        if path.exists() and path.stat().st_size > 0:
            dialogs.warn(self, "New database",
                         f"{path} already exists. Choose a new file name; nothing has been changed.")
            return
        self.open_database_file(path, create=True)

    def _on_open_database(self) -> None:
        path = dialogs.open_file(self, "Open database",
                                 "Case Review Tracker databases (*.sqlite *.db);;All files (*)",
                                 self._database.path.parent if self._database.path else None)
        if path is not None:
            self.open_database_file(path, create=False)

    def _on_open_demo(self) -> None:
        def open_demo(progress) -> Database:
            progress(0, 0, "Opening the demo database…")
            return open_demo_database(paths.demo_db_path())

        self._open_in_worker(open_demo, paths.demo_db_path(), "Opening the demo database")

    def open_database_file(self, path: Path, *, create: bool) -> None:
        """Open (or create) the database at ``path`` and show it instead of the current one;
        if it cannot be opened, say why and stay on the current one."""
        if self._database.path is not None and path.resolve() == self._database.path.resolve():
            return

        def open_it(progress) -> Database:
            progress(0, 0, f"Opening {path.name}…")
            return open_database(path, create=create)

        self._open_in_worker(open_it, path, f"Opening {path.name}")

    def _visible_action_ids(self) -> list[int] | None:
        """The actions the action plan shows as filtered now (None if it is not loaded)."""
        view = self._views.get("actions")  # not built: not loaded
        if view is None or not view.is_loaded:
            return None
        return [view.model.record_id(row) for row in range(view.model.rowCount())]

    def _close_for_restore(self) -> None:
        """Let go of the database file so a backup can replace it."""
        for job in list(self._jobs.values()):
            job.cancel()
        wait_for_jobs()
        self._jobs.clear()
        self._database.close()

    def _reopen_after_restore(self, path: Path) -> None:
        self._open_in_worker(lambda progress: open_database(path, create=False), path,
                             "Opening the restored database")

    def _open_in_worker(self, function: Callable, path: Path, title: str) -> None:
        def failed(error: BaseException) -> None:
            if isinstance(error, UserError) and not path.exists():
                self.settings.remove_recent_database(path)
            from ui.safety_dialogs import handle_open_error

            # A damaged file, and a backup restored: open it again.
            handle_open_error(self, path, error,
                              restored=lambda again: self.open_database_file(path, create=False) if again else None)

        def cancelled() -> None:
            self.statusBar().showMessage("Opening stopped; the current database is still open.", 5000)

        run_job(function, title=title, parent=self, on_done=self.switch_database,
                on_error=failed, on_cancelled=cancelled, cancellable=False)

    def switch_database(self, database: Database) -> None:
        """Show ``database`` instead of the current one, which is closed."""
        for job in list(self._jobs.values()):
            job.cancel()
        wait_for_jobs()
        self._jobs.clear()
        old = self._database
        self._database = database
        self._refusal = None
        # The command line closes the first database again on exit; closing twice is harmless.
        old.close()
        self.undo_stack.clear()
        self._stale.clear()
        self._pending_select.clear()
        if database.path is not None:
            self.settings.add_recent_database(database.path)
        self._text_of = cell_formatter(self._office_date_format())
        for view in self._views.values():
            view.set_text_of(self._text_of)
            view.unload()
        self._make_dashboard()
        self.setWindowTitle(self._window_title())
        self._show_database_name()
        if self.linked_panel is not None:
            self.linked_panel.show_record(self._database, "referrals", None)
        self._on_page_chosen(self.sidebar.currentRow())
        self.statusBar().showMessage(f"Opened {self._database_description()}.", 5000)
        self._read_ahead()
        self._finish_opening()

    # --- the check after opening ------------------------------------------------------

    def _finish_opening(self) -> None:
        """Run the check and daily backup that opening put off (so the window appeared at
        once), or say what the check at open found; saves wait until it has passed."""
        database = self._database
        if not database.check_pending:
            self._on_open_checked(database, database.open_check)
            return
        self.statusBar().showMessage("Checking the database and taking today's backup…")
        run_job(lambda _progress: database.finish_open_check(), title="Checking the database",
                parent=self, show_progress=False,
                on_done=lambda check: self._on_open_checked(database, check),
                on_error=lambda error: self._on_open_check_failed(database, error), pool=upkeep_queue())

    def _on_open_checked(self, database: Database, check) -> None:
        if database is not self._database or check is None:
            return
        # Reads that failed while the check ran are tried again now that the file is sound.
        self._read_ahead()
        if self.current_key != DASHBOARD and self.current_key in self._stale:
            self._load(self.current_key)
        if check.warning:
            self.statusBar().showMessage("Today's backup could not be taken.")
            dialogs.warn(self, "Today's backup", f"{check.warning}\n\nYour work is saved as usual; "
                         "the backup will be taken the next time the database is opened. To keep "
                         "backups somewhere else, use File > Backup folder….")
        elif check.backup is not None:
            self.statusBar().showMessage(f"Database checked; today's backup taken ({check.backup.path.name}).", 8000)
        else:
            self.statusBar().clearMessage()

    def _on_open_check_failed(self, database: Database, error: BaseException) -> None:
        if database is not self._database:
            return
        if not isinstance(error, DamagedDatabaseError):
            self.statusBar().clearMessage()
            errors.report_exception(error, self, title="Checking the database")
            return
        # Nothing from a damaged file stays on screen, and nothing can be saved to it.
        self._refusal = (f"{database.path.name} failed its check and is not in use: nothing in it is "
                         "shown and nothing can be saved to it. Restore a backup (File > Restore…) "
                         "or open another database.")
        self._close_for_restore()
        for view in self._views.values():
            view.unload()
        self._make_dashboard()
        self._on_page_chosen(self.sidebar.currentRow())
        self.statusBar().showMessage(self._refusal)
        from ui.safety_dialogs import offer_restore_for_damaged

        offer_restore_for_damaged(
            self, error, restored=lambda again: self._reopen_after_restore(database.path) if again else None)

    # --- settings and help ------------------------------------------------------------

    def _on_settings(self) -> None:
        from ui.settings_dialog import OfficeSettingsDialog

        dialog = OfficeSettingsDialog(self._database, self)
        dialog.settings_saved.connect(self._on_office_settings_saved)
        dialog.exec()

    def _on_office_settings_saved(self, office) -> None:
        self._text_of = cell_formatter(office.date_format)
        for key, view in self._views.items():
            view.set_text_of(self._text_of)
            if view.is_loaded:
                self._stale.add(key)
        self._dashboard_needs_refresh = True
        if self.current_key != DASHBOARD:
            self._load(self.current_key)

    def _on_about(self) -> None:
        dialogs.inform(self, "About Case Review Tracker", about_text(self._database))

    def _on_open_data_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(paths.data_dir())))

    # --- the window itself ------------------------------------------------------------

    def _restore_window(self) -> None:
        geometry = self.settings.geometry
        self._saved_geometry_fits = False
        if geometry is not None:
            self.restoreGeometry(geometry)
            # Qt shrinks a window that no longer fits the screen (a laptop taken off its large
            # monitor) to two thirds of it; then the window opens as if nothing was saved.
            size = self.settings.window_size
            self._saved_geometry_fits = self.isMaximized() or size is None or self.size() == size
        state = self.settings.window_state
        if state is not None:
            self.restoreState(state)

    @property
    def has_saved_geometry(self) -> bool:
        """Whether the window took the size and place it had when last closed (not when
        that no longer fits the screen)."""
        return self._saved_geometry_fits

    def closeEvent(self, event: QCloseEvent) -> None:
        self.settings.geometry = self.saveGeometry()
        self.settings.window_size = self.normalGeometry().size() if self.isMaximized() else self.size()
        self.settings.window_state = self.saveState()
        self.settings.last_page = self.current_key
        for view in self._views.values():
            if view.is_loaded:
                view.save_state()
        self._remember_first_rows()
        self.settings.sync()
        for job in list(self._jobs.values()):
            job.cancel()
        wait_for_jobs()
        self._jobs.clear()
        if self._database is not self._initial_database:
            self._database.close()
        super().closeEvent(event)

