"""The main window: the dashboard and the registers in a side bar, menus, status bar.

Wiring only. The pieces live in modules of their own: each register's screen is a
``RegisterView`` whose rows ``ui.register_loading`` reads off the GUI thread (the first
time it is shown, after a change and on Refresh); ``ui.database_opening`` opens, switches
and checks the database; ``ui.record_actions`` runs the Records menu; forms, the
dashboard and the linked-records panel come from their own modules (if one is missing the
window still opens without it). Every read and write goes through ``ui.operations``; the
window reads its registers again when a write announces a change to its database.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QEvent, Qt, QTimer, QUrl
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from app import paths
from app.database import Database
from app.errors import UserError
from app.registers import REGISTERS
from app.settings import get_settings
from app.table_query import cell_formatter
from ui import dialogs, operations
from ui.about import about_text
from ui.change_watch import ChangeWatch
from ui.database_opening import OpenDatabase
from ui.menus import add_import_export_actions, add_report_actions, add_safety_actions, report_for_register
from ui import case_tools, chasing
from ui.record_actions import DASHBOARD, RecordActions
from ui.register_loading import RegisterLoading
from ui.register_view import RegisterView, rows_text, showing_text
from ui.settings_store import WindowSettings
from ui.table_model import RegisterTableModel
from ui.toolbar import MainToolBar
from ui.undo import UndoStack
from ui.widgets.date_edit import set_office_date_format

try:  # the linked records (another engineer's module)
    from ui.forms.links import LINKED_KINDS, LinkedRecordsPanel
except ImportError:  # pragma: no cover - the window still lists records without them
    LinkedRecordsPanel = None
    LINKED_KINDS = frozenset()
try:
    from ui.dashboard import DashboardView
except ImportError:  # pragma: no cover
    DashboardView = None

APP_TITLE = "Case Review Tracker"
# Pixels beside the longest page title in the side bar.
SIDEBAR_PADDING = 32
# Side-bar pages with a Ctrl+number shortcut (Ctrl+1 is the dashboard).
NUMBERED_PAGES = 9

# Room around the text of side bar entries and table cells, so they are not cramped.
# Scoped to the registers' tables: a calendar's day cells are a table too, and with this
# padding two-digit days were cut to "...".
STYLE_SHEET = """
QListWidget#pageList::item { padding: 5px 10px; }
QTableView[register="true"]::item { padding: 0px 6px; }
QTableView[register="true"] QHeaderView::section:horizontal { padding: 4px 6px; border: none;
    border-right: 1px solid palette(mid); border-bottom: 1px solid palette(mid);
    background: palette(button); font-weight: bold; }
"""
# Where the reference lists begin in the side bar (a gap is left above them).
FIRST_REFERENCE_LIST = "agencies"


class MainWindow(QMainWindow):
    """The pages listed on the left; the chosen one on the right; linked records beside
    a register's table."""

    def __init__(self, database: Database, parent: QWidget | None = None,
                 settings: WindowSettings | None = None):
        super().__init__(parent)
        self.settings = settings or WindowSettings()
        self._keys = [DASHBOARD, *REGISTERS]
        self.views: dict[str, RegisterView] = {}
        self._dashboard_needs_refresh = False
        self.loading = RegisterLoading(self)
        self.databases = OpenDatabase(self, database, self.settings, stop_reading=self.loading.stop)
        self.databases.switched.connect(self._on_database_switched)
        self.databases.checked.connect(self._on_database_checked)
        self.databases.refused.connect(self._on_database_refused)
        self._text_of = cell_formatter(self._office_date_format())
        self.undo_stack = UndoStack(self)
        self._changed: set[tuple[str, int]] = set()  # what writes changed, not yet shown
        operations.changes().records_changed.connect(self._on_records_changed)
        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(0)
        self._reload_timer.timeout.connect(self._reload_after_change)
        self.change_watch = ChangeWatch(self)
        self.change_watch.changed_elsewhere.connect(self._on_changed_elsewhere)

        self.setWindowTitle(self._window_title())
        self.setStyleSheet(STYLE_SHEET)
        self.records = RecordActions(self)
        self._build_body()
        self._build_menus()
        self._build_toolbar()
        case_tools.install(self)  # deadlines and the case page (ui.case_tools)
        chasing.install(self)  # Chase… in the Records menu and on the toolbar (ui.chasing)
        self._build_status_bar()
        self._restore_window()
        self.sidebar.setCurrentRow(0)
        self.sidebar.setFocus()
        self.loading.read_ahead()
        self.databases.finish_opening()
        self.change_watch.check()

    # --- building ---------------------------------------------------------------------

    def _window_title(self) -> str:
        database = self.database
        if database.path is not None:
            return f"{database.path.name} — {APP_TITLE}"
        return f"{database.location} — {APP_TITLE}" if database.on_server else APP_TITLE

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
        view = self.views.get(key)
        if view is None:
            view = self.views[key] = RegisterView(key, REGISTERS[key], self.settings)
            view.set_text_of(self._text_of)
            view.counts_changed.connect(lambda shown, total, k=key: self._on_counts_changed(k, shown, total))
            view.selection_changed.connect(lambda k=key: self._on_selection_changed(k))
            view.record_activated.connect(self.records.open_record)
            view.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            view.table.customContextMenuRequested.connect(
                lambda position, k=key: self.records.show_table_menu(k, position))
        return view

    def _place(self, key: str) -> RegisterView:
        """Register ``key``'s view on its page: done when the page is first shown, as a view
        read ahead need not be laid out (a tenth of a second, while the window opens)."""
        view = self._view(key)
        if view.parentWidget() is None:
            self._pages[key].layout().addWidget(view)
        return view

    def _make_dashboard(self) -> None:
        layout = self._dashboard_holder.layout()
        if self.dashboard is not None:
            layout.removeWidget(self.dashboard)
            self.dashboard.hide()  # now: deleting waits for the event loop, and a question may come first
            self.dashboard.deleteLater()
        if DashboardView is None or self.refusal is not None:
            self.dashboard = QLabel(self.refusal or "The dashboard is not part of this copy of the program.")
            self.dashboard.setObjectName("dashboardRefusal")
            self.dashboard.setWordWrap(True)
            self.dashboard.setAlignment(Qt.AlignmentFlag.AlignCenter)
        else:
            self.dashboard = DashboardView(self.database, self._dashboard_holder)
            self.dashboard.open_requested.connect(self.open_record)
            case_tools.connect_dashboard(self, self.dashboard)
        layout.addWidget(self.dashboard)

    def make_action(self, text: str, slot: Callable, shortcut: QKeySequence | str | None = None,
                    tip: str = "", icon: QStyle.StandardPixmap | None = None) -> QAction:
        """An action of this window: ``slot`` runs when it is triggered."""
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
        action = self.make_action

        file_menu = bar.addMenu("&File")
        file_menu.addAction(action("&New database…", self.databases.new_database,
                                   tip="Create an empty database file and open it", icon=sp.SP_FileIcon))
        self.open_database_action = action("&Open database…", self.databases.choose_and_open,
                                           QKeySequence.StandardKey.Open, tip="Open another database file",
                                           icon=sp.SP_DialogOpenButton)
        file_menu.addAction(self.open_database_action)
        self.open_server_action = action("Open &server database…", self.databases.choose_server_and_open,
                                         tip="Open the office's shared database on a PostgreSQL server")
        file_menu.addAction(self.open_server_action)
        file_menu.addAction(action("Open &demo", self.databases.open_demo,
                                   tip="Open the demo database of made-up records"))
        self.recent_menu = file_menu.addMenu("&Recent databases")
        self.recent_menu.setObjectName("recentMenu")
        self.recent_menu.aboutToShow.connect(lambda: self.databases.fill_recent_menu(self.recent_menu))
        self.databases.fill_recent_menu(self.recent_menu)
        self.move_to_server_action = action("&Move to a server…", self.databases.move_to_server,
                                            tip="Copy this database into an empty one on a PostgreSQL server, "
                                                "to share it")
        file_menu.addAction(self.move_to_server_action)
        self.move_to_server_action.setEnabled(not self.database.on_server)  # a file only
        self.databases.switched.connect(lambda database: self.move_to_server_action.setEnabled(not database.on_server))
        file_menu.addSeparator()
        self.export_action = action("&Export this page…", self._on_export_current_view, "Ctrl+E",
                                    tip="Write the rows on screen, as filtered and sorted, to a file",
                                    icon=sp.SP_DialogSaveButton)
        self.export_action.setObjectName("exportCurrentView")
        self.export_action.setIconText("Export")
        add_import_export_actions(file_menu, self, lambda: self.database, self._visible_action_ids,
                                  get_view_text=lambda: self._view_text("actions"), export_view=self.export_action)
        file_menu.addSeparator()
        safety = add_safety_actions(file_menu, self, lambda: self.database,
                                    reopen=self.databases.reopen_after_restore,
                                    close_database=self.databases.close_for_restore)
        # Everything is saved as it is entered: Save takes a backup copy there and then.
        self.save_action = safety[0]
        self.save_action.setShortcut(QKeySequence.StandardKey.Save)
        self.save_action.setIconText("Save")
        self.save_action.setIcon(self.style().standardIcon(sp.SP_DriveHDIcon))
        self.save_action.setToolTip("Save: your changes are saved as you make them; this takes a "
                                    "backup copy of the database now (Ctrl+S)")
        file_menu.addSeparator()
        file_menu.addAction(action("&Settings…", self._on_settings,
                                   tip="The partnership's name, protective marking, date format and logo"))
        file_menu.addSeparator()
        file_menu.addAction(action("&Quit", self.close, "Ctrl+Q"))

        edit_menu = bar.addMenu("&Edit")
        self.undo_action, self.redo_action = self.undo_stack.make_actions(self)
        self.undo_action.setIcon(self.style().standardIcon(sp.SP_ArrowBack))
        self.redo_action.setIcon(self.style().standardIcon(sp.SP_ArrowForward))
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        edit_menu.addSeparator()
        self.copy_action = self.records.copy_action
        edit_menu.addAction(self.copy_action)
        self.find_action = action("&Find…", self.focus_search, QKeySequence.StandardKey.Find,
                                  tip="Search the register on screen")
        edit_menu.addAction(self.find_action)

        view_menu = bar.addMenu("&View")
        self._page_actions = QActionGroup(self)
        for number, key in enumerate(self._keys, start=1):
            if key == FIRST_REFERENCE_LIST:
                view_menu.addSeparator()
            page_action = QAction(self._page_title(key), self)
            page_action.setCheckable(True)
            if number <= NUMBERED_PAGES:
                page_action.setShortcut(QKeySequence(f"Ctrl+{number}"))
            page_action.triggered.connect(lambda _checked=False, k=key: self.show_page(k))
            self._page_actions.addAction(page_action)
            view_menu.addAction(page_action)
        view_menu.addSeparator()
        view_menu.addAction(action("&Next page", lambda: self._step_page(1), "Ctrl+PgDown"))
        view_menu.addAction(action("&Previous page", lambda: self._step_page(-1), "Ctrl+PgUp"))
        view_menu.addSeparator()
        self.refresh_action = action("&Refresh", self.refresh, QKeySequence.StandardKey.Refresh,
                                     icon=sp.SP_BrowserReload)
        self.refresh_action.setShortcuts([QKeySequence("F5")])
        view_menu.addAction(self.refresh_action)
        self.columns_action = action("&Columns…", self._on_choose_columns, tip="Choose the columns the table shows")
        view_menu.addAction(self.columns_action)
        self.clear_filters_action = action("Clear &filters", self._on_clear_filters,
                                           tip="Show every row of the register")
        view_menu.addAction(self.clear_filters_action)

        self.records_menu = bar.addMenu("&Records")
        self.records_menu.setObjectName("recordsMenu")
        self.new_action = self.records.new_action
        self.edit_action = self.records.edit_action
        self.delete_action = self.records.delete_action
        self.records_menu.aboutToShow.connect(lambda: self.records.fill_menu(self.records_menu))
        self.records.fill_menu(self.records_menu)

        reports_menu = bar.addMenu("Re&ports")
        self.print_action = action("&Print current view…", self._on_print_current_view,
                                   QKeySequence.StandardKey.Print)
        self.print_action.setStatusTip("The paper for the page on screen, with its filters")
        reports_menu.addAction(self.print_action)
        reports_menu.addSeparator()
        add_report_actions(reports_menu, self, lambda: self.database)
        self.reports_menu = reports_menu

        help_menu = bar.addMenu("&Help")
        self.help_action = action("User &guide", self._on_help, QKeySequence.StandardKey.HelpContents,
                                  tip="A short guide to the program, on this computer", icon=sp.SP_DialogHelpButton)
        self.help_action.setShortcuts([QKeySequence("F1")])
        help_menu.addAction(self.help_action)
        help_menu.addAction(action("Getting &started…", self.show_first_run,
                                   tip="Open the demo, start an empty database or import a tracker"))
        help_menu.addSeparator()
        help_menu.addAction(action("&About Case Review Tracker", self._on_about, icon=sp.SP_MessageBoxInformation))
        help_menu.addAction(action("Open the &data folder", self._on_open_data_folder,
                                   tip="Backups, logs and window settings are kept there"))

    def _build_toolbar(self) -> None:
        self.new_action.setIconText("New")
        self.undo_action.setIconText("Undo")
        self.print_action.setIconText("Print")
        self.print_action.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_FileDialogDetailedView))
        # Chase (ui.chasing) takes its place with ``self.toolbar.set_chase_action``.
        self.toolbar = MainToolBar([self.new_action, self.save_action, self.undo_action, None,
                                    self.export_action, MainToolBar.CHASE, self.print_action], self)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.toolbar)

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
        if self.database.on_server:
            self._database_label.setText(f"Shared database: {self.databases.description()}")
            self._database_label.setToolTip("On a PostgreSQL server, where others may be working at the same "
                                            "time: their changes appear here as they save them.")
        else:
            self._database_label.setText(f"Database: {self.databases.description()}")
            self._database_label.setToolTip("")

    def _office_date_format(self) -> str:
        # One setting, read as the window is built or switched: the registers' cells need it
        # before their first read, and the forms' date fields show dates in it.
        with self.database.readers() as session:
            pattern = get_settings(session).date_format
        set_office_date_format(pattern)
        return pattern

    # --- what tests and other screens use --------------------------------------------

    @property
    def database(self) -> Database:
        return self.databases.database

    @property
    def refusal(self) -> str | None:
        """Why the open database may not be used (it failed its check), or None."""
        return self.databases.refusal

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
        view = self.views.get(key)
        return view is not None and view.is_loaded and not self.loading.is_reading(key)

    def show_page(self, key: str) -> None:
        """Put a page ("dashboard" or a register key) on screen."""
        self.sidebar.setCurrentRow(self._keys.index(key))

    show_register = show_page

    def open_record(self, kind: str, record_id: int) -> None:
        """Show register ``kind`` with record ``record_id`` selected (after loading)."""
        if kind not in REGISTERS:
            return
        self.loading.want_selected(kind, record_id)
        self.show_page(kind)
        self.loading.select_pending(kind)

    def select_when_read(self, key: str, record_id: int) -> None:
        """Select a record just saved, once the register has been read again if the save
        changed it (its write asked for that: ``_on_records_changed``)."""
        self.loading.want_selected(key, record_id)
        if not self._reload_timer.isActive():
            self.loading.select_pending(key)

    def open_database_file(self, path, *, create: bool) -> None:
        self.databases.open_file(path, create=create)

    def run_quick_action(self, name: str) -> bool:
        """Run quick action ``name`` on the selected record; True if it saved."""
        return self.records.run_quick_action(name)

    def refresh(self) -> None:
        """Read the page on screen again; the others are read again when next shown."""
        self.loading.mark_all_stale()
        key = self.current_key
        if key == DASHBOARD:
            self._refresh_dashboard()
        else:
            self._dashboard_needs_refresh = True
            self.loading.load(key)

    def focus_search(self) -> None:
        if self.current_key == DASHBOARD:
            self.show_page(next(iter(REGISTERS)))
        self._view(self.current_key).focus_search()

    def set_rows_text(self, text: str) -> None:
        """What the status bar says of the rows shown ("3 rows", "Loading…")."""
        self._rows_label.setText(text)

    def register_read(self, key: str) -> None:
        """Register ``key`` has been read (``ui.register_loading``)."""
        if key == self.current_key:
            self._show_linked_records()

    # --- changes ----------------------------------------------------------------------

    def _on_records_changed(self, changes: operations.Changes) -> None:
        if changes.database is self.database:
            self._changed.update(changes.records)
            self._reload_timer.start()  # once, however many changes came together

    def _reload_after_change(self) -> None:
        """Show what was saved: a large register reads only the rows the save changed; any
        other register on screen is read again, with no dialog (its rows stay usable
        meanwhile); the rest when next shown."""
        changes = operations.Changes(self.database, frozenset(self._changed))
        self._changed.clear()
        for key in self.loading.loaded_keys():
            if not self.loading.update_rows(key, changes):
                self.loading.stale.add(key)
        key = self.current_key
        if key == DASHBOARD:
            self._refresh_dashboard()
        else:
            self._dashboard_needs_refresh = True
            if key in self.loading.stale:
                self.loading.load(key, dialog=False)
        self._show_linked_records()

    def _on_changed_elsewhere(self, records: frozenset[tuple[str, int]]) -> None:
        # Written by another copy of the program or a command: the rows it wrote are read again.
        self._on_records_changed(operations.Changes(self.database, records))
        # Rows that change with no action of the officer's are said to be others' doing.
        self.statusBar().showMessage("Shown with the changes saved meanwhile by others (another person, or "
                                     "another copy of the program).", 10_000)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.ActivationChange:
            # As the officer leaves the window and comes back to it: what changed meanwhile.
            self.change_watch.check()

    def _on_database_switched(self, database: Database) -> None:
        self.change_watch.forget()
        self.change_watch.check()
        self.undo_stack.clear()
        self.loading.forget()
        self._changed.clear()
        self._text_of = cell_formatter(self._office_date_format())
        for view in self.views.values():
            view.set_text_of(self._text_of)
            view.unload()
        self._make_dashboard()
        self.setWindowTitle(self._window_title())
        self._show_database_name()
        if self.linked_panel is not None:
            self.linked_panel.show_record(database, "referrals", None)
        self._on_page_chosen(self.sidebar.currentRow())
        self.loading.read_ahead()

    def _on_database_checked(self) -> None:
        # Reads that failed while the check ran are tried again now that the file is sound.
        self.loading.read_ahead()
        if self.current_key != DASHBOARD and self.current_key in self.loading.stale:
            self.loading.load(self.current_key)

    def _on_database_refused(self, _reason: str) -> None:
        # Nothing from a damaged file stays on screen.
        for view in self.views.values():
            view.unload()
        self._make_dashboard()
        self._on_page_chosen(self.sidebar.currentRow())

    # --- pages ------------------------------------------------------------------------

    def _on_page_chosen(self, row: int) -> None:
        if row < 0:
            return
        key = self._keys[row]
        self._stack.setCurrentIndex(row)
        self._heading.setText(self._page_title(key))
        self._page_actions.actions()[row].setChecked(True)
        is_register = key != DASHBOARD
        for page_action in (self.columns_action, self.clear_filters_action, self.copy_action):
            page_action.setEnabled(is_register)
        if self.linked_panel is not None:
            self.linked_panel.setVisible(key in LINKED_KINDS)
        if is_register:
            view = self._place(key)
            if key in self.loading.stale or (not view.is_loaded and not self.loading.is_reading(key)):
                self.loading.load(key)
            if self.loading.is_reading(key):
                self.loading.read_first_rows(key)
            if view.is_loaded or view.showing_first_rows:
                self._on_counts_changed(key, view.shown_count, view.total_count)
            elif self.loading.is_reading(key):
                self.set_rows_text("Loading…")
            self._show_linked_records()
        else:
            self.set_rows_text("")
            if self.dashboard is not None and self._dashboard_needs_refresh:
                self._refresh_dashboard()
        self.records.update()

    def _refresh_dashboard(self) -> None:
        self._dashboard_needs_refresh = False
        if hasattr(self.dashboard, "refresh"):
            self.dashboard.refresh()

    def _step_page(self, step: int) -> None:
        self.sidebar.setCurrentRow((self.sidebar.currentRow() + step) % len(self._keys))

    def _on_counts_changed(self, key: str, shown: int, total: int) -> None:
        if key != self.current_key:
            return
        if self.views[key].showing_first_rows:
            self.set_rows_text(f"The first {shown:,} of {total:,} rows; reading the rest…" if shown < total
                               else f"{rows_text(total)}; still reading…")
        else:
            self.set_rows_text(showing_text(shown, total))

    def _on_selection_changed(self, key: str) -> None:
        if key == self.current_key:
            self._show_linked_records()
            self.records.update()

    def _show_linked_records(self) -> None:
        if self.linked_panel is None or self.current_key == DASHBOARD:
            return
        key = self.current_key
        view = self._view(key)
        ids = view.selected_ids() if view.is_loaded or view.showing_first_rows else []
        try:
            self.linked_panel.show_record(self.database, key, ids[0] if len(ids) == 1 else None)
        except UserError as err:
            self.statusBar().showMessage(str(err), 5000)

    def _on_choose_columns(self) -> None:
        if self.current_key != DASHBOARD:
            self._view(self.current_key).show_column_menu()

    def _on_clear_filters(self) -> None:
        if self.current_key != DASHBOARD:
            view = self._view(self.current_key)
            view.search_box.clear()
            view.filter_bar.clear()

    def _visible_action_ids(self) -> list[int] | None:
        """The actions the action plan shows as filtered now, in the order shown (None if
        it is not loaded)."""
        view = self.views.get("actions")  # not built: not loaded
        if view is None or not view.is_loaded:
            return None
        return view.shown_ids()

    def _view_text(self, key: str) -> str:
        """How register ``key`` is filtered and sorted on screen, in words ("" if not at all)."""
        view = self.views.get(key)
        return view.description() if view is not None and view.is_loaded else ""

    def _on_export_current_view(self) -> None:
        """Export the page on screen (Ctrl+E, the toolbar's Export): the action plan as a
        workbook or CSV file, preset to the rows shown in their order; any other register's
        rows shown, in their order, as a CSV file; from the dashboard, the action plan."""
        from ui import import_export

        key = self.current_key
        if key in (DASHBOARD, "actions"):
            import_export.export_action_plan_dialog(self, self.database, action_ids=self._visible_action_ids(),
                                                    view_text=self._view_text("actions"))
            return
        view = self._view(key)
        if not view.is_loaded:
            self.statusBar().showMessage("The register is still being read; export it once it is on screen.", 5000)
            return
        import_export.export_view_csv(self, self.database, key, view.shown_ids(), REGISTERS[key].title)

    # --- reports, settings and help ---------------------------------------------------

    def _on_print_current_view(self) -> None:
        """The paper for the page on screen (Reports > Print, Ctrl+P), preset from its filters:
        the action plan for the action plan, the briefing for reviews, and so on."""
        key = self.current_key
        preset = {}
        if key in REGISTERS:
            view = self._view(key)
            filters = view.filters()
            preset = {**dict(filters.choices), **{flag: True for flag in filters.flags},
                      "date_from": filters.date_from, "date_to": filters.date_to}
            if key == "recommendations" and "review" not in preset and view.is_loaded:
                # No review chosen: the response covers the reviews of the recommendations shown.
                column = REGISTERS[key].column_index("review")
                preset["review"] = list(dict.fromkeys(
                    view.model.display_text(row, column) for row in range(view.model.rowCount())))
        found = report_for_register(key or "", **preset)
        if found is None:
            found = ("briefing", {})  # the dashboard and the lists: the paper the chair reads
        elif key == "actions" and self._view(key).is_loaded and self._view(key).description():
            # A search or a filter the paper has no option for: offer the rows shown.
            view = self._view(key)
            found[1].update(action_ids=view.shown_ids(), shown=view.description())
        from ui.report_dialogs import open_report_dialog

        open_report_dialog(self, self.database, found[0], **found[1])

    def _on_settings(self) -> None:
        from ui.settings_dialog import OfficeSettingsDialog

        dialog = OfficeSettingsDialog(self.database, self)
        dialog.settings_saved.connect(self._on_office_settings_saved)
        dialog.exec()

    def _on_office_settings_saved(self, office) -> None:
        self._text_of = cell_formatter(office.date_format)
        for key, view in self.views.items():
            view.set_text_of(self._text_of)
            if view.is_loaded:
                self.loading.stale.add(key)
        self._dashboard_needs_refresh = True
        if self.current_key != DASHBOARD:
            self.loading.load(self.current_key)

    def _on_help(self) -> None:
        from ui.help_view import show_guide

        show_guide(self)

    def welcome(self) -> None:
        """At start-up: the first-run page the first time the program runs here; after
        that, where papers and exports go while that has not been chosen."""
        if not self.settings.welcomed:
            self.show_first_run()
        else:
            from ui.output_folder_dialog import ask_output_folder

            ask_output_folder(self)

    def show_first_run(self) -> None:
        """The first-run page (Help > Getting started; at the first start, ``ui.app``)."""
        from ui.first_run import show_first_run

        self.settings.welcomed = True
        self.settings.sync()

        def import_tracker() -> None:
            from ui import import_export

            import_export.import_workbook(self, self.database)

        show_first_run(self, {"demo": self.databases.open_demo, "new": self.databases.new_database,
                              "import": import_tracker})

    def _on_about(self) -> None:
        dialogs.inform(self, "About Case Review Tracker", about_text(self.database))

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
        for view in self.views.values():
            if view.is_loaded:
                view.save_state()
        self.loading.remember_first_rows()
        self.settings.sync()
        self.loading.stop()
        self.databases.close()
        super().closeEvent(event)
