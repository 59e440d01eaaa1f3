"""What an import would do, shown before anything is written.

``ReturnPreviewDialog`` shows a returned action plan workbook (``app.excel.returns``): one
row per action, with each field old → new, the new progress update, and conflicts (the
tracker changed the same field since the export) marked in colour *and* in words. Rows the
agency changed are ticked to apply, except conflicts, which the user must tick knowingly;
refused rows cannot be ticked. Refused cells and warnings are listed below by sheet, row
and column. Accept all, Reject all, Apply selected or Cancel.

``LegacyImportDialog`` shows the dry run of a hand-kept tracker or referral register
(``app.excel.legacy``): the column mapping, which the user may correct and re-plan (off the
GUI thread), the agency spellings proposed as matches (ticked to confirm each), the dry-run
text and every warning by sheet and cell. Import / Cancel. Nothing is written here: the
caller (``ui.import_export``) applies what the dialog accepted.
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

def field_label(name: str | None) -> str:
    return IGNORE_LABEL if not name else name.replace("_", " ")


class MappingModel(_RowsModel):
    """The column mapping of the first imported sheet: letter, header, field (editable)."""

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
        mapping = plan.mapping
        letters = sorted(set(headers) | set(mapping), key=lambda l: (len(l), l))
        self.rows = [[letter, headers.get(letter, ""), mapping.get(letter)] for letter in letters]
        self.endResetModel()

    def mapping(self) -> dict[str, str]:
        """Letter -> field for every column imported (ignored ones left out)."""
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
        if name is not None and name not in self.fields:
            return False
        if self.rows[index.row()][2] == name:
            return True
        self.rows[index.row()][2] = name
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole])
        self.mapping_edited.emit()
        return True


class FieldDelegate(QStyledItemDelegate):
    """A drop-down of the fields (and "(ignore)") for the mapping's last column."""

    def __init__(self, fields: Sequence[str], parent=None):
        super().__init__(parent)
        self.fields = list(fields)

    def createEditor(self, parent, option, index):
        combo = QComboBox(parent)
        combo.addItem(IGNORE_LABEL, "")
        for name in self.fields:
            combo.addItem(field_label(name), name)
        combo.activated.connect(lambda _i, c=combo: self.commitData.emit(c))
        return combo

    def setEditorData(self, editor, index):
        position = editor.findData(index.data(Qt.ItemDataRole.EditRole) or "")
        editor.setCurrentIndex(max(position, 0))

    def setModelData(self, editor, model, index):
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


class ProposalModel(_RowsModel):
    """Agency spellings matched only by similarity; ticking one confirms it as an alias."""

    COLUMNS: ClassVar[list[Column]] = [Column("confirm", "Confirm"), Column("spelling", "Spelling in the workbook"),
               Column("agency", "Looks like"), Column("score", "Score")]
    confirmations_changed = Signal()

    def __init__(self, plan: legacy.LegacyImportPlan, parent=None):
        super().__init__(parent)
        self.plan = plan
        self.rows = plan.proposals()

    def load(self, plan: legacy.LegacyImportPlan) -> None:
        self.beginResetModel()
        self.plan = plan
        self.rows = plan.proposals()
        self.endResetModel()

    def flags(self, index: _INDEX) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return flags | Qt.ItemFlag.ItemIsUserCheckable if index.column() == 0 else flags

    def confirmed(self, row: int) -> bool:
        return match_key(self.rows[row].spelling) in self.plan.confirmed

    def data(self, index: _INDEX, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        match = self.rows[index.row()]
        key = self.COLUMNS[index.column()].key
        if role == Qt.ItemDataRole.CheckStateRole and key == "confirm":
            return Qt.CheckState.Checked if self.confirmed(index.row()) else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.DisplayRole:
            if key == "spelling":
                return match.spelling
            if key == "agency":
                return match.agency_name + (" (another agency scores almost as well)" if match.tied else "")
            if key == "score":
                return f"{match.score:.0f}"
        if role == Qt.ItemDataRole.UserRole and key == "score":
            return match.score
        return None

    def setData(self, index: _INDEX, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or index.column() != 0 or role != Qt.ItemDataRole.CheckStateRole:
            return False
        match = self.rows[index.row()]
        state = value.value if isinstance(value, Qt.CheckState) else value
        if state == Qt.CheckState.Checked.value:
            self.plan.confirm_agency(match.spelling)
        else:
            self.plan.confirmed.discard(match_key(match.spelling))
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        self.confirmations_changed.emit()
        return True


class WarningsModel(_RowsModel):
    """Every warning of the plan: sheet, cell, what to check."""

    COLUMNS: ClassVar[list[Column]] = [Column("sheet", "Sheet"), Column("cell", "Cell"), Column("message", "Warning")]

    def __init__(self, plan: legacy.LegacyImportPlan, parent=None):
        super().__init__(parent)
        self.rows = list(plan.warnings)

    def load(self, plan: legacy.LegacyImportPlan) -> None:
        self.beginResetModel()
        self.rows = list(plan.warnings)
        self.endResetModel()

    def data(self, index: _INDEX, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            warning = self.rows[index.row()]
            return (warning.sheet, warning.cell, warning.message)[index.column()]
        return None


def replan(path: Path, kind: str,
           mapping: dict[str, str] | None) -> Callable[[Session, Progress], legacy.LegacyImportPlan]:
    """What (re-)plans importing a tracker in a read-only session (Qt-free)."""
    def plan(session: Session, progress: Progress) -> legacy.LegacyImportPlan:
        progress(0, 0, f"Reading {path.name}…")
        planned = legacy.plan_import(session, path, kind, mapping)
        progress(1, 1, "")
        return planned

    return plan


class LegacyImportDialog(QDialog):
    """The dry run of importing a hand-kept tracker; Import accepts ``self.plan``.

    Editing the mapping makes the dry run out of date: Import is disabled until Re-plan
    has read the workbook again with the corrected mapping (off the GUI thread), so what
    is imported is always what was shown. Signal ``replanned`` after every re-plan that
    ended (read, refused or cancelled)."""

    replanned = Signal()

    def __init__(self, parent: QWidget | None, database: Database, plan: legacy.LegacyImportPlan):
        super().__init__(parent)
        self.database = database
        self.plan = plan
        self.job: QueryOp | None = None
        self._stale = False
        self.setWindowTitle(f"Import {plan.path.name}")
        self.setObjectName("legacyImportDialog")

        self.kind_label = QLabel()
        self.kind_label.setObjectName("kindLabel")
        self.kind_label.setWordWrap(True)

        self.mapping_model = MappingModel(plan, self)
        self.mapping_view = QTableView()
        self.mapping_view.setObjectName("mappingTable")
        self.mapping_view.setAccessibleName("Column mapping")
        self.mapping_view.setModel(self.mapping_model)
        self.mapping_view.setItemDelegateForColumn(2, FieldDelegate(self.mapping_model.fields, self.mapping_view))
        self.mapping_view.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        self.mapping_view.horizontalHeader().setStretchLastSection(True)
        self.mapping_view.verticalHeader().hide()
        self.mapping_view.setColumnWidth(0, 60)
        self.mapping_view.setColumnWidth(1, 200)
        self.mapping_model.mapping_edited.connect(self._on_mapping_edited)
        self.replan_button = QPushButton("&Re-plan")
        self.replan_button.setToolTip("Read the workbook again with the columns as set above")
        self.replan_button.clicked.connect(self._on_replan_clicked)
        self.remember_box = QCheckBox("Re&member this mapping for workbooks with this name")
        self.remember_box.setChecked(plan.mapping_source == "saved")
        self.stale_label = QLabel("The mapping has changed: press Re-plan to see what would be "
                                  "imported before importing.")
        self.stale_label.setStyleSheet("color: #b00020;")
        self.stale_label.setWordWrap(True)
        self.stale_label.hide()

        self.proposal_model = ProposalModel(plan, self)
        self.proposal_view = QTableView()
        self.proposal_view.setObjectName("agencyProposals")
        self.proposal_view.setAccessibleName("Agency spellings to confirm")
        self.proposal_view.setModel(self.proposal_model)
        self.proposal_view.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.proposal_view.setColumnWidth(0, 64)
        self.proposal_view.setColumnWidth(1, 200)
        self.proposal_view.setColumnWidth(3, 56)
        self.proposal_view.verticalHeader().hide()
        self.proposal_model.confirmations_changed.connect(self._show_plan_text)

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
        self.warnings_view = QTableView()
        self.warnings_view.setObjectName("importWarnings")
        self.warnings_view.setAccessibleName("Warnings by sheet and cell")
        self.warnings_view.setModel(self.warnings_model)
        self.warnings_view.horizontalHeader().setStretchLastSection(True)
        self.warnings_view.verticalHeader().hide()
        self.warnings_label = QLabel()

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
        left_box.addWidget(QLabel("Agency spellings that look like one on the list (tick to confirm):"))
        left_box.addWidget(self.proposal_view, 1)
        right = QSplitter(Qt.Orientation.Vertical)
        dry_box = QWidget()
        box = QVBoxLayout(dry_box)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(QLabel("Dry run (nothing has been written):"))
        box.addWidget(self.dry_run)
        warn_box = QWidget()
        box = QVBoxLayout(warn_box)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.warnings_label)
        box.addWidget(self.warnings_view)
        right.addWidget(dry_box)
        right.addWidget(warn_box)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.kind_label)
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)
        self._show_plan()
        self.resize(1200, 680)

    # --- showing the plan ---------------------------------------------------------------

    def _show_plan(self) -> None:
        plan = self.plan
        kind = "an action plan tracker" if plan.kind == legacy.ACTION_PLAN else "a referral register"
        sheets = ", ".join(f"'{s.name}' (header on row {s.header_row})" for s in plan.sheets)
        source = {"proposed": "proposed from the header words", "saved": "as remembered for this file",
                  "given": "as you set it"}.get(plan.mapping_source, plan.mapping_source)
        self.kind_label.setText(f"{plan.path.name} looks like {kind}. Sheets imported: {sheets}. "
                                f"Columns {source}.")
        self.mapping_model.load(plan)
        self.proposal_model.load(plan)
        self._show_plan_text()
        self._set_stale(False)

    def _show_plan_text(self) -> None:
        self.dry_run.setPlainText(self.plan.describe())
        self.warnings_model.load(self.plan)
        count = len(self.warnings_model.rows)
        self.warnings_label.setText(f"Warnings by sheet and cell ({count}):" if count else "No warnings.")

    def _set_stale(self, stale: bool) -> None:
        self._stale = stale
        self.stale_label.setVisible(stale)
        self.import_button.setEnabled(not stale and self.job is None)

    # --- slots ---------------------------------------------------------------------------

    def _on_mapping_edited(self) -> None:
        self._set_stale(True)

    def _on_replan_clicked(self) -> None:
        self.start_replan()

    def start_replan(self) -> QueryOp | None:
        """Read the workbook again with the mapping shown, off the GUI thread."""
        if self.job is not None:
            return None
        mapping = self.mapping_model.mapping()
        self.replan_button.setEnabled(False)
        self.import_button.setEnabled(False)
        self.job = QueryOp(self, self.database, replan(self.plan.path, self.plan.kind, mapping), progress=True,
                           title="Re-plan the import", label=f"Reading {self.plan.path.name}…",
                           cancellable=True, success=self._on_replanned, ended=self._end_replan)
        return self.job.run_in_background()

    def _on_replanned(self, plan: legacy.LegacyImportPlan) -> None:
        # Agency confirmations already given carry over to spellings still proposed.
        still = {match_key(m.spelling) for m in plan.proposals()}
        plan.confirmed.update(self.plan.confirmed & still)
        self.plan = plan
        self._show_plan()

    def _end_replan(self) -> None:
        # Read, refused (said in words) or cancelled: Import again once the plan is current.
        self.job = None
        self.replan_button.setEnabled(True)
        self._set_stale(self._stale)
        self.replanned.emit()

    def _on_import_clicked(self) -> None:
        if self._stale or self.job is not None:
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

