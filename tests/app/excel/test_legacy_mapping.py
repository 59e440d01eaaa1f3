"""The column mapping: proposed from the header, corrected by the user, remembered."""

from __future__ import annotations

import json

import openpyxl
import pytest
from sqlalchemy import select

from app.errors import UserError
from app.excel.legacy import apply_import, load_mapping, plan_import, save_mapping
from db.models import Action, ProgressUpdate
from tests.app.excel.legacy_fixtures import build_action_plan

pytestmark = pytest.mark.both_engines

PROPOSED = {"A": "review", "B": "theme", "C": "rec_number", "D": "recommendation",
            "E": "response", "F": "action", "G": "lead_agency", "H": "lead_officer",
            "I": "target_date", "J": "rag", "K": "progress", "L": "completed_on"}


@pytest.fixture
def tracker(tmp_path):
    return build_action_plan(tmp_path / "tracker.xlsx")


def test_the_proposed_mapping_follows_the_header_words(session, tracker):
    plan = plan_import(session, tracker, "action-plan")
    assert plan.mapping == PROPOSED
    assert plan.mapping_source == "proposed"
    assert plan.sheets[0].headers["I"] == "Target Date (dd/mm/yy)"


def test_a_corrected_mapping_is_used(database, tracker):
    corrected = dict(PROPOSED, K="evidence", E=None, L="ignore")
    with database.sessions.begin() as s:
        plan = plan_import(s, tracker, "action-plan", corrected)
        assert plan.mapping_source == "given"
        assert "E" not in plan.mapping and "L" not in plan.mapping
        assert plan.mapping["K"] == "evidence"
        apply_import(s, plan)
    with database.sessions.begin() as s:
        audit = s.scalar(select(Action).where(Action.description == "Audit neglect toolkit use"))
        assert audit.evidence_of_completion == "Audit completed in February."
        assert audit.recommendations[0].board_response is None
        # column K went to the evidence, so the only progress notes are what was kept as text
        assert all(u.startswith("Kept from the imported tracker") for u in s.scalars(select(ProgressUpdate.text)))


def test_a_saved_mapping_is_remembered_for_the_file(session, tracker, data_dir):
    corrected = dict(PROPOSED, K="evidence")
    plan = plan_import(session, tracker, "action-plan", corrected)
    saved_to = save_mapping(plan, tracker)
    assert saved_to.parent == data_dir
    assert json.loads(saved_to.read_text(encoding="utf-8"))["tracker.xlsx"]["columns"]["K"] == "evidence"
    assert load_mapping(tracker) == corrected
    again = plan_import(session, tracker, "action-plan")
    assert (again.mapping_source, again.mapping) == ("saved", corrected)


def test_a_saved_mapping_is_not_used_once_the_headers_change(session, tracker):
    save_mapping(plan_import(session, tracker, "action-plan", dict(PROPOSED, K="evidence")),
                 tracker)
    wb = openpyxl.load_workbook(tracker)
    wb["Action Plan"]["K4"] = "Latest update"
    wb.save(tracker)
    again = plan_import(session, tracker, "action-plan")
    assert (again.mapping_source, again.mapping["K"]) == ("proposed", "progress")


def test_nothing_is_remembered_for_a_new_file(tmp_path):
    assert load_mapping(tmp_path / "never seen.xlsx") is None


@pytest.mark.parametrize("mapping, message", [
    ({"F": "action", "K": "colour"}, "'colour' (column K) is not a field of an action plan"),
    ({"F": "action", "1": "rag"}, "'1' is not a column letter"),
    ({"F": "action", "G": "action"}, "'action' is given to more than one column"),
    ({"G": "lead_agency"}, "one column must be action or recommendation"),
])
def test_a_wrong_mapping_is_refused_naming_the_file(session, tracker, mapping, message):
    with pytest.raises(UserError, match="tracker.xlsx") as refused:
        plan_import(session, tracker, "action-plan", mapping)
    assert message in str(refused.value)


def test_a_sheet_with_unknown_headers_can_be_mapped_by_hand(database, tmp_path):
    path = tmp_path / "Child Q.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Child Q"
    ws.append(["What", "Who", "When"])
    ws.append(["Share the learning at the next forum", "Police", "30/06/2018"])
    wb.create_sheet("Notes")["A1"] = "Owner: business manager"  # does not fit the mapping
    wb.save(path)
    with database.sessions.begin() as s:
        with pytest.raises(UserError, match="no sheet has the columns"):
            plan_import(s, path, "action-plan")
        plan = plan_import(s, path, "action-plan",
                           {"A": "action", "B": "lead_agency", "C": "target_date"},
                           header_row=1)
        assert any("filed under review 'Child Q'" in w.message for w in plan.warnings)
        assert [sheet.name for sheet in plan.sheets] == ["Child Q"]
        apply_import(s, plan)
    with database.sessions.begin() as s:
        action = s.scalar(select(Action))
        assert action.description == "Share the learning at the next forum"
        assert action.lead_agency.name == "Police"
        assert action.recommendations == []
