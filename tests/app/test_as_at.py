"""As at means as at: a paper or export for a past date shows what was true on that date,
on a database whose history moved on afterwards. Everything goes through ``main.py``."""

from __future__ import annotations

import csv
import datetime as dt
import re

import openpyxl
import pytest

from app import lookups
from app.cli import main
from app.dates import format_date
from app.queries.action_plan import read_action_plan
from db.models import (
    Action,
    Decision,
    ListKind,
    ProgressUpdate,
    Recommendation,
    Referral,
    Review,
    TargetRevision,
)
from tests.app.reports.conftest import pdf_text
from tests.engines import db_arg

pytestmark = pytest.mark.both_engines

D = dt.date
END_2016_17 = D(2017, 3, 31)


@pytest.fixture
def office(database):
    """A review completed in February 2017 and published a year later, its plan worked through
    in 2017 and 2018, and a referral whose decision changed in July 2017."""
    with database.sessions.begin() as s:
        item = lambda kind, name: lookups.list_item(s, kind, name)  # noqa: E731
        police = lookups.agency(s, "Police")
        referral = Referral(reference="Ref100", subject="Child Q", date_referred=D(2016, 3, 20),
                            date_aware=D(2016, 3, 18))
        referral.decisions = [
            Decision(decided_on=D(2016, 4, 1), outcome=item(ListKind.DECISION_OUTCOME, "deferred_criminal")),
            Decision(decided_on=D(2017, 7, 1), outcome=item(ListKind.DECISION_OUTCOME, "scr")),
        ]
        review = Review(reference="SCR-Q", title="Child Q", review_type=item(ListKind.REVIEW_TYPE, "scr"),
                        status=item(ListKind.REVIEW_STATUS, "Published"), decision_on=D(2016, 4, 20),
                        initiated_on=D(2016, 6, 1), completed_on=D(2017, 2, 1), published_on=D(2018, 3, 1),
                        status_note="Published on the partnership website in March 2018.",
                        referrals=[referral])
        rec = Recommendation(review=review, number=1, text="Police should review strategy discussions.")
        a1 = Action(reference="Q-1", description="Audit strategy discussions", lead_agency=police,
                    added_on=D(2017, 2, 15), original_target_on=D(2017, 3, 1), target_on=D(2017, 9, 1),
                    status=item(ListKind.ACTION_STATUS, "complete"), rag="Blue",
                    closure_reason=item(ListKind.CLOSURE_REASON, "implemented"), completed_on=D(2017, 10, 1),
                    evidence_of_completion="Audit report to the sub group", recommendations=[rec])
        a1.target_revisions = [TargetRevision(old_target_on=D(2017, 3, 1), new_target_on=D(2017, 9, 1),
                                              revised_on=D(2017, 5, 1), reason="Audit team on leave")]
        a1.updates = [ProgressUpdate(update_on=D(2017, 2, 20), text="Sample chosen.", rag="Amber"),
                      ProgressUpdate(update_on=D(2017, 6, 1), text="Audit half done.", rag="Green")]
        a2 = Action(reference="Q-2", description="Train call handlers", lead_agency=police,
                    added_on=D(2017, 6, 1), target_on=D(2017, 12, 1),
                    status=item(ListKind.ACTION_STATUS, "in_progress"), recommendations=[rec])
        a3 = Action(reference="Q-3", description="Old protocol rewrite", lead_agency=police,
                    target_on=D(2017, 12, 31), status=item(ListKind.ACTION_STATUS, "closed"),
                    closure_reason=item(ListKind.CLOSURE_REASON, "superseded"), completed_on=D(2018, 1, 10),
                    recommendations=[rec])
        s.add_all([referral, review, rec, a1, a2, a3])
    return database


def test_the_plan_then_is_rebuilt_from_the_history(office):
    with office.readers() as s:
        then = {row.reference: row for row in read_action_plan(s, END_2016_17).rows}
        now = {row.reference: row for row in read_action_plan(s).rows}
    assert set(then) == {"Q-1", "Q-3"}  # Q-2 was added in June 2017
    q1 = then["Q-1"]
    assert (q1.status, q1.state, q1.rag, q1.target_on) == ("In progress", "overdue", "Amber", D(2017, 3, 1))
    assert (q1.latest_update, q1.completed_on, q1.evidence_of_completion) == ("Sample chosen.", None, None)
    assert not q1.as_recorded
    # Q-3 has no day it was added and nothing dated before the date: shown, and marked so.
    assert then["Q-3"].as_recorded and then["Q-3"].status == "Not started"
    assert (now["Q-1"].status, now["Q-1"].rag) == ("Completed", "Blue")
    assert now["Q-3"].status == "Closed \u2013 superseded" and now["Q-3"].rag is None


def test_the_annual_report_for_2016_17_does_not_know_of_the_2018_publication(office, tmp_path):
    out = tmp_path / "annual.pdf"
    assert main(["report", "annual", "--db", db_arg(office), "--from", "01/04/2016", "--to", "31/03/2017",
                 "--out", str(out)]) == 0
    text = pdf_text(out)
    assert "Published" not in text and "2018" not in text and "March 2018" not in text
    assert "Completed 01/02/2017" in text
    # The SCR's six months ran from 1 June 2016: finished on 1 February 2017, 62 days late.
    assert re.search(r"SCR-Q Serious Case Review 01/06/2016 01/12/2016 01/02/2017 62 days late", text)
    # Referrals considered in the year: under the decision then in force, not July 2017's.
    assert "Deferred pending criminal proceedings 1" in text
    assert "Serious Case Review 1" not in text


def test_a_2017_briefing_shows_the_reviews_status_then(office, tmp_path):
    out = tmp_path / "briefing.pdf"
    assert main(["report", "briefing", "--db", db_arg(office), "--meeting", "31/03/2017",
                 "--out", str(out)]) == 0
    text = pdf_text(out)
    assert "Completed" in text and "Published" not in text
    assert "March 2018" not in text  # today's status note speaks of later events
    assert re.search(r"Q-1 Audit strategy discussions SCR-Q R1 .*01/03/2017 30", text)  # overdue then


def test_the_plan_paper_workbook_and_csv_for_a_past_date(office, tmp_path):
    pdf, xlsx, csv_path = tmp_path / "plan.pdf", tmp_path / "plan.xlsx", tmp_path / "plan.csv"
    for out in (pdf, xlsx, csv_path):
        kind = ["report", "action-plan"] if out.suffix == ".pdf" else ["export", "action-plan"]
        assert main([*kind, "--db", db_arg(office), "--as-at", "31/03/2017", "--out", str(out)]) == 0
    text = pdf_text(pdf)
    assert "As at 31/03/2017" in text and "Q-2" not in text
    assert re.search(r"Q-1 SCR-Q R1 Audit strategy discussions .* In progress OVERDUE by 30 days", text)
    assert "Q-3 \u2020" in text and "Shown as recorded today" in text
    sheet = openpyxl.load_workbook(xlsx)["Action plan"]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=4, values_only=True) if row[0]}
    assert set(rows) == {"Q-1", "Q-3"}
    assert "In progress" in rows["Q-1"] and "Amber" in rows["Q-1"]
    with csv_path.open(encoding="utf-8-sig", newline="") as file:
        lines = {row["Ref"]: row for row in csv.DictReader(file)}
    assert set(lines) == {"Q-1", "Q-3"}
    assert (lines["Q-1"]["Status"], lines["Q-1"]["Target date"], lines["Q-1"]["Overdue"]) == (
        "In progress", "2017-03-01", "Yes")


def test_a_period_that_ends_after_today_is_counted_to_today_and_says_so(office, tmp_path):
    today = dt.date.today()
    out = tmp_path / "annual.pdf"
    end = today + dt.timedelta(days=200)
    assert main(["report", "annual", "--db", db_arg(office), "--from", "01/04/2016",
                 "--to", end.isoformat(), "--out", str(out)]) == 0
    text = pdf_text(out)
    assert f"everything is counted up to today, {format_date(today)}" in text


def test_an_action_added_today_was_not_on_yesterdays_plan(office):
    from app.services import actions

    with office.sessions.begin() as s:
        rec_id = s.query(Recommendation).one().id
        added = actions.create_action(s, description="Brief the new call handlers", recommendation_ids=[rec_id])
        assert added.added_on == dt.date.today()
    with office.readers() as s:
        yesterday = {row.reference for row in read_action_plan(s, dt.date.today() - dt.timedelta(days=1)).rows}
        today = {row.reference for row in read_action_plan(s).rows}
    assert f"A{added.id}" in today and f"A{added.id}" not in yesterday
