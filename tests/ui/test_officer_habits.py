"""The habits of an office program, through the window: the calendar reads, dates show in
the office's format from the start, Ctrl+P prints the page with its filters, a register
shows an import or a restored backup without F5, export takes the filter and sort on
screen, files open where they were last saved, columns fit what they hold and are
remembered, the toolbar, F1 and the first-run page."""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QStyleOptionViewItem, QTableView, QToolBar

from app.registers import REGISTERS
from app.settings import save_settings
from tests.ui.conftest import open_window
from ui import dialogs, import_export, report_dialogs
from ui.widgets.date_edit import UkDateEdit
from ui.workers import wait_for_jobs

SLOW = 30_000  # a limit on waiting on a busy machine, not a timing


@pytest.fixture
def window(qtbot, office_database):
    return open_window(qtbot, office_database)


@pytest.fixture(autouse=True)
def no_leftover_jobs():
    yield
    assert wait_for_jobs(SLOW)


def show(qtbot, window, key):
    window.show_page(key)
    qtbot.waitUntil(lambda: window.is_loaded(key), timeout=SLOW)


def column(window, key, column_key):
    model = window.model(key)
    index = REGISTERS[key].column_index(column_key)
    return [model.data(model.index(row, index)) for row in range(model.rowCount())]


@pytest.fixture
def told(monkeypatch):
    """Messages and questions, answered: informs and warnings noted, confirmations yes."""
    said = {"inform": [], "warn": []}
    monkeypatch.setattr(dialogs, "inform", lambda parent, title, text: said["inform"].append(text))
    monkeypatch.setattr(dialogs, "warn", lambda parent, title, text: said["warn"].append(text))
    monkeypatch.setattr(dialogs, "confirm", lambda *args, **kwargs: False)  # "Open it now?": not now
    return said


@pytest.mark.qt_log_ignore("This plugin does not support")  # the off-screen platform and pop-ups
def test_calendar_days_are_not_cut_short(qtbot, window):
    """The window pads its registers' cells; a calendar's day cells are a table too, and
    with that padding "28" was drawn as "..." (seen under Xvfb). A day needs no more room
    in a form's calendar than in a calendar outside the window."""
    def day_cell_width(field: UkDateEdit) -> int:
        qtbot.addWidget(field)
        field.show()
        field.set_date(dt.date(2024, 2, 28))
        field.open_calendar()
        table = field.popup.calendar.findChild(QTableView)
        model = table.model()
        index = next(model.index(row, col) for row in range(model.rowCount()) for col in range(model.columnCount())
                     if str(model.data(model.index(row, col))) == "28")
        option = QStyleOptionViewItem()
        table.initViewItemOption(option)
        width = table.itemDelegate().sizeHint(option, index).width()
        field.popup.close()
        return width

    assert day_cell_width(UkDateEdit(window)) == day_cell_width(UkDateEdit())


def test_forms_show_dates_in_the_offices_format_from_the_start(qtbot, office_database):
    with office_database.sessions.begin() as session:
        save_settings(session, date_format="d MMMM yyyy")
    window = open_window(qtbot, office_database)
    field = UkDateEdit(window)
    qtbot.addWidget(field)
    field.set_date(dt.date(2024, 3, 5))
    assert field.text() == "5 March 2024"


def test_ctrl_p_on_every_register_opens_its_paper_with_the_filters_on_screen(qtbot, window, reported, monkeypatch):
    shown = []

    def exec_report(dialog):
        shown.append((dialog.kind, dialog.options()))
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(report_dialogs.ReportDialog, "exec", exec_report)
    qtbot.waitActive(window)
    for key in REGISTERS:
        before = len(shown)
        window.show_page(key)
        assert wait_for_jobs(SLOW)  # the last paper's reads, and the check as the window is come back to
        qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: len(shown) > before, timeout=SLOW)  # one paper asked for, each time
    assert len(shown) == len(REGISTERS)
    show(qtbot, window, "actions")
    window.view("actions").filter_bar.flags["overdue"].setChecked(True)
    qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(shown) == len(REGISTERS) + 1, timeout=SLOW)
    kind, options = shown[-1]
    assert kind == "action-plan" and options["overdue_only"] is True
    assert reported == []


def test_ctrl_p_on_a_searched_plan_prints_only_the_actions_on_screen_and_says_so(
        qtbot, window, office_database, reported, monkeypatch, tmp_path):
    from pypdf import PdfReader

    from app.reports.action_plan import build_action_plan

    shown = []

    def exec_report(dialog):
        shown.append((dialog.on_screen_box.text(), dialog.options()))
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(report_dialogs.ReportDialog, "exec", exec_report)
    qtbot.waitActive(window)
    show(qtbot, window, "actions")
    view = window.view("actions")
    qtbot.keyClicks(view.search_box, "audit")  # no option of the paper's narrows by words
    qtbot.waitUntil(lambda: window.model("actions").rowCount() == 1, timeout=SLOW)
    qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(shown), timeout=SLOW)
    text, options = shown[0]
    assert text == 'Only the 1 action shown on screen: searched for "audit"'
    assert options["action_ids"] == view.shown_ids() and options["shown"] == 'searched for "audit"'

    with office_database.readers() as session:
        paper = build_action_plan(session, tmp_path / "plan.pdf", **options)
    printed = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(paper.path).pages)
    assert "Audit supervision records" in printed and "Relaunch the neglect toolkit" not in printed
    assert 'Only the actions shown on screen (searched for "audit")' in printed
    assert reported == []


def test_the_register_shows_an_import_without_f5(qtbot, window, office_database, told, tmp_path, monkeypatch):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Source Review", "Rec No.", "Recommendation", "Action", "Lead Agency", "RAG"])
    sheet.append(["Child Q", "1", "Agencies should share information early.", "Run a briefing", "Police", "Amber"])
    sheet.append([None, "2", "Health visitors should record fathers.", "Audit records of fathers", "Police", "G"])
    path = tmp_path / "Tracker.xlsx"
    workbook.save(path)
    qtbot.waitActive(window)
    show(qtbot, window, "actions")
    assert window.view("actions").total_count == 3

    def accept(dialog):
        dialog.show()
        qtbot.waitUntil(dialog.import_button.isEnabled, timeout=SLOW)
        dialog.import_button.click()
        return dialog.result() == QDialog.DialogCode.Accepted

    monkeypatch.setattr(dialogs, "open_file", lambda *args: path)
    monkeypatch.setattr(import_export, "exec_dialog", accept)
    qtbot.keyClick(window, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.view("actions").total_count == 5 and window.is_loaded("actions"), timeout=SLOW)
    assert "Audit records of fathers" in column(window, "actions", "description")


def test_export_takes_the_filter_and_sort_on_screen_and_says_so(qtbot, window, office_database, told, tmp_path,
                                                                monkeypatch):
    qtbot.waitActive(window)
    show(qtbot, window, "actions")
    view = window.view("actions")
    view.filter_bar.combos["lead_agency"].setCurrentText("Police")  # A2 only: widen to both agencies' rows
    view.filter_bar.combos["lead_agency"].setCurrentIndex(0)
    view.search_box.setText("neglect")  # A1 and A2
    view.apply()
    view.table.horizontalHeader().setSortIndicator(REGISTERS["actions"].column_index("target"),
                                                    Qt.SortOrder.DescendingOrder)
    assert column(window, "actions", "reference") == ["A2", "A1"]
    out = tmp_path / "plan.xlsx"
    monkeypatch.setattr(dialogs, "save_file", lambda *args: out)
    monkeypatch.setattr(import_export, "exec_dialog", lambda dialog: dialog.view_button.isChecked())
    ended = []
    monkeypatch.setattr(import_export, "_show_status", lambda parent, message: ended.append(message))
    window.export_action.trigger()
    qtbot.waitUntil(lambda: out.exists(), timeout=SLOW)
    qtbot.waitUntil(lambda: bool(ended), timeout=SLOW)
    sheet = openpyxl.load_workbook(out).worksheets[0]
    references = [sheet.cell(row, 1).value for row in range(4, sheet.max_row + 1)]
    assert references == ["A2", "A1"]  # the order on screen
    assert 'searched for "neglect"' in sheet.cell(2, 1).value
    assert "sorted by Target date (descending)" in sheet.cell(2, 1).value


def test_another_register_exports_what_it_shows_as_csv_in_its_order(qtbot, window, told, tmp_path, monkeypatch):
    qtbot.waitActive(window)
    show(qtbot, window, "themes")
    view = window.view("themes")
    view.search_box.setText("in")
    view.apply()
    view.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.DescendingOrder)
    shown = column(window, "themes", REGISTERS["themes"].columns[0].key)
    out = tmp_path / "themes.csv"
    monkeypatch.setattr(dialogs, "save_file", lambda *args: out)
    window.export_action.trigger()
    qtbot.waitUntil(lambda: out.exists(), timeout=SLOW)
    with out.open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.reader(file))
    assert [row[0] for row in rows[1:]] == shown and len(shown) >= 2


def test_save_dialogs_open_where_that_kind_of_file_was_last_saved(qtbot, window, told, tmp_path, monkeypatch):
    folder = tmp_path / "Exports"
    folder.mkdir()
    offered = []

    def save_file(parent, title, filters, suggested=None):
        offered.append(Path(suggested).parent)
        return folder / "plan.csv" if len(offered) == 1 else None

    monkeypatch.setattr(dialogs, "save_file", save_file)
    monkeypatch.setattr(import_export, "exec_dialog", lambda dialog: dialog.csv_button.setChecked(True) or True)
    qtbot.waitActive(window)
    window.export_action.trigger()
    qtbot.waitUntil(lambda: (folder / "plan.csv").exists(), timeout=SLOW)
    assert wait_for_jobs(SLOW)
    window.export_action.trigger()
    qtbot.waitUntil(lambda: len(offered) == 2, timeout=SLOW)
    assert offered[1] == folder  # remembered for exports
    assert report_dialogs.default_report_folder() != folder  # papers keep their own folder


def test_the_toolbar_holds_new_save_undo_export_and_print(window):
    bar = window.findChild(QToolBar, "mainToolBar")
    texts = [action.iconText() for action in bar.actions() if not action.isSeparator()]
    # Chase is ui.chasing's: between Export and Print once it is installed.
    assert texts in (["New", "Save", "Undo", "Export", "Print"], ["New", "Save", "Undo", "Export", "Chase", "Print"])
    assert window.save_action.shortcut().toString() == "Ctrl+S"
    assert window.export_action.shortcut().toString() == "Ctrl+E"


def test_chase_takes_its_place_between_export_and_print_once_it_is_made(window):
    chase = QAction("Chase", window)
    chase.setIconText("Chase")
    window.toolbar.set_chase_action(chase)
    window.toolbar.set_chase_action(chase)  # made again (a database switched): still once
    texts = [action.iconText() for action in window.toolbar.actions() if not action.isSeparator()]
    assert texts == ["New", "Save", "Undo", "Export", "Chase", "Print"]


def test_columns_are_wide_enough_for_what_they_hold_and_remembered(qtbot, office_database):
    window = open_window(qtbot, office_database)
    show(qtbot, window, "actions")
    table = window.view("actions").table
    for key in ("reference", "lead_agency", "status", "target"):
        index = REGISTERS["actions"].column_index(key)
        assert table.columnWidth(index) >= table._content_width(index), key
    wider = table.columnWidth(REGISTERS["actions"].column_index("lead_agency")) + 40
    table.setColumnWidth(REGISTERS["actions"].column_index("lead_agency"), wider)
    window.close()
    again = open_window(qtbot, office_database)
    show(qtbot, again, "actions")
    assert again.view("actions").table.columnWidth(REGISTERS["actions"].column_index("lead_agency")) == wider


def test_the_register_shows_a_restored_backup_without_f5(qtbot, window, office_database, told, monkeypatch):
    from app.backups import backup_folder, list_backups
    from ui import safety_dialogs

    qtbot.waitActive(window)
    show(qtbot, window, "actions")
    window.save_action.trigger()  # Save: a backup copy, now
    qtbot.waitUntil(lambda: bool(told["inform"]), timeout=SLOW)
    monkeypatch.setattr(dialogs, "confirm", lambda *args, **kwargs: True)
    view = window.view("actions")
    view.table.selectRow(0)
    window.delete_action.trigger()
    qtbot.waitUntil(lambda: window.is_loaded("actions") and view.total_count == 2, timeout=SLOW)

    def restore_the_backup(dialog):
        dialog.show()
        qtbot.waitUntil(lambda: bool(dialog.model.backups()), timeout=SLOW)
        manual = next(b for b in list_backups(backup_folder(), office_database.path) if b.label == "manual")
        assert dialog.select_backup(manual.path)
        with qtbot.waitSignal(dialog.restore_finished, timeout=SLOW):
            dialog.restore_button.click()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(safety_dialogs.RestoreDialog, "exec", restore_the_backup)
    next(action for action in window.findChildren(QAction) if action.objectName() == "restoreAction").trigger()
    qtbot.waitUntil(lambda: window.is_loaded("actions") and window.view("actions").total_count == 3, timeout=SLOW)


def test_f1_opens_the_user_guide(qtbot, window):
    qtbot.waitActive(window)
    qtbot.keyClick(window, Qt.Key.Key_F1)
    from ui.help_view import HelpWindow

    guide = window.findChild(HelpWindow)
    assert guide is not None and guide.isVisible()
    text = guide.browser.toPlainText()
    assert "Keyboard shortcuts" in text
    # Each Ctrl+letter the guide names is a shortcut of the window's menus.
    named = set(re.findall(r"Ctrl\+[A-Z]\b", text))
    shortcuts = {keys.toString() for action in window.findChildren(QAction) for keys in action.shortcuts()}
    assert named and named <= shortcuts, named - shortcuts
    guide.close()


def test_the_first_run_page_opens_the_demo(qtbot, window, monkeypatch):
    from ui import output_folder_dialog
    from ui.first_run import FirstRunPage

    monkeypatch.setattr(output_folder_dialog, "ask_output_folder", lambda window: None)
    monkeypatch.setattr("ui.first_run.ask_output_folder", lambda window: None)
    assert not window.settings.welcomed
    window.welcome()
    page = window.findChild(FirstRunPage)
    assert page.isVisible() and window.settings.welcomed
    page.buttons["demo"].click()
    qtbot.waitUntil(lambda: window.database.path.name == "demo.sqlite" or "demo" in window.database.path.name,
                    timeout=SLOW)
    qtbot.waitUntil(lambda: not window.databases.database.check_pending, timeout=SLOW)


def test_the_register_shows_a_change_made_elsewhere_when_the_officer_comes_back(qtbot, window, office_database):
    from PySide6.QtWidgets import QWidget

    from app import lookups
    from db.models import Action, ListKind
    from ui.operations import running_operations

    qtbot.waitActive(window)
    show(qtbot, window, "actions")
    assert window.view("actions").total_count == 3
    elsewhere = QWidget()  # the officer goes to another program...
    qtbot.addWidget(elsewhere)
    elsewhere.show()
    elsewhere.activateWindow()
    qtbot.waitUntil(lambda: not window.isActiveWindow() and not running_operations(), timeout=SLOW)
    with office_database.sessions.begin() as session:  # ...where a colleague's copy adds an action
        session.add(Action(reference="A9", description="Added by a colleague.",
                           status=lookups.list_item(session, ListKind.ACTION_STATUS, "Not started")))
    window.activateWindow()  # and comes back
    qtbot.waitUntil(lambda: window.is_loaded("actions") and window.view("actions").total_count == 4, timeout=SLOW)
    assert "Added by a colleague." in column(window, "actions", "description")


def test_the_first_run_page_starts_an_empty_database_or_an_import(qtbot, window, monkeypatch):
    from ui.first_run import FirstRunPage

    monkeypatch.setattr("ui.first_run.ask_output_folder", lambda window: None)
    asked = []
    monkeypatch.setattr(dialogs, "save_file", lambda parent, title, *args: asked.append(title))
    monkeypatch.setattr(dialogs, "open_file", lambda parent, title, *args: asked.append(title))
    for choice in ("new", "import"):
        window.show_first_run()
        page = next(page for page in window.findChildren(FirstRunPage) if page.isVisible())
        page.buttons[choice].click()
        qtbot.waitUntil(lambda: not page.isVisible(), timeout=SLOW)
    assert asked == ["New database", "Import workbook"]
