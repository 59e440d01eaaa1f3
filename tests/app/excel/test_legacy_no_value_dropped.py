"""No value is ever dropped, and every doubt is shown: a tracker kept by several people over
years, imported with ``main.py import --yes`` as a user runs it, then checked cell by cell
against the database and the import report saved beside it."""

from __future__ import annotations

import csv
import datetime as dt

import openpyxl
import pytest
from sqlalchemy import select

from app.cli import main
from app.database import open_database
from app.excel.import_doubts import (AGENCY_NEW, AGENCY_SIMILAR, DATE_NOT_EXACT, KEPT_AS_TEXT, NOT_A_DATE,
                                     RAG_DISAGREES, RAG_MISSING, RAG_UNREAD, ROW_SKIPPED, WORD_UNKNOWN)
from app.excel.legacy import plan_import
from app.excel.legacy_plan import NEW_AGENCY_SECTOR
from db.models import Action, Agency, AgencyAlias, ProgressUpdate, Recommendation, Review
from tests.app.excel.legacy_fixtures import MESSY_AGENCIES, MESSY_WORDS, build_messy_tracker

pytestmark = pytest.mark.both_engines

D = dt.date


@pytest.fixture
def tracker(tmp_path):
    return build_messy_tracker(tmp_path / "Northshire plan.xlsx")


@pytest.fixture
def office(data_dir, tmp_path):
    path = tmp_path / "office" / "tracker.sqlite"
    assert main(["new", "--db", str(path)]) == 0
    return path


def _options() -> list[str]:
    options = []
    for spelling, target in MESSY_AGENCIES.items():
        options += ["--agency", f"{spelling}={target}"]
    for word, meaning in MESSY_WORDS.items():
        options += ["--word", f"{word}={meaning}"]
    return options


def _imported(office, tracker, capsys) -> str:
    assert main(["import", str(tracker), "--db", str(office), "--yes", *_options()]) == 0
    return capsys.readouterr().out


def _actions(office) -> dict[str, Action]:
    db = open_database(office, create=False)
    session = db.readers()
    found = {a.description: a for a in session.scalars(select(Action))}
    for action in found.values():  # load what the tests read, then let the database go
        _ = (action.lead_agency, action.status, list(action.updates),
             [r.review.review_type for r in action.recommendations])
    session.close()
    db.close()
    return found


def _kept(action: Action) -> str:
    return "\n".join(u.text for u in action.updates)


def _report(office) -> list[dict[str, str]]:
    [report] = office.parent.glob("tracker import *.csv")
    with report.open(encoding="utf-8-sig", newline="") as file:
        lines = list(csv.reader(file))
    header = lines.index(["Kind", "Sheet", "Row", "Cell", "As written", "What was done"])
    return [dict(zip(lines[header], line)) for line in lines[header + 1:]]


def test_every_agency_spelling_ends_up_an_agency(office, tracker, capsys):
    _imported(office, tracker, capsys)
    actions = _actions(office)
    uhs = actions["Write an information-sharing protocol"].lead_agency
    # initials, the full name and another spelling: one agency, named by the user, not marked
    assert (uhs.name, uhs.sector) == ("University Hospitals Southampton", None)
    assert actions["Train GPs on the protocol"].lead_agency.id == uhs.id
    assert actions["Domestic homicide action"].lead_agency.id == uhs.id
    # another trust's name and a typo nobody mapped: new agencies, marked for checking
    assert (actions["Audit the protocol"].lead_agency.name,
            actions["Audit the protocol"].lead_agency.sector) == ("Solent NHS Trust", NEW_AGENCY_SECTOR)
    assert actions["Brief adult services"].lead_agency.sector == NEW_AGENCY_SECTOR
    # a known short name; a close typo by similarity; a second agency kept beside the action
    mapping = actions["Share the mapping findings"]
    assert mapping.lead_agency.name == "Children's Services"
    assert "Also named as lead: Police" in _kept(mapping)
    assert actions["Rapid review actions"].lead_agency.name == "Children's Services"
    assert actions["Publish the review"].lead_agency is None  # the cell was blank


def test_the_mapping_is_remembered_for_the_next_import(office, tracker, capsys):
    _imported(office, tracker, capsys)
    db = open_database(office, create=False)
    with db.readers() as s:
        aliases = {a.alias: a.agency.name for a in s.scalars(select(AgencyAlias))}
        plan = plan_import(s, tracker, "action-plan")  # no --agency this time
    db.close()
    assert aliases["UHS"] == aliases["University Hospital Southampton"] == "University Hospitals Southampton"
    assert aliases["Childrens Servics"] == "Children's Services"
    assert plan.uncertain() == []  # every spelling is known now: nothing to ask
    assert not [w for w in plan.warnings if w.kind in (AGENCY_NEW, AGENCY_SIMILAR)]
    assert plan.counts()["actions"] == (0, 8)


def test_the_office_words_decide_review_types_and_statuses(office, tracker, capsys):
    _imported(office, tracker, capsys)
    actions = _actions(office)
    types = {a.description: a.recommendations[0].review.review_type.code for a in actions.values()}
    assert types == {
        "Write an information-sharing protocol": "scr", "Train GPs on the protocol": "scr", "Audit the protocol": "scr",
        "Share the mapping findings": "case_mapping", "Brief adult services": "sar", "Publish the review": "lcspr",
        "Rapid review actions": "rapid", "Domestic homicide action": "dhr"}
    assert actions["Write an information-sharing protocol"].status.code == "complete"  # "Compleated"
    assert actions["Train GPs on the protocol"].status.code == "in_progress"  # "On-going"
    parked = actions["Audit the protocol"]
    assert "Status (as written): Parked" in _kept(parked)  # no word for it: kept, and worked out
    assert parked.status.code == "complete"  # completed May 2014


def test_imprecise_dates_keep_their_precision(office, tracker, capsys):
    _imported(office, tracker, capsys)
    actions = _actions(office)
    targets = {d: (a.target_on, a.target_text) for d, a in actions.items()}
    assert targets["Write an information-sharing protocol"] == (D(2014, 5, 31), "May 2014")
    assert targets["Train GPs on the protocol"] == (D(2014, 12, 31), "Q3 2014/15")
    assert targets["Audit the protocol"] == (D(2012, 12, 31), "2012")
    assert targets["Share the mapping findings"] == (D(2014, 5, 31), "end of May 2014")
    assert targets["Domestic homicide action"] == (D(2016, 3, 31), "Q1 2016")
    assert targets["Brief adult services"] == (None, "Ongoing")  # sets no date, stays visible
    assert targets["Publish the review"] == (None, "TBC")
    assert targets["Rapid review actions"] == (None, "31/02/2015")  # no such day: kept as written
    # completed on a year, a month, a quarter: complete, on the last day it could mean
    done = {d: (a.status.code, a.completed_on, a.closure_note) for d, a in actions.items() if a.completed_on}
    assert done["Write an information-sharing protocol"] == (
        "complete", D(2012, 12, 31), "Completed (as written in the tracker): 2012")
    assert done["Audit the protocol"][1:] == (D(2014, 5, 31), "Completed (as written in the tracker): May 2014")
    assert done["Brief adult services"][:2] == ("complete", D(2013, 9, 30))
    # "Ongoing" and a year to come are not completions: kept in the evidence
    assert actions["Share the mapping findings"].completed_on is None
    assert "Date completed (as written): Ongoing" in actions["Share the mapping findings"].evidence_of_completion
    assert actions["Publish the review"].completed_on is None
    assert "Date completed (as written): 2099" in actions["Publish the review"].evidence_of_completion


def test_rag_doubts_text_wins_and_nothing_is_guessed(office, tracker, capsys):
    _imported(office, tracker, capsys)
    actions = _actions(office)
    rag = {d: a.rag for d, a in actions.items()}
    assert rag["Write an information-sharing protocol"] == "Green"  # "G" on an amber fill
    assert rag["Train GPs on the protocol"] == "Green"  # the fill alone
    assert rag["Audit the protocol"] is None  # neither text nor colour
    assert rag["Share the mapping findings"] is None  # "Amber/Green": two ratings
    assert "RAG (as written): Amber/Green" in _kept(actions["Share the mapping findings"])
    assert rag["Publish the review"] is None  # a theme colour cannot be read


def test_cells_that_fit_no_field_are_kept_beside_their_record(office, tracker, capsys):
    _imported(office, tracker, capsys)
    first = _actions(office)["Write an information-sharing protocol"]
    kept = _kept(first)
    assert "Notes (column L): Agreed at the March meeting" in kept
    assert "Column M: see e-mail of 3 May" in kept
    # the tracker's own progress stays the latest note
    assert first.updates[-1].text == "Protocol drafted"


def test_every_cell_is_in_a_field_or_the_report(office, tracker, capsys):
    """Cell by cell: each value of the workbook is in the database or flagged in the report."""
    _imported(office, tracker, capsys)
    db = open_database(office, create=False)
    with db.readers() as s:
        stored = []
        for model, columns in ((Action, ("description", "lead_officer", "target_text", "evidence_of_completion",
                                         "closure_note", "reference")),
                               (ProgressUpdate, ("text",)), (Recommendation, ("text", "board_response")),
                               (Review, ("title",)), (Agency, ("name",)), (AgencyAlias, ("alias",))):
            for record in s.scalars(select(model)):
                stored += [str(getattr(record, c)) for c in columns if getattr(record, c)]
        dates = {str(d) for a in s.scalars(select(Action)) for d in (a.target_on, a.completed_on) if d}
    db.close()
    flagged = [line["As written"] + " " + line["What was done"] for line in _report(office)]
    haystack = "\n".join(stored + flagged)
    rag_words = {"G": "Green", "R": "Red", "A": "Amber", "B": "Blue"}
    statuses = {"Compleated", "On-going", "Done"}
    missing = []
    for row in openpyxl.load_workbook(tracker)["Plan"].iter_rows():
        for cell in row:
            if cell.row == 3:
                continue  # the header row: the column names
            value = cell.value
            if value is None:
                continue
            if isinstance(value, dt.datetime):
                found = value.date().isoformat() in dates or value.strftime("%d/%m/%Y") in haystack
            elif isinstance(value, int):
                found = True  # recommendation numbers: each action is linked to its own (checked above)
            else:
                text = str(value)
                found = (text in haystack or rag_words.get(text) is not None or text in statuses
                         or all(part.strip() in haystack for part in text.split(";")))
            if not found:
                missing.append(f"{cell.coordinate} {value!r}")
    assert missing == []


def test_every_doubt_is_in_the_report_row_by_row(office, tracker, capsys):
    out = _imported(office, tracker, capsys)
    report = _report(office)
    kinds = {(line["Cell"], line["Kind"]) for line in report}
    expected = {
        ("H4", RAG_DISAGREES), ("H6", RAG_MISSING), ("H7", RAG_UNREAD), ("H10", RAG_UNREAD),
        ("G4", DATE_NOT_EXACT), ("G5", DATE_NOT_EXACT), ("G9", DATE_NOT_EXACT), ("K4", DATE_NOT_EXACT),
        ("G11", NOT_A_DATE), ("K10", NOT_A_DATE),
        ("E6", AGENCY_NEW), ("E9", AGENCY_NEW), ("E11", AGENCY_SIMILAR),
        ("I6", WORD_UNKNOWN), ("L4", KEPT_AS_TEXT), ("M4", KEPT_AS_TEXT), ("E7", KEPT_AS_TEXT),
        ("row 1", ROW_SKIPPED), ("row 2", ROW_SKIPPED), ("row 8", ROW_SKIPPED), ("row 13", ROW_SKIPPED),
        ("row 14", ROW_SKIPPED)}
    from app.excel.import_doubts import KINDS
    assert {(cell, KINDS[kind]) for cell, kind in expected} <= kinds
    legend = next(line for line in report if line["Cell"] == "row 14")
    assert legend["As written"].startswith("Key:; R = off track")
    # On the command line: counted by kind, the first few of each, and where the report is.
    assert "Doubts (" in out and f"{KINDS[DATE_NOT_EXACT]}: " in out
    assert "each kept in the import report: " in out


def test_yes_refuses_while_a_word_could_mean_two_things(office, tracker, capsys):
    agencies = [option for spelling, target in MESSY_AGENCIES.items() for option in ("--agency", f"{spelling}={target}")]
    assert main(["import", str(tracker), "--db", str(office), "--yes", *agencies]) == 1
    captured = capsys.readouterr()
    assert "'SAR' (Single Agency Review or Safeguarding Adults Review, A9)" in captured.err
    assert '--word "SAR=Safeguarding Adults Review"' in captured.err and "Nothing was written" in captured.err
    assert _actions(office) == {}
    assert not list(office.parent.glob("tracker import *.csv"))


def test_an_agency_spelling_not_in_the_file_is_refused(office, tracker, capsys):
    assert main(["import", str(tracker), "--db", str(office), "--agency", "NHSE=NHS England"]) == 1
    assert "'NHSE' is not an agency spelling in Northshire plan.xlsx" in capsys.readouterr().err
