"""One date, written one way: the office's chosen date format reads the same in the window's
forms, in an exported workbook (as a spreadsheet program shows it) and on paper; and
"31/01/40" means the same year in a form, a report option and an imported tracker.

The demo office (``main.py demo``) is given one more action by importing a hand-kept tracker
(``main.py import``) whose target date is typed "31/01/40". Each test sets the date format
through the window's Settings and then finds that target date in the action's form, the
action plan register, the exported action plan (converted to CSV by LibreOffice, as a user
would open it; skipped where LibreOffice is not installed) and the printed action plan.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from sqlalchemy import select

from app.cli import main
from app.database import open_database
from app.dates import DATE_FORMATS, DateFormat
from app.settings import get_settings
from db.models import Action
from tests.app.excel.legacy_fixtures import ACTION_HEADERS
from ui import dialogs, forms
from ui.settings_dialog import OfficeSettingsDialog
from ui.widgets.date_edit import UkDateEdit, set_office_date_format

TYPED = "31/01/40"
MEANT = dt.date(2040, 1, 31)
ACTION = "Audit the use of the neglect toolkit in core groups"
SOFFICE = shutil.which("soffice")
CSV_UTF8 = "csv:Text - txt - csv (StarCalc):44,34,76,1"


@pytest.fixture(scope="module")
def office(tmp_path_factory) -> Path:
    """The demo office with one action imported from a tracker whose target says 31/01/40."""
    folder = tmp_path_factory.mktemp("office")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CRT_DATA_DIR", str(folder / "data"))
        database = folder / "demo.sqlite"
        assert main(["demo", "--db", str(database)]) == 0
        tracker = openpyxl.Workbook()
        sheet = tracker.active
        sheet.title = "Action Plan"
        sheet.append(ACTION_HEADERS)
        sheet.append(["Child Z (SCR)", "Neglect", 1, "Agencies should check that the neglect toolkit is used.",
                      "Accepted.", ACTION, "Police", "Detective Inspector", TYPED, "A", "Audit planned.", None])
        tracker.save(folder / "tracker.xlsx")
        assert main(["import", str(folder / "tracker.xlsx"), "--db", str(database), "--yes"]) == 0
    return database


@pytest.fixture
def database(office, tmp_path):
    """A copy of the office for one test, open."""
    path = tmp_path / "office.sqlite"
    shutil.copy(office, path)
    db = open_database(path)
    yield db
    db.close()


@pytest.fixture(autouse=True)
def default_date_format():
    """Choosing a format changes every date field; the next test starts from the default."""
    yield
    set_office_date_format(None)


def imported_action_id(database) -> int:
    with database.readers() as session:
        action = session.scalars(select(Action).where(Action.description == ACTION)).one()
        assert action.target_on == MEANT  # the tracker's "31/01/40" was read as 2040
        return action.id


@pytest.fixture
def window(qtbot, database):
    from ui.app import create_main_window

    window = create_main_window(database)
    qtbot.addWidget(window)
    window.show()
    # The window reads the action plan ahead as it opens; let it finish, as an officer who
    # then opens File > Settings would.
    qtbot.waitUntil(lambda: window.is_loaded("actions"), timeout=20_000)
    return window


def choose_in_settings(qtbot, window, database, chosen: DateFormat) -> None:
    """File > Settings: pick the format by its label and save, as the officer would."""
    dialog = OfficeSettingsDialog(database, window)
    qtbot.addWidget(dialog)
    dialog.settings_saved.connect(window._on_office_settings_saved)
    dialog.show()
    dialog.date_combo.setCurrentIndex(dialog.date_combo.findText(chosen.label))
    dialog.save_button.click()
    with database.readers() as session:
        assert get_settings(session).date_format == chosen.pattern


def open_action_form(qtbot, window, database, record_id=None):
    dialog = forms.make_editor(window, database, window.undo_stack, "actions", record_id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=3000)  # keys and focus need an active window
    return dialog


def spreadsheet_rows(workbook: Path) -> list[list[str]]:
    """The workbook's first sheet as LibreOffice shows it, converted to CSV."""
    out = workbook.parent / "csv"
    done = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={(workbook.parent / 'profile').as_uri()}", "--headless",
         "--convert-to", CSV_UTF8, "--outdir", str(out), str(workbook)],
        capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    with (out / f"{workbook.stem}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def pdf_words(path: Path) -> str:
    """The paper's text with its line breaks and spacing made single spaces (a date may wrap
    within its table cell)."""
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(str(path)).pages))


@pytest.mark.parametrize("chosen", DATE_FORMATS, ids=lambda f: f.pattern)
def test_the_chosen_format_reads_the_same_in_the_form_the_workbook_and_the_paper(
        qtbot, window, database, tmp_path, chosen):
    written = chosen.format(MEANT)
    record_id = imported_action_id(database)
    choose_in_settings(qtbot, window, database, chosen)

    # (a) the window: the action's form and its row in the action plan
    form = open_action_form(qtbot, window, database, record_id)
    target = form.widgets["target_on"].editor
    assert isinstance(target, UkDateEdit)
    assert target.text() == written and target.date() == MEANT
    form.reject()
    window.show_page("actions")

    def register_row() -> list:
        model = window.model("actions")
        rows = ([model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount()))
        return next((r for r in rows if ACTION in r), [])

    qtbot.waitUntil(lambda: window.is_loaded("actions") and written in register_row(), timeout=20_000)

    # (b) the exported workbook: the date cell, and the text a spreadsheet program shows
    workbook = tmp_path / "plan.xlsx"
    assert main(["export", "action-plan", "--db", str(database.path), "--out", str(workbook)]) == 0
    sheet = openpyxl.load_workbook(workbook).worksheets[0]
    header = [cell.value for cell in sheet[3]]
    line = next(r for r in sheet.iter_rows(min_row=4) if r[header.index("Action")].value == ACTION)
    cell = line[header.index("Target date")]
    assert cell.value == dt.datetime(2040, 1, 31) and cell.number_format == chosen.excel
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed: the workbook's cell format was checked")
    shown = next(r for r in spreadsheet_rows(workbook) if ACTION in r)
    assert shown[header.index("Target date")] == written
    assert shown[header.index("Original target date")] == written

    # (c) the printed action plan
    paper = tmp_path / "plan.pdf"
    assert main(["report", "action-plan", "--db", str(database.path), "--out", str(paper)]) == 0
    words = pdf_words(paper)
    assert re.search(rf"{re.escape(ACTION)}.*?{re.escape(written)}", words)


def test_31_01_40_means_2040_in_a_form_a_report_option_and_an_imported_tracker(
        qtbot, window, database, tmp_path, monkeypatch):
    monkeypatch.setattr(dialogs, "ask_discard_changes", lambda parent: True)  # closing the form unsaved
    chosen = DATE_FORMATS[2]  # d MMMM yyyy: the year is written out in full
    choose_in_settings(qtbot, window, database, chosen)
    assert imported_action_id(database)  # the tracker's cell: 31 January 2040

    form = open_action_form(qtbot, window, database)
    target = form.widgets["target_on"].editor
    target.line_edit.setFocus()
    qtbot.keyClicks(target.line_edit, TYPED)
    qtbot.keyClick(target.line_edit, Qt.Key.Key_Tab)  # leaving the field tidies the date
    assert target.date() == MEANT and target.text() == "31 January 2040"
    form.reject()

    paper = tmp_path / "briefing.pdf"
    assert main(["report", "briefing", "--meeting", TYPED, "--db", str(database.path), "--out", str(paper)]) == 0
    assert "For the meeting on 31 January 2040" in pdf_words(paper)
