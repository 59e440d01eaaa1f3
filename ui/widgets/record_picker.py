"""Tick several records out of thousands: a search box over a list of ticks.

An action answers a few of 20,000 recommendations, so the list is a model over (id, label)
pairs, not one widget item a row, and the search is a plain Python pass over the labels
whose result the model shows (a proxy model would ask the source row by row). The model
hands the view its rows a batch at a time as the list is scrolled, as QSqlQueryModel does:
a list view lays out every row it is given, which for 20,000 rows costs more than the
rest of the form.
"""

from __future__ import annotations

from typing import Iterable

from PySide6.QtCore import QAbstractListModel, QEvent, QItemSelectionModel, QModelIndex, QObject, Qt, Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QLineEdit, QListView, QVBoxLayout, QWidget

BATCH = 500  # rows handed to the view at a time

# Looked up once: each lookup of a PySide6 enum member costs a Python call.
CHECKED = Qt.CheckState.Checked
UNCHECKED = Qt.CheckState.Unchecked
DISPLAY = Qt.ItemDataRole.DisplayRole
TOOLTIP = Qt.ItemDataRole.ToolTipRole
CHECK_STATE = Qt.ItemDataRole.CheckStateRole
VALUE = Qt.ItemDataRole.UserRole
ROW_FLAGS = (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsUserCheckable
             | Qt.ItemFlag.ItemNeverHasChildren)


class TickListModel(QAbstractListModel):
    """The rows shown, each (id, label) with a tick; the ticks are kept by id, so a row
    hidden by a search stays ticked."""

    ticks_changed = Signal()

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._rows: list[tuple[int, str]] = []
        self._fetched = 0  # how many of them the view has been given
        self.ticked: set[int] = set()

    def show_rows(self, rows: list[tuple[int, str]]) -> None:
        self.beginResetModel()
        self._rows = rows
        self._fetched = min(len(rows), BATCH)
        self.endResetModel()

    @property
    def shown_count(self) -> int:
        """How many rows the list holds (the view may not have scrolled to them all)."""
        return len(self._rows)

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802 (Qt naming)
        return 0 if parent.isValid() else self._fetched

    def canFetchMore(self, parent: QModelIndex) -> bool:  # noqa: N802 (Qt naming)
        return not parent.isValid() and self._fetched < len(self._rows)

    def fetchMore(self, parent: QModelIndex) -> None:  # noqa: N802 (Qt naming)
        if not self.canFetchMore(parent):
            return
        more = min(len(self._rows) - self._fetched, BATCH)
        self.beginInsertRows(QModelIndex(), self._fetched, self._fetched + more - 1)
        self._fetched += more
        self.endInsertRows()

    def data(self, index: QModelIndex, role: int = DISPLAY):
        if not index.isValid():
            return None
        value, label = self._rows[index.row()]
        if role == DISPLAY or role == TOOLTIP:
            return label
        if role == CHECK_STATE:
            return CHECKED if value in self.ticked else UNCHECKED
        if role == VALUE:
            return value
        return None

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        return ROW_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def setData(self, index: QModelIndex, value, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != CHECK_STATE or not index.isValid():
            return False
        record = self._rows[index.row()][0]
        if Qt.CheckState(value) == CHECKED:
            self.ticked.add(record)
        else:
            self.ticked.discard(record)
        self.dataChanged.emit(index, index, [CHECK_STATE])
        self.ticks_changed.emit()
        return True

    def toggle(self, index: QModelIndex) -> None:
        if index.isValid():
            ticked = self._rows[index.row()][0] in self.ticked
            self.setData(index, UNCHECKED if ticked else CHECKED, CHECK_STATE)


class RecordPicker(QWidget):
    """A search box, the list, and a line saying how many are ticked. Typing filters the
    list at once; Down (or Enter) goes from the search into the list, Space ticks the
    current row, Up from the top row goes back to the search. Ticked rows come first.

    ``name`` is the field's label, for the accessible names; ``noun`` what is listed."""

    values_changed = Signal()

    def __init__(self, parent: QWidget | None = None, *, name: str, noun: str = "records", rows: int = 4):
        super().__init__(parent)
        self._choices: list[tuple[int, str]] = []
        self._keys: list[str] = []  # each label in lower case, for the search
        self.model = TickListModel(self)

        self.search_box = QLineEdit()
        self.search_box.setPlaceholderText(f"Type to find {noun}…")
        self.search_box.setClearButtonEnabled(True)
        self.count_label = QLabel()
        self.ticked_only = QCheckBox("Show ticked only")
        self.list_view = QListView()
        self.list_view.setModel(self.model)
        # One line a row; long labels end in "…" rather than scroll sideways.
        self.list_view.setUniformItemSizes(True)
        self.list_view.setWordWrap(False)
        self.list_view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._rows_tall = rows
        self._fit_height()

        self.setAccessibleName(name)
        self.search_box.setAccessibleName(f"Search {name}")
        self.list_view.setAccessibleName(name)
        self.count_label.setAccessibleName(f"{name}: how many ticked")
        self.ticked_only.setAccessibleName(f"{name}: show ticked only")

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.search_box, 1)
        top.addSpacing(8)
        top.addWidget(self.ticked_only)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addLayout(top)
        box.addWidget(self.list_view)
        box.addWidget(self.count_label)

        self.setFocusProxy(self.search_box)
        QWidget.setTabOrder(self.search_box, self.list_view)
        QWidget.setTabOrder(self.list_view, self.ticked_only)
        self.search_box.textChanged.connect(self._refilter)
        self.ticked_only.toggled.connect(self._refilter)
        self.model.ticks_changed.connect(self._on_ticks_changed)
        self.search_box.installEventFilter(self)
        self.list_view.installEventFilter(self)

    # --- values -----------------------------------------------------------------------

    def set_choices(self, choices: Iterable[tuple[int, str]], checked: Iterable[int] = ()) -> None:
        """Offer ``choices`` with the ``checked`` ids ticked (ids not on offer are dropped)."""
        self._choices = list(choices)
        self._keys = []  # made at the first search: opening the form need not wait for it
        self.model.ticked = self._offered(checked)
        self._refilter()
        self._fit_height()

    def _fit_height(self) -> None:
        """Tall enough for ``rows`` whole rows as the style draws them (a tick box is
        taller than a line of text); longer lists scroll."""
        view = self.list_view
        row = view.sizeHintForRow(0) if self.model.rowCount() else view.fontMetrics().lineSpacing() + 6
        view.setFixedHeight(row * self._rows_tall + 2 * view.frameWidth())

    def values(self) -> list[int]:
        return sorted(self.model.ticked)

    def set_values(self, values: Iterable[int]) -> None:
        self.model.ticked = self._offered(values)
        self._refilter()
        self.values_changed.emit()

    def _offered(self, values: Iterable[int]) -> set[int]:
        wanted = set(values)
        return wanted & {value for value, _label in self._choices} if wanted else wanted

    # --- searching --------------------------------------------------------------------

    def _refilter(self) -> None:
        """Show the rows whose label holds every word typed, ticked ones first."""
        words = self.search_box.text().lower().split()
        rows = self._choices
        if words:
            if not self._keys:
                self._keys = [label.lower() for _value, label in self._choices]
            keys = self._keys
            found = range(len(keys))
            for word in words:  # one tight pass a word: quicker than all() for each row
                found = [i for i in found if word in keys[i]]
            rows = [self._choices[i] for i in found]
        ticked = self.model.ticked
        first = [choice for choice in rows if choice[0] in ticked]
        rest = [] if self.ticked_only.isChecked() else [choice for choice in rows if choice[0] not in ticked]
        self.model.show_rows(first + rest)
        if self.model.rowCount():
            # The top row is current, so Down from the search and Space ticks the best match;
            # it is highlighted only once the list has the focus, not to look chosen.
            self.list_view.selectionModel().setCurrentIndex(
                self.model.index(0), QItemSelectionModel.SelectionFlag.NoUpdate)
        self._show_count()

    def _on_ticks_changed(self) -> None:
        self._show_count()
        self.values_changed.emit()

    def _show_count(self) -> None:
        ticked = len(self.model.ticked)
        text = f"{ticked:,} ticked" if ticked else "None ticked"
        shown = self.model.shown_count
        if shown != len(self._choices):
            text += f" · {shown:,} of {len(self._choices):,} shown"
        self.count_label.setText(text)

    # --- keys -------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt naming)
        if event.type() != QEvent.Type.KeyPress:
            return False
        key = event.key()
        if watched is self.search_box:
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter):
                # Enter goes to the results rather than saving the form half-chosen.
                self._enter_list()
                return True
            if key == Qt.Key.Key_Escape and self.search_box.text():
                self.search_box.clear()  # Esc clears the search; a second Esc closes the form
                return True
        elif watched is self.list_view:
            current = self.list_view.currentIndex()
            if key == Qt.Key.Key_Space and not event.modifiers():
                # Space ticks the current row whether or not it is selected.
                self.model.toggle(current)
                return True
            if key == Qt.Key.Key_Up and (not current.isValid() or current.row() == 0):
                self.search_box.setFocus(Qt.FocusReason.OtherFocusReason)
                return True
        return False

    def _enter_list(self) -> None:
        self.list_view.setFocus(Qt.FocusReason.OtherFocusReason)
        current = self.list_view.currentIndex()
        if not current.isValid() and self.model.rowCount():
            current = self.model.index(0)
        if current.isValid():
            self.list_view.setCurrentIndex(current)  # and highlight it
