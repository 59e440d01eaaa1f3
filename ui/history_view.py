"""History: who changed what, and when — for one record, or the whole database with filters.

The table is read-only: the audit trail is never edited from the program, so the model
offers no editable cell and the view has no edit triggers. Rows come from
``app.audit_query.audit_rows`` off the GUI thread; for the whole database only the newest
``ROW_LIMIT`` are shown (the filters narrow them; Export… writes them all).

Export… writes the rows the filters match to an .xlsx for an information-governance
request, under a partial name, and scans it for identifying details (pseudonyms stay
pseudonyms): it takes its name once nothing was found or the user chose to go ahead
knowingly (``ui.privacy_prompt``, which records the decision in the audit trail).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import audit_query, privacy_scan
from app.audit_query import AuditFilter, AuditRow
from app.database import Database
from app.errors import UserError
from app.privacy_scan import CheckedFile
from ui import dialogs, errors, privacy_prompt
from ui.widgets.date_edit import UkDateEdit, format_uk_datetime
from ui.workers import Job, Progress, run_job

ROW_LIMIT = 5000
MAX_SHOWN_CHARS = 300  # in a cell; the tooltip has the whole value
SEARCH_DELAY_MS = 350
EXPORT_TITLE = "Export the audit trail"

_Index = QModelIndex | QPersistentModelIndex


def _one_line(value: str | None) -> str:
    if value is None:
        return ""
    text = " ⏎ ".join(value.splitlines()) if "\n" in value or "\r" in value else value
    return text if len(text) <= MAX_SHOWN_CHARS else text[:MAX_SHOWN_CHARS] + "…"


@dataclass(frozen=True)
class _Column:
    key: str
    header: str
    width: int  # characters


class HistoryTableModel(QAbstractTableModel):
    """Audit rows, newest first. Read-only: no cell is editable and ``setData`` refuses."""

    COLUMNS = [
        _Column("at", "When", 19),
        _Column("user", "Who", 12),
        _Column("operation", "What happened", 16),
        _Column("record", "Record", 20),
        _Column("field", "Field", 22),
        _Column("old_value", "Old value", 30),
        _Column("new_value", "New value", 30),
    ]

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._rows: list[AuditRow] = []

    def set_rows(self, rows: list[AuditRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def audit_row(self, row: int) -> AuditRow:
        return self._rows[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802 (Qt naming)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.COLUMNS)

    def column_of(self, key: str) -> int:
        return next(i for i, c in enumerate(self.COLUMNS) if c.key == key)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(self.COLUMNS):
            return self.COLUMNS[section].header
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable  # never ItemIsEditable

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        return False  # the audit trail is not edited from the program

    def _text(self, row: AuditRow, key: str) -> str:
        if key == "at":
            return format_uk_datetime(row.at)
        if key == "operation":
            return row.operation_text
        if key == "field":
            return row.field_text
        return _one_line(getattr(row, key))

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)) \
                or not (0 <= index.column() < len(self.COLUMNS)):
            return None
        row = self._rows[index.row()]
        key = self.COLUMNS[index.column()].key
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(row, key)
        if role == Qt.ItemDataRole.UserRole:
            return getattr(row, key)
        if role == Qt.ItemDataRole.ToolTipRole and key in ("old_value", "new_value", "record"):
            value = getattr(row, key)
            return value if value else None
        return None


class HistoryDialog(QDialog):
    """The audit trail of one record (``table`` and ``record_id``) or of the whole database."""

    rows_loaded = Signal()
    export_finished = Signal(object)  # the file kept, or None

    def __init__(self, parent: QWidget | None, database: Database, table: str | None = None,
                 record_id: str | int | None = None):
        super().__init__(parent)
        self.database = database
        self.table_name = table
        self.record_id = None if record_id is None else str(record_id)
        self.one_record = table is not None and record_id is not None
        self.total = 0
        self.exported: Path | None = None
        self.export_job: Job | None = None
        self._exporting: Path | None = None  # the file the running export is for
        self._generation = 0
        self._choices_loaded = False
        self.setObjectName("historyDialog")

        if self.one_record:
            with database.readers() as session:
                self.record_label = audit_query.record_label(session, table, self.record_id)
            self.setWindowTitle(f"History of {self.record_label}")
        else:
            self.record_label = ""
            self.setWindowTitle("History of the whole database")

        layout = QVBoxLayout(self)
        intro = QLabel(
            f"Every change to {self.record_label}, newest first: who made it, when, and the old and new values."
            if self.one_record else
            "Every change to the database, newest first. Narrow the list with the filters; "
            "Export… writes what they match to a workbook, for an information-governance request.")
        intro.setWordWrap(True)
        layout.addWidget(intro)

        self.table_combo = QComboBox()
        self.user_combo = QComboBox()
        self.operation_combo = QComboBox()
        self.from_date = UkDateEdit()
        self.to_date = UkDateEdit()
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText("Text in a value, a field or a user")
        self.search_edit.setClearButtonEnabled(True)
        for combo, name in ((self.table_combo, "Record type"), (self.user_combo, "User"),
                            (self.operation_combo, "What happened")):
            combo.setAccessibleName(name)
            combo.addItem("All", None)
            combo.currentIndexChanged.connect(self._on_filter_changed)
        self.from_date.setAccessibleName("From date")
        self.to_date.setAccessibleName("To date")
        self.search_edit.setAccessibleName("Search text")
        self.from_date.date_changed.connect(self._on_filter_changed)
        self.to_date.date_changed.connect(self._on_filter_changed)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.reload)
        self.search_edit.textChanged.connect(lambda _text: self._search_timer.start())

        self.filters = QWidget()
        filters = QHBoxLayout(self.filters)
        filters.setContentsMargins(0, 0, 0, 0)
        left, right = QFormLayout(), QFormLayout()
        left.addRow("Record &type", self.table_combo)
        left.addRow("&User", self.user_combo)
        left.addRow("&What happened", self.operation_combo)
        dates = QHBoxLayout()
        dates.addWidget(self.from_date)
        dates.addWidget(QLabel("to"))
        dates.addWidget(self.to_date)
        dates.addStretch(1)
        from_label = QLabel("&From")
        from_label.setBuddy(self.from_date)
        right.addRow(from_label, dates)
        right.addRow("&Search", self.search_edit)
        self.date_problem = QLabel()
        self.date_problem.setStyleSheet("color: #b00020;")
        self.date_problem.hide()
        right.addRow("", self.date_problem)
        filters.addLayout(left, 1)
        filters.addLayout(right, 1)
        self.filters.setVisible(not self.one_record)
        layout.addWidget(self.filters)

        self.model = HistoryTableModel(self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setAccessibleName("Changes, newest first")
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().hide()
        header = self.view.horizontalHeader()
        width = self.view.fontMetrics().averageCharWidth()
        for index, column in enumerate(self.model.COLUMNS):
            header.resizeSection(index, column.width * width + 16)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        if self.one_record:
            self.view.hideColumn(self.model.column_of("record"))
        layout.addWidget(self.view, 1)

        self.status_label = QLabel("Reading the audit trail…")
        self.status_label.setWordWrap(True)
        self.export_button = QPushButton("&Export…")
        self.export_button.setToolTip("Write these changes to an Excel workbook, checked for personal details.")
        self.export_button.clicked.connect(self._on_export_clicked)
        self.close_button = QPushButton("Close")
        self.close_button.clicked.connect(self.reject)
        for button in (self.export_button, self.close_button):
            button.setAutoDefault(False)  # Return in the search box must not start an export
        bottom = QHBoxLayout()
        bottom.addWidget(self.status_label, 1)
        bottom.addWidget(self.export_button)
        bottom.addWidget(self.close_button)
        layout.addLayout(bottom)
        self.resize(1100, 620)
        self.reload()

    # --- the filter ---------------------------------------------------------------------------

    def current_filter(self) -> AuditFilter:
        if self.one_record:
            return AuditFilter(table=self.table_name, record_id=self.record_id)
        return AuditFilter(
            table=self.table_combo.currentData(), user=self.user_combo.currentData(),
            operation=self.operation_combo.currentData(),
            date_from=self.from_date.date() if self.from_date.is_valid() else None,
            date_to=self.to_date.date() if self.to_date.is_valid() else None,
            text=self.search_edit.text().strip() or None)

    def set_filter(self, *, table: str | None = None, user: str | None = None,
                   operation: str | None = None, date_from: dt.date | None = None,
                   date_to: dt.date | None = None, text: str = "") -> None:
        """Set the filter widgets as a user would (then the list reloads)."""
        for combo, value in ((self.table_combo, table), (self.user_combo, user),
                             (self.operation_combo, operation)):
            combo.blockSignals(True)
            combo.setCurrentIndex(max(combo.findData(value), 0) if value is not None else 0)
            combo.blockSignals(False)
        for edit, value in ((self.from_date, date_from), (self.to_date, date_to)):
            edit.blockSignals(True)
            edit.set_date(value)
            edit.blockSignals(False)
        self.search_edit.blockSignals(True)
        self.search_edit.setText(text)
        self.search_edit.blockSignals(False)
        self.reload()

    def _on_filter_changed(self, *_args) -> None:
        problems = [p for p in (self.from_date.problem(), self.to_date.problem()) if p]
        start, end = self.from_date.date(), self.to_date.date()
        if not problems and start and end and end < start:
            problems.append("The end date is before the start date.")
        self.date_problem.setText(" ".join(problems))
        self.date_problem.setVisible(bool(problems))
        if not problems:
            self.reload()

    # --- loading ------------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the rows the filter matches (off the GUI thread); older loads are ignored."""
        self._search_timer.stop()
        self._generation += 1
        generation = self._generation
        flt = self.current_filter()
        limit = None if self.one_record else ROW_LIMIT
        want_choices = not self.one_record and not self._choices_loaded
        database = self.database

        def job(progress: Progress):
            progress(0, 0, "Reading the audit trail…")
            with database.readers() as session:
                choices = None
                if want_choices:
                    choices = (audit_query.audit_tables(session), audit_query.audit_users(session),
                               audit_query.audit_operations(session))
                rows = audit_query.audit_rows(session, flt, limit)
                total = len(rows) if limit is None or len(rows) < limit else audit_query.count_audit(session, flt)
            return generation, choices, rows, total

        self.status_label.setText("Reading the audit trail…")
        run_job(job, title="History", on_done=self._on_loaded, on_error=self._on_load_failed,
                parent=self, show_progress=False)

    def _on_loaded(self, result) -> None:
        generation, choices, rows, total = result
        if choices is not None and not self._choices_loaded:
            self._fill_choices(*choices)
        if generation != self._generation:
            return  # a newer filter has been asked for meanwhile
        self.model.set_rows(rows)
        self.total = total
        if not rows:
            self.status_label.setText("No changes match." if not self.one_record else "No changes recorded.")
        elif total > len(rows):
            self.status_label.setText(f"Showing the newest {len(rows):,} of {total:,} changes. Narrow the "
                                      "filters to see older ones; Export… writes them all.")
        else:
            self.status_label.setText(f"{total:,} change{'' if total == 1 else 's'}.")
        self.rows_loaded.emit()

    def _fill_choices(self, tables: list[str], users: list[str], operations: list[str]) -> None:
        self._choices_loaded = True
        for combo, values, title in ((self.table_combo, tables, audit_query.table_title),
                                     (self.user_combo, users, str),
                                     (self.operation_combo, operations, audit_query.operation_title)):
            combo.blockSignals(True)
            current = combo.currentData()
            for value in values:
                if combo.findData(value) < 0:
                    combo.addItem(title(value), value)
            combo.setCurrentIndex(max(combo.findData(current), 0) if current is not None else 0)
            combo.blockSignals(False)

    def _on_load_failed(self, error: BaseException) -> None:
        sentence = errors.known_error_sentence(error)
        if sentence is None:
            errors.report_exception(error, self, title=self.windowTitle())
            sentence = "The audit trail could not be read."
        self.status_label.setText(sentence)
        self.rows_loaded.emit()

    # --- export -------------------------------------------------------------------------------

    def suggested_export_path(self) -> Path:
        from ui.report_dialogs import default_report_folder

        name = (f"History of {self.record_label}" if self.one_record else "Audit trail")
        stem = "".join("-" if c in '<>:"/\\|?*' else c for c in f"{name} {dt.date.today().isoformat()}")
        return default_report_folder() / f"{stem}.xlsx"

    def _on_export_clicked(self) -> None:
        if self.export_job is not None:
            return
        chosen = dialogs.save_file(self, EXPORT_TITLE, "Excel workbooks (*.xlsx)", self.suggested_export_path())
        if chosen is None:
            return
        if chosen.suffix.lower() != ".xlsx":
            chosen = chosen.with_name(chosen.name + ".xlsx")
        self.start_export(chosen)

    def start_export(self, path: Path) -> Job:
        """Write, then scan, the rows the filter matches, off the GUI thread (cancellable)."""
        flt, database = self.current_filter(), self.database

        def job(progress: Progress) -> tuple[int, CheckedFile]:
            with database.readers() as session:
                return privacy_scan.write_checked_workbook(
                    session, path, lambda partial: audit_query.export_audit(session, flt, partial, progress),
                    progress=progress)

        self.export_button.setEnabled(False)
        self._exporting = path
        self.export_job = run_job(job, title=EXPORT_TITLE, label="Writing the audit trail…",
                                  on_done=self._on_exported, on_error=self._on_export_failed,
                                  on_cancelled=self._on_export_cancelled, parent=self)
        return self.export_job

    def _end_export(self, kept: Path | None) -> None:
        self.export_job = None
        self.export_button.setEnabled(True)
        self.exported = kept
        self.export_finished.emit(kept)

    def _on_exported(self, result: tuple[int, CheckedFile]) -> None:
        count, checked = result
        try:
            keep = privacy_prompt.settle(self, self.database, checked)
        except UserError as err:  # open in Excel, say
            self._on_export_failed(err)
            return
        if checked.findings:
            self.reload()  # the decision is itself a change in the trail
        if keep:
            dialogs.inform(self, EXPORT_TITLE,
                           f"{count:,} change{'' if count == 1 else 's'} written to\n{checked.final}"
                           + ("" if checked.findings else "\n\nThe privacy check found nothing that should not "
                                                          "leave the office.")
                           + "\n\nThe workbook is OFFICIAL-SENSITIVE: send it only by a secure route.")
        else:
            dialogs.inform(self, EXPORT_TITLE, f"{checked.final.name} was not saved. Nothing was exported.")
        self._end_export(checked.final if keep else None)

    def _on_export_failed(self, error: BaseException) -> None:
        self._end_export(None)
        errors.report_exception(error, self, title=EXPORT_TITLE)

    def _on_export_cancelled(self) -> None:
        # Cancel pressed as the job returned: its workbook, still under its partial name, goes.
        privacy_scan.partial_path(self._exporting).unlink(missing_ok=True)
        self._end_export(None)
        self.status_label.setText("Export stopped; no file was written.")

    def reject(self) -> None:
        if self.export_job is not None:
            self.export_job.cancel()
            return
        super().reject()

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        if self.export_job is not None:
            self.export_job.cancel()
            event.ignore()
            return
        super().closeEvent(event)


def show_history(parent: QWidget | None, database: Database, table: str | None = None,
                 record_id: str | int | None = None) -> HistoryDialog:
    """Open the history of one record (``table``, ``record_id``) or of the whole database.

    Modeless, so the user can keep it open beside the record; deleted when closed.
    """
    dialog = HistoryDialog(parent, database, table, record_id)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
