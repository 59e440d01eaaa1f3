"""Exporting the action plan and the registers: the real cells, formats and XML of the workbook.

The helpers at the top (a small plan, finding a row and a column by header) are shared with
the returns and command-line tests.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from functools import partial
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from app import lookups
from app.errors import UserError
from app.excel.export import (
    ACTION_SHEET,
    RECORD_SHEET,
    export_action_plan,
    export_agency_packs,
    export_referrals,
    export_reviews,
)
from db.models import (
    Action,
    Decision,
    ListKind,
    ProgressUpdate,
    Recommendation,
    Referral,
    Review,
    Setting,
)

pytestmark = pytest.mark.both_engines

FORMULA_TEXT = '=HYPERLINK("http://example.invalid","click me")'
DDE_TEXT = "+cmd|' /C calc'!A0"
EMOJI_RTL = "Train officers 😀 — تدريب الضباط على الإهمال"
TODAY = dt.date(2025, 6, 30)
HEADER_ROW = 3  # title and instructions above it


def build_plan(session) -> dict[str, int]:
    """Two reviews, three recommendations and four actions led by two agencies."""
    status = partial(lookups.list_item, session, ListKind.ACTION_STATUS)
    scr = lookups.list_item(session, ListKind.REVIEW_TYPE, "scr")
    police = lookups.agency(session, "Police")
    csc = lookups.agency(session, "Children's Services")
    child_u = Review(reference="SCR-01", title="Child U", review_type=scr)
    family_a = Review(reference="SCR-02", title="Family A", review_type=scr)
    rec1 = Recommendation(review=child_u, number=1, text="Agencies should recognise neglect early.",
                          theme=lookups.theme(session, "Neglect"))
    rec2 = Recommendation(review=child_u, number=2, text=FORMULA_TEXT)
    rec3 = Recommendation(review=family_a, number=1, text="Escalate concerns promptly.")
    training = Action(
        reference="A1", description=EMOJI_RTL, lead_agency=police, lead_officer="DI Smith",
        original_target_on=dt.date(2025, 3, 31), target_on=dt.date(2025, 3, 31),
        status=status("In progress"), rag="Amber", recommendations=[rec1],
        evidence_required="Training records", theme=lookups.theme(session, "Neglect"),
        updates=[ProgressUpdate(update_on=dt.date(2025, 1, 10), text="Course booked.")],
    )
    guidance = Action(
        reference="A2", description=DDE_TEXT, lead_agency=police, lead_officer="Head of PPU",
        original_target_on=dt.date(2025, 9, 30), target_on=dt.date(2025, 9, 30),
        status=status("Not started"), rag="Red", recommendations=[rec1, rec2],
    )
    audit = Action(
        reference="A3", description="Audit neglect cases.", lead_agency=csc,
        original_target_on=dt.date(2024, 12, 31), target_on=dt.date(2024, 12, 31),
        status=status("Complete"), rag="Blue", completed_on=dt.date(2024, 12, 1),
        evidence_of_completion="Audit report", recommendations=[rec3],
    )
    escalation = Action(
        reference="A4", description="Publish the escalation policy.", lead_agency=csc,
        original_target_on=dt.date(2025, 12, 31), target_on=dt.date(2025, 12, 31),
        status=status("In progress"), rag="Green", recommendations=[rec3],
    )
    session.add_all([training, guidance, audit, escalation])
    session.flush()
    return {"training": training.id, "guidance": guidance.id, "audit": audit.id,
            "escalation": escalation.id}


@pytest.fixture
def plan(database):
    with database.sessions.begin() as s:
        return build_plan(s)


def export_plan(database, path: Path, **options) -> Path:
    with database.sessions.begin() as s:
        export_action_plan(s, path, today=TODAY, **options)
    return path


def columns(ws) -> dict[str, int]:
    """Header text -> column number (1-based) of an exported sheet."""
    return {cell.value: cell.column for cell in ws[HEADER_ROW] if cell.value}


def row_of(ws, action_id: int) -> int:
    """The sheet row (1-based) holding ``action_id``."""
    id_col = columns(ws)["Action ID"]
    for row in range(HEADER_ROW + 1, ws.max_row + 1):
        if ws.cell(row, id_col).value == action_id:
            return row
    raise AssertionError(f"action {action_id} is not in the sheet")


def cell(ws, action_id: int, header: str):
    return ws.cell(row_of(ws, action_id), columns(ws)[header])


# --- the action plan --------------------------------------------------------------------------

def test_action_plan_has_one_row_per_action_with_its_review_and_recommendations(database, plan, tmp_path):
    ws = openpyxl.load_workbook(export_plan(database, tmp_path / "plan.xlsx"))[ACTION_SHEET]
    assert ws.max_row == HEADER_ROW + 4
    assert cell(ws, plan["guidance"], "Review").value == "SCR-01 Child U"
    # Numbered as everywhere else: by its review's reference and the number the review gave it.
    assert cell(ws, plan["guidance"], "Rec. no.").value == "SCR-01 R1, R2"
    assert cell(ws, plan["guidance"], "Recommendation").value == (
        f"SCR-01 R1. Agencies should recognise neglect early.\n\nSCR-01 R2. {FORMULA_TEXT}")
    assert cell(ws, plan["training"], "Theme").value == "Neglect"
    assert cell(ws, plan["training"], "Lead agency").value == "Police"
    assert cell(ws, plan["training"], "Status").value == "In progress"
    assert cell(ws, plan["training"], "RAG").value == "Amber"
    assert cell(ws, plan["training"], "Latest progress update").value == "10/01/2025: Course booked."
    assert cell(ws, plan["audit"], "Evidence of completion").value == "Audit report"


def test_dates_are_real_date_cells_shown_day_first(database, plan, tmp_path):
    ws = openpyxl.load_workbook(export_plan(database, tmp_path / "plan.xlsx"))[ACTION_SHEET]
    target = cell(ws, plan["training"], "Target date")
    assert target.value == dt.datetime(2025, 3, 31)
    assert target.number_format == "dd/mm/yyyy"
    assert cell(ws, plan["audit"], "Completed on").value == dt.datetime(2024, 12, 1)


def test_formula_like_text_is_written_as_text_never_as_a_formula(database, plan, tmp_path):
    path = export_plan(database, tmp_path / "plan.xlsx")
    archive = zipfile.ZipFile(path)
    xml = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in xml and "<f " not in xml
    assert f'<t>{DDE_TEXT}</t>' in xml
    assert {i.compress_type for i in archive.infolist()} == {zipfile.ZIP_DEFLATED}
    ws = openpyxl.load_workbook(path)[ACTION_SHEET]
    description = cell(ws, plan["guidance"], "Action")
    assert description.value == DDE_TEXT and description.data_type == "s"
    assert cell(ws, plan["training"], "Action").value == EMOJI_RTL


def test_editable_columns_are_unlocked_and_green_the_rest_protected(database, plan, tmp_path):
    wb = openpyxl.load_workbook(export_plan(database, tmp_path / "plan.xlsx"))
    ws = wb[ACTION_SHEET]
    assert ws.protection.sheet and ws.protection.autoFilter is False  # filtering allowed
    editable = {"Target date", "Status", "RAG", "New progress update", "Date of new update",
                "Evidence of completion", "Evidence of impact", "Completed on"}
    for header, col in columns(ws).items():
        c = cell(ws, plan["training"], header)
        # A blank cell is not written: it takes its column's format, as Excel shows it.
        styled = c if c.value is not None else next(
            d for d in ws.column_dimensions.values() if d.min <= col <= d.max)
        assert styled.protection.locked is (header not in editable), header
        if header in editable:
            assert styled.fill.fgColor.rgb.endswith("E2EFDA"), header
    hidden_cols = {n for dim in ws.column_dimensions.values() if dim.hidden
                   for n in range(dim.min, dim.max + 1)}
    hidden = {h for h, col in columns(ws).items() if col in hidden_cols}
    assert hidden == {"Action ID", "Version", "Export check"}
    assert wb[RECORD_SHEET].sheet_state == "veryHidden"


def test_layout_freeze_filter_dropdowns_colours_and_printing(database, plan, tmp_path):
    book = openpyxl.load_workbook(export_plan(database, tmp_path / "plan.xlsx"))
    ws = book[ACTION_SHEET]
    cols = columns(ws)
    letter = openpyxl.utils.get_column_letter
    assert ws.freeze_panes == f"A{HEADER_ROW + 1}"
    assert ws.auto_filter.ref.startswith(f"A{HEADER_ROW}:")
    # Each drop-down's values are read from a hidden sheet, whatever commas or quotes they hold.
    choices = book["Choices"]
    assert choices.sheet_state == "hidden"
    lists = {}
    for dv in ws.data_validations.dataValidation:
        if dv.type == "list":
            sheet, cells = dv.formula1.split("!")
            assert sheet == "'Choices'"
            lists[str(dv.sqref).split(":")[0].rstrip("0123456789")] = [c.value for row in choices[cells.replace("$", "")]
                                                                       for c in row]
    assert lists[letter(cols["RAG"])] == ["Red", "Amber", "Green", "Blue"]
    # Statuses as every view shows them: a closed action's reason is part of its status.
    assert lists[letter(cols["Status"])] == [
        "Not started", "In progress", "Completed", "Closed – risk accepted", "Closed – superseded",
        "Closed – not implemented", "Closed – no longer applicable", "Closed – merged with another action"]
    rag_rules = [rule for rng in ws.conditional_formatting for rule in rng.rules]
    assert {r.formula[0] for r in rag_rules} == {
        f'${letter(cols["RAG"])}{HEADER_ROW + 1}="{rag}"' for rag in ("Red", "Amber", "Green", "Blue")}
    assert ws.page_setup.orientation == "landscape"
    # Fit to one page wide (1 is the default, so it may be left out), any number of pages tall.
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    assert "OFFICIAL-SENSITIVE" in ws.oddHeader.left.text
    assert ws.oddFooter.center.text == "Page &P of &N"
    assert ws.column_dimensions[letter(cols["Action"])].width > 30
    assert cell(ws, plan["training"], "Action").alignment.wrap_text


def test_export_stamp_names_the_database_and_filters(database, plan, tmp_path):
    wb = openpyxl.load_workbook(export_plan(database, tmp_path / "plan.xlsx", agency="police",
                                            open_only=True))
    stamp = {row[0]: row[1] for row in wb[RECORD_SHEET].iter_rows(values_only=True)}
    with database.sessions() as s:
        assert stamp["database id"] == s.get(Setting, "database_id").value
    assert stamp["kind"] == "action-plan"
    assert stamp["filters"] == "agency: Police; open actions only"
    assert stamp["rows"] == "2"
    assert len(stamp["export id"]) == 32


def test_one_agency_open_only_or_the_actions_on_screen(database, plan, tmp_path):
    def ids(path):
        ws = openpyxl.load_workbook(path)[ACTION_SHEET]
        col = columns(ws)["Action ID"]
        return {ws.cell(r, col).value for r in range(HEADER_ROW + 1, ws.max_row + 1)}

    assert ids(export_plan(database, tmp_path / "csc.xlsx", agency="Childrens Services")) == {
        plan["audit"], plan["escalation"]}
    assert ids(export_plan(database, tmp_path / "open.xlsx", open_only=True)) == {
        plan["training"], plan["guidance"], plan["escalation"]}
    assert ids(export_plan(database, tmp_path / "view.xlsx", action_ids=[plan["audit"]])) == {plan["audit"]}


def test_unknown_agency_or_missing_folder_is_a_plain_refusal(database, plan, tmp_path):
    with pytest.raises(UserError, match="no agency is called 'Fire Service'"):
        export_plan(database, tmp_path / "x.xlsx", agency="Fire Service")
    with pytest.raises(UserError, match="does not exist"):
        export_plan(database, tmp_path / "missing" / "x.xlsx")
    assert not (tmp_path / "x.xlsx").exists()


def test_very_long_text_is_cut_to_excels_limit_and_says_so(database, plan, tmp_path):
    with database.sessions.begin() as s:
        s.get(Action, plan["training"]).evidence_of_impact = "x" * 40000
    ws = openpyxl.load_workbook(export_plan(database, tmp_path / "plan.xlsx"))[ACTION_SHEET]
    text = cell(ws, plan["training"], "Evidence of impact").value
    assert len(text) == 32767 and text.endswith("see the tracker for the full text]")


def test_agency_packs_write_one_workbook_per_agency(database, plan, tmp_path):
    with database.sessions.begin() as s:
        results = export_agency_packs(s, tmp_path / "packs", today=TODAY)
    names = sorted(p.name for p in (tmp_path / "packs").iterdir())
    assert names == ["Action plan - Children's Services - 2025-06-30.xlsx",
                     "Action plan - Police - 2025-06-30.xlsx"]
    assert [r.rows for r in results] == [1, 2]  # open actions only: CSC's audit is complete
    ws = openpyxl.load_workbook(tmp_path / "packs" / names[1])[ACTION_SHEET]
    assert {cell(ws, plan["training"], "Lead agency").value,
            cell(ws, plan["guidance"], "Lead agency").value} == {"Police"}
    assert cell(ws, plan["training"], "Latest progress update").value == "10/01/2025: Course booked."
    assert cell(ws, plan["guidance"], "Rec. no.").value == "SCR-01 R1, R2"


# --- the registers ----------------------------------------------------------------------------

def test_referrals_export_shows_the_latest_decision(database, tmp_path):
    with database.sessions.begin() as s:
        outcome = partial(lookups.list_item, s, ListKind.DECISION_OUTCOME)
        referral = Referral(reference="Ref053", subject="Child L", summary="=1+1 neglect",
                            date_referred=dt.date(2013, 3, 1), referring_agency=lookups.agency(s, "Police"))
        referral.decisions = [
            Decision(decided_on=dt.date(2013, 4, 10), outcome=outcome("nfa"), criteria_met=False),
            Decision(decided_on=dt.date(2013, 7, 9), outcome=outcome("scr"), criteria_met=True,
                     rationale="Criteria met on review."),
        ]
        s.add(referral)
        export_referrals(s, tmp_path / "referrals.xlsx", today=TODAY)
    wb = openpyxl.load_workbook(tmp_path / "referrals.xlsx")
    ws = wb["Referrals"]
    row = {header: ws.cell(HEADER_ROW + 1, col).value for header, col in columns(ws).items()}
    assert row["Reference"] == "Ref053"
    assert row["Referred"] == dt.datetime(2013, 3, 1)
    assert row["Latest decision"] == "Serious Case Review"
    assert row["Decided on"] == dt.datetime(2013, 7, 9)
    assert row["Criteria met"] == "Yes"
    assert row["Summary"] == "=1+1 neglect" and ws.cell(HEADER_ROW + 1, columns(ws)["Summary"]).data_type == "s"
    assert ws.freeze_panes == f"A{HEADER_ROW + 1}" and ws.page_setup.orientation == "landscape"
    assert wb[RECORD_SHEET].sheet_state == "veryHidden"


def test_reviews_export_shows_each_clock(database, tmp_path):
    with database.sessions.begin() as s:
        s.add(Review(reference="SCR-09", title="Child U", initiated_on=dt.date(2024, 1, 15),
                     review_type=lookups.list_item(s, ListKind.REVIEW_TYPE, "scr")))
        s.add(Review(reference="CM-01", title="Family B",
                     review_type=lookups.list_item(s, ListKind.REVIEW_TYPE, "case_mapping")))
        export_reviews(s, tmp_path / "reviews.xlsx", as_at=TODAY)
    ws = openpyxl.load_workbook(tmp_path / "reviews.xlsx")["Reviews"]
    rows = {ws.cell(r, 1).value: {h: ws.cell(r, c).value for h, c in columns(ws).items()}
            for r in range(HEADER_ROW + 1, ws.max_row + 1)}
    scr = rows["SCR-09"]
    assert scr["Clock"] == "Serious case review completed"
    assert scr["Target date"] == dt.datetime(2024, 7, 15)
    assert scr["Against target"] == "Overdue"
    assert scr["Days over"] == (TODAY - dt.date(2024, 7, 15)).days
    assert rows["CM-01"]["Clock"] is None and rows["CM-01"]["Target date"] is None


def test_export_writes_nothing_but_the_database_identity(database, plan, tmp_path):
    export_plan(database, tmp_path / "plan.xlsx")
    with database.sessions() as s:
        assert s.scalar(select(Action.version).where(Action.id == plan["training"])) == 1


def test_the_stamp_is_signed_and_written_above_the_hidden_check_column_too(database, plan, tmp_path):
    """The stamp names whose part of the plan it is and the past date it shows (none here), is
    signed, and is written again where it travels with the sheet: above the hidden check
    column's header."""
    import json

    wb = openpyxl.load_workbook(export_plan(database, tmp_path / "police.xlsx", agency="Police"))
    record = {row[0]: row[1] for row in wb[RECORD_SHEET].iter_rows(values_only=True)}
    ws = wb[ACTION_SHEET]
    check_column = columns(ws)["Export check"]
    assert json.loads(ws.cell(1, check_column).value) == record
    with database.sessions() as s:
        assert record["agency id"] == str(lookups.agency(s, "Police").id)
    assert record["as at"] == "" and len(record["signature"]) == 32
    assert record["format version"] == "2"
    old = openpyxl.load_workbook(export_plan(database, tmp_path / "old.xlsx", as_at=dt.date(2025, 1, 31)))
    assert {row[0]: row[1] for row in old[RECORD_SHEET].iter_rows(values_only=True)}["as at"] == "2025-01-31"


def test_each_row_check_holds_fingerprints_the_lead_agency_and_a_signature(database, plan, tmp_path):
    import json

    ws = openpyxl.load_workbook(export_plan(database, tmp_path / "plan.xlsx"))[ACTION_SHEET]
    locked, editable, agency_id, signed = json.loads(cell(ws, plan["training"], "Export check").value)
    assert len(locked.split()) == 11 and len(editable.split()) == 6
    with database.sessions() as s:
        assert agency_id == s.get(Action, plan["training"]).lead_agency_id
    assert len(signed) == 32 and int(signed, 16) >= 0
    other = json.loads(cell(ws, plan["guidance"], "Export check").value)
    assert other[3] != signed  # each row's own
