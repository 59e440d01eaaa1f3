"""One register on screen: a search box, the filters the office uses, and the table.

This is layout and wiring only. Searching, filtering and sorting are done by
``app.table_query.TableQuery`` over the register's row tuples; the table model is then
reset with the rows to show. Column widths, hidden columns and the sort are kept per
register in the window settings and put back the next time.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QModelIndex, QPoint, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QLayoutItem,
    QLineEdit,
    QMenu,
    QPushButton,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from app.collector import collector_paused
from app.dates import parse_date
from app.registers import CHOICE, DATE, FLAG, REVIEW, Register
from app.table_query import Filters, TableQuery, cell_text, describe_view
from ui.settings_store import TableState, WindowSettings
from ui.table_model import TOOLTIP_FROM_LENGTH, RegisterTableModel
from ui.workers import PREPARING, reading_queue, run_job

# Column width caps, in average character widths: free text is cut short (the tooltip
# shows it whole) so that one long summary does not push every other column off screen.
LONG_TEXT_CHARS = 48
OTHER_TEXT_CHARS = TOOLTIP_FROM_LENGTH + 2
# Rows examined when sizing columns to their contents: enough to be representative,
# few enough to stay instant with 100,000 rows.
SIZE_FROM_ROWS = 300
# Registers longer than this wait for a pause in typing before searching; shorter ones
# search on every keystroke.
DEBOUNCE_FROM_ROWS = 5000
DEBOUNCE_MS = 150
# How long after a column is resized its width is saved (resizing sends many events).
SAVE_DELAY_MS = 400
ALL = "All"


def _prepare_in_background(query: TableQuery) -> None:
    """What the first keystroke and the first sort would otherwise wait for."""
    with collector_paused():
        query.search_texts()
        query.prepare_sorting()


def rows_text(count: int) -> str:
    """"1 row", "12,345 rows"."""
    return "1 row" if count == 1 else f"{count:,} rows"


def showing_text(shown: int, total: int) -> str:
    """"Showing 3 of 12 rows", or "12 rows" when nothing is hidden."""
    if shown == total:
        return rows_text(total)
    return f"Showing {shown:,} of {rows_text(total)}"


class RegisterTable(QTableView):
    """A register's table. Columns without a saved width are sized to their contents once
    the table is on screen (its width is known only then): long ones are capped, and any
    width left over is shared among the capped columns so that less text is cut short."""

    # Enter on a row. Not ``activated``: that also comes with a double-click (which has its
    # own signal) and, on some desktops, with a single click.
    return_pressed = Signal(QModelIndex)

    def __init__(self, register: Register, parent: QWidget | None = None):
        super().__init__(parent)
        self._register = register
        self._needs_sizing = False
        self.saved_widths: dict[str, int] = {}
        self.setProperty("register", True)  # the window's style sheet pads these tables' cells
        self.setAlternatingRowColors(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setWordWrap(False)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        rows = self.verticalHeader()
        rows.setVisible(False)
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.return_pressed.emit(self.currentIndex())
            event.accept()
            return
        super().keyPressEvent(event)

    def request_sizing(self) -> None:
        """Size the columns now if the table is on screen, else when it is shown."""
        self._needs_sizing = True
        if self.isVisible():
            self.size_columns()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._needs_sizing:
            self.size_columns()

    def _content_width(self, column: int) -> int:
        """The width column ``column``'s widest text needs, over the first rows shown.

        Measured here, not by ``sizeHintForColumn``: that asks the model for every cell's
        roles one call at a time, each call waiting its turn for Python while a register is
        read on a worker, which made sizing take half a second then."""
        model = self.model()
        rows = min(model.rowCount(), SIZE_FROM_ROWS)
        if rows == 0:
            return 0
        texts = {model.display_text(row, column) for row in range(rows)}
        metrics = self.fontMetrics()
        # Two pixels for the rounding of a text's laid-out width, which the advance lacks.
        return max(metrics.horizontalAdvance(text) for text in texts) + self._cell_padding(column) + 2

    def _cell_padding(self, column: int) -> int:
        """What the item delegate adds around a cell's text (margins, style sheet padding)."""
        option = QStyleOptionViewItem()
        self.initViewItemOption(option)
        index = self.model().index(0, column)
        text = self.model().display_text(0, column)
        return self.itemDelegate().sizeHint(option, index).width() - self.fontMetrics().horizontalAdvance(text)

    def size_columns(self) -> None:
        self._needs_sizing = False
        if self.model() is None:
            return
        columns = self._register.columns
        char = self.fontMetrics().averageCharWidth()
        header = self.horizontalHeader()
        natural = []
        for i, column in enumerate(columns):
            if column.key in self.saved_widths:
                natural.append(self.saved_widths[column.key])
            else:
                natural.append(max(self._content_width(i), header.sectionSizeHint(i)))
        widths = [
            width if column.key in self.saved_widths else
            min(width, (LONG_TEXT_CHARS if column.long_text else OTHER_TEXT_CHARS) * char)
            for width, column in zip(natural, columns)
        ]
        # Keep room for a vertical scroll bar, which more rows may bring later.
        visible = [i for i in range(len(columns)) if not header.isSectionHidden(i)]
        spare = (self.viewport().width() - self.verticalScrollBar().sizeHint().width()
                 - sum(widths[i] for i in visible))
        wanting = [i for i in visible if widths[i] < natural[i]]
        while spare > 0 and wanting:
            share = max(spare // len(wanting), 1)
            for i in list(wanting):
                grow = min(share, natural[i] - widths[i], spare)
                widths[i] += grow
                spare -= grow
                if widths[i] == natural[i]:
                    wanting.remove(i)
        for i, width in enumerate(widths):
            self.setColumnWidth(i, max(width, header.minimumSectionSize()))


class FlowLayout(QLayout):
    """Lays widgets out left to right, wrapping onto more lines when the window is narrow
    (the filter bar must fit a 1366-pixel laptop screen beside the side bar)."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 6):
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        return size

    def _arrange(self, rect: QRect, move: bool) -> int:
        x, y, line_height = rect.x(), rect.y(), 0
        for item in self._items:
            if item.isEmpty():
                continue
            hint = item.sizeHint()
            if x + hint.width() > rect.right() + 1 and line_height > 0:
                x = rect.x()
                y += line_height + self._spacing
                line_height = 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + self._spacing
            line_height = max(line_height, hint.height())
        return y + line_height - rect.y()


def _group(*widgets: QWidget) -> QWidget:
    """Widgets kept together on one line of the filter bar (a label and its box)."""
    holder = QWidget()
    layout = QHBoxLayout(holder)
    layout.setContentsMargins(0, 0, 6, 0)
    layout.setSpacing(4)
    for widget in widgets:
        layout.addWidget(widget)
    return holder


class DateRangeFilter(QWidget):
    """"<date column> from [   ] to [   ]", typed as UK dates, with a message beside the
    boxes when a date cannot be read. ``changed`` is sent when a readable range changes."""

    changed = Signal()

    def __init__(self, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.from_box = QLineEdit()
        self.to_box = QLineEdit()
        for box, name in ((self.from_box, "from"), (self.to_box, "to")):
            box.setPlaceholderText("dd/mm/yyyy")
            box.setAccessibleName(f"{title} {name}")
            box.setClearButtonEnabled(True)
            box.setFixedWidth(box.fontMetrics().horizontalAdvance("00/00/00000") + 40)
            box.textChanged.connect(self._on_text_changed)
            box.editingFinished.connect(self._show_problem)
        self.problem_label = QLabel()
        self.problem_label.setObjectName("dateProblem")
        self.problem_label.setStyleSheet("color: #a50e0e;")
        self.problem_label.setVisible(False)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        label = QLabel(f"{title} from")
        label.setBuddy(self.from_box)
        layout.addWidget(label)
        layout.addWidget(self.from_box)
        to_label = QLabel("to")
        to_label.setBuddy(self.to_box)
        layout.addWidget(to_label)
        layout.addWidget(self.to_box)
        layout.addWidget(self.problem_label)
        layout.addSpacing(6)
        self._range: tuple[dt.date | None, dt.date | None] = (None, None)

    @property
    def date_range(self) -> tuple[dt.date | None, dt.date | None]:
        return self._range

    def clear(self) -> None:
        self.from_box.clear()
        self.to_box.clear()

    def _parsed(self) -> tuple[tuple[dt.date | None, dt.date | None] | None, str]:
        try:
            low = parse_date(self.from_box.text())
            high = parse_date(self.to_box.text())
        except ValueError as err:
            return None, str(err)
        if low and high and low > high:
            return None, "The 'from' date is after the 'to' date."
        return (low, high), ""

    def _on_text_changed(self) -> None:
        parsed, _problem = self._parsed()
        if parsed is None:
            return  # shown when the user leaves the box; the last good range stays
        self.problem_label.setVisible(False)
        if parsed != self._range:
            self._range = parsed
            self.changed.emit()

    def _show_problem(self) -> None:
        parsed, problem = self._parsed()
        self.problem_label.setText(problem)
        self.problem_label.setVisible(parsed is None)


class FilterBar(QWidget):
    """The drop-downs, tick boxes and date range a register is narrowed by, built from
    its columns' ``filter`` metadata. ``changed`` is sent whenever the filters change."""

    changed = Signal()

    def __init__(self, register: Register, parent: QWidget | None = None):
        super().__init__(parent)
        self._register = register
        self.combos: dict[str, QComboBox] = {}
        self.flags: dict[str, QCheckBox] = {}
        self.date_range: DateRangeFilter | None = None
        layout = FlowLayout(self)
        # Drop-downs first, then tick boxes, then the date range: the order of the columns
        # would scatter them.
        for column in register.filter_columns:
            if column.filter in (CHOICE, REVIEW):
                label = QLabel(f"{column.filter_title}:")
                combo = QComboBox()
                combo.setAccessibleName(f"{column.filter_title} filter")
                combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
                combo.setMinimumContentsLength(12)
                combo.addItem(ALL)
                combo.currentIndexChanged.connect(self.changed)
                label.setBuddy(combo)
                layout.addWidget(_group(label, combo))
                self.combos[column.key] = combo
        for column in register.filter_columns:
            if column.filter == FLAG:
                box = QCheckBox(column.filter_title)
                box.setAccessibleName(column.filter_title)
                box.toggled.connect(self.changed)
                layout.addWidget(_group(box))
                self.flags[column.key] = box
            elif column.filter == DATE and self.date_range is None:
                self.date_range = DateRangeFilter(column.header)
                self.date_range.changed.connect(self.changed)
                layout.addWidget(self.date_range)
        self.clear_button = QPushButton("Clear filters")
        self.clear_button.setAccessibleName("Clear filters")
        self.clear_button.clicked.connect(self.clear)
        layout.addWidget(self.clear_button)

    def is_empty(self) -> bool:
        return not (self.combos or self.flags or self.date_range)

    def set_choices(self, query: TableQuery) -> None:
        """Fill the drop-downs from the rows' distinct values, keeping what was chosen."""
        for key, combo in self.combos.items():
            chosen = combo.currentText()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(ALL)
            combo.addItems(query.choices(self._register.column_index(key)))
            index = combo.findText(chosen)
            combo.setCurrentIndex(max(index, 0))
            combo.blockSignals(False)
            if index < 0 and chosen != ALL:
                self.changed.emit()  # what was chosen is no longer there

    def filters(self) -> Filters:
        choices = {key: combo.currentText() for key, combo in self.combos.items()
                   if combo.currentIndex() > 0}
        flags = [key for key, box in self.flags.items() if box.isChecked()]
        low, high = self.date_range.date_range if self.date_range else (None, None)
        return Filters.of(choices, flags, low, high)

    def clear(self) -> None:
        self.blockSignals(True)
        for combo in self.combos.values():
            combo.setCurrentIndex(0)
        for box in self.flags.values():
            box.setChecked(False)
        if self.date_range:
            self.date_range.clear()
        self.blockSignals(False)
        self.changed.emit()


class RegisterView(QWidget):
    """A register: search box and filters above its table.

    Signals: ``counts_changed(shown, total)`` after every search, filter or load;
    ``selection_changed()``; ``record_activated(id)`` on double-click or Enter.
    """

    counts_changed = Signal(int, int)
    selection_changed = Signal()
    record_activated = Signal(int)

    def __init__(self, key: str, register: Register, settings: WindowSettings,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.key = key
        self.register = register
        self._settings = settings
        self._state = settings.table_state(key)
        self._loaded = False
        # While only the first rows are shown (see ``show_first_rows``): the whole count.
        self._first_rows_of: int | None = None
        self._sized = False
        self._text_of: Callable[[Any], str] = cell_text

        self.search_box = QLineEdit()
        self.search_box.setObjectName("searchBox")
        self.search_box.setPlaceholderText(f"Search {register.title.lower()} (Ctrl+F)")
        self.search_box.setAccessibleName(f"Search {register.title}")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.textChanged.connect(self._on_search_edited)
        self.search_box.returnPressed.connect(self._on_search_return)
        self.filter_bar = FilterBar(register)
        self.filter_bar.changed.connect(self.apply)

        self.table = RegisterTable(register)
        self.table.setObjectName(f"{register.title} table")
        self.table.setAccessibleName(register.title)
        self.model = RegisterTableModel(register.columns, [], self, self._text_of)
        self.table.setModel(self.model)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.table.doubleClicked.connect(self._on_row_activated)
        self.table.return_pressed.connect(self._on_row_activated)
        header = self.table.horizontalHeader()
        header.sortIndicatorChanged.connect(self._on_sort_changed)
        header.sectionResized.connect(self._on_section_resized)
        header.customContextMenuRequested.connect(self._on_header_menu_requested)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(DEBOUNCE_MS)
        self._search_timer.timeout.connect(self.apply)
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.save_state)
        self._restoring = False

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        search_label = QLabel("&Search:")
        search_label.setBuddy(self.search_box)
        top.addWidget(search_label)
        top.addWidget(self.search_box, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        if not self.filter_bar.is_empty():
            layout.addWidget(self.filter_bar)
        else:
            self.filter_bar.hide()
        layout.addWidget(self.table, 1)
        self.setFocusProxy(self.table)
        self._restore_columns()

    # --- state ---

    @property
    def is_loaded(self) -> bool:
        return self._loaded

    @property
    def shown_count(self) -> int:
        return self.model.rowCount()

    @property
    def total_count(self) -> int:
        if self.showing_first_rows:
            return self._first_rows_of
        return self.model.total_count

    @property
    def showing_first_rows(self) -> bool:
        """True while the table shows only the register's first rows, the whole register
        being read."""
        return self._first_rows_of is not None and not self._loaded

    def wants_first_rows(self) -> bool:
        """Whether the first rows in the register's order would be what the table shows:
        nothing read yet, and no search or filter (which would need every row)."""
        return not self._loaded and not self.search_box.text().strip() and not self.filter_bar.filters().active

    def sort(self) -> tuple[int, bool] | None:
        header = self.table.horizontalHeader()
        section = header.sortIndicatorSection()
        if not 0 <= section < len(self.register.columns):
            return None
        return section, header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder

    def filters(self) -> Filters:
        """What the filter bar asks for now."""
        return self.filter_bar.filters()

    def description(self) -> str:
        """The search, filters and sort on screen in words ("" when none), for what is
        exported or printed from it."""
        return describe_view(self.register.columns, self.search_box.text(), self.filters(), self.sort())

    def shown_ids(self) -> list[int]:
        """The ids of the rows shown, in the order shown."""
        return self.model.shown_ids()

    def visible_columns(self) -> list[int]:
        header = self.table.horizontalHeader()
        return [i for i in range(len(self.register.columns)) if not header.isSectionHidden(i)]

    # --- loading (the heavy part can run on a worker thread) ---

    def set_text_of(self, text_of: Callable[[Any], str]) -> None:
        """How values are written (the office's date format); takes effect at the next load."""
        self._text_of = text_of

    def make_loader(self, fetch: Callable[[Session], list[tuple]]) -> Callable[[Session, Callable], tuple]:
        """A Qt-free function for a worker, given a read-only session and the progress
        callback (a ``QueryOp``'s): fetch the rows, prepare the filters' choices and run the
        current search, filters and sort. Give its result to ``set_loaded``."""
        columns = self.register.columns
        text_of = self._text_of
        visible = self.visible_columns()
        search, filters, sort = self.search_box.text(), self.filter_bar.filters(), self.sort()
        title = self.register.title.lower()

        def load(session: Session, progress: Callable) -> tuple:
            with collector_paused():
                progress(0, 0, f"Reading {title}…")
                rows = fetch(session)
                progress(0, 0, "Preparing the table…")
                query = TableQuery(columns, rows, text_of, visible)
                query.prepare()
                progress()
                return query, (search, filters, sort), query.run(search, filters, sort)

        return load

    def show_first_rows(self, rows: list[tuple], total: int) -> None:
        """Show a register's first rows (in the order shown) until the whole of it is read:
        they can be selected and opened; searching, filtering and sorting wait for the rest."""
        if self._loaded:
            return
        self._first_rows_of = total
        self.model.set_query(TableQuery(self.register.columns, rows, self._text_of))
        self._size_once()
        self.counts_changed.emit(self.shown_count, self.total_count)

    def _size_once(self) -> None:
        if not self._sized:
            self._sized = True
            self.table.request_sizing()

    def set_loaded(self, loaded: tuple) -> None:
        """Show what ``make_loader``'s function returned, keeping the selection; then build
        the search texts and sort keys on a worker, so that the table is on screen without
        waiting for them."""
        query, state, shown = loaded
        keep = self._selection_state()
        self.filter_bar.blockSignals(True)
        self.filter_bar.set_choices(query)
        self.filter_bar.blockSignals(False)
        current = (self.search_box.text(), self.filter_bar.filters(), self.sort())
        if current != state or query.search_columns != tuple(self.visible_columns()):
            query.set_search_columns(self.visible_columns())
            shown = query.run(*current)
        self.model.set_query(query, shown)
        self._restore_selection(keep)
        self._loaded = True
        self._first_rows_of = None
        self._size_once()
        self.counts_changed.emit(self.shown_count, self.total_count)
        if not (query.search_ready and query.sorting_ready):
            # Typing or sorting before they are ready works them out on the spot, only slower.
            run_job(lambda _progress: _prepare_in_background(query), title=f"Preparing {self.register.title}",
                    parent=self, show_progress=False, on_done=lambda _result: None,
                    pool=reading_queue(), priority=PREPARING)

    def set_rows(self, rows: list[tuple]) -> None:
        """Load ``rows`` on this thread (small registers and tests)."""
        self.set_loaded(self.make_loader(lambda _session: rows)(None, lambda *args: None))

    def unload(self) -> None:
        """Forget the rows (another database was opened); the next show loads again."""
        self._loaded = False
        self._first_rows_of = None
        self._sized = False
        self.model.set_query(TableQuery(self.register.columns, [], self._text_of))

    # --- search, filters and sort ---

    def apply(self) -> None:
        """Show the rows that meet the search and filters, in the chosen order."""
        self._search_timer.stop()
        if self.showing_first_rows:
            return  # the whole register, once read, is shown with the search, filters and sort
        query = self.model.query
        query.set_search_columns(self.visible_columns())
        keep = self._selection_state()
        shown = query.run(self.search_box.text(), self.filter_bar.filters(), self.sort())
        self.model.show(shown)
        self._restore_selection(keep)
        self.counts_changed.emit(self.shown_count, self.total_count)

    def focus_search(self) -> None:
        self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_box.selectAll()

    def _on_search_edited(self, _text: str) -> None:
        if self.model.total_count >= DEBOUNCE_FROM_ROWS:
            self._search_timer.start()
        else:
            self.apply()

    def _on_search_return(self) -> None:
        if self._search_timer.isActive():
            self.apply()
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        if self.model.rowCount() and not self.table.selectionModel().hasSelection():
            self.table.selectRow(0)

    def _on_sort_changed(self, _section: int, _order: Qt.SortOrder) -> None:
        if self._restoring:
            return
        self.apply()
        self._save_timer.start()

    # --- selection ---

    def selected_ids(self) -> list[int]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.record_id(row) for row in rows]

    def current_id(self) -> int | None:
        index = self.table.currentIndex()
        if index.isValid() and self.table.selectionModel().isRowSelected(index.row()):
            return self.model.record_id(index.row())
        ids = self.selected_ids()
        return ids[0] if ids else None

    def select_record(self, record_id: int) -> bool:
        """Select and show the record ``record_id``; if a search or filter hides it, clear
        them first. False if the register does not hold it."""
        row = self.model.row_of(record_id)
        if row is None and (self.search_box.text() or self.filter_bar.filters().active):
            self.search_box.blockSignals(True)
            self.search_box.clear()
            self.search_box.blockSignals(False)
            self.filter_bar.blockSignals(True)
            self.filter_bar.clear()
            self.filter_bar.blockSignals(False)
            self.apply()
            row = self.model.row_of(record_id)
        if row is None:
            return False
        # Not ``selectRow``: it takes the keys held down into account, and with Ctrl held it
        # would unselect a row already selected.
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                                                    | QItemSelectionModel.SelectionFlag.Rows)
        self.table.scrollTo(self.model.index(row, 0), QAbstractItemView.ScrollHint.PositionAtCenter)
        return True

    def _selection_state(self) -> tuple[int | None, list[int]]:
        if self.model.rowCount() == 0:
            return None, []
        return self.current_id(), self.selected_ids()[:100]

    def _restore_selection(self, state: tuple[int | None, list[int]]) -> None:
        current, selected = state
        if not selected:
            return
        selection = QItemSelection()
        last = self.model.columnCount() - 1
        for row in self.model.rows_of(selected).values():
            selection.select(self.model.index(row, 0), self.model.index(row, last))
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect
        self.table.selectionModel().select(selection, flags)
        row = self.model.row_of(current) if current is not None else None
        if row is not None:
            self.table.selectionModel().setCurrentIndex(
                self.model.index(row, 0), QItemSelectionModel.SelectionFlag.NoUpdate)

    def _on_selection_changed(self, *_args) -> None:
        self.selection_changed.emit()

    def _on_row_activated(self, index) -> None:
        if index.isValid():
            self.record_activated.emit(self.model.record_id(index.row()))

    # --- columns ---

    def column_menu(self) -> QMenu:
        """A menu of the columns, ticked when shown, and ways to reset them."""
        menu = QMenu(self)
        menu.setTitle("Columns")
        header = self.table.horizontalHeader()
        visible = self.visible_columns()
        for i, column in enumerate(self.register.columns):
            action = QAction(column.header, menu)
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(i))
            # The last shown column cannot be hidden: a table with no columns is a trap.
            action.setEnabled(not (visible == [i]))
            action.toggled.connect(lambda checked, c=i: self.set_column_visible(c, checked))
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction("Show all columns", self._on_show_all_columns)
        menu.addAction("Reset columns and sort", self.reset_columns)
        return menu

    def set_column_visible(self, column: int, visible: bool) -> None:
        header = self.table.horizontalHeader()
        if not visible and self.visible_columns() == [column]:
            return
        header.setSectionHidden(column, not visible)
        if visible and header.sectionSize(column) < header.minimumSectionSize() * 2:
            self.table.setColumnWidth(column, header.defaultSectionSize())
        self.apply()  # the search looks at shown columns only
        self.save_state()

    def _on_show_all_columns(self) -> None:
        for i in range(len(self.register.columns)):
            self.table.horizontalHeader().setSectionHidden(i, False)
        self.apply()
        self.save_state()

    def reset_columns(self) -> None:
        """Show every column at its natural width, in the register's own order."""
        self._settings.clear_table_state(self.key)
        self._state = TableState()
        self.table.saved_widths = {}
        self._restoring = True
        header = self.table.horizontalHeader()
        for i in range(len(self.register.columns)):
            header.setSectionHidden(i, False)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self._restoring = False
        self.apply()
        self.table.request_sizing()

    def show_column_menu(self) -> QMenu:
        """Open the column chooser under the table's header (View > Columns…)."""
        return self._on_header_menu_requested(QPoint(0, 0))

    def _on_header_menu_requested(self, position: QPoint) -> QMenu:
        menu = self.column_menu()
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self.table.horizontalHeader().mapToGlobal(position))
        return menu

    def _on_section_resized(self, _section: int, _old: int, _new: int) -> None:
        if self._loaded and not self._restoring and self.table.isVisible():
            self._save_timer.start()

    def _restore_columns(self) -> None:
        state = self._state
        keys = [column.key for column in self.register.columns]
        self._restoring = True
        header = self.table.horizontalHeader()
        hidden = [keys.index(key) for key in state.hidden if key in keys]
        if len(hidden) < len(keys):
            for i in hidden:
                header.setSectionHidden(i, True)
        self.table.saved_widths = {k: w for k, w in state.widths.items() if k in keys}
        if state.sort_column in keys:
            header.setSortIndicator(keys.index(state.sort_column),
                                    Qt.SortOrder.DescendingOrder if state.descending
                                    else Qt.SortOrder.AscendingOrder)
        self._restoring = False

    def save_state(self) -> None:
        """Keep the column widths, hidden columns and sort for next time."""
        self._save_timer.stop()
        keys = [column.key for column in self.register.columns]
        header = self.table.horizontalHeader()
        sort = self.sort()
        widths = dict(self.table.saved_widths)
        if self._loaded:
            widths.update({key: header.sectionSize(i) for i, key in enumerate(keys)
                           if not header.isSectionHidden(i) and header.sectionSize(i) > 0
                           and i != len(keys) - 1})  # the last column stretches
        self.table.saved_widths = widths
        self._state = TableState(
            widths=widths,
            hidden=[key for i, key in enumerate(keys) if header.isSectionHidden(i)],
            sort_column=keys[sort[0]] if sort else None,
            descending=bool(sort and sort[1]),
        )
        self._settings.set_table_state(self.key, self._state)
