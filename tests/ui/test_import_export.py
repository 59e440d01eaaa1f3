"""File > Import workbook… and File > Export, driven as the office would use them.

The dialogs are real; only the way a modal dialog waits (``import_export.exec_dialog``)
is replaced by a function that works the dialog with qtbot — ticking, choosing, clicking —
and the message boxes and file choosers of ``ui.dialogs`` answer as the user would. The
privacy prompt is answered by clicking its buttons (``PrivacyPrompts``). Each
test checks what was written: the cells of the workbook (openpyxl), the rows in the
database, the audit trail, the message the user was shown. The records are those of
``tests/ui/conftest.py`` (actions A1 Children's Services, A2 Police, A3 complete).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox, QDialog, QMenu, QWidget
from sqlalchemy import func, select

from app import backups, privacy_scan
from app.database import open_database
from app.demo import write_demo
from app.excel import legacy
from app.excel.export import ACTION_SHEET, RECORD_SHEET, export_action_plan
from db.models import Action, AuditEntry, ProgressUpdate, Review
from tests.app.excel.test_returns_bad_files import database_bytes
from tests.ui.conftest import add_case_records
from tests.ui.test_report_dialogs import PrivacyPrompts, partial_files, privacy_decisions
from ui import dialogs, import_export, operations
from ui.import_export import (
    export_action_plan_dialog,
    export_agency_packs_dialog,
    export_register_dialog,
    import_workbook,
)
from ui.import_preview import (
    CONFLICT_BACKGROUND,
    LegacyImportDialog,
    ReturnPreviewDialog,
)
from ui.menus import add_import_export_actions
from ui.operations import CollectionOp
from ui.workers import wait_for_jobs

SLOW = 30_000  # a limit on waiting on a busy machine, not a timing
HEADER_ROW = 3  # the exported sheet's header row (title and instructions above it)
APPLY, ACTION, FIELD, CHANGE, UPDATE, CONFLICT = range(6)


# --- the user, standing in for message boxes and file choosers ------------------------------

class User:
    """What the user was told and asked, and how they answer."""

    def __init__(self):
        self.informed: list[str] = []
        self.warned: list[str] = []
        self.asked: list[tuple[str, str]] = []
        self.answers: dict[str, bool] = {}  # confirm title -> answer (default: yes)
        self.save_as: Path | None = None
        self.open_path: Path | None = None
        self.folder: Path | None = None
        self.opened: list[Path] = []
        self.drive = None  # called with each modal dialog; returns whether it was accepted
        self.dialogs_shown: list[QDialog] = []


@pytest.fixture(autouse=True)
def no_leftover_jobs():
    yield
    assert wait_for_jobs(SLOW)


@pytest.fixture(autouse=True)
def prompts(monkeypatch, qtbot):
    return PrivacyPrompts(monkeypatch, qtbot)


@pytest.fixture
def user(monkeypatch, qtbot):
    said = User()
    monkeypatch.setattr(dialogs, "inform", lambda parent, title, text: said.informed.append(text))
    monkeypatch.setattr(dialogs, "warn", lambda parent, title, text: said.warned.append(text))

    def confirm(parent, title, text, *, yes="Yes", no="No"):
        said.asked.append((title, text))
        return said.answers.get(title, True)

    monkeypatch.setattr(dialogs, "confirm", confirm)
    monkeypatch.setattr(dialogs, "save_file", lambda *a, **k: said.save_as)
    monkeypatch.setattr(dialogs, "open_file", lambda *a, **k: said.open_path)
    monkeypatch.setattr(dialogs, "choose_folder", lambda *a, **k: said.folder)
    monkeypatch.setattr(import_export, "open_in_viewer", said.opened.append)

    def exec_dialog(dialog: QDialog) -> bool:
        said.dialogs_shown.append(dialog)
        if said.drive is None:
            raise AssertionError(f"no dialog was expected, but {type(dialog).__name__} was shown")
        dialog.show()
        qtbot.waitExposed(dialog)
        said.drive(dialog)
        return dialog.result() == QDialog.DialogCode.Accepted

    monkeypatch.setattr(import_export, "exec_dialog", exec_dialog)
    return said


@pytest.fixture
def parent(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


# --- helpers ---------------------------------------------------------------------------------

def finish(qtbot, start, *args, **kwargs):
    """Start an import or export as its menu entry does, and wait for how it ended."""
    ended = []
    start(*args, finished=ended.append, **kwargs)
    qtbot.waitUntil(lambda: bool(ended), timeout=SLOW)
    return ended[0]


def action_id(database, reference: str) -> int:
    with database.readers() as s:
        return s.scalar(select(Action.id).where(Action.reference == reference))


def action_values(database, reference: str) -> tuple[str | None, str, list[str]]:
    """(RAG, status, progress update texts in order) of an action."""
    with database.readers() as s:
        action = s.scalar(select(Action).where(Action.reference == reference))
        updates = s.scalars(select(ProgressUpdate.text).where(ProgressUpdate.action_id == action.id)
                            .order_by(ProgressUpdate.id)).all()
        return action.rag, action.status.name, list(updates)


def audit_count(database) -> int:
    with database.readers() as s:
        return s.scalar(select(func.count()).select_from(AuditEntry))


def sheet_columns(ws) -> dict[str, int]:
    return {c.value: c.column for c in ws[HEADER_ROW] if c.value}


def sheet_rows(path: Path) -> list[dict[str, object]]:
    """The exported action rows, header -> value."""
    ws = openpyxl.load_workbook(path)[ACTION_SHEET]
    cols = sheet_columns(ws)
    return [{h: ws.cell(r, c).value for h, c in cols.items()} for r in range(HEADER_ROW + 1, ws.max_row + 1)]


def export_plan(database, path: Path) -> Path:
    with database.sessions.begin() as s:
        export_action_plan(s, path)
    return path


def agency_edits(path: Path, edits: dict[tuple[int, str], object]) -> Path:
    """Change cells ((action id, header) -> value) and save, as an agency would in Excel."""
    wb = openpyxl.load_workbook(path)
    ws = wb[ACTION_SHEET]
    cols = sheet_columns(ws)
    rows = {ws.cell(r, cols["Action ID"]).value: r for r in range(HEADER_ROW + 1, ws.max_row + 1)}
    for (target, header), value in edits.items():
        ws.cell(rows[target], cols[header]).value = value
    wb.save(path)
    return path


def row_of(model, reference: str) -> int:
    return next(i for i, item in enumerate(model.rows) if item.reference == reference)


def cell_text(model, row: int, column: int) -> str:
    return model.data(model.index(row, column)) or ""


def ticked(model, row: int) -> bool:
    return model.data(model.index(row, APPLY), Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked


def click(qtbot, button) -> None:
    assert button.isEnabled(), f"{button.text()} is disabled"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


# --- export ----------------------------------------------------------------------------------

def test_export_the_demo_plan_through_the_dialog(qtbot, database, parent, user, tmp_path):
    with database.sessions.begin() as s:
        write_demo(s)
    with database.readers() as s:
        live = s.scalar(select(func.count()).select_from(Action).where(Action.archived_at.is_(None)))
        first = s.scalars(select(Action).where(Action.archived_at.is_(None)).order_by(Action.id)).first()
        first_id, first_description = first.id, first.description
    user.save_as = tmp_path / "out" / "Plan for agencies.xlsx"
    user.save_as.parent.mkdir()

    def drive(dialog):
        assert not dialog.view_button.isEnabled()  # no view's actions were given
        assert dialog.whole_button.isChecked()
        click(qtbot, dialog.ok_button)

    user.drive = drive
    written = finish(qtbot, export_action_plan_dialog, parent, database)

    assert written == user.save_as and written.exists()
    assert not list(written.parent.glob("*.part*"))  # the temporary file was moved into place
    rows = sheet_rows(written)
    assert len(rows) == live
    by_id = {row["Action ID"]: row for row in rows}
    assert by_id[first_id]["Action"] == first_description
    assert user.asked[-1][0] == "Export the action plan" and "Open it now?" in user.asked[-1][1]
    assert user.opened == [written]


def test_one_agency_open_only_from_the_dialog(qtbot, office_database, parent, user, tmp_path):
    user.save_as = tmp_path / "police.xlsx"

    def drive(dialog):
        dialog.agency_button.setChecked(True)
        dialog.agency_combo.set_value("Police")
        dialog.open_only_box.setChecked(True)
        click(qtbot, dialog.ok_button)

    user.drive = drive
    user.answers["Export the action plan"] = False  # don't open it
    assert finish(qtbot, export_action_plan_dialog, parent, office_database) == user.save_as
    assert [row["Ref"] for row in sheet_rows(user.save_as)] == ["A2"]
    assert user.opened == []


def test_what_the_current_view_shows(qtbot, office_database, parent, user, tmp_path):
    a3 = action_id(office_database, "A3")
    user.save_as = tmp_path / "view"  # no suffix typed: .xlsx is added

    def drive(dialog):
        assert dialog.view_button.isChecked() and "(1 action)" in dialog.view_button.text()
        click(qtbot, dialog.ok_button)

    user.drive = drive
    written = finish(qtbot, export_action_plan_dialog, parent, office_database, action_ids=[a3])
    assert written == tmp_path / "view.xlsx"
    assert [row["Action ID"] for row in sheet_rows(written)] == [a3]


@pytest.mark.parametrize("go_ahead", [False, True])
def test_a_workbook_holding_a_never_print_term_takes_its_name_only_if_the_user_goes_ahead(
        qtbot, office_database, parent, user, prompts, tmp_path, go_ahead):
    with office_database.sessions.begin() as s:
        privacy_scan.save_never_print_terms(s, ["neglect toolkit"])
    user.save_as = tmp_path / "plan.xlsx"
    user.drive = lambda dialog: click(qtbot, dialog.ok_button)
    user.answers["Export the action plan"] = False  # don't open it
    prompts.answers = [go_ahead]

    assert finish(qtbot, export_action_plan_dialog, parent, office_database) == (user.save_as if go_ahead else None)
    assert user.save_as.exists() is go_ahead
    assert partial_files(tmp_path) == []
    (shown,) = prompts.shown
    assert "plan.xlsx has not been saved" in shown
    assert "word on the never-print list" in shown and "Sheet 'Action plan'" in shown
    assert "neglect toolkit" not in shown.casefold()  # masked, not repeated
    (decision,) = privacy_decisions(office_database)
    assert decision.record_id == "plan.xlsx"
    assert decision.new_value.startswith("Proceeded knowingly" if go_ahead else "Stopped to fix the document")
    assert "toolkit" not in decision.new_value


def test_agency_packs_write_one_file_per_agency(qtbot, office_database, parent, user, tmp_path):
    folder = tmp_path / "packs"
    user.folder = folder

    def drive(dialog):
        assert dialog.open_only_box.isChecked()
        click(qtbot, dialog.browse_button)  # the folder chooser answers ``folder``
        assert dialog.folder() == folder
        click(qtbot, dialog.ok_button)

    user.drive = drive
    assert finish(qtbot, export_agency_packs_dialog, parent, office_database) == folder
    files = sorted(folder.glob("*.xlsx"))
    assert [f.name.split(" - ")[1] for f in files] == ["Children's Services", "Police"]
    agencies = {f.name.split(" - ")[1]: {row["Lead agency"] for row in sheet_rows(f)} for f in files}
    assert agencies == {"Children's Services": {"Children's Services"}, "Police": {"Police"}}
    assert "2 agency workbook(s) written" in user.informed[-1]
    assert all(f.name in user.informed[-1] for f in files)
    assert partial_files(tmp_path) == []


def test_an_agency_pack_the_user_does_not_save_is_not_written(qtbot, office_database, parent, user,
                                                              prompts, tmp_path):
    with office_database.sessions.begin() as s:
        privacy_scan.save_never_print_terms(s, ["supervision records"])  # in A2, the Police's
    folder = tmp_path / "packs"
    user.folder = folder

    def drive(dialog):
        click(qtbot, dialog.browse_button)
        click(qtbot, dialog.ok_button)

    user.drive = drive
    prompts.answers = [False]
    assert finish(qtbot, export_agency_packs_dialog, parent, office_database) == folder
    assert len(prompts.shown) == 1 and "Action plan - Police" in prompts.shown[0]
    assert [f.name.split(" - ")[1] for f in folder.glob("*.xlsx")] == ["Children's Services"]
    assert partial_files(tmp_path) == []
    assert "1 agency workbook(s) written" in user.informed[-1]


def test_referrals_register_export(qtbot, office_database, parent, user, tmp_path):
    user.save_as = tmp_path / "referrals.xlsx"
    assert finish(qtbot, export_register_dialog, parent, office_database, "referrals") == user.save_as
    ws = openpyxl.load_workbook(user.save_as)["Referrals"]
    assert "Ref053" in [c.value for c in ws["A"]]
    stamp = {r[0]: r[1] for r in openpyxl.load_workbook(user.save_as)[RECORD_SHEET].iter_rows(values_only=True)}
    assert stamp["kind"] == "referrals"


# --- agency returns --------------------------------------------------------------------------

def test_return_preview_applies_only_the_ticked_rows(qtbot, office_database, parent, user, tmp_path,
                                                     qtmodeltester):
    db = office_database
    a1, a2 = action_id(db, "A1"), action_id(db, "A2")
    path = agency_edits(export_plan(db, tmp_path / "return.xlsx"), {
        (a1, "RAG"): "Amber", (a1, "New progress update"): "Training booked for May.",
        (a2, "Status"): "In progress",
    })
    seen = {}

    def drive(dialog: ReturnPreviewDialog):
        model = dialog.model
        qtmodeltester.check(model)
        r1, r2 = row_of(model, "A1"), row_of(model, "A2")
        seen["a1"] = (cell_text(model, r1, FIELD), cell_text(model, r1, CHANGE), cell_text(model, r1, UPDATE))
        seen["a2"] = (cell_text(model, r2, FIELD), cell_text(model, r2, CHANGE))
        assert ticked(model, r1) and ticked(model, r2)
        assert dialog.count_label.text() == "2 of 2 row(s) selected to apply"
        model.setData(model.index(r2, APPLY), Qt.CheckState.Unchecked, Qt.ItemDataRole.CheckStateRole)
        assert dialog.count_label.text() == "1 of 2 row(s) selected to apply"
        click(qtbot, dialog.apply_button)

    user.drive = drive
    assert finish(qtbot, import_workbook, parent, db, path) is True

    assert seen["a1"][0] == "RAG" and seen["a1"][1] == "Red → Amber"
    assert seen["a1"][2].endswith("Training booked for May.")
    assert seen["a2"] == ("Status", "Not started → In progress")
    rag, _status, updates = action_values(db, "A1")
    assert rag == "Amber" and updates[-1] == "Training booked for May." and len(updates) == 2
    assert action_values(db, "A2")[1] == "Not started"  # unticked: left as it was
    assert user.informed == [("Applied changes to 1 action(s): 1 field(s) changed, 0 target date(s) "
                              "revised, 1 progress update(s) added; 1 row(s) not applied.")]
    with db.readers() as s:
        assert s.scalars(select(AuditEntry.new_value).where(AuditEntry.operation == "import")).one() \
            .startswith("return.xlsx")
    assert any(backups.backup_folder().iterdir())  # backed up before the change


def test_a_conflict_starts_unticked_and_cancel_writes_nothing(qtbot, office_database, parent, user, tmp_path):
    db = office_database
    a1 = action_id(db, "A1")
    path = export_plan(db, tmp_path / "return.xlsx")
    with db.sessions.begin() as s:  # the office changes A1 after the export...
        s.get(Action, a1).rag = "Green"
    agency_edits(path, {(a1, "RAG"): "Amber"})  # ...and the agency changes it too
    before, audits = database_bytes(db), audit_count(db)
    seen = {}

    def drive(dialog: ReturnPreviewDialog):
        model = dialog.model
        row = row_of(model, "A1")
        seen["word"] = cell_text(model, row, CONFLICT)
        seen["colour"] = model.data(model.index(row, CONFLICT), Qt.ItemDataRole.BackgroundRole).color()
        seen["ticked"] = ticked(model, row)
        seen["apply enabled"] = dialog.apply_button.isEnabled()
        click(qtbot, dialog.cancel_button)

    user.drive = drive
    assert finish(qtbot, import_workbook, parent, db, path) is False
    assert seen == {"word": "Conflict", "colour": QColor(CONFLICT_BACKGROUND), "ticked": False,
                    "apply enabled": False}
    assert action_values(db, "A1")[0] == "Green"
    assert database_bytes(db) == before and audit_count(db) == audits


def test_ticking_a_conflict_takes_the_agencys_value(qtbot, office_database, parent, user, tmp_path):
    db = office_database
    a1 = action_id(db, "A1")
    path = export_plan(db, tmp_path / "return.xlsx")
    with db.sessions.begin() as s:
        s.get(Action, a1).rag = "Green"
    agency_edits(path, {(a1, "RAG"): "Amber"})

    def drive(dialog: ReturnPreviewDialog):
        model = dialog.model
        model.setData(model.index(row_of(model, "A1"), APPLY), Qt.CheckState.Checked,
                      Qt.ItemDataRole.CheckStateRole)
        click(qtbot, dialog.apply_button)

    user.drive = drive
    assert finish(qtbot, import_workbook, parent, db, path) is True
    assert action_values(db, "A1")[0] == "Amber"


def test_reject_all_writes_nothing(qtbot, office_database, parent, user, tmp_path):
    db = office_database
    a1 = action_id(db, "A1")
    path = agency_edits(export_plan(db, tmp_path / "return.xlsx"), {(a1, "RAG"): "Green"})
    before, audits = database_bytes(db), audit_count(db)
    user.drive = lambda dialog: click(qtbot, dialog.reject_all_button)
    assert finish(qtbot, import_workbook, parent, db, path) is False
    assert database_bytes(db) == before and audit_count(db) == audits
    assert action_values(db, "A1")[0] == "Red" and user.informed == []


def test_accept_all_applies_every_row_the_import_was_chosen_from_the_file_chooser(
        qtbot, office_database, parent, user, tmp_path):
    db = office_database
    a1, a2 = action_id(db, "A1"), action_id(db, "A2")
    path = agency_edits(export_plan(db, tmp_path / "return.xlsx"),
                        {(a1, "RAG"): "Amber", (a2, "RAG"): "Green"})
    user.open_path = path
    user.drive = lambda dialog: click(qtbot, dialog.accept_all_button)
    assert finish(qtbot, import_workbook, parent, db) is True
    assert action_values(db, "A1")[0] == "Amber" and action_values(db, "A2")[0] == "Green"


def test_a_text_file_named_xlsx_is_refused_by_name_and_nothing_is_written(qtbot, office_database, parent, user,
                                                                          tmp_path):
    bad = tmp_path / "Police return.xlsx"
    bad.write_text("Ref,Action\nA1,Train staff\n", encoding="utf-8")
    before, audits = database_bytes(office_database), audit_count(office_database)
    assert finish(qtbot, import_workbook, parent, office_database, bad) is False  # no dialog is shown (user.drive)
    assert len(user.warned) == 1
    assert "Police return.xlsx" in user.warned[0] and "plain text (CSV)" in user.warned[0]
    assert database_bytes(office_database) == before and audit_count(office_database) == audits


def test_a_return_from_another_database_is_refused(qtbot, office_database, parent, user, tmp_path):
    other = open_database(tmp_path / "other.sqlite")  # another office's database, same records
    try:
        with other.sessions.begin() as s:
            add_case_records(s)
        path = export_plan(other, tmp_path / "elsewhere.xlsx")
    finally:
        other.close()
    a1 = action_id(office_database, "A1")
    agency_edits(path, {(a1, "RAG"): "Green"})
    assert finish(qtbot, import_workbook, parent, office_database, path) is False
    assert "elsewhere.xlsx was refused, so nothing was written" in user.warned[0]


# --- a hand-kept tracker ---------------------------------------------------------------------

def build_tracker(path: Path) -> Path:
    """A small messy tracker: a title row, a blank row, a header whose action column is
    called "Task" (not a word the importer knows), a misspelt agency, a merged review."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Actions"
    ws["A1"] = "Our action plan (kept by hand)"
    ws.append([])
    ws.append(["Source Review", "Rec No.", "Recommendation", "Task", "Lead Agency", "RAG"])
    ws.append(["Child Q", "1", "Agencies should share information early.",
               "Run a briefing on information sharing", "Childrens Servics", "Amber"])
    ws.append([None, "2", "Health visitors should record fathers.", "Audit records of fathers",
               "Police", "G"])
    ws.append([None, None, None, "Repeat the audit in six months", "Police", "Red"])
    wb.save(path)
    return path


def test_a_tracker_is_mapped_corrected_replanned_and_imported(qtbot, office_database, parent, user,
                                                              tmp_path, qtmodeltester):
    db = office_database
    path = build_tracker(tmp_path / "Tracker.xlsx")
    seen = {}

    def drive(dialog: LegacyImportDialog):
        qtmodeltester.check(dialog.mapping_model)
        qtmodeltester.check(dialog.warnings_model)
        seen["kind"] = dialog.kind_label.text()
        seen["before"] = dialog.plan.counts()["actions"]
        seen["dry run"] = dialog.dry_run.toPlainText()
        mapping = dialog.mapping_model
        row = mapping.row_of("D")
        assert mapping.data(mapping.index(row, 1)) == "Task"
        assert mapping.data(mapping.index(row, 2)) == "(keep as text)"  # not a field it knows
        # The user picks "action" for column D from the drop-down.
        view = dialog.mapping_view
        view.edit(mapping.index(row, 2))
        combo = view.findChild(QComboBox)
        assert [combo.itemText(0), combo.itemText(1)] == ["(keep as text)", "(ignore)"]
        combo.setCurrentIndex(combo.findText("action"))
        combo.activated.emit(combo.currentIndex())  # as choosing it with the mouse does
        assert mapping.data(mapping.index(row, 2)) == "action"
        assert not dialog.import_button.isEnabled()  # the dry run shown is out of date
        with qtbot.waitSignal(dialog.replanned, timeout=SLOW):
            click(qtbot, dialog.replan_button)
        seen["after"] = dialog.plan.counts()["actions"]
        seen["dry run after"] = dialog.dry_run.toPlainText()
        proposals = dialog.proposal_model
        qtmodeltester.check(proposals)
        assert [m.spelling for m in proposals.rows] == ["Childrens Servics"]
        assert any("Childrens Servics" in w.message for w in dialog.warnings_model.rows)
        proposals.setData(proposals.index(0, 0), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
        seen["confirmed"] = dialog.dry_run.toPlainText()
        assert not any("Childrens Servics" in w.message for w in dialog.warnings_model.rows)
        dialog.remember_box.setChecked(True)
        click(qtbot, dialog.import_button)

    user.drive = drive
    assert finish(qtbot, import_workbook, parent, db, path) is True

    assert "Tracker.xlsx looks like an action plan tracker" in seen["kind"]
    # Before column D is mapped, its rows still hold actions (agency, RAG): kept under placeholder
    # descriptions, the tasks as text beside them; once mapped, the same three actions, named.
    assert seen["before"] == (3, 0) and seen["after"] == (3, 0)
    assert seen["dry run"].startswith("Dry run: importing Tracker.xlsx") and "Nothing has been written" in seen["dry run"]
    assert "'Actions' A4:" in seen["dry run"]  # a warning by sheet and cell
    assert "D 'Task' -> action" in seen["dry run after"]
    assert "'Childrens Servics' will be remembered as Children's Services" in seen["confirmed"]
    with db.readers() as s:
        created = {a.description: (a.lead_agency.name if a.lead_agency else None, a.rag)
                   for a in s.scalars(select(Action))}
        assert s.scalar(select(Review.id).where(Review.title == "Child Q")) is not None
    assert created["Run a briefing on information sharing"] == ("Children's Services", "Amber")
    assert created["Audit records of fathers"] == ("Police", "Green")
    assert "Repeat the audit in six months" in created
    assert legacy.load_mapping(path)["D"] == "action"  # remembered
    assert user.informed and any(backups.backup_folder().iterdir())


def test_cancelling_a_tracker_import_writes_nothing(qtbot, office_database, parent, user, tmp_path):
    path = build_tracker(tmp_path / "Tracker.xlsx")
    before, audits = database_bytes(office_database), audit_count(office_database)

    def drive(dialog: LegacyImportDialog):
        assert "would create" in dialog.dry_run.toPlainText()
        click(qtbot, dialog.cancel_button)

    user.drive = drive
    assert finish(qtbot, import_workbook, parent, office_database, path) is False
    assert database_bytes(office_database) == before and audit_count(office_database) == audits
    assert legacy.load_mapping(path) is None


def test_a_mapping_that_cannot_be_used_is_explained_and_the_plan_kept(qtbot, office_database, parent,
                                                                      user, tmp_path):
    path = build_tracker(tmp_path / "Tracker.xlsx")

    def drive(dialog: LegacyImportDialog):
        mapping = dialog.mapping_model
        # Two columns both "review": the importer refuses that mapping.
        mapping.set_field(mapping.row_of("B"), "review")
        with qtbot.waitSignal(dialog.replanned, timeout=SLOW):
            click(qtbot, dialog.replan_button)
        assert "more than one column" in user.warned[-1]
        assert not dialog.import_button.isEnabled()
        click(qtbot, dialog.cancel_button)

    user.drive = drive
    assert finish(qtbot, import_workbook, parent, office_database, path) is False


# --- the menu --------------------------------------------------------------------------------

def test_menu_entries_and_the_action_plan_of_the_current_view(qtbot, office_database, parent, user,
                                                              tmp_path):
    menu = QMenu(parent)
    quit_action = menu.addAction("&Quit")
    a1 = action_id(office_database, "A1")
    actions = add_import_export_actions(menu, parent, lambda: office_database, lambda: [a1],
                                        before=quit_action)
    assert [a.text() for a in menu.actions()] == ["&Import workbook…", "&Export", "&Quit"]
    names = [a.text() for a in actions]
    assert names == ["&Import workbook…", "&Action plan…", "Agency &packs…", "&Referrals register…",
                     "Re&views register…"]
    assert actions[0].shortcut().toString() == "Ctrl+I"
    export_menu = next(a.menu() for a in menu.actions() if a.menu() is not None)
    assert export_menu.title() == "&Export"

    user.save_as = tmp_path / "view.xlsx"
    user.answers["Export the action plan"] = False

    def drive(dialog):
        assert dialog.view_button.isChecked()
        click(qtbot, dialog.ok_button)

    user.drive = drive
    actions[1].trigger()
    qtbot.waitUntil(lambda: not operations.running_operations(), timeout=SLOW)
    assert [row["Action ID"] for row in sheet_rows(user.save_as)] == [a1]


def test_today_is_in_the_suggested_file_name(data_dir):
    assert import_export.suggested_file("Composite action plan").name == \
        f"Composite action plan {dt.date.today():%Y-%m-%d}.xlsx"


def test_a_refused_row_cannot_be_ticked_and_accept_all_leaves_it(qtbot, office_database, parent, user,
                                                                 tmp_path):
    db = office_database
    a1, a2 = action_id(db, "A1"), action_id(db, "A2")
    path = agency_edits(export_plan(db, tmp_path / "return.xlsx"), {
        (a1, "Lead agency"): "Police",  # a grey (locked) column: refused
        (a2, "RAG"): "Amber",
    })
    seen = {}

    def drive(dialog: ReturnPreviewDialog):
        model = dialog.model
        row = row_of(model, "A1")
        seen["flags"] = model.flags(model.index(row, APPLY))
        seen["word"] = cell_text(model, row, CONFLICT)
        seen["field"] = cell_text(model, row, FIELD)
        seen["problems"] = dialog.problems.toPlainText()
        click(qtbot, dialog.accept_all_button)

    user.drive = drive
    assert finish(qtbot, import_workbook, parent, db, path) is True
    assert not seen["flags"] & Qt.ItemFlag.ItemIsUserCheckable
    assert seen["word"] == "Refused" and seen["field"] == "Lead agency"
    assert "Refused, action A1: Sheet 'Action plan', row" in seen["problems"]
    assert "column G (Lead agency)" in seen["problems"]
    assert action_values(db, "A2")[0] == "Amber"
    with db.readers() as s:
        assert s.get(Action, a1).lead_agency.name == "Children's Services"


def test_statuses_as_the_plan_shows_them_through_the_preview(qtbot, office_database, parent, user, tmp_path):
    """The Status column holds the status as the plan shows it: "Completed" closes an action as
    implemented, "Closed \u2013 <reason>" with that reason; a return does not reopen a closed action."""
    db = office_database
    a1, a2, a3 = action_id(db, "A1"), action_id(db, "A2"), action_id(db, "A3")
    path = agency_edits(export_plan(db, tmp_path / "return.xlsx"), {
        (a1, "Status"): "Completed", (a1, "Evidence of completion"): "Toolkit relaunched; 60 staff trained.",
        (a1, "Completed on"): dt.datetime(2024, 9, 30),
        (a2, "Status"): "Closed \u2013 superseded", (a2, "Completed on"): "01/10/2024",
        (a3, "Status"): "In progress",
    })
    assert [row["Status"] for row in sheet_rows(path)] == ["Completed", "Closed \u2013 superseded", "In progress"]
    seen = {}

    def drive(dialog: ReturnPreviewDialog):
        model = dialog.model
        for reference in ("A1", "A2", "A3"):
            row = row_of(model, reference)
            seen[reference] = (cell_text(model, row, FIELD).splitlines()[0],
                               cell_text(model, row, CHANGE).splitlines()[0], cell_text(model, row, CONFLICT))
        seen["problems"] = dialog.problems.toPlainText()
        click(qtbot, dialog.accept_all_button)

    user.drive = drive
    assert finish(qtbot, import_workbook, parent, db, path) is True
    assert seen["A1"] == ("Status", "In progress \u2192 Completed", "")
    assert seen["A2"] == ("Status", "Not started \u2192 Closed \u2013 superseded", "")
    assert seen["A3"] == ("Status", "Not applied: see the refused cells below", "Refused")
    assert "a return does not reopen it" in seen["problems"]
    with db.readers() as s:
        first, second, third = (s.get(Action, i) for i in (a1, a2, a3))
        assert (first.status.name, first.closure_reason.name, first.rag) == ("Complete", "Implemented and verified", "Blue")
        assert (second.status.name, second.closure_reason.name, second.completed_on) == (
            "Closed", "Superseded", dt.date(2024, 10, 1))
        assert third.status.name == "Complete"


def test_a_return_without_its_record_sheet_is_previewed_as_a_return(qtbot, office_database, parent, user,
                                                                    tmp_path):
    db = office_database
    a1 = action_id(db, "A1")
    path = agency_edits(export_plan(db, tmp_path / "return.xlsx"), {(a1, "RAG"): "Amber"})
    wb = openpyxl.load_workbook(path)
    del wb[RECORD_SHEET]
    wb.save(path)
    with db.readers() as s:
        before = s.scalar(select(func.count()).select_from(Action))
    seen = {}

    def drive(dialog):
        seen["dialog"] = type(dialog).__name__
        seen["problems"] = dialog.problems.toPlainText()
        click(qtbot, dialog.accept_all_button)

    user.drive = drive
    assert finish(qtbot, import_workbook, parent, db, path) is True
    assert seen["dialog"] == "ReturnPreviewDialog"
    assert "the hidden 'Export record' sheet is missing" in seen["problems"]
    assert action_values(db, "A1")[0] == "Amber"
    with db.readers() as s:
        assert s.scalar(select(func.count()).select_from(Action)) == before


def test_an_export_that_lost_its_hidden_columns_is_refused_not_imported_as_a_tracker(
        qtbot, office_database, parent, user, tmp_path):
    db = office_database
    path = export_plan(db, tmp_path / "return.xlsx")
    wb = openpyxl.load_workbook(path)
    del wb[RECORD_SHEET]
    ws = wb[ACTION_SHEET]
    ws.delete_cols(sheet_columns(ws)["Action ID"], 3)
    wb.save(path)
    before, audits = database_bytes(db), audit_count(db)
    assert finish(qtbot, import_workbook, parent, db, path) is False  # no dialog is shown (user.drive)
    assert len(user.warned) == 1
    assert "looks like an action plan exported by Case Review Tracker" in user.warned[0]
    assert "would add its actions again" in user.warned[0]
    assert database_bytes(db) == before and audit_count(db) == audits


def test_cancel_before_the_commit_rolls_the_whole_import_back(qtbot, office_database):
    db = office_database
    a1 = action_id(db, "A1")
    ended = []

    def what(session) -> str:
        session.get(Action, a1).rag = "Green"
        session.flush()
        op.job.progress.cancel()  # the user presses Cancel while the changes are being made
        return "changed A1"

    op = CollectionOp(None, db, import_export.apply_import(db, what, "Applying the changes…"), progress=True,
                      cancellable=True, success=ended.append, cancelled=lambda: ended.append("cancelled"))
    op.run_in_background()
    qtbot.waitUntil(lambda: bool(ended), timeout=SLOW)
    assert ended == ["cancelled"]
    assert action_values(db, "A1")[0] == "Red"
