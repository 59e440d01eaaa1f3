"""What an import would do, shown before anything is written.

``ReturnPreviewDialog`` shows a returned action plan workbook (``app.excel.returns``): one
row per action, with each field old → new, the new progress update, and conflicts (the
tracker changed the same field since the export) marked in colour *and* in words. Rows the
agency changed are ticked to apply, except conflicts, which the user must tick knowingly;
refused rows cannot be ticked. Refused cells and warnings are listed below by sheet, row
and column. Accept all, Reject all, Apply selected or Cancel.

``LegacyImportDialog`` shows the dry run of a hand-kept tracker or referral register
(``app.excel.legacy``): the column mapping, which the user may correct and re-plan (off the
GUI thread); every agency spelling not on the agency list, with the closest agencies, to map
to one of them, make a new agency or merge with another spelling; the words that could mean
more than one thing, to decide; the dry-run text; and every doubt, row by row, which can be
narrowed to one kind. Import / Cancel. Nothing is written here: the caller
(``ui.import_export``) applies what the dialog accepted.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStyledItemDelegate,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from app.database import Database
from app.excel import legacy
from app.excel.import_doubts import KINDS, counts_by_kind
from app.excel.legacy_plan import WordToDecide, cells_text
from app.excel.returns import ActionReturn, ReturnPreview
from app.text import match_key
from ui.operations import QueryOp
from ui.widgets.date_edit import format_uk_date, format_uk_datetime
from ui.workers import Progress

CONFLICT_BACKGROUND = QColor("#ffd8a8")  # orange: the tracker changed it too
REFUSED_BACKGROUND = QColor("#e6e6e6")  # grey: cannot be applied
CONFLICT_WORD = "Conflict"
REFUSED_WORD = "Refused"
IGNORE_LABEL = "(ignore)"
_INDEX = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    """One column of a table model: its key and header."""

    key: str
    header: str


def _short(text: str, limit: int = 120) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


# --- a returned workbook ------------------------------------------------------------------

class _RowsModel(QAbstractTableModel):
    """A table of ``self.rows`` under the headers of ``COLUMNS``."""

    COLUMNS: tuple[Column, ...] = ()
    rows: list

    def rowCount(self, parent: _INDEX = QModelIndex()) -> int:  # noqa: B008 (Qt signature)
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _INDEX = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal
                and 0 <= section < len(self.COLUMNS)):
            return self.COLUMNS[section].header
        return None


class ReturnRowsModel(QAbstractTableModel):
    """One row per returned action that changes something or was refused; the first column
    is the tick saying whether to apply it."""

    COLUMNS: ClassVar[list[Column]] = [
        Column("apply", "Apply"),
        Column("action", "Action"),
        Column("fields", "Field"),
        Column("change", "Old → new"),
        Column("update", "New progress update"),
        Column("conflict", "Conflict"),
    ]
    selection_changed = Signal()

    def __init__(self, preview: ReturnPreview, parent=None):
        super().__init__(parent)
        self.rows: list[ActionReturn] = list(preview.actions)
        # Conflicts start unticked: the user decides them one by one.
        self._ticked: set[int] = {a.action_id for a in self.rows if a.can_apply and not a.has_conflict}
        self._fatal = bool(preview.fatal)

    # the ticks

    def applicable(self, row: ActionReturn) -> bool:
        return not self._fatal and row.can_apply

    def selected_ids(self) -> list[int]:
        return [a.action_id for a in self.rows if a.action_id in self._ticked]

    def applicable_ids(self) -> list[int]:
        return [a.action_id for a in self.rows if self.applicable(a)]

    def set_all(self, ticked: bool) -> None:
        self._ticked = set(self.applicable_ids()) if ticked else set()
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, 0),
                                  [Qt.ItemDataRole.CheckStateRole])
        self.selection_changed.emit()

    # Qt's side

    def rowCount(self, parent: _INDEX = QModelIndex()) -> int:  # noqa: B008 (Qt signature)
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _INDEX = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.COLUMNS):
                return self.COLUMNS[section].header
            if orientation == Qt.Orientation.Vertical and 0 <= section < len(self.rows):
                return f"Row {self.rows[section].row}"
        return None

    def flags(self, index: _INDEX) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == 0 and self.applicable(self.rows[index.row()]):
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: _INDEX, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        item = self.rows[index.row()]
        key = self.COLUMNS[index.column()].key
        if role == Qt.ItemDataRole.CheckStateRole and key == "apply":
            ticked = item.action_id in self._ticked
            return Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._text(item, key, tooltip=role == Qt.ItemDataRole.ToolTipRole)
        if role == Qt.ItemDataRole.BackgroundRole and key == "conflict":
            if item.refused:
                return QBrush(REFUSED_BACKGROUND)
            if item.has_conflict:
                return QBrush(CONFLICT_BACKGROUND)
        if role == Qt.ItemDataRole.ForegroundRole and key == "conflict" and (item.refused or item.has_conflict):
            return QBrush(QColor("#000000"))  # dark text on the light colour, whatever the theme
        if role == Qt.ItemDataRole.UserRole:
            return item.action_id
        return None

    def _text(self, item: ActionReturn, key: str, *, tooltip: bool) -> str | None:
        if key == "apply":
            return None if not tooltip else (
                "Cannot be applied" if not self.applicable(item) else "Tick to apply this row")
        if key == "action":
            return f"{item.reference}: {item.description if tooltip else _short(item.description, 60)}"
        if key == "fields":
            if item.refused:  # the columns refused, named as the sheet names them
                return "\n".join(dict.fromkeys(p.where.header or "" for p in item.refused
                                               if p.where is not None and p.where.header)) or ""
            return "\n".join(change.label for change in item.changes)
        if key == "change":
            if item.refused:
                return "Not applied: see the refused cells below"
            marks = [f"{c.old or '(blank)'} → {c.new or '(blank)'}" + ("  (conflict)" if c.conflict else "")
                     for c in item.changes]
            return "\n".join(marks)
        if key == "update":
            if item.new_update is None:
                return ""
            text = item.new_update.text if tooltip else _short(item.new_update.text, 80)
            return f"{format_uk_date(item.new_update.update_on)}: {text}"
        if key == "conflict":
            if item.refused:
                return REFUSED_WORD + (f": {item.refused[0]}" if tooltip else "")
            if item.has_conflict:
                return CONFLICT_WORD + (": the tracker changed the same field since the export"
                                        if tooltip else "")
            return ""
        return None

    def setData(self, index: _INDEX, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if (not index.isValid() or index.column() != 0 or role != Qt.ItemDataRole.CheckStateRole
                or not self.applicable(self.rows[index.row()])):
            return False
        action_id = self.rows[index.row()].action_id
        state = value.value if isinstance(value, Qt.CheckState) else value
        if state == Qt.CheckState.Checked.value:
            self._ticked.add(action_id)
        else:
            self._ticked.discard(action_id)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        self.selection_changed.emit()
        return True


def problem_lines(preview: ReturnPreview) -> list[str]:
    """Every refusal and warning of a preview, each naming its sheet, row and column."""
    lines = [f"Refused (whole file): {p}" for p in preview.fatal]
    for item in preview.actions:
        lines += [f"Refused, action {item.reference}: {p}" for p in item.refused]
    for item in preview.actions:
        lines += [f"Warning, action {item.reference}: {p}" for p in item.warnings]
    lines += [f"Warning: {p}" for p in preview.warnings]
    return lines


class ReturnPreviewDialog(QDialog):
    """The preview of a returned workbook; the user picks the rows to apply.

    After ``exec()``: accepted means apply ``chosen_ids``; ``rejected_all`` says the
    user pressed Reject all rather than Cancel (either way nothing is written)."""

    def __init__(self, parent: QWidget | None, preview: ReturnPreview):
        super().__init__(parent)
        self.preview = preview
        self.chosen_ids: list[int] = []
        self.rejected_all = False
        self.setWindowTitle(f"Agency return: {preview.path.name}")
        self.setObjectName("returnPreviewDialog")
        self.model = ReturnRowsModel(preview, self)

        stamp = preview.stamp
        applicable = self.model.applicable_ids()
        conflicts = sum(1 for a in preview.actions if a.can_apply and a.has_conflict)
        refused = sum(1 for a in preview.actions if a.refused)
        unchanged = preview.rows_read - sum(1 for a in preview.actions if a.can_apply) - refused
        self.intro = QLabel(
            f"<b>{preview.path.name}</b>: the action plan exported {_when(stamp.exported_at)} "
            f"({stamp.filters}); {preview.rows_read} action rows read.<br>"
            f"{len(applicable)} action(s) to change ({conflicts} with conflicts), {refused} refused, "
            f"{max(unchanged, 0)} unchanged. Nothing has been written yet. Rows marked "
            f"<b>Conflict</b> were changed in the tracker since the export: tick one to take the "
            f"agency's value.")
        self.intro.setWordWrap(True)
        self.intro.setTextFormat(Qt.TextFormat.RichText)

        self.table = QTableView()
        self.table.setObjectName("returnRows")
        self.table.setAccessibleName("Changes in the returned workbook")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        for column, width in enumerate((56, 280, 150, 260, 300, 110)):
            self.table.setColumnWidth(column, width)
        self.table.resizeRowsToContents()

        self.problems = QPlainTextEdit()
        self.problems.setObjectName("returnProblems")
        self.problems.setAccessibleName("Refused cells and warnings")
        self.problems.setReadOnly(True)
        lines = problem_lines(preview)
        self.problems.setPlainText("\n".join(lines) if lines else "No refused cells and no warnings.")
        problems_box = QWidget()
        box = QVBoxLayout(problems_box)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(QLabel(f"Refused cells and warnings ({len(lines)}):"))
        box.addWidget(self.problems)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(problems_box)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)

        self.count_label = QLabel()
        self.count_label.setObjectName("selectedCount")
        self.accept_all_button = QPushButton("&Accept all")
        self.accept_all_button.setToolTip("Apply every row that can be applied, conflicts included")
        self.reject_all_button = QPushButton("&Reject all")
        self.reject_all_button.setToolTip("Take nothing from this file")
        self.apply_button = QPushButton("Apply &selected")
        self.apply_button.setDefault(True)
        self.cancel_button = QPushButton("Cancel")
        self.accept_all_button.clicked.connect(self._on_accept_all_clicked)
        self.reject_all_button.clicked.connect(self._on_reject_all_clicked)
        self.apply_button.clicked.connect(self._on_apply_clicked)
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.count_label)
        buttons.addStretch(1)
        for button in (self.accept_all_button, self.reject_all_button, self.apply_button, self.cancel_button):
            buttons.addWidget(button)
        self.accept_all_button.setEnabled(bool(applicable))

        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)
        self.model.selection_changed.connect(self._update_count)
        self._update_count()
        self.resize(1200, 640)

    def _update_count(self) -> None:
        chosen = len(self.model.selected_ids())
        total = len(self.model.applicable_ids())
        self.count_label.setText(f"{chosen} of {total} row(s) selected to apply")
        self.apply_button.setEnabled(chosen > 0)

    def _on_accept_all_clicked(self) -> None:
        self.model.set_all(True)
        self.chosen_ids = self.model.selected_ids()
        self.accept()

    def _on_reject_all_clicked(self) -> None:
        self.model.set_all(False)
        self.rejected_all = True
        self.reject()

    def _on_apply_clicked(self) -> None:
        self.chosen_ids = self.model.selected_ids()
        if self.chosen_ids:
            self.accept()


def _when(iso: str) -> str:
    import datetime as dt

    try:
        return format_uk_datetime(dt.datetime.fromisoformat(iso))
    except ValueError:
        return iso


# --- a hand-kept tracker ------------------------------------------------------------------

KEEP_LABEL = "(keep as text)"
IGNORE = "ignore"
ALL_DOUBTS = "All doubts"


def field_label(name: str | None) -> str:
    """How a column's field is shown: its name, "(keep as text)" for none, "(ignore)"."""
    if not name:
        return KEEP_LABEL
    return IGNORE_LABEL if name == IGNORE else name.replace("_", " ")


class MappingModel(_RowsModel):
    """The column mapping of the first imported sheet: letter, header, field (editable). A
    column given no field is kept as text beside each record; one the user ignores is not
    imported."""

    COLUMNS: ClassVar[list[Column]] = [Column("letter", "Column"), Column("header", "Header in the workbook"),
                                       Column("field", "Imported as")]
    mapping_edited = Signal()

    def __init__(self, plan: legacy.LegacyImportPlan, parent=None):
        super().__init__(parent)
        self.fields: list[str] = list(legacy.FIELDS[plan.kind])
        self.rows: list[list] = []
        self.load(plan)

    def load(self, plan: legacy.LegacyImportPlan) -> None:
        self.beginResetModel()
        sheet = plan.sheets[0] if plan.sheets else None
        headers = dict(sheet.headers) if sheet else {}
        mapping = {**plan.mapping, **{letter: IGNORE for letter in (sheet.ignored if sheet else ())}}
        letters = sorted(set(headers) | set(mapping), key=lambda l: (len(l), l))
        self.rows = [[letter, headers.get(letter, ""), mapping.get(letter)] for letter in letters]
        self.endResetModel()

    def mapping(self) -> dict[str, str]:
        """Letter -> field (or "ignore") for every column imported or ignored; the columns
        left out are kept as text."""
        return {letter: name for letter, _header, name in self.rows if name}

    def set_field(self, row: int, name: str | None) -> None:
        self.setData(self.index(row, 2), name, Qt.ItemDataRole.EditRole)

    def row_of(self, letter: str) -> int:
        return next(i for i, r in enumerate(self.rows) if r[0] == letter)

    def flags(self, index: _INDEX) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return flags | Qt.ItemFlag.ItemIsEditable if index.column() == 2 else flags

    def data(self, index: _INDEX, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        value = self.rows[index.row()][index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return field_label(value) if index.column() == 2 else str(value or "")
        if role in (Qt.ItemDataRole.EditRole, Qt.ItemDataRole.UserRole):
            return value or "" if index.column() == 2 else str(value or "")
        return None

    def setData(self, index: _INDEX, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or index.column() != 2 or role != Qt.ItemDataRole.EditRole:
            return False
        name = value or None
        if name is not None and name not in self.fields and name != IGNORE:
            return False
        if self.rows[index.row()][2] == name:
            return True
        self.rows[index.row()][2] = name
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole])
        self.mapping_edited.emit()
        return True


class _ChoiceDelegate(QStyledItemDelegate):
    """A drop-down whose choice is taken, and the drop-down closed, as soon as it is made."""

    def _chosen(self, combo: QComboBox) -> None:
        self.commitData.emit(combo)
        self.closeEditor.emit(combo)


class FieldDelegate(_ChoiceDelegate):
    """A drop-down of the fields, "(keep as text)" and "(ignore)" for the mapping's last column."""

    def __init__(self, fields: Sequence[str], parent=None):
        super().__init__(parent)
        self.fields = list(fields)

    def createEditor(self, parent, option, index):
        combo = QComboBox(parent)
        combo.addItem(KEEP_LABEL, "")
        combo.addItem(IGNORE_LABEL, IGNORE)
        for name in self.fields:
            combo.addItem(field_label(name), name)
        combo.activated.connect(lambda _i, c=combo: self._chosen(c))
        return combo

    def setEditorData(self, editor, index):
        position = editor.findData(index.data(Qt.ItemDataRole.EditRole) or "")
        editor.setCurrentIndex(max(position, 0))

    def setModelData(self, editor, model, index):
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


def new_agency_label(spelling: str) -> str:
    return f"New agency: {spelling}"


def same_as_label(spelling: str) -> str:
    return f"Same agency as '{spelling}'"


class ProposalModel(_RowsModel):
    """Every agency spelling that is not a name or known spelling of an agency: where it is,
    the closest agencies on the list, and what it will be imported as (editable: an agency on
    the list, a new agency, or the same as another spelling). Ticking "Use suggestion" takes
    the closest agency."""

    COLUMNS: ClassVar[list[Column]] = [
        Column("confirm", "Use suggestion"), Column("spelling", "Spelling in the workbook"), Column("cells", "Cells"),
        Column("agency", "Closest on the list"), Column("outcome", "Imported as")]
    confirmations_changed = Signal()

    def __init__(self, plan: legacy.LegacyImportPlan, parent=None):
        super().__init__(parent)
        self.load(plan)

    def load(self, plan: legacy.LegacyImportPlan) -> None:
        self.beginResetModel()
        self.plan = plan
        self.rows = plan.uncertain()
        self.endResetModel()

    def choices(self, row: int) -> list[tuple[str, str]]:
        """(label, what to say) for each thing the spelling on ``row`` may become."""
        spelling = self.rows[row].spelling
        out = [(new_agency_label(spelling), spelling)]
        out += [(same_as_label(m.spelling), m.spelling) for m in self.rows if m.spelling != spelling]
        out += [(name, name) for name in self.plan.matcher.names]
        return out

    def flags(self, index: _INDEX) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == 0 and self.rows[index.row()].agency_id is not None:
            return flags | Qt.ItemFlag.ItemIsUserCheckable
        return flags | Qt.ItemFlag.ItemIsEditable if index.column() == 4 else flags

    def confirmed(self, row: int) -> bool:
        """Whether the spelling on ``row`` is taken as its closest agency."""
        match = self.rows[row]
        return match.agency_id is not None and self.plan.agency_id(match.spelling) == match.agency_id

    def data(self, index: _INDEX, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        match = self.rows[index.row()]
        key = self.COLUMNS[index.column()].key
        if role == Qt.ItemDataRole.CheckStateRole and key == "confirm" and match.agency_id is not None:
            return Qt.CheckState.Checked if self.confirmed(index.row()) else Qt.CheckState.Unchecked
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._text(match, key, tooltip=role == Qt.ItemDataRole.ToolTipRole)
        if role == Qt.ItemDataRole.EditRole and key == "outcome":
            return self.plan.agency_choices.get(match_key(match.spelling), "")
        if role == Qt.ItemDataRole.UserRole and key == "confirm":
            return match.score
        return None

    def _text(self, match, key: str, *, tooltip: bool) -> str | None:
        if key == "spelling":
            return match.spelling
        if key == "cells":
            cells = [cell for _sheet, cell in self.plan.agency_cells.get(match_key(match.spelling), [])]
            uses = self.plan.agency_uses[match_key(match.spelling)]
            return cells_text(cells, uses, 5)
        if key == "agency":
            best = ", ".join(f"{name} ({score:.0f})" for name, score in match.best)
            return best + (" — near tie" if match.tied else "") if best else "(nothing close)"
        if key == "outcome":
            outcome = self.plan.agency_outcome(match.spelling)
            if not outcome.is_new:
                how = {"similar": " (by similarity)", "same-as": " (same as another spelling)"}.get(outcome.how, "")
                return outcome.name + how
            return new_agency_label(outcome.name) + (f" — marked '{legacy.NEW_AGENCY_SECTOR}'" if outcome.marked else "")
        return "" if tooltip else None

    def setData(self, index: _INDEX, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid():
            return False
        match = self.rows[index.row()]
        if index.column() == 0 and role == Qt.ItemDataRole.CheckStateRole and match.agency_id is not None:
            state = value.value if isinstance(value, Qt.CheckState) else value
            if state == Qt.CheckState.Checked.value and match.status == "proposed":
                self.plan.confirm_agency(match.spelling)
            elif state == Qt.CheckState.Checked.value:
                self.plan.map_agency(match.spelling, match.agency_name)
            else:
                self.plan.map_agency(match.spelling, match.spelling)  # not that one: a new agency as written
        elif index.column() == 4 and role == Qt.ItemDataRole.EditRole and str(value or "").strip():
            self.plan.map_agency(match.spelling, str(value))
        else:
            return False
        self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, len(self.COLUMNS) - 1))
        self.confirmations_changed.emit()
        return True


class AgencyDelegate(_ChoiceDelegate):
    """An editable drop-down for what a spelling is imported as: a new agency, the same as
    another spelling, an agency on the list, or a new agency under a name typed in."""

    def createEditor(self, parent, option, index):
        combo = QComboBox(parent)
        combo.setEditable(True)
        combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for label, target in index.model().choices(index.row()):
            combo.addItem(label, target)
        combo.activated.connect(lambda _i, c=combo: self._chosen(c))
        return combo

    def setEditorData(self, editor, index):
        current = index.data(Qt.ItemDataRole.EditRole)
        position = editor.findData(current) if current else -1
        editor.setCurrentIndex(max(position, 0))

    def setModelData(self, editor, model, index):
        text = editor.currentText()
        position = editor.findText(text)
        model.setData(index, editor.itemData(position) if position >= 0 else text, Qt.ItemDataRole.EditRole)


class WordsModel(_RowsModel):
    """Words met in the file that could mean more than one thing: the user says which."""

    COLUMNS: ClassVar[list[Column]] = [Column("word", "Word"), Column("list", "Word for"), Column("cells", "Cells"),
                                       Column("meaning", "Means")]
    word_decided = Signal(str, str)  # word, meaning

    def __init__(self, plan: legacy.LegacyImportPlan, decided: dict[str, str], parent=None):
        super().__init__(parent)
        self.decided = decided
        self.load(plan)

    def load(self, plan: legacy.LegacyImportPlan) -> None:
        self.beginResetModel()
        words = {match_key(w): w for w in self.decided}
        found = {match_key(w.word.word): w for w in plan.words_to_decide()}
        self.rows = list(found.values()) + [self._decided_row(plan, word) for key, word in words.items()
                                            if key not in found]
        self.rows = [row for row in self.rows if row is not None]
        self.endResetModel()

    @staticmethod
    def _decided_row(plan: legacy.LegacyImportPlan, word: str):
        for (list_kind, key), cells in plan.word_cells.items():
            if key == match_key(word):
                found = next((w for w in plan.words.ambiguous_words(list_kind) if match_key(w.word) == key), None)
                if found is not None:
                    return WordToDecide(list_kind, found, tuple(cells))
        return None

    def flags(self, index: _INDEX) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return flags | Qt.ItemFlag.ItemIsEditable if index.column() == 3 else flags

    def meanings(self, row: int) -> tuple[str, ...]:
        return self.rows[row].word.meanings

    def data(self, index: _INDEX, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        found = self.rows[index.row()]
        key = self.COLUMNS[index.column()].key
        chosen = self.decided.get(found.word.word)
        if role == Qt.ItemDataRole.EditRole and key == "meaning":
            return chosen or ""
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return {"word": found.word.word, "list": found.label,
                    "cells": cells_text([c for _, c in found.cells], len(found.cells), 5),
                    "meaning": chosen or f"Choose: {' or '.join(found.word.meanings)}"}[key]
        if role == Qt.ItemDataRole.ForegroundRole and key == "meaning" and not chosen:
            return QBrush(QColor("#b00020"))
        return None

    def setData(self, index: _INDEX, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or index.column() != 3 or role != Qt.ItemDataRole.EditRole:
            return False
        found = self.rows[index.row()]
        if value not in found.word.meanings:
            return False
        self.decided[found.word.word] = value
        self.dataChanged.emit(index, index)
        self.word_decided.emit(found.word.word, value)
        return True


class MeaningDelegate(_ChoiceDelegate):
    """A drop-down of what a word may mean."""

    def createEditor(self, parent, option, index):
        combo = QComboBox(parent)
        for meaning in index.model().meanings(index.row()):
            combo.addItem(meaning, meaning)
        combo.activated.connect(lambda _i, c=combo: self._chosen(c))
        return combo

    def setEditorData(self, editor, index):
        editor.setCurrentIndex(max(editor.findData(index.data(Qt.ItemDataRole.EditRole)), 0))

    def setModelData(self, editor, model, index):
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


class WarningsModel(_RowsModel):
    """Every doubt of the plan, row by row: its kind, sheet, cell, what the cell held and what
    was done; ``show_kind`` narrows it to one kind."""

    COLUMNS: ClassVar[list[Column]] = [Column("kind", "Doubt"), Column("sheet", "Sheet"), Column("cell", "Cell"),
                                       Column("text", "As written"), Column("message", "What was done")]

    def __init__(self, plan: legacy.LegacyImportPlan, parent=None):
        super().__init__(parent)
        self.kind: str | None = None
        self.all: list = []
        self.rows = []
        self.load(plan)

    def load(self, plan: legacy.LegacyImportPlan) -> None:
        self.beginResetModel()
        self.all = list(plan.warnings)
        self.rows = [w for w in self.all if self.kind is None or w.kind == self.kind]
        self.endResetModel()

    def show_kind(self, kind: str | None) -> None:
        self.beginResetModel()
        self.kind = kind
        self.rows = [w for w in self.all if kind is None or w.kind == kind]
        self.endResetModel()

    def data(self, index: _INDEX, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            warning = self.rows[index.row()]
            value = (warning.kind_label, warning.sheet, warning.cell, warning.text, warning.message)[index.column()]
            return value if role == Qt.ItemDataRole.ToolTipRole else _short(value, 200)
        return None


def replan(path: Path, kind: str, mapping: dict[str, str] | None,
           words: dict[str, str] | None = None) -> Callable[[Session, Progress], legacy.LegacyImportPlan]:
    """What (re-)plans importing a tracker in a read-only session (Qt-free)."""
    def plan(session: Session, progress: Progress) -> legacy.LegacyImportPlan:
        progress(0, 0, f"Reading {path.name}…")
        planned = legacy.plan_import(session, path, kind, mapping, words=words, progress=progress)
        progress(1, 1, "")
        return planned

    return plan


class LegacyImportDialog(QDialog):
    """The dry run of importing a hand-kept tracker; Import accepts ``self.plan``.

    Editing the mapping makes the dry run out of date: Import is disabled until Re-plan
    has read the workbook again with the corrected mapping (off the GUI thread), so what
    is imported is always what was shown. Choosing what a word means re-plans at once; Import
    stays disabled while a word is undecided. Agency spellings are settled in place. Signal
    ``replanned`` after every re-plan that ended (read, refused or cancelled)."""

    replanned = Signal()

    def __init__(self, parent: QWidget | None, database: Database, plan: legacy.LegacyImportPlan):
        super().__init__(parent)
        self.database = database
        self.plan = plan
        self.job: QueryOp | None = None
        self._stale = False
        self.words_decided: dict[str, str] = {word: value for (_kind, word), value in plan.words.decided.items()}
        self.setWindowTitle(f"Import {plan.path.name}")
        self.setObjectName("legacyImportDialog")

        self.kind_label = QLabel()
        self.kind_label.setObjectName("kindLabel")
        self.kind_label.setWordWrap(True)

        self.mapping_model = MappingModel(plan, self)
        self.mapping_view = self._table("mappingTable", "Column mapping", self.mapping_model)
        self.mapping_view.setItemDelegateForColumn(2, FieldDelegate(self.mapping_model.fields, self.mapping_view))
        self.mapping_view.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        self.mapping_view.setColumnWidth(0, 60)
        self.mapping_view.setColumnWidth(1, 200)
        self.mapping_model.mapping_edited.connect(self._on_mapping_edited)
        self.replan_button = QPushButton("&Re-plan")
        self.replan_button.setToolTip("Read the workbook again with the columns as set above")
        self.replan_button.clicked.connect(self._on_replan_clicked)
        self.remember_box = QCheckBox("Re&member these columns, agencies and words for workbooks with this name")
        self.remember_box.setChecked(plan.mapping_source == "saved")
        self.stale_label = QLabel("The mapping has changed: press Re-plan to see what would be "
                                  "imported before importing.")
        self.stale_label.setStyleSheet("color: #b00020;")
        self.stale_label.setWordWrap(True)
        self.stale_label.hide()

        self.proposal_model = ProposalModel(plan, self)
        self.proposal_view = self._table("agencyProposals", "Agency spellings to settle", self.proposal_model)
        self.proposal_view.setItemDelegateForColumn(4, AgencyDelegate(self.proposal_view))
        self.proposal_view.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        header = self.proposal_view.horizontalHeader()
        for column, width in enumerate((90, 170, 60, 220)):  # never narrower than the heading
            self.proposal_view.setColumnWidth(column, max(width, header.sectionSizeHint(column)))
        self.proposal_model.confirmations_changed.connect(self._show_plan_text)

        self.words_model = WordsModel(plan, self.words_decided, self)
        self.words_view = self._table("wordsToDecide", "Words to decide", self.words_model)
        self.words_view.setItemDelegateForColumn(3, MeaningDelegate(self.words_view))
        self.words_view.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        self.words_model.word_decided.connect(self._on_word_decided)
        self.words_label = QLabel("Words that could mean more than one thing (choose what each means here):")
        self.words_label.setWordWrap(True)

        self.dry_run = QPlainTextEdit()
        self.dry_run.setObjectName("dryRun")
        self.dry_run.setAccessibleName("Dry run")
        self.dry_run.setReadOnly(True)
        self.dry_run.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        font = self.dry_run.font()
        font.setFamily("monospace")
        font.setStyleHint(font.StyleHint.Monospace)
        self.dry_run.setFont(font)

        self.warnings_model = WarningsModel(plan, self)
        self.warnings_view = self._table("importWarnings", "Doubts by sheet and cell", self.warnings_model)
        self.warnings_view.setSortingEnabled(False)
        for column, width in enumerate((190, 90, 70, 160)):
            self.warnings_view.setColumnWidth(column, width)
        self.warnings_label = QLabel()
        self.kind_filter = QComboBox()
        self.kind_filter.setObjectName("doubtKind")
        self.kind_filter.setAccessibleName("Which doubts to show")
        self.kind_filter.activated.connect(self._on_kind_chosen)

        self.undecided_label = QLabel()
        self.undecided_label.setStyleSheet("color: #b00020;")
        self.undecided_label.setWordWrap(True)
        self.import_button = QPushButton("&Import")
        self.import_button.setDefault(True)
        self.cancel_button = QPushButton("Cancel")
        self.import_button.clicked.connect(self._on_import_clicked)
        self.cancel_button.clicked.connect(self.reject)

        left = QWidget()
        left_box = QVBoxLayout(left)
        left_box.setContentsMargins(0, 0, 0, 0)
        left_box.addWidget(QLabel("Columns (correct any that are wrong, then Re-plan):"))
        left_box.addWidget(self.mapping_view, 2)
        row = QHBoxLayout()
        row.addWidget(self.replan_button)
        row.addStretch(1)
        left_box.addLayout(row)
        left_box.addWidget(self.stale_label)
        left_box.addWidget(self.remember_box)
        left_box.addWidget(QLabel("Agency spellings not on the agency list (say what each is under "
                                  "\"Imported as\"; tick to take the closest agency):"))
        left_box.addWidget(self.proposal_view, 2)
        left_box.addWidget(self.words_label)
        left_box.addWidget(self.words_view, 1)
        right = QSplitter(Qt.Orientation.Vertical)
        dry_box = QWidget()
        box = QVBoxLayout(dry_box)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(QLabel("Dry run (nothing has been written):"))
        box.addWidget(self.dry_run)
        warn_box = QWidget()
        box = QVBoxLayout(warn_box)
        box.setContentsMargins(0, 0, 0, 0)
        heading = QHBoxLayout()
        heading.addWidget(self.warnings_label, 1)
        heading.addWidget(self.kind_filter)
        box.addLayout(heading)
        box.addWidget(self.warnings_view)
        right.addWidget(dry_box)
        right.addWidget(warn_box)
        right.setStretchFactor(1, 2)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        buttons = QHBoxLayout()
        buttons.addWidget(self.undecided_label, 1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.kind_label)
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)
        self._show_plan()
        self.resize(1280, 760)

    @staticmethod
    def _table(name: str, accessible: str, model) -> QTableView:
        view = QTableView()
        view.setObjectName(name)
        view.setAccessibleName(accessible)
        view.setModel(model)
        view.horizontalHeader().setStretchLastSection(True)
        view.verticalHeader().hide()
        return view

    # --- showing the plan ---------------------------------------------------------------

    def _show_plan(self) -> None:
        plan = self.plan
        kind = "an action plan tracker" if plan.kind == legacy.ACTION_PLAN else "a referral register"
        sheets = ", ".join(f"'{s.name}' (header on row {s.header_row})" for s in plan.sheets)
        source = {"proposed": "proposed from the header words", "saved": "as remembered for this file",
                  "given": "as you set it"}.get(plan.mapping_source, plan.mapping_source)
        self.kind_label.setText(f"{plan.path.name} looks like {kind}. Sheets imported: {sheets}. "
                                f"Columns {source}. {plan.rows_read:,} rows read.")
        self.mapping_model.load(plan)
        self.proposal_model.load(plan)
        self.words_model.load(plan)
        has_words = bool(self.words_model.rows)
        self.words_label.setVisible(has_words)
        self.words_view.setVisible(has_words)
        self._show_plan_text()
        self._set_stale(False)

    def _show_plan_text(self) -> None:
        self.dry_run.setPlainText(self.plan.describe())
        self.warnings_model.load(self.plan)
        doubts = self.warnings_model.all
        count = len(doubts)
        self.warnings_label.setText(f"Doubts by sheet and cell ({count:,}):" if count else
                                    "No doubts: every value goes into a field.")
        kinds = counts_by_kind(doubts)
        self.kind_filter.clear()
        self.kind_filter.addItem(f"{ALL_DOUBTS} ({count:,})", None)
        for kind, label in KINDS.items():
            if kinds[kind]:
                self.kind_filter.addItem(f"{label} ({kinds[kind]:,})", kind)
        self.kind_filter.setCurrentIndex(max(self.kind_filter.findData(self.warnings_model.kind), 0))
        if self.kind_filter.currentData() != self.warnings_model.kind:
            self.warnings_model.show_kind(None)
        self._update_import()

    def _set_stale(self, stale: bool) -> None:
        self._stale = stale
        self.stale_label.setVisible(stale)
        self._update_import()

    def _update_import(self) -> None:
        undecided = self.plan.words_to_decide()
        self.undecided_label.setText(
            f"Say what {', '.join(repr(w.word.word) for w in undecided)} mean{'s' if len(undecided) == 1 else ''} "
            "before importing." if undecided else "")
        self.import_button.setEnabled(not self._stale and self.job is None and not undecided)

    # --- slots ---------------------------------------------------------------------------

    def _on_kind_chosen(self, _index: int) -> None:
        self.warnings_model.show_kind(self.kind_filter.currentData())

    def _on_mapping_edited(self) -> None:
        self._set_stale(True)

    def _on_word_decided(self, _word: str, _meaning: str) -> None:
        self.start_replan()

    def _on_replan_clicked(self) -> None:
        self.start_replan()

    def start_replan(self) -> QueryOp | None:
        """Read the workbook again with the mapping and words shown, off the GUI thread."""
        if self.job is not None:
            return None
        mapping = self.mapping_model.mapping()
        self.replan_button.setEnabled(False)
        self.import_button.setEnabled(False)
        self.job = QueryOp(self, self.database,
                           replan(self.plan.path, self.plan.kind, mapping, dict(self.words_decided)), progress=True,
                           title="Re-plan the import", label=f"Reading {self.plan.path.name}…",
                           cancellable=True, success=self._on_replanned, ended=self._end_replan)
        return self.job.run_in_background()

    def _on_replanned(self, plan: legacy.LegacyImportPlan) -> None:
        # What the user said of agency spellings carries over to those the file still holds.
        for key in self.plan.confirmed:
            if key in plan.agencies and plan.agencies[key].status == "proposed":
                plan.confirm_agency(plan.agencies[key].spelling)
        for key, target in self.plan.agency_choices.items():
            if key in plan.agencies:
                plan.map_agency(plan.agencies[key].spelling, target)
        self.plan = plan
        self._show_plan()

    def _end_replan(self) -> None:
        # Read, refused (said in words) or cancelled: Import again once the plan is current.
        self.job = None
        self.replan_button.setEnabled(True)
        self._set_stale(self._stale)
        self.replanned.emit()

    def _on_import_clicked(self) -> None:
        if self._stale or self.job is not None or self.plan.words_to_decide():
            return
        self.accept()

    @property
    def remember_mapping(self) -> bool:
        return self.remember_box.isChecked()

    def reject(self) -> None:
        if self.job is not None:  # stop the re-plan first; the dialog stays until it has
            self.job.cancel()
            return
        super().reject()

    def closeEvent(self, event) -> None:
        if self.job is not None:
            self.job.cancel()
            event.ignore()
            return
        super().closeEvent(event)
