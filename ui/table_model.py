"""A read-only table model over a register's rows (plain tuples in column order)."""

from __future__ import annotations

import datetime as dt
import textwrap
from typing import Any, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from app.registers import Column

# Cells this long or longer may be cut short on screen, so they get a tooltip with the
# whole text, wrapped to TOOLTIP_WIDTH.
TOOLTIP_FROM_LENGTH = 28
TOOLTIP_WIDTH = 80

_Index = QModelIndex | QPersistentModelIndex


def display_text(value: Any) -> str:
    """A value as the office reads it: dates dd/mm/yyyy, blanks for nothing, Yes/No."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


class RegisterTableModel(QAbstractTableModel):
    """Rows of one register. ``DisplayRole`` is text, ``UserRole`` the raw value (for
    sorting), ``ToolTipRole`` the whole text of long cells."""

    def __init__(self, columns: Sequence[Column], rows: list[tuple], parent=None):
        super().__init__(parent)
        self._columns = tuple(columns)
        self._rows = rows

    @property
    def columns(self) -> tuple[Column, ...]:
        return self._columns

    def set_rows(self, rows: list[tuple]) -> None:
        """Replace every row (after a reload)."""
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        value = self._rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            # A row shows one line; the tooltip keeps the line breaks.
            return " ".join(display_text(value).splitlines())
        if role == Qt.ItemDataRole.UserRole:
            return value
        if role == Qt.ItemDataRole.ToolTipRole:
            text = display_text(value)
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
