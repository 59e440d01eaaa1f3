"""A list of ticks: choose several records (an action's recommendations, a meeting's referrals)."""

from __future__ import annotations

from typing import Iterable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QListView, QListWidget, QListWidgetItem, QWidget


class CheckList(QListWidget):
    """Each row is a record (id, label) with a tick box; Space ticks the current row."""

    values_changed = Signal()

    def __init__(self, parent: QWidget | None = None, *, rows: int = 4):
        super().__init__(parent)
        self._rows = rows
        self._fit_height(rows)
        # One line a row; long labels are cut short with "…" rather than scroll sideways.
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setUniformItemSizes(True)  # quick with thousands of rows
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.itemChanged.connect(lambda _item: self.values_changed.emit())

    def set_choices(self, choices: Iterable[tuple[int, str]], checked: Iterable[int] = ()) -> None:
        """Fill the list; the ticked rows come first, so a long list shows them."""
        wanted = set(checked)
        choices = sorted(choices, key=lambda choice: choice[0] not in wanted)
        self.blockSignals(True)
        self.setUpdatesEnabled(False)
        self.clear()
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsUserCheckable
        for value, label in choices:
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, value)
            item.setFlags(flags)
            item.setCheckState(Qt.CheckState.Checked if value in wanted else Qt.CheckState.Unchecked)
            self.addItem(item)
        self.setUpdatesEnabled(True)
        self.blockSignals(False)
        if self.count():
            self.setCurrentRow(0)
        self._fit_height(min(self._rows, max(self.count(), 2)))

    def _fit_height(self, rows: int) -> None:
        """Tall enough for ``rows`` one-line rows; longer lists scroll."""
        self.setFixedHeight(self.fontMetrics().lineSpacing() * rows + 2 * self.frameWidth() + 6)

    def values(self) -> list[int]:
        return [self.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.count())
                if self.item(i).checkState() == Qt.CheckState.Checked]

    def set_values(self, values: Iterable[int]) -> None:
        wanted = set(values)
        for i in range(self.count()):
            item = self.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole) in wanted
                               else Qt.CheckState.Unchecked)

    def keyPressEvent(self, event) -> None:
        # Space ticks the current row even when the row itself is not "selected".
        if event.key() == Qt.Key.Key_Space and self.currentItem() is not None:
            item = self.currentItem()
            item.setCheckState(Qt.CheckState.Unchecked if item.checkState() == Qt.CheckState.Checked
                               else Qt.CheckState.Checked)
            return
        super().keyPressEvent(event)
