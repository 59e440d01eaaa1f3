"""Importing a hand-kept composite action plan tracker (the office's first day)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from app.defaults import AGENCIES
from app.excel.legacy import apply_import, detect_kind, plan_import
from app.excel.import_doubts import ROW_SKIPPED
from db.models import Action, Agency, AgencyAlias, AuditEntry, ProgressUpdate, Recommendation, Review, Theme
from tests.app.excel.legacy_fixtures import (EMOJI_RTL, EXPECTED_PLAN, FORMULA_LIKE,
                                             LONG_PROGRESS, build_action_plan)
from tests.engines import database_bytes

pytestmark = pytest.mark.both_engines


DEFAULT_ALIASES = sum(len(spellings) for *_, spellings in AGENCIES)


@pytest.fixture
def tracker(tmp_path):
    return build_action_plan(tmp_path / "Composite action plan v7.xlsx")


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def _action(session, description) -> Action:
    return session.scalar(select(Action).where(Action.description == description))


def _warnings(plan) -> dict[str, str]:
    return {w.cell: w.message for w in plan.warnings}


def _db_bytes(database) -> str:
    database.engine.dispose()  # closes connections: SQLite folds the WAL into the file
    return database_bytes(database)


def test_detects_an_action_plan(tracker):
    assert detect_kind(tracker) == "action-plan"


def test_dry_run_counts_and_warnings_by_cell(session, tracker):
    plan = plan_import(session, tracker, "action-plan")

    counts = plan.counts()
    assert counts["reviews"] == (3, 0)
    assert counts["themes"] == (1, 2)
    assert counts["recommendations"] == (12, 0)
    assert counts["actions"] == (10, 0)
    assert counts["links from actions to recommendations"] == (16, 0)
    assert counts["progress notes"] == (9, 0)
    assert counts["agencies"] == (1, 0)  # 'Polise' (score 83): new, marked for checking
    assert plan.sheets[0].header_row == 4
    assert plan.updated_on == dt.date(2017, 3, 14)

    warnings = _warnings(plan)
    assert "'31/02/2015' is not a date: February has 28 days in 2015" in warnings["I16"]
    assert "Dates are read day first" in warnings["I18"]
    assert "theme colour, which cannot be read" in warnings["J18"]
    assert "'Ongoing' sets no target date; kept as written" in warnings["I12"]
    assert "'TBC' sets no target date" in warnings["I15"]
    assert "read as its last day, 30/09/2014" in warnings["I10"]
    assert "31/12/2014" in warnings["I11"]
    assert "'Amber/Green' is not a RAG rating" in warnings["J16"]
    assert "repeats row 16" in warnings["row 17"]
    assert "is read as Children's Services (similar, score 97)" in warnings["G10"]
    assert "'Polise' is not on the agency list; a new agency 'Polise' is made" in warnings["G18"]
    assert "(closest: Police (83))" in warnings["G18"]
    assert "type of review 'Family A' is not given" in warnings["A10"]
    assert "this sheet is not imported" in warnings["A1"]  # the 'Notes' sheet
    # Title, spacer and legend rows are listed as skipped, with what they held; the heading
    # row that starts a theme is read, not skipped.
    skipped = {w.cell: w.text for w in plan.warnings if w.kind == ROW_SKIPPED}
    assert skipped["row 1"] == "Southampton LSCB \u2013 Composite SCR Action Plan"
    assert skipped["row 21"].startswith("Key:; R = off track")
    assert skipped["row 22"] == "Red; Amber; Green; Blue"
    assert "rows 5-6" in skipped and "row 13" in skipped and "row 20" in skipped
    assert not any(c in warnings for c in ("A14", "row 14"))

    text = plan.describe()
    assert "Nothing has been written" in text
    assert "'Action Plan' I16: '31/02/2015' is not a date" in text
    assert "'Action Plan' G18:" in text
    assert "Progress notes will be dated 14/03/2017" in text
    assert "Row skipped (title, spacer, legend or header): 8" in text
    assert "New reviews: Child L (SCR), Family A, Child I and Child M." in text


def test_dry_run_writes_nothing(database, tracker):
    with database.sessions.begin() as s:
        audit_rows = _count(s, AuditEntry)
    before = _db_bytes(database)
    with database.sessions.begin() as s:
        plan = plan_import(s, tracker, "action-plan")
        plan.confirm_proposals()
        plan.describe()
    assert _db_bytes(database) == before
    with database.sessions.begin() as s:
        assert _count(s, Review) == 0 and _count(s, AgencyAlias) == DEFAULT_ALIASES
        assert _count(s, Agency) == len(AGENCIES)
        assert _count(s, AuditEntry) == audit_rows


def test_apply_creates_reviews_recommendations_and_linked_actions(database, tracker):
    with database.sessions.begin() as s:
        summary = apply_import(s, plan_import(s, tracker, "action-plan"))
    assert "Created:" in summary and "10 actions" in summary and "3 reviews" in summary

    with database.sessions.begin() as s:
        assert _count(s, Review) == EXPECTED_PLAN["reviews"]
        assert _count(s, Recommendation) == EXPECTED_PLAN["recommendations"]
        assert _count(s, Action) == EXPECTED_PLAN["actions"]
        assert _count(s, ProgressUpdate) == EXPECTED_PLAN["progress_notes"]
        links = sum(len(a.recommendations) for a in s.scalars(select(Action)))
        assert links == EXPECTED_PLAN["links"]

        reviews = {r.title: r for r in s.scalars(select(Review))}
        assert set(reviews) == {"Child L (SCR)", "Family A", "Child I and Child M"}
        assert reviews["Child L (SCR)"].review_type.code == "scr"
        assert sorted(r.number for r in reviews["Family A"].recommendations) == [
            4, 5, 9, 10, 11, 12, 21, 22]

        # merged cells filled down: rec 2's text and response cover rows 8 and 9
        rec2 = next(r for r in reviews["Child L (SCR)"].recommendations if r.number == 2)
        assert rec2.text == "Ensure practitioners are trained to recognise neglect."
        assert rec2.board_response == "Endorsed."
        assert rec2.response_status.name == "Endorsed"
        assert rec2.theme.name == "Neglect"
        assert {a.description for a in rec2.actions} == {"Train staff on neglect",
                                                         "Refresh neglect strategy"}

        audit = _action(s, "Audit neglect toolkit use")
        assert audit.target_on == audit.original_target_on == dt.date(2015, 3, 31)
        assert (audit.rag, audit.status.code, audit.completed_on) == (
            "Green", "complete", dt.date(2015, 2, 27))
        assert audit.lead_agency.name == "Children's Services"
        assert audit.updates[0].update_on == dt.date(2017, 3, 14)
        assert audit.updates[0].text == "Audit completed in February."

        training = _action(s, "Train staff on neglect")
        assert training.rag == "Amber"  # from the fill only
        assert training.target_on == dt.date(2017, 4, 2)
        assert training.lead_agency.name == "Children's Services"  # NBSP spelling

        strategy = _action(s, "Refresh neglect strategy")
        assert (strategy.target_on, strategy.rag) == (dt.date(2017, 2, 5), "Red")

        ehe = _action(s, "Write EHE protocol")
        assert (ehe.target_on, ehe.target_text) == (dt.date(2014, 9, 30), "Sept 2014")  # shown as written
        assert ehe.lead_agency.name == "Children's Services"  # 'Childrens Servics', by similarity
        assert ehe.theme.name == "Travelling communities"
        assert [r.number for r in ehe.recommendations] == [9, 10, 11, 12]

        officers = _action(s, "Train EHE officers")
        assert (officers.target_on, officers.target_text, officers.rag) == (
            dt.date(2014, 12, 31), "Q3 2014/15", "Green")
        assert officers.updates[0].text == FORMULA_LIKE  # formula-like text is data
        assert officers.lead_agency.name == "Education"

        helpline = _action(s, "+44 helpline publicised")
        assert (helpline.target_on, helpline.target_text) == (None, "Ongoing")
        assert helpline.lead_officer == "Head of Safeguarding"  # a formula's cached value
        assert (helpline.rag, helpline.status.code) == ("Blue", "complete")

        relaunch = _action(s, "Escalation policy relaunched")
        assert sorted((r.review.title, r.number) for r in relaunch.recommendations) == [
            ("Family A", 4), ("Family A", 9)]
        assert relaunch.theme.name == "Escalation of concerns"
        assert relaunch.updates[0].text == EMOJI_RTL
        assert relaunch.lead_agency.name == "Children's Services"

        audit2 = _action(s, "Escalation audit")
        assert (audit2.target_on, audit2.target_text, audit2.rag) == (None, "31/02/2015", None)
        assert audit2.lead_agency.name == "Children's Services"  # 'CSC'
        # 'Amber/Green' is no RAG: kept as written beside the action, before its progress
        assert [u.text for u in audit2.updates] == [
            "Kept from the imported tracker (not understood): RAG (as written): Amber/Green"]
        # 'Amber/Green' is no RAG: kept as written beside the action, before its progress
        assert audit2.updates[0].text == ("Kept from the imported tracker (not understood): "
                                          "RAG (as written): Amber/Green")

        training2 = _action(s, "Multi-agency escalation training")
        assert training2.target_text == "03/31/2015"
        assert (training2.lead_agency.name, training2.lead_agency.sector) == ("Polise", "From import, check")

        log = _action(s, "Record every escalation on the log")
        assert [(r.review.title, r.number) for r in log.recommendations] == [
            ("Child I and Child M", 7)]
        assert log.updates[0].text == LONG_PROGRESS and len(LONG_PROGRESS) == 32000

        assert s.scalar(select(Theme).where(Theme.name == "Travelling communities"))
        # written through the ORM, so audited
        assert s.scalar(select(func.count()).select_from(AuditEntry)
                        .where(AuditEntry.table_name == "action")) > 0


def test_importing_the_same_file_twice_adds_nothing(database, tracker):
    with database.sessions.begin() as s:
        apply_import(s, plan_import(s, tracker, "action-plan"))
    with database.sessions.begin() as s:
        before = {m: _count(s, m) for m in (Review, Recommendation, Action, ProgressUpdate, Theme)}
        plan = plan_import(s, tracker, "action-plan")
        assert plan.counts()["actions"] == (0, 10)
        assert plan.counts()["recommendations"] == (0, 12)
        summary = apply_import(s, plan)
    assert "Created: nothing." in summary
    with database.sessions.begin() as s:
        assert {m: _count(s, m) for m in before} == before


def test_a_later_version_adds_only_new_progress_notes(database, tracker, tmp_path):
    with database.sessions.begin() as s:
        apply_import(s, plan_import(s, tracker, "action-plan"))
    import openpyxl
    wb = openpyxl.load_workbook(tracker)
    wb["Action Plan"]["K7"] = "Re-audit booked for June."
    later = tmp_path / "Composite action plan v8.xlsx"
    wb.save(later)
    with database.sessions.begin() as s:
        plan = plan_import(s, later, "action-plan")
        assert plan.counts()["progress notes"] == (1, 0)
        apply_import(s, plan)
    with database.sessions.begin() as s:
        notes = [u.text for u in _action(s, "Audit neglect toolkit use").updates]
        assert notes == ["Audit completed in February.", "Re-audit booked for June."]
        assert _count(s, Action) == EXPECTED_PLAN["actions"]


def test_confirmed_agency_spellings_become_aliases(database, tracker):
    with database.sessions.begin() as s:
        plan = plan_import(s, tracker, "action-plan")
        confirmed = plan.confirm_proposals()  # what --yes does
        assert [m.spelling for m in confirmed] == ["Childrens Servics"]  # 'Polise' scores 83
        plan.confirm_agency("Polise")  # the user agrees by hand
        assert "'Polise' looks like" not in plan.describe()
        apply_import(s, plan)
    with database.sessions.begin() as s:
        aliases = {a.alias: a.agency.name for a in s.scalars(select(AgencyAlias))}
        assert aliases["Childrens Servics"] == "Children's Services"
        assert aliases["Polise"] == "Police"
        assert _action(s, "Write EHE protocol").lead_agency.name == "Children's Services"
        assert _action(s, "Multi-agency escalation training").lead_agency.name == "Police"


def test_a_large_tracker_is_written_in_batches_with_every_link(database, tmp_path, monkeypatch):
    from app.services import bulk
    from tests.app.excel.legacy_fixtures import build_large_action_plan

    monkeypatch.setattr(bulk, "CHUNK", 64)  # several batches from a small file
    path = build_large_action_plan(tmp_path / "big.xlsx", 500)
    with database.sessions.begin() as s:
        apply_import(s, plan_import(s, path, "action-plan"))
    with database.sessions.begin() as s:
        assert _count(s, Action) == 500 and _count(s, Recommendation) == 250
        assert all(len(r.actions) == 2 for r in s.scalars(select(Recommendation)))
        assert plan_import(s, path, "action-plan").counts()["actions"] == (0, 500)


def test_a_header_repeated_mid_sheet_is_skipped(session, tracker):
    import openpyxl

    from tests.app.excel.legacy_fixtures import ACTION_HEADERS
    wb = openpyxl.load_workbook(tracker)
    ws = wb["Action Plan"]
    for column, header in enumerate(ACTION_HEADERS, start=1):
        ws.cell(13, column, header)  # printed trackers repeat the header on each page
    wb.save(tracker)
    plan = plan_import(session, tracker, "action-plan")
    assert plan.counts()["actions"] == (10, 0)
    on_13 = [w for w in plan.warnings if w.cell.endswith("13") or w.cell == "row 13"]
    assert [(w.kind, w.message) for w in on_13] == [(ROW_SKIPPED, "repeats the header row; skipped.")]


def test_a_completion_date_in_the_future_is_kept_as_evidence_not_as_the_date(database, tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Review", "Rec No", "Recommendation", "Action", "RAG", "Date completed"])
    ws.append(["SCR Child Z", 1, "Share information.", "Write the protocol", "Green", "31/12/2099"])
    path = tmp_path / "plan.xlsx"
    wb.save(path)
    with database.sessions.begin() as s:
        plan = plan_import(s, path, "action-plan")
        warnings = {w.cell: w.message for w in plan.warnings}
        assert warnings["F2"] == ("the date completed (31/12/2099) is in the future; it is kept "
                                  "in the evidence of completion.")
        apply_import(s, plan)
    with database.sessions() as s:
        action = _action(s, "Write the protocol")
        assert action.completed_on is None and action.status.code == "in_progress"
        assert action.evidence_of_completion == "Date completed (as written): 31/12/2099"
