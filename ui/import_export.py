"""File > Import workbook… and File > Export: the Excel work of ``app.excel`` from the window.

Every read, plan, apply and export runs off the GUI thread as an operation
(``ui.operations``) behind a cancellable progress dialog. Each entry point is a chain: an
operation's callback asks the next question or starts the next operation; nothing waits in
an event loop of its own. ``finished(outcome)``, if given, is called once at the end,
however it ended (what was written, or False/None). The rules are those of the command
line (``app.excel.command``):

- import: the file is recognised by its content — a returned action plan export (its
  export record), else a hand-kept action plan tracker or referral register (its header
  words). A refused file is a plain message naming it. Nothing is written until the user
  accepts the preview; then the database is backed up (``backup_before_change``; if that
  fails nothing is imported) and the accepted changes applied in one transaction, audited.
- export: written under a partial name beside the one chosen and scanned for what must not
  leave the program (``app.privacy_scan``); it takes its name once nothing was found or the
  user chose to go ahead knowingly (``ui.privacy_prompt``), and is deleted otherwise.

The entries in the window's File menu are put there by ``ui.menus``. The workbook modules
(openpyxl, XlsxWriter, calamine) are imported when an entry is first used, not when the
window starts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from app import privacy_scan
from app.backups import backup_before_change
from app.database import Database
from app.errors import UserError
from app.privacy_scan import CheckedFile
from ui import dialogs, errors, file_folders, privacy_prompt, report_dialogs
from ui.change_watch import ANY_RECORD
from ui.operations import Changes, CollectionOp, Flow, QueryOp, changes
from ui.widgets.list_combo import ListCombo
from ui.workers import Progress

if TYPE_CHECKING:
    from app.excel import export, legacy, returns

XLSX_FILTER = "Excel workbooks (*.xlsx)"
CSV_FILTER = "CSV files (*.csv)"
CSV_SUFFIX = ".csv"
KIND_RETURN = "return"
IMPORT_TITLE = "Import workbook"
REGISTER_TITLES = {"referrals": "Referrals register", "reviews": "Reviews register"}


# --- seams: how a dialog is shown and a file opened (tests replace these) -----------------

def exec_dialog(dialog: QDialog) -> bool:
    """Show ``dialog`` modally; True if the user accepted it."""
    return dialog.exec() == QDialog.DialogCode.Accepted


def open_in_viewer(path: Path) -> None:
    """Open a written workbook in the program the system uses for .xlsx (Excel)."""
    report_dialogs.open_in_viewer(path)


def _tell_error(parent: QWidget | None, title: str, error: BaseException) -> None:
    """A plain sentence for an error the user can act on, the crash dialog for a bug."""
    errors.report_exception(error, parent, title=title)


def _show_status(parent: QWidget | None, message: str) -> None:
    report_dialogs.show_status(parent, message)


# --- import ----------------------------------------------------------------------------------

def detect(path: Path) -> str:
    """"return", "action-plan" or "referral-register"; a file of no known kind, or an export
    that cannot come back, is a ``UserError`` naming it (the command line's rules)."""
    from app.excel import export, legacy, returns

    returns.check_workbook_file(path)
    book = legacy.open_tracker(path)  # checked before any reader opens it: a hostile file is refused in words
    stamp = returns.read_export_stamp(path)
    if stamp is not None:
        if stamp.kind != export.KIND_ACTION_PLAN:
            raise UserError(f"{path.name} is this program's export of the {stamp.kind}; only action "
                            "plan exports come back as returns.")
        return KIND_RETURN
    kind = legacy.detect_kind(book)
    if kind is None:
        raise UserError(legacy.empty_message(book) or (
            f"{path.name} is not a returned export, an action plan tracker or a referral register: no "
            "header row with the expected columns (Action, Recommendation, RAG... or Ref, Decision, "
            "Summary...) was found."))
    return kind


def read_workbook(path: Path) -> Callable[[Session, Progress], tuple[str, Any]]:
    """What recognises ``path`` and reads what importing it would do, in a read-only session
    (Qt-free). Returns ("return", ReturnPreview) or (kind, LegacyImportPlan); writes nothing."""
    from app.excel import legacy, returns

    def read(session: Session, progress: Progress) -> tuple[str, Any]:
        progress(0, 0, f"Checking {path.name}…")
        kind = detect(path)
        progress(0, 0, f"Reading {path.name}…")
        if kind == KIND_RETURN:
            result: Any = returns.read_return(session, path)
        else:
            result = legacy.plan_import(session, path, kind, progress=progress)
        progress(1, 1, "")
        return kind, result

    return read


def apply_import(database: Database, what: Callable[[Session], str],
                 label: str) -> Callable[[Session, Progress], str]:
    """What backs the database up, then runs ``what(session)`` in the operation's unit of
    work (the session's transaction begins with its first statement, after the backup).
    Cancel up to "Saving…" rolls everything back; once committed, the import stands."""
    def apply(session: Session, progress: Progress) -> str:
        progress(0, 3, "Backing up the database…")
        backup_before_change(Path(database.path), "import")
        progress(1, 3, label)
        summary = what(session)
        progress(2, 3, "Saving…")  # the last chance to cancel: raising here rolls back
        return summary

    return apply


def import_workbook(parent: QWidget | None, database: Database, path: Path | None = None, *,
                    finished: Callable[[bool], Any] | None = None) -> None:
    """Ask for a workbook (unless given), preview what importing it would do and, if the
    user accepts, back up and apply it. ``finished(True)`` if anything was written."""
    flow = Flow(finished, False)
    if path is None:
        path = dialogs.open_file(parent, "Import workbook", XLSX_FILTER, file_folders.start_folder(file_folders.IMPORT))
        if path is None:
            flow.fail()
            return
        file_folders.remember(file_folders.IMPORT, path)
    path = Path(path)

    def read(found: tuple[str, Any]) -> None:
        kind, result = found
        if kind == KIND_RETURN:
            _import_return(parent, database, flow, result)
        else:
            _import_tracker(parent, database, flow, result)

    def stopped() -> None:
        _show_status(parent, f"Reading {path.name} stopped; nothing was written.")
        flow.fail()

    QueryOp(parent, database, read_workbook(path), progress=True, title=IMPORT_TITLE,
            label=f"Reading {path.name}…", cancellable=True,
            **flow.watch(success=read, cancelled=stopped)).run_in_background()


def _import_return(parent: QWidget | None, database: Database, flow: Flow,
                   preview: returns.ReturnPreview) -> None:
    from app.excel import returns
    from ui.import_preview import ReturnPreviewDialog

    name = preview.path.name
    if preview.fatal:
        dialogs.warn(parent, IMPORT_TITLE, f"{name} was refused, so nothing was written: {preview.fatal[0]}")
        flow.fail()
        return
    if not preview.actions:
        dialogs.inform(parent, IMPORT_TITLE, f"{name} changes nothing: the {preview.rows_read} action "
                                             "rows are as they were exported. Nothing was written.")
        flow.fail()
        return
    dialog = ReturnPreviewDialog(parent, preview)
    try:
        accepted = exec_dialog(dialog)
        chosen = list(dialog.chosen_ids)
        rejected_all = dialog.rejected_all
    finally:
        dialog.deleteLater()
    if not accepted or not chosen:
        if rejected_all:
            _show_status(parent, f"Nothing was taken from {name}.")
        flow.fail()
        return

    def what(session: Session) -> str:
        return returns.apply_return(session, preview, chosen).describe()

    _apply(parent, database, flow, what, f"Applying the changes from {name}…")


def _import_tracker(parent: QWidget | None, database: Database, flow: Flow,
                    plan: legacy.LegacyImportPlan) -> None:
    from app.excel import legacy
    from ui.import_preview import LegacyImportDialog

    dialog = LegacyImportDialog(parent, database, plan)
    try:
        accepted = exec_dialog(dialog)
        plan, remember = dialog.plan, dialog.remember_mapping
    finally:
        dialog.deleteLater()
    if not accepted:
        flow.fail()
        return

    def what(session: Session) -> str:
        summary = legacy.apply_import(session, plan)
        if remember:
            legacy.save_mapping(plan, plan.path)
        return summary

    _apply(parent, database, flow, what, f"Importing {plan.path.name}…")


def _apply(parent: QWidget | None, database: Database, flow: Flow, what: Callable[[Session], str],
           label: str) -> None:
    def applied(summary: str) -> None:
        # An import writes most rows in bulk, which a write's own list of the records it
        # changed does not see: say that any record may have changed, so every register
        # on screen is read again.
        changes().records_changed.emit(Changes(database, frozenset({(ANY_RECORD, 0)})))
        dialogs.inform(parent, IMPORT_TITLE, summary)
        flow.end(True)

    def stopped() -> None:
        _show_status(parent, "Import stopped; nothing was written.")
        flow.fail()

    CollectionOp(parent, database, apply_import(database, what, label), progress=True,
                 title=IMPORT_TITLE, label=label, cancellable=True,
                 **flow.watch(success=applied, cancelled=stopped)).run_in_background()


# --- export: the shared part -----------------------------------------------------------------

@dataclass(frozen=True)
class Written:
    """One exported workbook (its final path), waiting for the privacy check's answer."""

    result: export.ExportResult
    checked: CheckedFile


def write_export(write: Callable[[Session, Path], export.ExportResult],
                 out: Path, label: str) -> Callable[[Session, Progress], Written]:
    """What writes one workbook (or CSV file, by ``out``'s ending) for ``out`` under its
    partial name and scans it, in the operation's unit of work (the first export of a
    database stamps it with its identity). Qt-free. Cancel before it returns, and nothing
    is left."""
    def write_and_scan(session: Session, progress: Progress) -> Written:
        progress(0, 2, label)
        if out.suffix.lower() == CSV_SUFFIX:
            from app.csv_export import write_checked_csv

            result, checked = write_checked_csv(session, out, lambda partial: write(session, partial))
        else:
            result, checked = privacy_scan.write_checked_workbook(
                session, out, lambda partial: write(session, partial), progress=progress)
        return Written(replace(result, path=out), checked)

    return write_and_scan


def _export(parent: QWidget | None, database: Database, flow: Flow, title: str, out: Path,
            write: Callable[[Session, Path], export.ExportResult], label: str) -> None:
    """Write, scan and (once settled) offer to open one file; the flow ends with its path."""
    def stopped() -> None:
        # Cancel pressed as the work returned: its workbook never reaches the user.
        privacy_scan.partial_path(out).unlink(missing_ok=True)
        _show_status(parent, f"{title}: stopped; no file was written.")
        flow.fail()

    CollectionOp(parent, database, write_export(write, out, label), progress=True, title=title,
                 label=label, cancellable=True, result_stands=False,
                 **flow.watch(success=lambda written: _keep(parent, database, flow, title, out, written),
                              cancelled=stopped)).run_in_background()


def _keep(parent: QWidget | None, database: Database, flow: Flow, title: str, out: Path,
          written: Written) -> None:
    def settled(kept: bool) -> None:
        if not kept:
            _show_status(parent, f"{out.name} was not saved.")
            flow.fail()
            return
        _show_status(parent, written.result.describe())
        if dialogs.confirm(parent, title, f"{written.result.describe()}\n\nOpen it now?",
                           yes="Open", no="Not now"):
            open_in_viewer(out)
        flow.end(out)

    def refused(error: UserError) -> None:
        _tell_error(parent, title, error)
        flow.fail()

    privacy_prompt.settle_in_background(parent, database, written.checked,
                                        **flow.watch(kept=settled, failed=refused))


def suggested_file(name: str, day: dt.date | None = None, suffix: str = ".xlsx") -> Path:
    """``<the folder exports were last saved in>/<name> <yyyy-mm-dd>.xlsx`` (or ``suffix``),
    numbered rather than replace a file already there."""
    return report_dialogs.suggested_file(file_folders.start_folder(file_folders.EXPORT), name,
                                         day or dt.date.today(), suffix)


def _ask_file(parent: QWidget | None, title: str, name: str, *, csv: bool = False) -> Path | None:
    suffix, filters = (CSV_SUFFIX, CSV_FILTER) if csv else (".xlsx", XLSX_FILTER)
    path = dialogs.save_file(parent, title, filters, suggested_file(name, suffix=suffix))
    if path is not None and path.suffix.lower() != suffix:
        path = path.with_name(path.name + suffix)
    file_folders.remember(file_folders.EXPORT, path)
    return path


# --- export: the action plan -----------------------------------------------------------------

class ExportActionPlanDialog(QDialog):
    """Which actions to export: the whole plan, one agency's, or what the view shows."""

    def __init__(self, parent: QWidget | None, agencies: Sequence[str], *,
                 action_ids: Sequence[int] | None = None, agency: str | None = None,
                 open_only: bool = False, view_text: str = ""):
        super().__init__(parent)
        self.setWindowTitle("Export the action plan")
        self.setObjectName("exportActionPlanDialog")
        self.action_ids = list(action_ids) if action_ids is not None else None
        self.view_text = view_text
        self.whole_button = QRadioButton("The &whole plan")
        self.agency_button = QRadioButton("One &agency's actions:")
        self.view_button = QRadioButton(
            "What the current &view shows" + (
                f" ({len(self.action_ids)} action{'' if len(self.action_ids) == 1 else 's'})"
                if self.action_ids is not None else ""))
        self.view_button.setEnabled(self.action_ids is not None)
        self.agency_combo = ListCombo(allow_blank=False)
        self.agency_combo.setObjectName("agency")
        self.agency_combo.setAccessibleName("Agency")
        self.agency_combo.set_choices(agencies, agency)
        self.agency_combo.setEnabled(False)
        if self.action_ids is not None and view_text:
            self.view_button.setToolTip(f"In the order on screen; {view_text}")
        self.open_only_box = QCheckBox("&Open actions only")
        self.open_only_box.setChecked(open_only)
        self.excel_button = QRadioButton("E&xcel workbook (agencies update it and send it back)")
        self.csv_button = QRadioButton("&CSV file (for Power BI and other tools)")
        self.excel_button.setChecked(True)
        formats = QButtonGroup(self)
        formats.addButton(self.excel_button)
        formats.addButton(self.csv_button)
        self.group = QButtonGroup(self)
        for button in (self.whole_button, self.agency_button, self.view_button):
            self.group.addButton(button)
        self.agency_button.toggled.connect(self.agency_combo.setEnabled)
        self.agency_button.setEnabled(bool(agencies))
        if agency and agencies:
            self.agency_button.setChecked(True)
        elif self.action_ids is not None:
            self.view_button.setChecked(True)
        else:
            self.whole_button.setChecked(True)
        intro = QLabel("The green columns are the ones an agency may change and send back; "
                       "File > Import workbook… takes the returned file back.")
        intro.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("&Export…")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.whole_button)
        agency_row = QHBoxLayout()
        agency_row.addWidget(self.agency_button)
        agency_row.addWidget(self.agency_combo, 1)
        layout.addLayout(agency_row)
        layout.addWidget(self.view_button)
        layout.addWidget(self.open_only_box)
        layout.addWidget(QLabel("Format:"))
        layout.addWidget(self.excel_button)
        layout.addWidget(self.csv_button)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)

    def options(self) -> dict[str, Any]:
        """The keyword arguments of ``export.export_action_plan`` chosen."""
        options: dict[str, Any] = {"open_only": self.open_only_box.isChecked()}
        if self.agency_button.isChecked():
            options["agency"] = self.agency_combo.value()
        elif self.view_button.isChecked():
            options["action_ids"] = list(self.action_ids or [])
            if self.view_text and not self.as_csv:
                options["filter_text"] = self.view_text
        return options

    @property
    def as_csv(self) -> bool:
        return self.csv_button.isChecked()

    def file_name(self) -> str:
        agency = self.options().get("agency")
        return "Composite action plan" + (f" - {agency}" if agency else "")


def export_action_plan_dialog(parent: QWidget | None, database: Database, *,
                              action_ids: Sequence[int] | None = None, agency: str | None = None,
                              open_only: bool = False, view_text: str = "",
                              finished: Callable[[Path | None], Any] | None = None) -> None:
    """Ask what to export, as a workbook or a CSV file, and where; write it, check it;
    ``finished`` with the file's path, or None. ``action_ids`` are the actions the view on
    screen shows, in its order, and ``view_text`` says how it was filtered and sorted."""
    flow = Flow(finished, None)
    title = "Export the action plan"

    def choose(agencies: list[str]) -> None:
        dialog = ExportActionPlanDialog(parent, agencies, action_ids=action_ids, agency=agency,
                                        open_only=open_only, view_text=view_text)
        try:
            accepted = exec_dialog(dialog)
            options, name, as_csv = dialog.options(), dialog.file_name(), dialog.as_csv
        finally:
            dialog.deleteLater()
        out = _ask_file(parent, title, name, csv=as_csv) if accepted else None
        if out is None:
            flow.fail()
            return

        def write(session: Session, path: Path) -> Any:
            if as_csv:
                from app import csv_export, lookups

                agency_name = options.get("agency")
                lead = lookups.agency(session, agency_name, field="agency") if agency_name else None
                return csv_export.export_plan_csv(session, path, agency_id=lead.id if lead else None,
                                                  open_only=options["open_only"],
                                                  action_ids=options.get("action_ids"))
            from app.excel import export

            return export.export_action_plan(session, path, **options)

        _export(parent, database, flow, title, out, write, "Writing the action plan…")

    QueryOp(parent, database, report_dialogs.agency_names, title=title,
            **flow.watch(success=choose)).run_in_background()


def export_register_dialog(parent: QWidget | None, database: Database, kind: str, *,
                           finished: Callable[[Path | None], Any] | None = None) -> None:
    """Export the referrals or reviews register to a file the user names; ``finished``
    with its path, or None."""
    if kind not in REGISTER_TITLES:
        raise ValueError(f"unknown register {kind!r}")
    flow = Flow(finished, None)
    title = f"Export the {REGISTER_TITLES[kind].lower()}"
    out = _ask_file(parent, title, REGISTER_TITLES[kind])
    if out is None:
        flow.fail()
        return
    from app.excel import export

    write = export.export_referrals if kind == "referrals" else export.export_reviews
    _export(parent, database, flow, title, out, write, f"Writing the {kind} register…")


def export_view_csv(parent: QWidget | None, database: Database, key: str, ids: Sequence[int], title: str, *,
                    finished: Callable[[Path | None], Any] | None = None) -> None:
    """Write the rows register ``key`` shows (``ids``, in the order on screen) to a CSV file
    the user names; ``finished`` with its path, or None."""
    flow = Flow(finished, None)
    heading = f"Export {title.lower()}"
    out = _ask_file(parent, heading, title, csv=True)
    if out is None:
        flow.fail()
        return
    ids = list(ids)

    def write(session: Session, path: Path) -> Any:
        from app.csv_export import export_register_csv

        return export_register_csv(session, key, path, ids)

    _export(parent, database, flow, heading, out, write, f"Writing {title.lower()}…")


# --- export: agency packs ------------------------------------------------------------------------

class AgencyPacksDialog(QDialog):
    """The folder to write one workbook per agency into, and whether closed actions go too."""

    def __init__(self, parent: QWidget | None, folder: Path):
        super().__init__(parent)
        self.setWindowTitle("Export agency packs")
        self.setObjectName("agencyPacksDialog")
        intro = QLabel("Every agency that leads an action gets its own action plan workbook, "
                       "one file each, to fill in and send back.")
        intro.setWordWrap(True)
        self.folder_edit = QLineEdit(str(folder))
        self.folder_edit.setObjectName("folder")
        self.folder_edit.setAccessibleName("Folder")
        self.browse_button = QPushButton("&Choose…")
        self.browse_button.clicked.connect(self._on_browse_clicked)
        self.open_only_box = QCheckBox("&Open actions only")
        self.open_only_box.setChecked(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("&Export")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.folder_edit.textChanged.connect(lambda text: self.ok_button.setEnabled(bool(text.strip())))
        row = QHBoxLayout()
        row.addWidget(QLabel("Folder:"))
        row.addWidget(self.folder_edit, 1)
        row.addWidget(self.browse_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(self.open_only_box)
        layout.addWidget(buttons)
        self.setMinimumWidth(560)

    def _on_browse_clicked(self) -> None:
        folder = dialogs.choose_folder(self, "Folder for the agency packs", self.folder())
        if folder is not None:
            self.folder_edit.setText(str(folder))

    def folder(self) -> Path:
        return Path(self.folder_edit.text().strip())


def write_packs(folder: Path, open_only: bool,
                waiting: list[CheckedFile]) -> Callable[[Session, Progress], list[Written]]:
    """What writes the agency packs under a partial folder and scans each, in the
    operation's unit of work (Qt-free). Cancel before it returns, and nothing is left.
    ``waiting`` receives the checked files as soon as they exist, so that a Cancel pressed
    as it returns can still delete them."""
    def write(session: Session, progress: Progress) -> list[Written]:
        from app.excel import export

        progress(0, 0, "Writing the agency packs…")
        results, checked = privacy_scan.write_checked_workbooks(
            session, folder, lambda partial: export.export_agency_packs(session, partial, open_only=open_only),
            progress=progress)
        waiting.extend(checked)
        return [Written(replace(result, path=one.final), one) for result, one in zip(results, checked)]

    return write


def export_agency_packs_dialog(parent: QWidget | None, database: Database, *,
                               finished: Callable[[Path | None], Any] | None = None) -> None:
    """Write one action plan workbook per agency into a folder; ``finished`` with the
    folder, or None."""
    flow = Flow(finished, None)
    title = "Export agency packs"
    default = file_folders.start_folder(file_folders.EXPORT) / f"Agency packs {dt.date.today():%Y-%m-%d}"
    dialog = AgencyPacksDialog(parent, default)
    try:
        accepted = exec_dialog(dialog)
        folder, open_only = dialog.folder(), dialog.open_only_box.isChecked()
    finally:
        dialog.deleteLater()
    if not accepted:
        flow.fail()
        return
    file_folders.remember(file_folders.EXPORT, folder.parent)
    waiting: list[CheckedFile] = []

    def discard_waiting() -> None:
        for checked in waiting:
            checked.discard()  # those not yet asked about, or all of them

    def stopped() -> None:
        discard_waiting()
        _show_status(parent, f"{title}: stopped; no file was written.")
        flow.fail()

    def written(packs: list[Written]) -> None:
        kept: list[export.ExportResult] = []

        def settle(index: int) -> None:
            if index == len(packs):
                discard_waiting()
                tell_kept(kept, bool(packs))
                return

            def settled(keep: bool) -> None:
                if keep:
                    kept.append(packs[index].result)
                settle(index + 1)

            def refused(error: UserError) -> None:
                discard_waiting()
                _tell_error(parent, title, error)
                flow.fail()

            privacy_prompt.settle_in_background(parent, database, packs[index].checked,
                                                **flow.watch(kept=settled, failed=refused))

        settle(0)

    def tell_kept(kept: list[export.ExportResult], any_written: bool) -> None:
        if not kept:
            dialogs.inform(parent, title, "No agency workbook was kept." if any_written else
                           "No agency workbook was written: no agency leads "
                           + ("an open action." if open_only else "an action."))
            flow.fail()
            return
        lines = "\n".join(f"• {r.path.name} ({r.rows} action{'s' if r.rows != 1 else ''})" for r in kept)
        dialogs.inform(parent, title, f"{len(kept)} agency workbook(s) written to {folder}:\n\n{lines}")
        flow.end(folder)

    CollectionOp(parent, database, write_packs(folder, open_only, waiting), progress=True, title=title,
                 label="Writing the agency packs…", cancellable=True, result_stands=False,
                 **flow.watch(success=written, cancelled=stopped)).run_in_background()
