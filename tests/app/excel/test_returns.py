"""Agency returns: export → edit the file as an agency would → preview → apply.

Each test edits the exported workbook with openpyxl (as Excel would save it) and checks the
preview the office sees and the rows in the database afterwards.
"""

from __future__ import annotations

import datetime as dt
import zipfile

import openpyxl
import pytest
from sqlalchemy import select

from app.database import open_database
from app.errors import UserError
from app.excel.export import ACTION_SHEET, RECORD_SHEET
from app.excel.returns import apply_return, read_return
from db.models import Action, AuditEntry, ProgressUpdate, Setting, TargetRevision
from tests.app.excel.test_export import (
    EMOJI_RTL,
    TODAY,
    build_plan,
    cell,
    columns,
    export_plan,
    row_of,
)

pytestmark = pytest.mark.both_engines


@pytest.fixture
def plan(database):
    """The small plan of ``build_plan``: action name -> id."""
    with database.sessions.begin() as s:
        return build_plan(s)



def edit(path, edits: dict[tuple[int, str], object], *, as_text: bool = False):
    """Change cells ((action id, header) -> value) and save, as an agency would in Excel.
    ``as_text`` stores text exactly as typed, as Excel does in a cell formatted as Text."""
    wb = openpyxl.load_workbook(path)
    ws = wb[ACTION_SHEET]
    for (action_id, header), value in edits.items():
        target = cell(ws, action_id, header)
        target.value = value
        if as_text and isinstance(value, str):
            target.data_type = "s"
    wb.save(path)
    return path


def preview_of(database, path):
    with database.sessions() as s:
        return read_return(s, path, today=TODAY)


def apply_all(database, path, *, include_conflicts=False):
    with database.sessions.begin() as s:
        preview = read_return(s, path, today=TODAY)
        return preview, apply_return(s, preview, preview.applicable(include_conflicts=include_conflicts))


def action(database, action_id) -> Action:
    with database.sessions() as s:
        found = s.get(Action, action_id)
        found.status.name, found.closure_reason, list(found.updates), list(found.target_revisions)  # load them now
        return found


def test_round_trip_applies_exactly_the_agency_edits(database, plan, tmp_path):
    path = export_plan(database, tmp_path / "police.xlsx", agency="Police")
    edit(path, {
        (plan["training"], "Status"): "Complete",
        (plan["training"], "RAG"): "Blue",
        (plan["training"], "Evidence of completion"): "Attendance register: 48 of 50 officers.",
        (plan["training"], "Completed on"): dt.datetime(2025, 6, 1),
        (plan["training"], "New progress update"): "All officers trained.",
        (plan["training"], "Date of new update"): dt.datetime(2025, 6, 20),
        (plan["guidance"], "Target date"): dt.datetime(2025, 12, 31),
        (plan["guidance"], "New progress update"): "=SUM(A1:A3) is what we typed",
    }, as_text=True)

    _preview, summary = apply_all(database, path)

    training = action(database, plan["training"])
    assert (training.status.name, training.rag, training.completed_on) == ("Complete", "Blue", dt.date(2025, 6, 1))
    assert training.evidence_of_completion == "Attendance register: 48 of 50 officers."
    assert [(u.update_on, u.text) for u in training.updates] == [
        (dt.date(2025, 1, 10), "Course booked."), (dt.date(2025, 6, 20), "All officers trained.")]
    guidance = action(database, plan["guidance"])
    assert (guidance.original_target_on, guidance.target_on) == (dt.date(2025, 9, 30), dt.date(2025, 12, 31))
    assert [(r.old_target_on, r.new_target_on) for r in guidance.target_revisions] == [
        (dt.date(2025, 9, 30), dt.date(2025, 12, 31))]
    assert guidance.updates[-1].text == "=SUM(A1:A3) is what we typed"
    assert guidance.updates[-1].update_on == TODAY  # no date given: the import day
    assert (guidance.status.name, guidance.rag) == ("Not started", "Red")
    assert action(database, plan["escalation"]).version == 1  # not in the Police pack
    # Blue is what a completed action shows anyway: closing it is the change, not its RAG.
    assert (summary.actions_changed, summary.fields_changed, summary.updates_added,
            summary.target_revisions) == (2, 4, 2, 1)
    with database.sessions() as s:
        audited = set(s.execute(select(AuditEntry.record_id, AuditEntry.field)
                                .where(AuditEntry.table_name == "action", AuditEntry.operation == "update")))
        assert {(str(plan["training"]), "rag"), (str(plan["training"]), "status_id"),
                (str(plan["guidance"]), "target_on")} <= audited
        assert s.scalar(select(AuditEntry.new_value).where(AuditEntry.operation == "import")).startswith(
            "police.xlsx (export ")


def test_preview_shows_each_field_old_to_new_before_anything_is_written(database, plan, tmp_path):
    path = export_plan(database, tmp_path / "plan.xlsx")
    edit(path, {(plan["training"], "Status"): "not STARTED", (plan["training"], "RAG"): "g"})
    preview = preview_of(database, path)
    [item] = preview.actions
    assert [(c.label, c.old, c.new, c.conflict) for c in item.changes] == [
        ("Status", "In progress", "Not started", False), ("RAG", "Amber", "Green", False)]
    row = row_of(openpyxl.load_workbook(path)[ACTION_SHEET], plan["training"])
    assert f"Row {row}, action A1" in preview.describe()
    assert "Status: In progress → Not started" in preview.describe()
    assert action(database, plan["training"]).version == 1


def test_a_field_changed_in_both_places_is_a_conflict_for_the_user_to_decide(database, plan, tmp_path):
    path = export_plan(database, tmp_path / "plan.xlsx")
    with database.sessions.begin() as s:  # the office changes things after the export
        s.get(Action, plan["training"]).rag = "Red"
        s.get(Action, plan["escalation"]).lead_officer = "Head of Service"
    edit(path, {(plan["training"], "RAG"): "Green",
                (plan["training"], "Evidence of impact"): "Audit shows earlier referrals.",
                (plan["escalation"], "Status"): "Not started"})

    preview = preview_of(database, path)
    by_id = {a.action_id: a for a in preview.actions}
    assert by_id[plan["training"]].has_conflict
    assert [(c.field, c.old, c.new, c.conflict) for c in by_id[plan["training"]].changes] == [
        ("rag", "Red", "Green", True), ("evidence_of_impact", "(blank)", "Audit shows earlier referrals.", False)]
    assert not by_id[plan["escalation"]].has_conflict  # the office changed another field
    assert preview.applicable() == [plan["escalation"]]
    assert "CONFLICT" in preview.describe()

    apply_all(database, path, include_conflicts=True)  # the user takes the agency's side
    assert action(database, plan["training"]).rag == "Green"
    assert action(database, plan["escalation"]).status.name == "Not started"
    assert action(database, plan["escalation"]).lead_officer == "Head of Service"


def test_rejected_rows_are_left_alone(database, plan, tmp_path):
    path = export_plan(database, tmp_path / "plan.xlsx")
    edit(path, {(plan["training"], "RAG"): "Green", (plan["guidance"], "RAG"): "Amber"})
    with database.sessions.begin() as s:
        preview = read_return(s, path, today=TODAY)
        summary = apply_return(s, preview, [plan["guidance"]])
    assert summary.not_applied == 1
    assert action(database, plan["training"]).rag == "Amber"
    assert action(database, plan["guidance"]).rag == "Amber"


def test_a_changed_locked_cell_is_refused_and_named(database, plan, tmp_path):
    path = export_plan(database, tmp_path / "plan.xlsx")
    edit(path, {(plan["training"], "Lead agency"): "Education", (plan["training"], "RAG"): "Green"})
    ws = openpyxl.load_workbook(path)[ACTION_SHEET]
    row, letter = row_of(ws, plan["training"]), openpyxl.utils.get_column_letter(columns(ws)["Lead agency"])
    [item] = preview_of(database, path).actions
    assert [str(p) for p in item.refused] == [
        f"Sheet 'Action plan', row {row}, column {letter} (Lead agency): this column cannot be "
        "changed by agencies (it now says 'Education')"]
    with database.sessions.begin() as s:
        preview = read_return(s, path, today=TODAY)
        assert preview.applicable() == []
        with pytest.raises(UserError, match="was refused and cannot be applied"):
            apply_return(s, preview, [plan["training"]])
    assert action(database, plan["training"]).rag == "Amber"


@pytest.mark.parametrize("header, value, message", [
    ("Status", "Nearly there", "'Nearly there' is not a status on the list"),
    ("Status", None, "the status cannot be left blank"),
    ("RAG", "Purple", "'Purple' is not a RAG rating"),
    ("Target date", "31/02/2025", "'31/02/2025' is not a date: February has 28 days in 2025; type the date as dd/mm/yyyy"),
    ("Target date", "next week", "'next week' is not a date"),
    ("Target date", None, "a target date can be moved but not removed"),
    ("Completed on", dt.datetime(2031, 1, 1), "01/01/2031 is in the future"),
    ("Completed on", dt.datetime(1900, 1, 1), "01/01/1900 is not a believable date"),
    ("Date of new update", "32/13/2025", "type the date as dd/mm/yyyy"),
])
def test_values_that_cannot_be_taken_are_refused_with_the_cell(database, plan, tmp_path, header, value, message):
    path = export_plan(database, tmp_path / "plan.xlsx")
    edit(path, {(plan["training"], header): value, (plan["training"], "New progress update"): "Done."})
    [item] = preview_of(database, path).actions
    assert len(item.refused) == 1 and message in str(item.refused[0])
    assert f"({header})" in str(item.refused[0])


def test_importing_the_same_return_twice_adds_nothing_the_second_time(database, plan, tmp_path):
    path = export_plan(database, tmp_path / "plan.xlsx")
    edit(path, {(plan["training"], "RAG"): "Green", (plan["training"], "New progress update"): "Going well."})
    apply_all(database, path)
    again = preview_of(database, path)
    [item] = again.actions
    assert not item.changes and item.new_update is None
    assert "already in the action's history" in str(item.warnings[0])
    assert len(action(database, plan["training"]).updates) == 2


def test_a_preview_made_stale_by_another_change_is_not_applied(database, plan, tmp_path):
    path = export_plan(database, tmp_path / "plan.xlsx")
    edit(path, {(plan["training"], "RAG"): "Green"})
    preview = preview_of(database, path)
    with database.sessions.begin() as s:
        s.get(Action, plan["training"]).lead_officer = "Someone else"
    with database.sessions.begin() as s, pytest.raises(UserError, match="changed in the tracker after the preview"):
        apply_return(s, preview, [plan["training"]])
    assert action(database, plan["training"]).rag == "Amber"


def test_a_return_exported_from_another_database_is_refused(database, plan, tmp_path):
    path = export_plan(database, tmp_path / "plan.xlsx")
    edit(path, {(plan["training"], "RAG"): "Green"})
    other = open_database(tmp_path / "other.sqlite")
    try:
        with other.sessions.begin() as s:
            build_plan(s)
            preview = read_return(s, path, today=TODAY)
            assert "exported from another Case Review Tracker database" in str(preview.fatal[0])
            assert preview.applicable() == []
            with pytest.raises(UserError, match="nothing was written"):
                apply_return(s, preview, [plan["training"]])
    finally:
        other.close()


def test_duplicated_rows_refuse_the_whole_file(database, plan, tmp_path):
    path = export_plan(database, tmp_path / "plan.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb[ACTION_SHEET]
    source = row_of(ws, plan["training"])
    for col in range(1, ws.max_column + 1):
        ws.cell(ws.max_row + 1 if col == 1 else ws.max_row, col).value = ws.cell(source, col).value
    wb.save(path)
    preview = preview_of(database, path)
    assert f"rows {source} and {ws.max_row} are the same action" in str(preview.fatal[0])


def test_a_renamed_sheet_is_found_by_its_columns(database, plan, tmp_path):
    path = export_plan(database, tmp_path / "plan.xlsx")
    edit(path, {(plan["training"], "RAG"): "Green", (plan["guidance"], "RAG"): "Purple"})
    wb = openpyxl.load_workbook(path)
    wb[ACTION_SHEET].title = "Our plan"
    wb.save(path)
    preview = preview_of(database, path)
    assert preview.applicable() == [plan["training"]]
    assert str(preview.actions[1].refused[0]).startswith("Sheet 'Our plan', row ")


def test_rows_added_by_the_agency_are_not_imported_but_reported(database, plan, tmp_path):
    path = export_plan(database, tmp_path / "plan.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb[ACTION_SHEET]
    ws.cell(ws.max_row + 1, columns(ws)["Action"]).value = "A new action we thought of"
    wb.save(path)
    preview = preview_of(database, path)
    assert preview.actions == []
    assert f"row {ws.max_row}: this row has no Action ID" in str(preview.warnings[0])


def test_long_emoji_and_right_to_left_text_arrive_intact(database, plan, tmp_path):
    path = export_plan(database, tmp_path / "plan.xlsx")
    long_text = ("Evidence " * 4000)[:32000]
    edit(path, {(plan["training"], "Evidence of impact"): long_text,
                (plan["training"], "New progress update"): EMOJI_RTL + " ✅"})
    apply_all(database, path)
    training = action(database, plan["training"])
    assert training.evidence_of_impact == long_text.strip() and len(training.evidence_of_impact) > 31990
    assert training.updates[-1].text == EMOJI_RTL + " ✅"


def test_formula_like_text_round_trips_as_text(database, plan, tmp_path):
    """Exported text such as "+cmd|..." comes back unchanged: not a change, not a formula."""
    path = export_plan(database, tmp_path / "plan.xlsx")
    edit(path, {(plan["guidance"], "Evidence of completion"): "@SUM(1,2)\tand -5"}, as_text=True)
    apply_all(database, path)
    guidance = action(database, plan["guidance"])
    assert guidance.evidence_of_completion == "@SUM(1,2)\tand -5"
    assert guidance.description == "+cmd|' /C calc'!A0"
    path2 = export_plan(database, tmp_path / "again.xlsx")
    exported = cell(openpyxl.load_workbook(path2)[ACTION_SHEET], plan["guidance"], "Evidence of completion")
    assert exported.value == "@SUM(1,2)\tand -5" and exported.data_type == "s"
    with database.sessions() as s:
        assert s.scalar(select(ProgressUpdate.id).where(ProgressUpdate.action_id == plan["guidance"])) is None
        assert s.scalar(select(TargetRevision.id)) is None


def test_a_formula_in_a_returned_cell_is_refused_not_calculated(database, plan, tmp_path):
    path = export_plan(database, tmp_path / "plan.xlsx")
    edit(path, {(plan["training"], "New progress update"): '=HYPERLINK("http://x.invalid","Done")'})
    [item] = preview_of(database, path).actions
    assert [p.where.header for p in item.refused] == ["New progress update"]
    assert "this cell holds a formula; type the text or date itself" in str(item.refused[0])


def rewrite_sheet_xml(path, change) -> None:
    """Replace the action sheet's XML with ``change(xml)``, as another program might write it."""
    member = "xl/worksheets/sheet1.xml"  # the action plan is the first sheet
    with zipfile.ZipFile(path) as source:
        parts = [(item, source.read(item)) for item in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item, data in parts:
            target.writestr(item, change(data) if item.filename == member else data)


@pytest.mark.parametrize("formula_tag", [
    b"<f\n>", b"<f\r\n>", b"<f\t>", b"<f >",
    b'<odd-prefix.x:f xmlns:odd-prefix.x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">',
])
def test_a_formula_written_with_any_valid_tag_is_refused(database, plan, tmp_path, formula_tag):
    """A formula's last calculated value ("Done") is not what the agency typed: however its
    tag is written (white space before ">", any namespace prefix), it is refused, not taken."""
    path = export_plan(database, tmp_path / "plan.xlsx")
    edit(path, {(plan["training"], "New progress update"): '=HYPERLINK("http://x.invalid","Done")'})
    end_tag = b"</" + formula_tag[1:].split(b" xmlns")[0].strip().rstrip(b">") + b">"

    def change(xml: bytes) -> bytes:
        start = xml.index(b"<f>")
        cell_start = xml.rindex(b"<c ", 0, start)
        xml = xml[:cell_start] + xml[cell_start:start].replace(b"<c ", b'<c t="str" ', 1) + xml[start:]
        start = xml.index(b"<f>")
        end = xml.index(b"</f><v></v>", start)
        return (xml[:start] + formula_tag + xml[start + 3:end] + end_tag + b"<v>Done</v>"
                + xml[end + len(b"</f><v></v>"):])

    rewrite_sheet_xml(path, change)
    [item] = preview_of(database, path).actions
    assert [p.where.header for p in item.refused] == ["New progress update"]
    assert "this cell holds a formula" in str(item.refused[0])
    assert item.new_update is None


def test_a_warning_for_deleted_rows(database, plan, tmp_path):
    path = export_plan(database, tmp_path / "plan.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb[ACTION_SHEET]
    cell(ws, plan["training"], "RAG").value = "Green"
    ws.delete_rows(row_of(ws, plan["escalation"]))
    wb.save(path)
    preview = preview_of(database, path)
    [item] = preview.actions
    assert item.can_apply
    assert "1 of the 4 exported actions are not in the file" in str(preview.warnings[0])


# --- the status as the plan shows it -----------------------------------------------------------

def test_the_status_column_offers_the_statuses_as_the_plan_shows_them(database, plan, tmp_path):
    path = export_plan(database, tmp_path / "plan.xlsx")
    wb = openpyxl.load_workbook(path)
    assert [c.value for c in wb["Choices"]["A"]] == [
        "Not started", "In progress", "Completed", "Closed \u2013 risk accepted", "Closed \u2013 superseded",
        "Closed \u2013 not implemented", "Closed \u2013 no longer applicable",
        "Closed \u2013 merged with another action"]
    assert cell(wb[ACTION_SHEET], plan["audit"], "Status").value == "Completed"


def test_completed_closes_the_action_as_implemented(database, plan, tmp_path):
    path = export_plan(database, tmp_path / "plan.xlsx")
    edit(path, {(plan["training"], "Status"): "Completed",
                (plan["training"], "Evidence of completion"): "Register of 48 officers trained.",
                (plan["training"], "Completed on"): dt.datetime(2025, 6, 1)})
    preview, summary = apply_all(database, path)
    assert [(c.label, c.old, c.new) for c in preview.actions[0].changes] == [
        ("Status", "In progress", "Completed"),
        ("Evidence of completion", "(blank)", "Register of 48 officers trained."),
        ("Completed on", "(blank)", "01/06/2025")]
    training = action(database, plan["training"])
    assert (training.status.name, training.closure_reason.name, training.completed_on, training.rag) == (
        "Complete", "Implemented and verified", dt.date(2025, 6, 1), "Blue")
    assert summary.actions_changed == 1
    again = export_plan(database, tmp_path / "again.xlsx")
    assert cell(openpyxl.load_workbook(again)[ACTION_SHEET], plan["training"], "Status").value == "Completed"


@pytest.mark.parametrize("typed", ["Closed \u2013 superseded", "closed - SUPERSEDED", "Closed \u2014 Superseded",
                                   "Closed: superseded"])
def test_closed_with_a_reason_closes_the_action_with_that_reason(database, plan, tmp_path, typed):
    path = export_plan(database, tmp_path / "plan.xlsx")
    edit(path, {(plan["guidance"], "Status"): typed, (plan["guidance"], "Completed on"): "20/06/2025"})
    preview, _summary = apply_all(database, path)
    assert preview.actions[0].changes[0].new == "Closed \u2013 superseded"
    guidance = action(database, plan["guidance"])
    assert (guidance.status.name, guidance.closure_reason.name, guidance.completed_on) == (
        "Closed", "Superseded", dt.date(2025, 6, 20))


def test_closed_not_implemented_takes_its_reason_from_the_new_progress_update(database, plan, tmp_path):
    path = export_plan(database, tmp_path / "plan.xlsx")
    edit(path, {(plan["guidance"], "Status"): "Closed \u2013 not implemented",
                (plan["guidance"], "Completed on"): "20/06/2025",
                (plan["guidance"], "New progress update"): "The national guidance replaced ours."})
    apply_all(database, path)
    guidance = action(database, plan["guidance"])
    assert (guidance.closure_reason.name, guidance.closure_note) == (
        "Not implemented", "The national guidance replaced ours.")
    assert guidance.updates[-1].text == "The national guidance replaced ours."


@pytest.mark.parametrize("edits, header, message", [
    ({"Status": "Completed", "Completed on": "01/06/2025"}, "Evidence of completion",
     "the status 'Completed' needs this column: evidence of completion is needed to close an action as implemented"),
    ({"Status": "Completed", "Evidence of completion": "Register."}, "Completed on",
     "the status 'Completed' needs this column: the date it was completed"),
    ({"Status": "Closed \u2013 not implemented", "Completed on": "01/06/2025"}, "New progress update",
     "the status 'Closed \u2013 not implemented' needs this column: say why the action was not implemented"),
    ({"Status": "Closed"}, "Status", "say why it was closed: choose 'Completed' or one of the 'Closed \u2013 \u2026' "
                                     "statuses"),
    ({"Status": "Closed \u2013 because we said so"}, "Status",
     "'Closed \u2013 because we said so' is not a status on the list"),
])
def test_a_closure_the_rules_do_not_allow_is_refused_with_the_cell(database, plan, tmp_path, edits, header,
                                                                    message):
    path = export_plan(database, tmp_path / "plan.xlsx")
    edit(path, {(plan["training"], name): value for name, value in edits.items()})
    [item] = preview_of(database, path).actions
    assert [p.where.header for p in item.refused] == [header] and item.refused[0].message.startswith(message)
    with database.sessions.begin() as s:
        preview = read_return(s, path, today=TODAY)
        assert preview.applicable() == []
    assert action(database, plan["training"]).status.name == "In progress"


def test_a_return_does_not_reopen_a_closed_action(database, plan, tmp_path):
    """Decided: reopening is the office's call, made in the tracker. A return saying a
    completed action is in progress again is refused, named, and the action left closed."""
    path = export_plan(database, tmp_path / "plan.xlsx")
    edit(path, {(plan["audit"], "Status"): "In progress", (plan["audit"], "RAG"): "Amber"})
    [item] = preview_of(database, path).actions
    assert [p.where.header for p in item.refused] == ["Status"]
    assert "is closed in the tracker ('Completed'); a return does not reopen it" in item.refused[0].message
    apply_all(database, path)
    assert action(database, plan["audit"]).status.name == "Complete"


def test_a_closed_action_is_read_back_as_the_plan_shows_it_never_as_a_conflict(database, plan, tmp_path):
    """A closed action is exported with its status and RAG as the plan shows them ("Completed",
    Blue; no RAG for one closed otherwise) and compared with the plan as it shows it now: a RAG
    the agency gives it is not a conflict with the rating kept on record, and is not taken."""
    with database.sessions.begin() as s:
        s.get(Action, plan["escalation"]).rag = "Red"  # kept on record, not shown once closed
    with database.sessions.begin() as s:
        from app.services.actions import close_action
        close_action(s, plan["escalation"], reason="Superseded", completed_on=dt.date(2025, 5, 1))
    path = export_plan(database, tmp_path / "plan.xlsx")
    assert cell(openpyxl.load_workbook(path)[ACTION_SHEET], plan["escalation"], "RAG").value is None
    edit(path, {(plan["training"], "RAG"): "Green", (plan["escalation"], "RAG"): "Green"})
    preview = preview_of(database, path)
    assert preview.applicable() == [plan["training"]]
    escalation = next(a for a in preview.actions if a.action_id == plan["escalation"])
    assert not escalation.has_conflict and not escalation.changes and not escalation.can_apply
    assert "a closed action has no RAG rating of its own" in str(escalation.warnings[0])
    apply_all(database, path)
    assert action(database, plan["escalation"]).rag == "Red"


def test_control_characters_and_markup_round_trip_without_a_change(database, plan, tmp_path):
    odd = "Bell\x07, _x0041_ (an Excel escape), <b>bold</b> & \"quotes\"\r\nnext line"
    with database.sessions.begin() as s:
        s.get(Action, plan["training"]).evidence_required = odd
        s.get(Action, plan["training"]).evidence_of_impact = odd
    path = export_plan(database, tmp_path / "plan.xlsx")
    edit(path, {(plan["guidance"], "RAG"): "Green"})  # saved again, as an agency's Excel would
    preview = preview_of(database, path)
    assert [a.action_id for a in preview.actions] == [plan["guidance"]]


# --- every row signed: a return cannot be turned on another action ------------------------------

def test_a_hidden_action_id_changed_to_another_agencys_action_is_refused_and_named(database, plan, tmp_path):
    path = export_plan(database, tmp_path / "police.xlsx", agency="Police")
    wb = openpyxl.load_workbook(path)
    ws = wb[ACTION_SHEET]
    row = row_of(ws, plan["training"])
    cell(ws, plan["training"], "Action ID").value = plan["escalation"]  # Children's Services' action
    cell(ws, plan["escalation"], "RAG").value = "Red"
    cell(ws, plan["escalation"], "New progress update").value = "Written into the wrong action."
    wb.save(path)
    letter = openpyxl.utils.get_column_letter(columns(ws)["Action ID"])

    preview = preview_of(database, path)
    [item] = preview.actions
    assert item.row == row and item.reference == "A1"  # as the sheet names it, not the action it now points at
    assert [str(p) for p in item.refused] == [
        f"Sheet 'Action plan', row {row}, column {letter} (Action ID): the hidden Action ID, Version or "
        "Export check of this row was changed (its signature does not match), so it cannot be matched to "
        "its action safely"]
    assert preview.applicable() == []
    apply_all(database, path)
    escalation = action(database, plan["escalation"])
    assert (escalation.rag, escalation.version, len(escalation.updates)) == ("Green", 1, 0)


def test_a_row_copied_from_another_agencys_pack_is_refused(database, plan, tmp_path):
    """Every hidden cell of the row copied, as it was exported to the other agency: the
    signature holds the export it came from, so it does not verify in this one."""
    police = export_plan(database, tmp_path / "police.xlsx", agency="Police")
    childrens = openpyxl.load_workbook(export_plan(database, tmp_path / "csc.xlsx", agency="Children's Services"))
    source = childrens[ACTION_SHEET]
    wb = openpyxl.load_workbook(police)
    ws = wb[ACTION_SHEET]
    target = ws.max_row + 1
    for col in range(1, source.max_column + 1):
        ws.cell(target, col).value = source.cell(row_of(source, plan["escalation"]), col).value
    ws.cell(target, columns(ws)["RAG"]).value = "Red"
    wb.save(police)
    [item] = preview_of(database, police).actions
    assert item.row == target and "its signature does not match" in str(item.refused[0])
    apply_all(database, police)
    assert action(database, plan["escalation"]).rag == "Green"


def test_a_changed_fingerprint_does_not_hide_a_changed_locked_cell(database, plan, tmp_path):
    """Changing a locked cell and its fingerprint in the hidden check to match is refused too."""
    import json
    import zlib

    path = export_plan(database, tmp_path / "plan.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb[ACTION_SHEET]
    cell(ws, plan["training"], "Lead agency").value = "Education"
    check = cell(ws, plan["training"], "Export check")
    parts = json.loads(check.value)
    locked = parts[0].split()
    locked[6] = f"{zlib.crc32(b'Education'):08x}"  # the Lead agency column's place
    check.value = json.dumps([" ".join(locked), *parts[1:]], separators=(",", ":"))
    wb.save(path)
    [item] = preview_of(database, path).actions
    assert [p.where.header for p in item.refused] == ["Action ID"]
    assert "its signature does not match" in item.refused[0].message


@pytest.mark.parametrize("id_chunk", [5000, 1], ids=["by ids", "large return: the whole plan read"])
def test_an_action_now_led_by_another_agency_is_not_changed_from_the_old_agencys_pack(database, plan, tmp_path,
                                                                                     monkeypatch, id_chunk):
    from app.excel import returns

    monkeypatch.setattr(returns, "ID_CHUNK", id_chunk)
    path = export_plan(database, tmp_path / "police.xlsx", agency="Police")
    with database.sessions.begin() as s:
        from app import lookups
        s.get(Action, plan["training"]).lead_agency = lookups.agency(s, "Children's Services")
    edit(path, {(plan["training"], "RAG"): "Green", (plan["guidance"], "RAG"): "Amber"})
    preview = preview_of(database, path)
    by_id = {a.action_id: a for a in preview.actions}
    [refused] = by_id[plan["training"]].refused
    assert refused.where.header == "Lead agency"
    assert refused.message == ("this action is now led by Children's Services, not Police as when it was "
                               "exported; it is not changed from this return")
    assert preview.applicable() == [plan["guidance"]]


def test_an_export_record_changed_after_export_refuses_the_file(database, plan, tmp_path):
    path = export_plan(database, tmp_path / "police.xlsx", agency="Police")
    wb = openpyxl.load_workbook(path)
    record = wb[RECORD_SHEET]
    for row in record.iter_rows():
        if row[0].value == "filters":
            row[1].value = "all agencies"
    cell(wb[ACTION_SHEET], plan["training"], "RAG").value = "Green"
    wb.save(path)
    preview = preview_of(database, path)
    assert "was changed after it was exported" in str(preview.fatal[0])
    assert preview.applicable() == []


def test_the_signing_key_is_made_once_kept_in_the_database_and_never_audited(database, plan, tmp_path):
    from app.services.signing_key import SIGNING_KEY_SETTING

    export_plan(database, tmp_path / "one.xlsx")
    with database.sessions() as s:
        key = s.get(Setting, SIGNING_KEY_SETTING).value
        assert len(key) == 64
    export_plan(database, tmp_path / "two.xlsx")
    with database.sessions() as s:
        assert s.get(Setting, SIGNING_KEY_SETTING).value == key
        assert s.scalar(select(AuditEntry.id).where(AuditEntry.new_value.contains(key))) is None
    for name in ("one.xlsx", "two.xlsx"):
        with zipfile.ZipFile(tmp_path / name) as archive:
            assert not any(key.encode() in archive.read(member) for member in archive.namelist())


def test_a_return_of_a_plan_as_at_a_past_date_is_refused(database, plan, tmp_path):
    path = export_plan(database, tmp_path / "history.xlsx", as_at=dt.date(2025, 3, 1))
    edit(path, {(plan["training"], "RAG"): "Green"})
    with database.sessions() as s, pytest.raises(UserError) as refused:
        read_return(s, path, today=TODAY)
    assert str(refused.value) == (
        "history.xlsx is a copy of the action plan as it stood on 01/03/2025, kept for the record; it "
        "cannot be taken back. Export the plan as it stands today and send that for the agency to update.")
    assert action(database, plan["training"]).rag == "Amber"
