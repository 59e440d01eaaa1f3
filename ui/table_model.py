"""A read-only table model over a register's rows (``(id, *values)`` tuples).

The model shows the rows a ``TableQuery`` chose, in the order it chose them: searching,
filtering and sorting happen over plain Python lists (``app.table_query``), and the model
is reset with the result. A ``QSortFilterProxyModel`` takes seconds for the same work on
100,000 rows.
"""

from __future__ import annotations

import textwrap
from typing import Any, Callable, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from app.queries.action_plan import OVERDUE
from app.registers import ID_INDEX, Column
from app.table_query import TableQuery, cell_text
from ui.workers import PREPARING, reading_queue, run_job

# Cells this long or longer may be cut short on screen, so they get a tooltip with the
# whole text, wrapped to TOOLTIP_WIDTH.
TOOLTIP_FROM_LENGTH = 28
TOOLTIP_WIDTH = 80

# The record id of a row, for any cell of it.
ID_ROLE = Qt.ItemDataRole.UserRole + 1

# RAG and overdue cells are coloured AND carry the word (colour-blind users read the word).
# Pale backgrounds with dark text keep the contrast readable in both themes' text colour.
RAG_COLOURS = {
    "Red": ("#f6c6c1", "#6b0d05"),
    "Amber": ("#fde3a7", "#5c3d00"),
    "Green": ("#c4e6c9", "#0f4a1c"),
    "Blue": ("#c9dcf7", "#0b3563"),
}
OVERDUE_COLOURS = ("#f6c6c1", "#8a0f05")

_Index = QModelIndex | QPersistentModelIndex

# Rows from which the rows a model no longer shows are let go of on a worker, not at once.
RELEASE_FROM_ROWS = 10_000
# Letting go of them comes after every other job on the reading queue.
RELEASING = PREPARING - 1


def release_in_background(query: TableQuery) -> None:
    """Let go of ``query`` (one the model showed before) on the reading queue, a slice at a
    time (``TableQuery.release``), after any read or preparation of it queued before."""
    run_job(lambda _progress: query.release(), title="Tidying up", show_progress=False, cancellable=False,
            on_done=lambda _result: None, pool=reading_queue(), priority=RELEASING)


class RegisterTableModel(QAbstractTableModel):
    """Rows of one register. ``DisplayRole`` is text, ``UserRole`` the raw value,
    ``ID_ROLE`` the record id, ``ToolTipRole`` the whole text of long cells; RAG and
    overdue cells have a background and text colour as well as their word."""

    def __init__(self, columns: Sequence[Column], rows: list[tuple] | None = None, parent=None,
                 text_of: Callable[[Any], str] = cell_text):
        super().__init__(parent)
        self._columns = tuple(columns)
        self._text_of = text_of
        self._query = TableQuery(self._columns, rows or [], text_of)
        self._shown: list[int] = list(range(len(self._query.rows)))
        self._coloured = {
            i: column.key for i, column in enumerate(self._columns) if column.key in ("rag", "overdue")
        }
        self._brushes = {
            word: (QBrush(QColor(back)), QBrush(QColor(fore)))
            for word, (back, fore) in {**RAG_COLOURS, OVERDUE: OVERDUE_COLOURS}.items()
        }

    # --- what the view and its owner use ---

    @property
    def columns(self) -> tuple[Column, ...]:
        return self._columns

    @property
    def query(self) -> TableQuery:
        """The rows and their search/sort state; ``show`` the positions it returns."""
        return self._query

    @property
    def total_count(self) -> int:
        return len(self._query.rows)

    def set_query(self, query: TableQuery, shown: list[int] | None = None) -> None:
        """Hold new rows (after a load), showing ``shown`` (positions) or all of them. When
        the same positions are shown in the same order (a save changed some rows in place)
        the cells are said to have changed, without a reset: the view keeps its scroll
        position and selection."""
        shown = list(range(len(query.rows))) if shown is None else shown
        if shown and shown == self._shown:
            old, self._query = self._query, query
            if len(old) >= RELEASE_FROM_ROWS:
                release_in_background(old)
            self._text_of = query._text_of
            self.dataChanged.emit(self.index(0, 0), self.index(len(shown) - 1, len(self._columns) - 1))
            return
        self.beginResetModel()
        old, self._query = self._query, query
        self._text_of = query._text_of
        self._shown = shown
        self.endResetModel()
        if len(old) >= RELEASE_FROM_ROWS:
            release_in_background(old)

    def set_rows(self, rows: list[tuple]) -> None:
        """Replace every row, showing all of them in the register's own order."""
        self.set_query(TableQuery(self._columns, rows, self._text_of))

    def show(self, shown: list[int]) -> None:
        """Show the rows at these positions (a ``TableQuery.run`` result), in this order."""
        self.beginResetModel()
        self._shown = shown
        self.endResetModel()

    def record_id(self, row: int) -> int:
        """The record id of the row shown at ``row``."""
        return self._query.rows[self._shown[row]][ID_INDEX]

    def row_of(self, record_id: int) -> int | None:
        """Where the record ``record_id`` is shown, or ``None`` if it is not: its row found
        by id (``TableQuery.position_of``), then among the rows shown, without a scan in
        Python (a reload asks this for each selected row)."""
        position = self._query.position_of(record_id)
        if position is None:
            return None
        try:
            return self._shown.index(position)
        except ValueError:
            return None

    def rows_of(self, record_ids: list[int]) -> dict[int, int]:
        """Where each of ``record_ids`` that is shown is shown (id -> row), in one pass over
        the rows shown however many there are."""
        if len(record_ids) <= 4:
            found = {record_id: self.row_of(record_id) for record_id in record_ids}
            return {record_id: row for record_id, row in found.items() if row is not None}
        wanted = {position: record_id for record_id in record_ids
                  if (position := self._query.position_of(record_id)) is not None}
        return {wanted[position]: row for row, position in enumerate(self._shown) if position in wanted}

    def shown_ids(self) -> list[int]:
        """The record ids of the rows shown, in the order shown."""
        rows = self._query.rows
        return [rows[position][ID_INDEX] for position in self._shown]

    def value(self, row: int, column: int) -> Any:
        return self._query.rows[self._shown[row]][column + 1]

    def display_text(self, row: int, column: int) -> str:
        """The text the cell shows (``DisplayRole``), for code that measures it in Python."""
        return self._shown_text(self.value(row, column))

    def _shown_text(self, value: Any) -> str:
        if type(value) is str:
            # A row shows one line; the tooltip keeps the line breaks.
            return " ".join(value.splitlines()) if "\n" in value else value
        return self._text_of(value)

    # --- Qt's model interface ---

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._shown)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._query.rows[self._shown[index.row()]]
        column = index.column()
        value = row[column + 1]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._shown_text(value)
        if role == Qt.ItemDataRole.UserRole:
            return value
        if role == ID_ROLE:
            return row[ID_INDEX]
        if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole):
            if column in self._coloured and value in self._brushes:
                back, fore = self._brushes[value]
                return back if role == Qt.ItemDataRole.BackgroundRole else fore
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            text = self._text_of(value)
            if len(text) < TOOLTIP_FROM_LENGTH and "\n" not in text:
                return None
            return "\n".join(
                textwrap.fill(paragraph, TOOLTIP_WIDTH) for paragraph in text.splitlines()
            )
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if isinstance(value, int) and not isinstance(value, bool):
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._columns[section].header
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
