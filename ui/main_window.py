"""The main window: the registers in a side bar, each shown as a read-only table."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QListWidget,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.database import Database
from app.registers import REGISTERS, Register
from ui.table_model import TOOLTIP_FROM_LENGTH, RegisterTableModel

APP_TITLE = "Case Review Tracker"

# Column width caps, in average character widths: free text is cut short (the tooltip
# shows it whole) so that one long summary does not push every other column off screen.
# Other columns fit any cell too short to have a tooltip.
LONG_TEXT_CHARS = 48
OTHER_TEXT_CHARS = TOOLTIP_FROM_LENGTH + 2
# Pixels beside the longest register title in the side bar.
SIDEBAR_PADDING = 32

# Room around the text of side bar entries and table cells, so they are not cramped.
STYLE_SHEET = """
QListWidget#registerList::item { padding: 5px 10px; }
QTableView::item { padding: 0px 6px; }
QTableView QHeaderView::section:horizontal { padding: 4px 6px; border: none;
    border-right: 1px solid palette(mid); border-bottom: 1px solid palette(mid);
    background: palette(button); font-weight: bold; }
"""
# Rows examined when sizing columns to their contents: enough to be representative,
# few enough to stay instant with 100,000 rows.
SIZE_FROM_ROWS = 300


def rows_text(count: int) -> str:
    """"1 row", "12,345 rows"."""
    return "1 row" if count == 1 else f"{count:,} rows"


class RegisterView(QTableView):
    """A register's table. Columns are sized to their contents once the table is on
    screen (its width is known only then): long ones are capped, and any width left over
    is shared among the capped columns so that less text is cut short."""

    def __init__(self, register: Register, parent: QWidget | None = None):
        super().__init__(parent)
        self._register = register
        self._needs_sizing = False

    def set_register_model(self, model: RegisterTableModel) -> None:
        """Show ``model``'s rows; size the columns now if the table is on screen."""
        self.setModel(model)
        self._needs_sizing = True
        if self.isVisible():
            self._size_columns()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._needs_sizing:
            self._size_columns()

    def _size_columns(self) -> None:
        self._needs_sizing = False
        char = self.fontMetrics().averageCharWidth()
        self.resizeColumnsToContents()
        natural = [self.columnWidth(i) for i in range(len(self._register.columns))]
        widths = [
            min(width, (LONG_TEXT_CHARS if column.long_text else OTHER_TEXT_CHARS) * char)
            for width, column in zip(natural, self._register.columns)
        ]
        # The stretched last column is never narrower than the default section size.
        widths[-1] = max(widths[-1], self.horizontalHeader().defaultSectionSize())
        # Keep room for a vertical scroll bar, which more rows may bring later.
        spare = self.viewport().width() - self.verticalScrollBar().sizeHint().width() - sum(widths)
        wanting = [i for i, width in enumerate(widths) if width < natural[i]]
        while spare > 0 and wanting:
            share = max(spare // len(wanting), 1)
            for i in list(wanting):
                grow = min(share, natural[i] - widths[i], spare)
                widths[i] += grow
                spare -= grow
                if widths[i] == natural[i]:
                    wanting.remove(i)
        for i, width in enumerate(widths):
            self.setColumnWidth(i, width)


class MainWindow(QMainWindow):
    """The registers listed on the left; the chosen one's table on the right.

    A register's rows are read the first time it is shown (and again on Refresh), each in
    one short session.
    """

    def __init__(self, database: Database, parent: QWidget | None = None):
        super().__init__(parent)
        self._database = database
        self._keys = list(REGISTERS)
        self._models: dict[str, RegisterTableModel] = {}
        self._views: dict[str, RegisterView] = {}

        self.setWindowTitle(self._window_title())
        self.setStyleSheet(STYLE_SHEET)
        self._build_body()
        self._build_menus()
        self._build_status_bar()
        self.sidebar.setCurrentRow(0)
        self.sidebar.setFocus()

    # --- building ---------------------------------------------------------------------

    def _window_title(self) -> str:
        path = self._database.path
        return f"{path.name} — {APP_TITLE}" if path else APP_TITLE

    def _build_body(self) -> None:
        self.sidebar = QListWidget()
        self.sidebar.setObjectName("registerList")
        self.sidebar.setAccessibleName("Registers")
        self.sidebar.addItems([REGISTERS[key].title for key in self._keys])
        self.sidebar.setMinimumWidth(self.sidebar.sizeHintForColumn(0) + SIDEBAR_PADDING)
        self.sidebar.currentRowChanged.connect(self._on_register_chosen)

        self._heading = QLabel()
        self._heading.setObjectName("registerHeading")
        heading_font = self._heading.font()
        heading_font.setPointSizeF(heading_font.pointSizeF() * 1.4)
        heading_font.setBold(True)
        self._heading.setFont(heading_font)

        self._stack = QStackedWidget()
        for key in self._keys:
            view = self._make_view(REGISTERS[key])
            self._views[key] = view
            self._stack.addWidget(view)

        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(8, 6, 4, 0)
        layout.addWidget(self._heading)
        layout.addWidget(self._stack)

        splitter = QSplitter()
        splitter.addWidget(self.sidebar)
        splitter.addWidget(page)
        splitter.setCollapsible(0, False)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([self.sidebar.minimumWidth() + SIDEBAR_PADDING, 1000])
        self.setCentralWidget(splitter)

    def _make_view(self, register: Register) -> RegisterView:
        view = RegisterView(register)
        view.setObjectName(f"{register.title} table")
        view.setAccessibleName(register.title)
        view.setAlternatingRowColors(True)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setWordWrap(False)
        view.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        rows = view.verticalHeader()
        rows.setVisible(False)
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(view.fontMetrics().height() + 10)
        header = view.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        header.setResizeContentsPrecision(SIZE_FROM_ROWS)
        return view

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        view_menu = self.menuBar().addMenu("&View")
        self._register_actions = QActionGroup(self)
        for number, key in enumerate(self._keys, start=1):
            action = QAction(REGISTERS[key].title, self)
            action.setCheckable(True)
            if number <= 9:
                action.setShortcut(QKeySequence(f"Ctrl+{number}"))
            action.triggered.connect(lambda _checked=False, k=key: self.show_register(k))
            self._register_actions.addAction(action)
            view_menu.addAction(action)
        view_menu.addSeparator()
        for text, shortcut, step in (("&Next register", "Ctrl+PgDown", 1),
                                     ("&Previous register", "Ctrl+PgUp", -1)):
            action = QAction(text, self)
            action.setShortcut(QKeySequence(shortcut))
            action.triggered.connect(lambda _checked=False, s=step: self._step_register(s))
            view_menu.addAction(action)
        view_menu.addSeparator()
        refresh = QAction("&Refresh", self)
        refresh.setShortcut(QKeySequence("F5"))
        refresh.triggered.connect(self.refresh)
        view_menu.addAction(refresh)

    def _build_status_bar(self) -> None:
        self._rows_label = QLabel()
        self._rows_label.setObjectName("rowCount")
        self._database_label = QLabel(f"Database: {self._database_description()}")
        self._database_label.setObjectName("databaseName")
        self.statusBar().addWidget(self._rows_label, 1)
        self.statusBar().addPermanentWidget(self._database_label)

    def _database_description(self) -> str:
        if self._database.path is not None:
            return str(self._database.path)
        return self._database.engine.url.render_as_string(hide_password=True)

    # --- what tests and other screens use --------------------------------------------

    @property
    def current_key(self) -> str:
        """The key (in ``REGISTERS``) of the register on screen."""
        return self._keys[self._stack.currentIndex()]

    def view(self, key: str) -> RegisterView:
        """The table showing the register called ``key``."""
        return self._views[key]

    def model(self, key: str) -> RegisterTableModel:
        """The rows of register ``key``, read from the database if not read yet."""
        if key not in self._models:
            self._models[key] = RegisterTableModel(REGISTERS[key].columns, self._fetch(key), self)
            self._views[key].set_register_model(self._models[key])
        return self._models[key]

    def show_register(self, key: str) -> None:
        """Put register ``key`` on screen."""
        self.sidebar.setCurrentRow(self._keys.index(key))

    def refresh(self) -> None:
        """Read the register on screen again; the others are read again when next shown."""
        for key in list(self._models):
            if key != self.current_key:
                self._views[key].setModel(None)
                del self._models[key]
        self._models[self.current_key].set_rows(self._fetch(self.current_key))
        self._show_row_count()

    # --- behaviour --------------------------------------------------------------------

    def _fetch(self, key: str) -> list[tuple]:
        with self._database.readers() as session:
            return REGISTERS[key].fetch(session)

    def _on_register_chosen(self, row: int) -> None:
        if row < 0:
            return
        key = self._keys[row]
        self.model(key)
        self._stack.setCurrentIndex(row)
        self._heading.setText(REGISTERS[key].title)
        self._register_actions.actions()[row].setChecked(True)
        self._show_row_count()

    def _step_register(self, step: int) -> None:
        self.sidebar.setCurrentRow((self.sidebar.currentRow() + step) % len(self._keys))

    def _show_row_count(self) -> None:
        self._rows_label.setText(rows_text(self._models[self.current_key].rowCount()))
