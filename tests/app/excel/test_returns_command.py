"""Agency returns through ``python main.py import FILE``: what the officer reads, what is
written with ``--yes``, and what is refused. The workbooks are exported and edited as an
agency would edit them (``test_returns.edit``)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.app.excel.test_command import run
from tests.app.excel.test_export import build_plan, export_plan
from tests.app.excel.test_returns import action, edit
from tests.app.excel.test_returns_bad_files import database_bytes


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
