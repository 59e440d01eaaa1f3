"""The window starts without loading the workbook and PDF libraries, the dialogs behind the
File and Reports menus or the record forms; they load when first used.

openpyxl, XlsxWriter, calamine, rapidfuzz and ReportLab together cost about 0.7 s of a launch
that must stay under 2 s, the dialogs and forms another tenth of a second. Each check runs in
a fresh interpreter, so nothing an earlier test imported hides a regression.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("openpyxl", "xlsxwriter", "python_calamine", "rapidfuzz", "reportlab", "app.excel.legacy",
         "app.excel.export", "app.reports.doc", "ui.import_export", "ui.report_dialogs", "ui.safety_dialogs",
         "ui.forms.action", "ui.forms.referral")


def heavy_modules_after(code: str) -> list[str]:
    """Which of ``HEAVY`` a fresh interpreter has loaded once it has run ``code``."""
    check = f"import json, sys\n{code}\nprint(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))"
    out = subprocess.run([sys.executable, "-c", check], cwd=ROOT, capture_output=True, text=True, check=True,
                         env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("code", [
    "import ui.main_window",
    # What ``python main.py`` does before it opens the window: build the command line.
    "import app.cli; app.cli.build_parser()",
    # The window itself, built and shown over a new database.
    "import tempfile, pathlib\n"
    "from PySide6.QtWidgets import QApplication\n"
    "from app.database import open_database\n"
    "from ui.app import create_main_window\n"
    "application = QApplication([])\n"
    "window = create_main_window(open_database(pathlib.Path(tempfile.mkdtemp()) / 'office.sqlite'))\n"
    "window.show()\n"
    "application.processEvents()",
])
def test_starting_the_window_loads_no_workbook_or_pdf_library(code):
    assert heavy_modules_after(code) == []


def test_the_libraries_load_when_an_export_or_paper_needs_them():
    # The check would pass vacuously if the names above were never imported at all.
    # openpyxl is not among them: a tracker's import reads it only for a column's fill colours.
    assert heavy_modules_after("import app.excel.export, app.excel.returns, app.excel.legacy, app.reports.doc, "
                               "ui.import_export, ui.safety_dialogs, ui.forms.action, ui.forms.referral") == sorted(
        set(HEAVY) - {"openpyxl"})


def test_the_program_s_modules_load_out_of_the_collector_s_way_and_leave_it_on():
    """``ui.launch`` (every way in) loads the program with the cycle collector paused, then
    freezes what loading built, so that later collections need not walk it, and turns the
    collector back on."""
    check = ("import gc, json\nimport ui.launch\n"
             "print(json.dumps([gc.isenabled(), gc.get_freeze_count(), len(gc.get_objects())]))")
    out = subprocess.run([sys.executable, "-c", check], cwd=ROOT, capture_output=True, text=True, check=True)
    enabled, frozen, watched = json.loads(out.stdout.strip().splitlines()[-1])
    assert enabled
    assert frozen > 50_000 and frozen > 100 * watched  # what is left to walk is a small part
