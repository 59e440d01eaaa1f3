"""The dashboard the case review sub group's chair looks at.

Layout only: the figures come from ``app.dashboard.dashboard_figures``, read in a
read-only session on a worker thread (they take about half a second on a database of
100,000 actions) and handed back by a signal; widgets are touched on the GUI thread only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.dashboard import (
    CLOCK_HORIZON_WORKING_DAYS,
    RAG_BUCKETS,
    ClockLine,
    DashboardFigures,
    ReviewStatusCount,
    dashboard_figures,
)
from app.database import Database
from app.text import plural
from ui.charts import BarChart, Series, StackedBarChart
from ui.widgets.date_edit import UkDateEdit, format_uk_date
from ui.operations import QueryOp
from ui.workers import ASKED_FOR, reading_queue, wait_for_jobs

_Index = QModelIndex | QPersistentModelIndex

RECORD_ID_ROLE = Qt.ItemDataRole.UserRole + 1
"""The role carrying (kind, id) of the record a row opens."""

# RAG colours a reader expects, told apart without colour too: each has its own fill
# pattern in the chart and legend, and counts are written on the bars.
RAG_SERIES = {
    "Red": Series("Red", "#b3261e", Qt.BrushStyle.BDiagPattern),
    "Amber": Series("Amber", "#f2a900", Qt.BrushStyle.DiagCrossPattern, text_colour="#000000"),
    "Green": Series("Green", "#2e7d32"),
    "Blue": Series("Blue (complete)", "#1f5fa8", Qt.BrushStyle.HorPattern),
    "No RAG": Series("No RAG", "#bdbdbd", Qt.BrushStyle.Dense6Pattern, text_colour="#000000"),
}

# Rows examined when sizing columns to their text.
SIZE_FROM_ROWS = 200
# Typing a date is applied when the user pauses (or presses Enter, or leaves the field).
TYPING_PAUSE_MS = 600
READING = "Reading the figures…"


def clock_when(line: ClockLine) -> str:
    """How near a clock is, in words: "3 days overdue", "due today", "in 4 working days"."""
    if line.state == "overdue":
        return f"{plural(line.days_over or 0, 'day')} overdue"
    if line.days_left == 0:
        return "due today"
    if line.working_days_left is not None:
        return f"in {plural(line.working_days_left, 'working day')}"
    return f"in {plural(line.days_left or 0, 'day')}"


# --- a table model over the figures' rows -----------------------------------------------

TOOLTIP_FROM_LENGTH = 12


@dataclass(frozen=True)
class FigureColumn:
    """A column of a dashboard table: header, the text shown, the raw value (sorting), and
    the most characters' width it takes before text is cut short (None: no limit)."""

    header: str
    text: Callable[[Any], str]
    value: Callable[[Any], Any] | None = None
    numeric: bool = False
    max_chars: int | None = None


class FiguresTableModel(QAbstractTableModel):
    """Read-only rows (frozen dataclasses) shown through a declarative column list.

    ``DisplayRole`` is text, ``UserRole`` the raw value, ``RECORD_ID_ROLE`` the
    (register key, id) the row opens, if any. ``bold_rows`` are shown in bold (totals).
    """

    def __init__(self, columns: Sequence[FigureColumn], *,
                 opens: Callable[[Any], tuple[str, int] | None] | None = None, parent=None):
        super().__init__(parent)
        self._columns = tuple(columns)
        self._rows: list[Any] = []
        self._bold: set[int] = set()
        self._opens = opens

    def set_rows(self, rows: Sequence[Any], *, bold_rows: Sequence[int] = ()) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._bold = set(bold_rows)
        self.endResetModel()

    @property
    def columns(self) -> tuple[FigureColumn, ...]:
        return self._columns

    def row_data(self, row: int) -> Any:
        return self._rows[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item, column = self._rows[index.row()], self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(item)
        if role == Qt.ItemDataRole.ToolTipRole:
            # Narrow columns cut text short; the tooltip always has it whole.
            text = column.text(item)
            return text if len(text) > TOOLTIP_FROM_LENGTH and not column.numeric else None
        if role == Qt.ItemDataRole.UserRole:
            return column.value(item) if column.value else column.text(item)
        if role == RECORD_ID_ROLE:
            return self._opens(item) if self._opens else None
        if role == Qt.ItemDataRole.TextAlignmentRole and column.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and index.row() in self._bold:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._columns[section].header
        if role == Qt.ItemDataRole.TextAlignmentRole and self._columns[section].numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


REVIEW_STATUS_COLUMNS = (
    FigureColumn("Status", lambda r: r.status, max_chars=30),
    FigureColumn("Reviews", lambda r: f"{r.count:,}", lambda r: r.count, numeric=True),
    FigureColumn("Past target", lambda r: f"{r.past_target:,}" if r.is_open else "–",
                 lambda r: r.past_target, numeric=True),
)

OVERDUE_COLUMNS = (
    FigureColumn("Overdue by", lambda a: plural(a.days_overdue, "day"),
                 lambda a: a.days_overdue, numeric=True),
    FigureColumn("Target", lambda a: format_uk_date(a.target_on), lambda a: a.target_on),
    FigureColumn("Action", lambda a: " ".join(
        (f"{a.reference}: {a.description}" if a.reference else a.description).split()), max_chars=24),
    # The lead officer is one click away (the action opens); the chair reads the agency.
    FigureColumn("Lead agency", lambda a: a.agency or "", max_chars=16),
)

CLOCK_COLUMNS = (
    FigureColumn("Due", lambda c: format_uk_date(c.due_on), lambda c: c.due_on),
    FigureColumn("When", clock_when, lambda c: c.due_on),
    FigureColumn("Case", lambda c: c.reference),
    FigureColumn("Clock", lambda c: c.clock_name, max_chars=24),
)


class FiguresTableView(QTableView):
    """A dashboard table. Its columns fit their text whenever its rows or width change:
    long text is capped (the tooltip shows it whole), width left over goes back to the
    capped columns and then to the last one. The user can still drag them."""

    def __init__(self, model: FiguresTableModel, parent: QWidget | None = None):
        super().__init__(parent)
        self.setModel(model)
        self._columns = model.columns
        model.modelReset.connect(self.size_columns)
        header = self.horizontalHeader()
        header.setResizeContentsPrecision(SIZE_FROM_ROWS)
        # Laying the window out resizes a table many times over; size the columns once after.
        self._size_timer = QTimer(self)
        self._size_timer.setSingleShot(True)
        self._size_timer.setInterval(0)
        self._size_timer.timeout.connect(self.size_columns)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._size_timer.start()

    def size_columns(self) -> None:
        self.resizeColumnsToContents()
        char = self.fontMetrics().averageCharWidth()
        natural = [self.columnWidth(i) for i in range(len(self._columns))]
        widths = [min(width, column.max_chars * char) if column.max_chars else width
                  for width, column in zip(natural, self._columns)]
        # Keep room for a vertical scroll bar, which more rows may bring.
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
        if spare > 0:
            # Whatever is left goes to the column of long text (the first, if none is).
            longest = max(range(len(self._columns)), key=lambda i: self._columns[i].max_chars or 0)
            widths[longest] += spare
        for i, width in enumerate(widths):
            self.setColumnWidth(i, width)


# --- the view ---------------------------------------------------------------------------

class _Tile(QFrame):
    """A headline number with its label under it. Clicked (or Enter or Space pressed on it),
    it sends ``clicked``: the register of what it counts opens, filtered to them."""

    clicked = Signal()

    def __init__(self, key: str, caption: str, tip: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(f"tile_{key}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setToolTip(f"{tip} Click to list them.")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.caption = caption
        self.value_label = QLabel("–")
        self.value_label.setObjectName(f"tile_{key}_value")
        font = self.value_label.font()
        font.setPointSizeF(font.pointSizeF() * 2.2)
        font.setBold(True)
        self.value_label.setFont(font)
        self.caption_label = QLabel(caption)
        self.caption_label.setWordWrap(True)
        self.detail_label = QLabel("")
        self.detail_label.setObjectName(f"tile_{key}_detail")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(0)
        layout.addWidget(self.value_label)
        layout.addWidget(self.caption_label)
        layout.addWidget(self.detail_label)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_value(self, value: int, detail: str = "") -> None:
        self.value_label.setText(f"{value:,}")
        self.detail_label.setText(detail)
        self.setAccessibleName(f"{self.caption}: {value:,}" + (f", {detail}" if detail else ""))

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(event.position().toPoint()):
            self.clicked.emit()
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.clicked.emit()
            return
        super().keyPressEvent(event)


TILES = (
    ("open_actions", "Open actions", "Actions whose status is an open one."),
    ("overdue_actions", "Overdue actions",
     "Open actions whose target date is before the as-at date."),
    ("reviews_underway", "Reviews underway",
     "Reviews whose status is still open (agreed, initiated, underway or on hold)."),
    ("reviews_past_target", "Reviews past target",
     ("Open reviews whose target date has passed without the review being completed or "
      "published by it.")),
    ("clocks_due_this_week", "Clocks due this week",
     "Running deadlines due from the as-at date to the end of its week (Sunday)."),
    ("clocks_overdue", "Clocks overdue", "Running deadlines already past their due date."),
    ("chases_due", "Due a chase today",
     "Lead officers (or agencies) the office's chase schedule says to chase today."),
)
CHASE_TILE = "chases_due"  # opens Chase…, not a register

# The register each tile opens, and the filter that shows what it counts: (register key,
# drop-down choices, ticked tick boxes), as ``app.registers`` names the columns.
TILE_REGISTERS: dict[str, tuple[str, dict[str, str], tuple[str, ...]]] = {
    "open_actions": ("actions", {}, ("days_left",)),
    "overdue_actions": ("actions", {}, ("overdue",)),
    "reviews_underway": ("reviews", {}, ("days_left",)),
    "reviews_past_target": ("reviews", {"against_target": "Overdue"}, ()),
    "clocks_due_this_week": ("case_clocks", {}, ("due_this_week",)),
    "clocks_overdue": ("case_clocks", {"state": "Overdue"}, ()),
}


class DashboardView(QWidget):
    """Headline tiles, then reviews and overdue actions on the left and the charts and
    clocks on the right, all as at the date in the "As at" field (today by default).

    ``open_requested(kind, id)`` asks for a record to be opened: ("actions", id) from an
    overdue action, ("referrals", id) or ("reviews", id) from a clock.
    ``register_requested(key, choices, flags)`` asks for a register filtered to what a tile
    counts (``TILE_REGISTERS``). ``figures_shown`` is emitted each time new figures are on screen.
    """

    open_requested = Signal(str, int)
    register_requested = Signal(str, object, object)  # key, {column: choice}, (flag columns)
    chase_requested = Signal()  # the "Due a chase today" tile: Chase…, with only those ticked
    figures_shown = Signal()

    def __init__(self, database: Database, parent: QWidget | None = None):
        super().__init__(parent)
        self._database = database
        self._figures: DashboardFigures | None = None
        self._as_at = dt.date.today()
        self._job: QueryOp | None = None  # the read in progress
        self._reload_wanted = False
        self._typing_timer = QTimer(self)
        self._typing_timer.setSingleShot(True)
        self._typing_timer.setInterval(TYPING_PAUSE_MS)
        self._typing_timer.timeout.connect(self._on_as_at_typed)

        self.setAccessibleName("Dashboard")
        self._build()
        self.refresh()

    # --- building ---------------------------------------------------------------------

    def _build(self) -> None:
        self.as_at_edit = UkDateEdit()
        self.as_at_edit.setAccessibleName("As at")
        self.as_at_edit.set_date(self._as_at)
        self.as_at_edit.date_changed.connect(self._typing_timer.start)
        self.as_at_edit.line_edit.editingFinished.connect(self._on_as_at_typed)
        as_at_label = QLabel("&As at")
        as_at_label.setBuddy(self.as_at_edit.line_edit)
        self.today_button = QPushButton("&Today")
        self.today_button.setToolTip("Show the figures as at today")
        self.today_button.clicked.connect(lambda: self.set_as_at(dt.date.today()))
        self.refresh_button = QPushButton("&Refresh")
        self.refresh_button.clicked.connect(self.refresh)
        self.as_at_edit.line_edit.setMinimumWidth(
            self.as_at_edit.line_edit.fontMetrics().horizontalAdvance("00/00/00000"))
        self.status_label = QLabel()
        self.status_label.setObjectName("dashboardStatus")
        # A long message wraps rather than squeezing the date field.
        self.status_label.setWordWrap(True)
        self.status_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

        # No heading of its own: the window's page heading names it.
        top = QHBoxLayout()
        top.addWidget(as_at_label)
        top.addWidget(self.as_at_edit)
        top.addWidget(self.today_button)
        top.addWidget(self.refresh_button)
        top.addSpacing(12)
        top.addWidget(self.status_label, 1)

        self.tiles = {key: _Tile(key, caption, tip) for key, caption, tip in TILES}
        tiles = QHBoxLayout()
        tiles.setSpacing(8)
        for key, tile in self.tiles.items():
            tiles.addWidget(tile)
            if key == CHASE_TILE:
                tile.clicked.connect(self.chase_requested.emit)
            else:
                tile.clicked.connect(lambda k=key: self.register_requested.emit(*TILE_REGISTERS[k]))

        # Left: reviews by status, overdue actions.
        self.reviews_model = FiguresTableModel(REVIEW_STATUS_COLUMNS, parent=self)
        self.reviews_table = self._table(self.reviews_model, "Reviews by status")
        self.reviews_box = self._box("Reviews by status", self.reviews_table,
                                     note="Past target: open reviews past their target date "
                                          "and not completed or published by it.")
        self.overdue_model = FiguresTableModel(
            OVERDUE_COLUMNS, opens=lambda a: ("actions", a.id), parent=self)
        self.overdue_table = self._table(self.overdue_model, "Overdue actions")
        self.overdue_table.activated.connect(self._on_row_activated)
        self.overdue_box = self._box("Overdue actions, oldest first", self.overdue_table,
                                     note="Double-click or press Enter to open an action.")
        # Right: the charts and the clocks.
        self.rag_chart = StackedBarChart([RAG_SERIES[b] for b in RAG_BUCKETS])
        self.rag_chart.setAccessibleName("Open actions by lead agency and RAG rating")
        self.rag_chart.set_title("Open actions by lead agency and RAG rating")
        self.rag_chart.set_empty_text(READING)  # until the figures come: none is not yet known
        self.rag_box = self._box("Open actions by lead agency and RAG", self.rag_chart)
        self.outcome_chart = BarChart()
        self.outcome_chart.setAccessibleName("Referrals by outcome this year")
        self.outcome_chart.set_empty_text(READING)
        self.outcome_box = self._box("Referrals by outcome", self.outcome_chart)
        self.clocks_model = FiguresTableModel(
            CLOCK_COLUMNS, opens=lambda c: (c.open_kind, c.open_id), parent=self)
        self.clocks_table = self._table(self.clocks_model, "Clocks due")
        self.clocks_table.activated.connect(self._on_row_activated)
        self.clocks_box = self._box(
            f"Clocks overdue or due in the next {CLOCK_HORIZON_WORKING_DAYS} working days",
            self.clocks_table, note="Double-click or press Enter to open the case.")

        self.overdue_table.setMinimumHeight(self._rows_height(self.overdue_table, 6))
        self.clocks_table.setMinimumHeight(self._rows_height(self.clocks_table, 5))

        # Two columns that do not line up row by row, so neither waits on the other's height.
        left = QVBoxLayout()
        left.addWidget(self.reviews_box)
        left.addWidget(self.overdue_box, 1)
        right = QVBoxLayout()
        right.addWidget(self.rag_box)
        right.addWidget(self.outcome_box)
        right.addWidget(self.clocks_box, 1)
        columns = QHBoxLayout()
        columns.setSpacing(12)
        columns.addLayout(left, 3)
        columns.addLayout(right, 2)

        content = QWidget()
        body = QVBoxLayout(content)
        body.setContentsMargins(0, 0, 4, 0)
        body.addLayout(tiles)
        body.addSpacing(4)
        body.addLayout(columns, 1)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 4, 0)
        layout.addLayout(top)
        layout.addWidget(scroll, 1)

    def _box(self, title: str, widget: QWidget, *, note: str = "") -> QGroupBox:
        box = QGroupBox(title)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(widget, 1)
        if note:
            label = QLabel(note)
            label.setWordWrap(True)
            label.setEnabled(False)  # greyed: a hint, not a figure
            layout.addWidget(label)
        return box

    def _table(self, model: FiguresTableModel, name: str) -> FiguresTableView:
        view = FiguresTableView(model)
        view.setObjectName(f"{name} table")
        view.setAccessibleName(name)
        view.setAlternatingRowColors(True)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setWordWrap(False)
        view.setTabKeyNavigation(False)
        rows = view.verticalHeader()
        rows.setVisible(False)
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(view.fontMetrics().height() + 8)
        header = view.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        return view

    @staticmethod
    def _rows_height(view: QTableView, rows: int) -> int:
        return (view.horizontalHeader().sizeHint().height() + rows * view.verticalHeader().defaultSectionSize()
                + 2 * view.frameWidth())

    # --- what the main window and tests use ------------------------------------------

    @property
    def figures(self) -> DashboardFigures | None:
        """The figures on screen (None until the first have been read)."""
        return self._figures

    @property
    def as_at(self) -> dt.date:
        return self._as_at

    def is_loading(self) -> bool:
        return self._job is not None

    def set_as_at(self, day: dt.date) -> None:
        """Show the figures as at ``day`` (read again now)."""
        self._typing_timer.stop()
        if self.as_at_edit.date() != day:
            self.as_at_edit.set_date(day)
            self._typing_timer.stop()  # set_date counts as typing; this is not
        self._as_at = day
        self.refresh()

    def refresh(self) -> None:
        """Read the figures again (off the GUI thread); ``figures_shown`` follows."""
        if self._job is not None:
            self._reload_wanted = True  # one read at a time: read again when this one ends
            return
        self._reload_wanted = False
        self.status_label.setText(READING)
        database, as_at = self._database, self._as_at

        outcome: dict[str, object] = {}

        def read(session) -> DashboardFigures:  # on a worker thread: no widgets here
            return dashboard_figures(session, as_at)

        # No progress dialog: the figures take well under a second, and the screen says
        # "Reading the figures…" meanwhile. A view closed mid-read is not called back.
        self._job = QueryOp(self, database, read, title="Dashboard", pool=reading_queue(), priority=ASKED_FOR,
                            success=lambda figures: outcome.setdefault("figures", figures),
                            failure=lambda error: outcome.setdefault("refused", error),
                            ended=lambda: self._on_read_ended(outcome)).run_in_background()

    def wait_for_idle(self, msecs: int = 30000) -> bool:
        """Wait for a read in progress to return (its result still arrives by signal)."""
        return wait_for_jobs(msecs)

    # --- behaviour --------------------------------------------------------------------

    def _on_as_at_typed(self) -> None:
        self._typing_timer.stop()
        day = self.as_at_edit.date()
        if day is None:
            problem = self.as_at_edit.problem()
            if problem:
                self.status_label.setText(f"As at: {problem}.")
            return
        if day != self._as_at:
            self._as_at = day
            self.refresh()

    def _on_read_ended(self, outcome: dict) -> None:
        self._job = None
        if self._reload_wanted:  # what was read is no longer what is wanted
            self.refresh()
        elif "figures" in outcome:
            self._show(outcome["figures"])
        elif "refused" in outcome:
            self.status_label.setText(f"The figures could not be read: {outcome['refused']}")
        else:  # a bug, shown in the crash dialog; the screen does not repeat what it said
            self.status_label.setText("The figures could not be read because of a fault in the program.")

    def _on_row_activated(self, index: QModelIndex) -> None:
        target = index.data(RECORD_ID_ROLE)
        if target is not None:
            kind, record_id = target
            self.open_requested.emit(kind, record_id)

    def _show(self, figures: DashboardFigures) -> None:
        self._figures = figures
        h = figures.headlines
        self.tiles["open_actions"].set_value(h.open_actions)
        self.tiles["overdue_actions"].set_value(h.overdue_actions)
        self.tiles["reviews_underway"].set_value(h.reviews_underway)
        self.tiles["reviews_past_target"].set_value(h.reviews_past_target)
        self.tiles["clocks_due_this_week"].set_value(h.clocks_due_this_week)
        self.tiles["clocks_overdue"].set_value(h.clocks_overdue)
        self.tiles[CHASE_TILE].set_value(h.chases_due, f"{h.chased_actions_due:,} action"
                                         f"{'s' * (h.chased_actions_due != 1)}" if h.chases_due else "")

        reviews = list(figures.reviews_by_status)
        total = ReviewStatusCount("All reviews", True, sum(r.count for r in reviews),
                                  figures.reviews_past_target)
        self.reviews_model.set_rows([*reviews, total], bold_rows=[len(reviews)])
        # A short list: show it whole, and leave the room below to the overdue actions.
        self.reviews_table.setFixedHeight(self._rows_height(self.reviews_table, len(reviews) + 1))

        self.overdue_model.set_rows(figures.overdue_actions)
        shown, total_overdue = len(figures.overdue_actions), figures.overdue_total
        self.overdue_box.setTitle(
            f"Overdue actions, oldest first ({total_overdue:,})" if shown == total_overdue else
            f"Overdue actions, oldest first (the {shown:,} oldest of {total_overdue:,})")

        agencies = figures.open_actions_by_agency
        self.rag_chart.set_empty_text("No open actions.")
        self.outcome_chart.set_empty_text("No referral has been decided this year yet.")
        self.rag_chart.set_data([a.agency for a in agencies], [a.counts for a in agencies])
        self.rag_box.setTitle(f"Open actions by lead agency and RAG ({figures.open_actions_total:,})")

        outcomes = figures.referrals_by_outcome
        self.outcome_chart.set_data([o.outcome for o in outcomes], [o.count for o in outcomes])
        self.outcome_chart.set_title(figures.referrals_heading)
        self.outcome_box.setTitle(figures.referrals_heading)

        self.clocks_model.set_rows(figures.clocks_due)

        self.status_label.setText(
            f"Figures as at {format_uk_date(figures.as_at)}, read at {dt.datetime.now():%H:%M}.")
        self.figures_shown.emit()
