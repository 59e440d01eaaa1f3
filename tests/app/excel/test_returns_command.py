"""Agency returns through ``python main.py import FILE``: what the officer reads, what is
written with ``--yes``, and what is refused. The workbooks are exported and edited as an
agency would edit them (``test_returns.edit``)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.app.excel.test_command import run
from tests.app.excel.test_export import build_plan, export_plan
from tests.app.excel.test_returns import action, edit
from tests.engines import database_bytes

pytestmark = pytest.mark.both_engines


@pytest.fixture
def plan(database):
    """The small plan of ``build_plan``: action name -> id."""
    with database.sessions.begin() as s:
        return build_plan(s)


def test_statuses_as_the_plan_shows_them_are_applied_with_yes(database, plan, tmp_path, capsys):
    path = export_plan(database, tmp_path / "police.xlsx", agency="Police")
    edit(path, {
        (plan["training"], "Status"): "Completed",
        (plan["training"], "Evidence of completion"): "Register of 48 officers trained.",
        (plan["training"], "Completed on"): dt.datetime(2025, 6, 1),
        (plan["guidance"], "Status"): "Closed \u2013 superseded",
        (plan["guidance"], "Completed on"): "20/06/2025",
        (plan["guidance"], "New progress update"): "Replaced by the national guidance.",
    })
    assert run(database, "import", str(path), "--yes") == 0
    out = capsys.readouterr().out
    assert "Status: In progress \u2192 Completed" in out
    assert "Status: Not started \u2192 Closed \u2013 superseded" in out
    assert "Applied changes to 2 action(s)" in out
    training, guidance = action(database, plan["training"]), action(database, plan["guidance"])
    assert (training.status.name, training.closure_reason.name, training.rag) == (
        "Complete", "Implemented and verified", "Blue")
    assert (guidance.status.name, guidance.closure_reason.name, guidance.completed_on, guidance.closure_note) == (
        "Closed", "Superseded", dt.date(2025, 6, 20), "Replaced by the national guidance.")


def test_an_open_status_is_applied_and_a_reopening_is_refused(database, plan, tmp_path, capsys):
    path = export_plan(database, tmp_path / "plan.xlsx")
    edit(path, {(plan["guidance"], "Status"): "In progress", (plan["audit"], "Status"): "Not started"})
    assert run(database, "import", str(path), "--yes") == 0
    out = capsys.readouterr().out
    assert "is closed in the tracker ('Completed'); a return does not reopen it" in out
    assert "1 action(s) to change (0 with conflicts), 1 refused" in out
    assert action(database, plan["guidance"]).status.name == "In progress"
    assert action(database, plan["audit"]).status.name == "Complete"


def test_completed_without_its_evidence_is_refused_and_nothing_of_that_row_written(database, plan, tmp_path,
                                                                                   capsys):
    path = export_plan(database, tmp_path / "plan.xlsx")
    edit(path, {(plan["training"], "Status"): "Completed", (plan["training"], "Completed on"): "01/06/2025",
                (plan["training"], "RAG"): "Blue"})
    before = database_bytes(database)
    assert run(database, "import", str(path), "--yes") == 0
    out = capsys.readouterr().out
    assert "(Evidence of completion): the status 'Completed' needs this column" in out
    assert "Nothing has been written: no row can be applied." in out
    assert database_bytes(database) == before


def test_a_changed_hidden_action_id_is_refused_by_name_and_the_rest_applied(database, plan, tmp_path, capsys):
    import openpyxl

    from app.excel.export import ACTION_SHEET
    from tests.app.excel.test_export import cell, row_of

    path = export_plan(database, tmp_path / "police.xlsx", agency="Police")
    wb = openpyxl.load_workbook(path)
    ws = wb[ACTION_SHEET]
    row = row_of(ws, plan["training"])
    cell(ws, plan["training"], "Action ID").value = plan["escalation"]
    cell(ws, plan["escalation"], "RAG").value = "Red"
    cell(ws, plan["guidance"], "RAG").value = "Amber"
    wb.save(path)
    assert run(database, "import", str(path), "--yes") == 0
    out = capsys.readouterr().out
    assert f"Row {row}, action A1 (" in out and f"Sheet 'Action plan', row {row}, column T (Action ID)" in out
    assert "1 action(s) to change (0 with conflicts), 1 refused" in out
    assert action(database, plan["escalation"]).rag == "Green"
    assert action(database, plan["guidance"]).rag == "Amber"


# --- a return whose hidden "Export record" sheet was deleted -----------------------------------

def _without_record_sheet(path):
    import openpyxl

    from app.excel.export import RECORD_SHEET

    wb = openpyxl.load_workbook(path)
    del wb[RECORD_SHEET]
    wb.save(path)
    return path


def _live_actions(database) -> int:
    from sqlalchemy import func, select

    from db.models import Action

    with database.readers() as s:
        return s.scalar(select(func.count()).select_from(Action).where(Action.archived_at.is_(None)))


def test_the_demo_plan_without_its_record_sheet_is_taken_back_not_added_again(database, tmp_path, capsys):
    """Issue 14, item 1: deleting the hidden record sheet made the whole demo plan (77 actions)
    import again as a hand-kept tracker."""
    import openpyxl

    from app.demo import write_demo
    from app.excel.export import ACTION_SHEET, export_action_plan

    with database.sessions.begin() as s:
        write_demo(s)
    path = tmp_path / "plan.xlsx"
    with database.sessions.begin() as s:
        export_action_plan(s, path)
    _without_record_sheet(path)
    wb = openpyxl.load_workbook(path)
    ws = wb[ACTION_SHEET]
    status_col = next(c.column for c in ws[3] if c.value == "Status")
    update_col = next(c.column for c in ws[3] if c.value == "New progress update")
    row = next(r for r in range(4, ws.max_row + 1) if ws.cell(r, status_col).value == "In progress")
    ws.cell(row, update_col).value = "Taken back from a copy without its record sheet."
    wb.save(path)
    before = _live_actions(database)

    assert run(database, "import", str(path), "--yes") == 0
    out = capsys.readouterr().out
    assert "plan.xlsx: recognised as a returned action plan export." in out
    assert "the hidden 'Export record' sheet is missing" in out
    assert "Applied changes to 1 action(s)" in out
    assert _live_actions(database) == before == 77


def test_the_sheet_copied_into_another_workbook_is_taken_back(database, plan, tmp_path, capsys):
    """Excel's "Move or Copy sheet" into a new workbook: the sheet, its hidden columns and
    the stamp above them go; the record sheet and the drop-down lists' sheet do not."""
    import openpyxl

    from app.excel.export import ACTION_SHEET

    path = export_plan(database, tmp_path / "plan.xlsx")
    edit(path, {(plan["training"], "RAG"): "Green"})
    source = openpyxl.load_workbook(path)[ACTION_SHEET]
    copy = openpyxl.Workbook()
    sheet = copy.active
    sheet.title = "Action plan (2)"
    for row in source.iter_rows():
        for cell in row:
            sheet.cell(cell.row, cell.column).value = cell.value
    copied = tmp_path / "copied.xlsx"
    copy.save(copied)
    before = _live_actions(database)
    assert run(database, "import", str(copied), "--yes") == 0
    out = capsys.readouterr().out
    assert "recognised as a returned action plan export" in out and "Applied changes to 1 action(s)" in out
    assert action(database, plan["training"]).rag == "Green"
    assert _live_actions(database) == before


@pytest.mark.parametrize("damage, message", [
    ("hidden columns", "its hidden Action ID and Export check columns were removed"),
    ("stamp", "its export record is missing (the hidden 'Export record' sheet was deleted"),
])
def test_an_export_that_lost_what_identifies_it_is_refused_not_imported_as_a_tracker(
        database, plan, tmp_path, capsys, damage, message):
    import openpyxl

    from app.excel.export import ACTION_SHEET

    path = _without_record_sheet(export_plan(database, tmp_path / "plan.xlsx"))
    wb = openpyxl.load_workbook(path)
    ws = wb[ACTION_SHEET]
    first = next(c.column for c in ws[3] if c.value == "Action ID")
    if damage == "hidden columns":
        ws.delete_cols(first, 3)
    else:
        ws.cell(1, first + 2).value = None
    wb.save(path)
    before, count = database_bytes(database), _live_actions(database)
    assert run(database, "import", str(path), "--yes") == 1
    err = capsys.readouterr().err
    assert "plan.xlsx looks like an action plan exported by Case Review Tracker" in err and message in err
    assert "would add its actions again" in err
    assert database_bytes(database) == before and _live_actions(database) == count


def test_a_return_whose_record_and_sheet_come_from_different_exports_is_refused(database, plan, tmp_path,
                                                                                capsys):
    import openpyxl

    from app.excel.export import ACTION_SHEET

    police = export_plan(database, tmp_path / "police.xlsx", agency="Police")
    whole = openpyxl.load_workbook(export_plan(database, tmp_path / "plan.xlsx"))
    wb = openpyxl.load_workbook(police)
    ws = wb[ACTION_SHEET]
    check_col = next(c.column for c in ws[3] if c.value == "Export check")
    ws.cell(1, check_col).value = whole[ACTION_SHEET].cell(1, check_col).value
    wb.save(police)
    edit(police, {(plan["training"], "RAG"): "Green"})
    assert run(database, "import", str(police), "--yes") == 1
    assert "its export record and the stamp kept with its sheet come from different exports" in \
        capsys.readouterr().err
    assert action(database, plan["training"]).rag == "Amber"


# --- values no action plan holds: a plain message, nothing written ----------------------------

@pytest.mark.parametrize("header, value", [
    ("Action ID", "9" * 30),  # past SQLite's largest integer
    ("Action ID", "9" * 5000),  # past the longest number Python reads from text
    ("Action ID", 1e300),
    ("Action ID", -7),
    ("Action ID", "\u0661\u0662"),  # digits, but not 0-9
    ("Version", "9" * 5000),
    ("Export check", "[" * 100_000),  # nested past Python's recursion limit
], ids=["id-20-digits", "id-5000-digits", "id-1e300", "id-negative", "id-arabic-digits", "version-5000-digits",
        "check-nested"])
def test_a_hidden_cell_holding_what_no_export_writes_is_refused_in_words(database, plan, tmp_path, capsys,
                                                                        header, value):
    import openpyxl

    from app.excel.export import ACTION_SHEET
    from tests.app.excel.test_export import cell, row_of

    path = export_plan(database, tmp_path / "plan.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb[ACTION_SHEET]
    row = row_of(ws, plan["training"])
    cell(ws, plan["training"], "RAG").value = "Green"
    cell(ws, plan["guidance"], "RAG").value = "Amber"
    cell(ws, plan["training"], header).value = value
    wb.save(path)
    assert run(database, "import", str(path), "--yes") == 0
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    assert f"Sheet 'Action plan', row {row}, column T (Action ID): the hidden Action ID, Version or Export " \
           "check of this row was changed" in captured.out
    assert action(database, plan["training"]).rag == "Amber"
    assert action(database, plan["guidance"]).rag == "Amber"  # the rest is taken


@pytest.mark.parametrize("item", ["rows", "agency id"])
def test_an_export_record_holding_a_number_no_export_writes_refuses_the_file_in_words(database, plan, tmp_path,
                                                                                     capsys, item):
    import openpyxl

    from app.excel.export import RECORD_SHEET

    path = export_plan(database, tmp_path / "plan.xlsx")
    edit(path, {(plan["training"], "RAG"): "Green"})
    wb = openpyxl.load_workbook(path)
    for row in wb[RECORD_SHEET].iter_rows():
        if row[0].value == item:
            row[1].value = "9" * 5000
    wb.save(path)
    before = database_bytes(database)
    assert run(database, "import", str(path), "--yes") == 1
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    assert "its export record was changed after it was exported" in captured.err
    assert database_bytes(database) == before
