"""Importing a hand-kept referral register."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from app.excel.legacy import apply_import, detect_kind, plan_import
from db.models import Decision, Referral
from tests.app.excel.legacy_fixtures import (EXPECTED_REGISTER, RTL_SUMMARY, SQUEEZED_HISTORY,
                                             build_referral_register)

pytestmark = pytest.mark.both_engines


@pytest.fixture
def register(tmp_path):
    return build_referral_register(tmp_path / "Referral register.xlsx")


def _referral(session, reference) -> Referral:
    return session.scalar(select(Referral).where(Referral.reference == reference))


def _decisions(referral):
    return [(d.decided_on, d.outcome.name) for d in referral.decisions]


def test_detects_a_referral_register(register):
    assert detect_kind(register) == "referral-register"


def test_dry_run_counts_and_warnings(session, register):
    plan = plan_import(session, register)  # kind detected from the headers
    assert plan.kind == "referral-register"
    assert plan.counts()["referrals"] == (9, 0)
    assert plan.counts()["decisions"] == (10, 0)
    warnings = {w.cell: w.message for w in plan.warnings}
    assert "'31/02/2017' is not a date: February has 28 days in 2017" in warnings["I7"]
    assert "has no date; it is dated 30/09/2016, the date referred" in warnings["H7"]
    assert "no Ref; it is imported as '(no Ref) row 14'" in warnings["A14"]
    assert "'Panel to discuss' is not a decision" in warnings["H16"]
    assert "'Polise' is not on the agency list" in warnings["C7"]
    assert "30/06/2017" in warnings["I13"]
    assert "looks like a legend" in warnings["row 15"]  # skipped, and listed
    assert "this row repeats row 12; it is imported once" in warnings["row 17"]
    assert session.scalar(select(func.count()).select_from(Referral)) == 0


def test_apply_creates_referrals_with_their_decision_history(database, register):
    with database.sessions.begin() as s:
        summary = apply_import(s, plan_import(s, register, "referral-register"))
    assert "9 referrals" in summary and "10 decisions" in summary

    with database.sessions.begin() as s:
        assert s.scalar(select(func.count()).select_from(Referral)) == EXPECTED_REGISTER["referrals"]
        assert s.scalar(select(func.count()).select_from(Decision)) == EXPECTED_REGISTER["decisions"]

        ref053 = _referral(s, "Ref053")
        assert (ref053.date_referred, ref053.referring_agency.name, ref053.location,
                ref053.gender, ref053.age_text) == (
            dt.date(2017, 1, 5), "Police", "Northampton", "Male", "12 yrs")
        assert _decisions(ref053) == [(dt.date(2017, 2, 5), "Serious Case Review")]
        assert ref053.notes == "Status: SCR agreed and initiated"

        ref057 = _referral(s, "Ref057")
        assert ref057.date_referred == dt.date(2017, 3, 2)  # "02.03.17", day first
        assert ref057.gender == "Male"
        assert ref057.referring_agency.name == "Children's Services"

        # listed twice as the decision changed: one referral, two decisions in date order
        ref021 = _referral(s, "Ref021")
        assert _decisions(ref021) == [(dt.date(2015, 3, 10), "No further action"),
                                      (dt.date(2015, 7, 15), "Serious Case Review")]
        assert ref021.decisions[0].criteria_met is False
        assert ref021.decisions[0].rationale == "Criteria not met - NFA"

        # a decision history squeezed into one cell
        ref044 = _referral(s, "Ref044")
        assert _decisions(ref044) == [(dt.date(2016, 5, 12), "Deferred pending post-mortem"),
                                      (dt.date(2016, 7, 14), "Case Mapping Exercise")]
        assert all(d.rationale in SQUEEZED_HISTORY for d in ref044.decisions)

        ref050 = _referral(s, "Ref 050")
        assert ref050.date_referred == dt.date(2016, 9, 30)
        assert "Date referred (as written): Sept 2016" in ref050.notes  # not exact: kept as written
        assert (ref050.referring_agency.name, ref050.referring_agency.sector) == ("Polise", "From import, check")
        assert "Date of decision (as written): 31/02/2017" in ref050.notes

        # a row with no Ref is kept, under a reference of its own
        no_ref = _referral(s, "(no Ref) row 14")
        assert (no_ref.summary, no_ref.referring_agency.name) == ("Referral withdrawn", "Police")

        ref054 = _referral(s, "Ref054")
        assert ref054.summary == RTL_SUMMARY
        assert _decisions(ref054) == [(dt.date(2017, 6, 30), "Single Agency Review")]

        ref056 = _referral(s, "Ref056")
        assert ref056.summary == "=non-accidental injury (suspected)"
        assert ref056.location == "-Rushden"
        assert _decisions(ref056) == [(dt.date(2017, 4, 27), "Deferred for more information")]
        assert "Decision (as written): Panel to discuss" in ref056.notes


def test_importing_the_register_twice_adds_nothing(database, register):
    with database.sessions.begin() as s:
        apply_import(s, plan_import(s, register, "referral-register"))
    with database.sessions.begin() as s:
        plan = plan_import(s, register, "referral-register")
        assert plan.counts()["referrals"] == (0, 9)
        assert plan.counts()["decisions"] == (0, 10)
        assert "Created: nothing." in apply_import(s, plan)
    with database.sessions.begin() as s:
        assert s.scalar(select(func.count()).select_from(Decision)) == EXPECTED_REGISTER["decisions"]


def test_a_new_decision_in_a_later_register_is_added(database, register, tmp_path):
    with database.sessions.begin() as s:
        apply_import(s, plan_import(s, register, "referral-register"))
    import openpyxl
    wb = openpyxl.load_workbook(register)
    ws = wb.active
    ws.append(["Ref 053", None, None, None, None, None, None, "LCSPR", "01/09/2017", None])
    later = tmp_path / "Referral register Sept.xlsx"
    wb.save(later)
    with database.sessions.begin() as s:
        plan = plan_import(s, later, "referral-register")
        assert plan.counts()["decisions"] == (1, 10)
        apply_import(s, plan)
    with database.sessions.begin() as s:
        assert _decisions(_referral(s, "Ref053"))[-1] == (
            dt.date(2017, 9, 1), "Local Child Safeguarding Practice Review")
        assert s.scalar(select(func.count()).select_from(Referral)) == EXPECTED_REGISTER["referrals"]


def test_a_huge_cell_is_cut_to_its_field_with_a_warning(database, register):
    import openpyxl
    wb = openpyxl.load_workbook(register)
    wb.active["G13"] = "9 yrs " * 5334  # 32,004 characters where an age belongs
    wb.active["D13"] = "Long summary. " * 2286  # 32,004 characters of summary: all kept
    wb.save(register)
    with database.sessions.begin() as s:
        plan = plan_import(s, register, "referral-register")
        warnings = {w.cell: w.message for w in plan.warnings}
        assert warnings["G13"] == ("the age is 32,003 characters long; the first 40 are in the field and the "
                                   "whole of it is kept beside the record.")
        apply_import(s, plan)
    with database.sessions.begin() as s:
        ref054 = _referral(s, "Ref054")
        assert ref054.age_text == ("9 yrs " * 7)[:40]
        assert f"Age (as written): {('9 yrs ' * 5334).strip()}" in ref054.notes
        assert ref054.summary == ("Long summary. " * 2286).strip()


def test_a_decision_the_services_would_refuse_is_kept_in_the_notes(database, tmp_path):
    import openpyxl

    from tests.app.excel.legacy_fixtures import REGISTER_HEADERS
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(REGISTER_HEADERS)
    ws.append(["Ref090", "10/03/2016", "Police", "Neglect", None, None, None,
               "Case mapping exercise", "01/02/2016", None])  # decided before it was referred
    ws.append(["Ref091", "10/03/2016", "Police", "Neglect", None, None, None,
               "Serious case review", "01/02/2099", None])  # decided in the future
    path = tmp_path / "register.xlsx"
    wb.save(path)
    with database.sessions.begin() as s:
        plan = plan_import(s, path, "referral-register")
        warnings = {w.cell: w.message for w in plan.warnings}
        assert plan.counts()["decisions"] == (0, 0)
        assert ("the decision 'Case mapping exercise' (dated 01/02/2016) cannot be before the "
                "referral was made (10/03/2016); it is kept in the referral's notes.") == warnings["H2"]
        assert "(dated 01/02/2099) cannot be in the future" in warnings["H3"]
        apply_import(s, plan)
    with database.sessions() as s:
        referral = _referral(s, "Ref090")
        assert referral.decisions == []
        assert "Decision (as written): Case mapping exercise" in referral.notes
