"""The registers: what each table holds, joined values, and archived records left out."""

from __future__ import annotations

import datetime as dt

import pytest

from app.queries.action_plan import OVERDUE, ActionRow, recommendation_numbers_text
from app.queries.referrals import ReferralRow
from app.defaults import WORDS
from app.registers import (
    FILTER_KINDS,
    ID_INDEX,
    REGISTERS,
    fetch_actions,
)
from app.services import learning, referrals
from db import models
from db.models import Action, Agency, ListItem, Referral, Theme
from tests.ui.conftest import add_case_records

pytestmark = pytest.mark.both_engines

# A new database holds the usual words offices write for review types, statuses, RAG...
USUAL_WORDS = sum(len(words) for words in WORDS.values())


@pytest.fixture
def office(database):
    with database.sessions.begin() as session:
        add_case_records(session)
    return database


def rows_of(database, key: str) -> list[dict]:
    """Register ``key``'s rows as {column key: value}, for readable assertions."""
    register = REGISTERS[key]
    with database.sessions() as session:
        rows = register.fetch(session)
    return [dict(zip((c.key for c in register.columns), row[1:1 + len(register.columns)], strict=True))
            for row in rows]


def archive(database, model, **where) -> None:
    with database.sessions.begin() as session:
        record = session.query(model).filter_by(**where).one()
        record.archived_at = dt.datetime(2024, 8, 1)


@pytest.mark.parametrize("key", list(REGISTERS))
def test_every_row_has_one_value_per_column(office, key):
    register = REGISTERS[key]
    with office.sessions() as session:
        rows = register.fetch(session)
    assert rows, f"{register.title} is empty"
    if key == "referrals":  # the read model's values first, then the next deadline's
        own = len(register.columns) - 3
        assert ReferralRow._fields[1:1 + own] == tuple(column.key for column in register.columns[:own])
    if key == "actions":  # read model rows: the register's values first, then more facts
        assert all(type(row) is ActionRow for row in rows)
        assert ActionRow._fields[1:1 + len(register.columns)] == tuple(column.key for column in register.columns)
    else:
        assert all(type(row) is tuple and len(row) == 1 + len(register.columns) for row in rows)


# The record each register's rows are ids of.
RECORD_MODELS = {
    "referrals": models.Referral, "decisions": models.Decision, "reviews": models.Review,
    "recommendations": models.Recommendation, "actions": models.Action,
    "progress_updates": models.ProgressUpdate, "meetings": models.Meeting,
    "learning": models.LearningEvent, "agencies": models.Agency, "themes": models.Theme,
    "lists": models.ListItem, "clocks": models.ClockRule,
}


@pytest.mark.parametrize("key", [key for key in REGISTERS if key != "case_clocks"])
def test_every_row_starts_with_its_records_id(office, key):
    register = REGISTERS[key]
    with office.sessions() as session:
        rows = register.fetch(session)
        records = {record.id: record for record in session.query(RECORD_MODELS[key])}
        first_key = register.columns[0].key
        for row in rows:
            record = records[row[ID_INDEX]]
            # The first column shows something of that record (its name, reference or date).
            shown = row[register.value_index(first_key)]
            if key in ("referrals", "reviews", "actions"):
                assert shown == record.reference
            elif key in ("agencies", "themes", "clocks"):
                assert shown == record.name
    assert len({row[ID_INDEX] for row in rows}) == len(rows)


def test_filter_metadata_names_the_filters_the_office_uses():
    actions = REGISTERS["actions"]
    kinds = {column.key: column.filter for column in actions.filter_columns}
    assert kinds == {"lead_agency": "choice", "target": "date", "status": "choice",
                     "rag": "choice", "overdue": "flag", "recommendations": "review",
                     "theme": "choice", "days_left": "flag"}
    assert actions.columns[actions.column_index("days_left")].filter_title == "Open only"
    assert actions.columns[actions.column_index("overdue")].filter_title == "Overdue only"
    for register in REGISTERS.values():
        assert all(column.filter in FILTER_KINDS for column in register.filter_columns)
        # At most one date range per register: its main date.
        assert sum(column.filter == "date" for column in register.columns) <= 1


def test_row_counts(office):
    counts = {key: len(rows_of(office, key)) for key in REGISTERS}
    assert counts == {
        "referrals": 1, "decisions": 2, "reviews": 1, "recommendations": 2, "actions": 3,
        "progress_updates": 1, "meetings": 1, "learning": 1, "agencies": 13, "themes": 13,
        "lists": 64 + USUAL_WORDS, "clocks": 6, "case_clocks": 3,
    }


def test_referral_shows_agency_category_and_latest_decision(office):
    [referral] = rows_of(office, "referrals")
    assert referral["reference"] == "Ref053"
    assert referral["date_referred"] == dt.date(2024, 3, 4)
    assert referral["referring_agency"] == "Police"
    assert referral["category"] == "Neglect"
    assert referral["latest_decision"] == "Serious Case Review"


def test_decisions_newest_first_with_meeting(office):
    later, earlier = rows_of(office, "decisions")
    assert (later["outcome"], later["criteria_met"], later["meeting"]) == (
        "Serious Case Review", True, dt.date(2024, 4, 17))
    assert (earlier["outcome"], earlier["meeting"]) == ("Deferred for more information", None)


def test_review_lists_the_referrals_it_covers(office):
    [review] = rows_of(office, "reviews")
    assert review["reference"] == "SCR-01"
    assert review["review_type"] == "Serious Case Review"
    assert review["status"] == "Underway"
    assert review["referrals"] == "Ref053"


def test_recommendations_count_their_actions(office):
    r3, r4 = rows_of(office, "recommendations")
    assert (r3["review"], r3["number"], r3["theme"], r3["actions"]) == ("SCR-01", 3, "Neglect", 2)
    assert (r4["number"], r4["actions"]) == (4, 1)


def test_actions_show_recommendations_agency_and_overdue(office):
    a1, a2, a3 = rows_of(office, "actions")
    assert (a1["reference"], a1["recommendations"], a1["lead_agency"], a1["status"]) == (
        "A1", "SCR-01 R3", "Children's Services", "In progress")
    assert a1["overdue"] == OVERDUE
    assert (a2["recommendations"], a2["overdue"]) == ("SCR-01 R3, R4", "")
    # Complete and past its target: not overdue.
    assert (a3["recommendations"], a3["lead_agency"], a3["overdue"]) == ("", None, "")
    # Read straight from the driver, the dates are still dates (they sort and filter as dates).
    assert (a1["target"], a3["completed_on"]) == (dt.date(2000, 1, 31), dt.date(1999, 12, 20))
    assert type(a1["target"]) is dt.date and a1["signed_off_on"] is None


def test_overdue_depends_on_the_day(office):
    with office.sessions() as session:
        rows = fetch_actions(session, today=dt.date(2000, 1, 31))
    overdue = REGISTERS["actions"].column_index("overdue")
    assert [row[overdue + 1] for row in rows] == ["", "", ""]


def test_recommendation_numbers_group_by_review():
    labels = [("SCR-02", 1), ("SCR-01", 4), ("SCR-01", 3)]
    assert recommendation_numbers_text(labels) == "SCR-01 R3, R4; SCR-02 R1"


def test_reference_registers_read_as_words(office):
    agencies = {row["name"]: row for row in rows_of(office, "agencies")}
    assert agencies["Children's Services"]["open_actions"] == 1
    assert "Childrens Services" in agencies["Children's Services"]["aliases"]
    themes = {row["name"]: row for row in rows_of(office, "themes")}
    assert (themes["Neglect"]["recommendations"], themes["Neglect"]["actions"]) == (2, 2)
    lists = rows_of(office, "lists")
    assert {"list": "Action statuses", "name": "Complete", "code": "complete", "is_open": False,
            "clock": None, "commissions": None} in lists
    scr_type = next(r for r in lists if r["list"] == "Review types" and r["code"] == "scr")
    assert scr_type["clock"] == "Serious case review completed"
    notification = rows_of(office, "clocks")[0]
    assert notification["allowed"] == "5 working days"
    assert notification["start_event"] == "Partners became aware of the incident"


def test_archived_records_are_left_out(office):
    archive(office, Action, reference="A1")
    archive(office, Referral, reference="Ref053")
    archive(office, Agency, name="Housing")
    archive(office, Theme, name="Diversity")
    archive(office, ListItem, kind="action_status", code="closed")

    assert [row["reference"] for row in rows_of(office, "actions")] == ["A2", "A3"]
    assert [row["actions"] for row in rows_of(office, "recommendations")] == [1, 1]
    # The update belongs to the archived action, the decisions to the archived referral.
    assert rows_of(office, "progress_updates") == []
    assert rows_of(office, "referrals") == []
    assert rows_of(office, "decisions") == []
    assert rows_of(office, "reviews")[0]["referrals"] == ""
    assert rows_of(office, "meetings")[0]["referrals"] == 0
    assert "Housing" not in {row["name"] for row in rows_of(office, "agencies")}
    assert "Diversity" not in {row["name"] for row in rows_of(office, "themes")}
    assert len(rows_of(office, "lists")) == 63 + USUAL_WORDS


def test_referrals_show_their_next_deadline_counted_from_the_referral_date(office):
    # Ref053 was referred on Mon 4 March 2024 and nobody recorded when the partners learnt of
    # it: the five-working-day notification ran from the referral date, due Mon 11 March.
    [referral] = rows_of(office, "referrals")
    assert (referral["next_deadline"], referral["deadline"]) == (
        dt.date(2024, 3, 11), "Serious incident notification to Ofsted / National Panel")
    assert referral["days_left"] == (dt.date(2024, 3, 11) - dt.date.today()).days < 0


def test_reviews_show_days_left_and_blank_once_closed(office):
    [review] = rows_of(office, "reviews")
    # Initiated 1 May 2024: six months, due 1 November 2024.
    assert (review["target_on"], review["against_target"]) == (dt.date(2024, 11, 1), "Overdue")
    assert review["days_left"] == (dt.date(2024, 11, 1) - dt.date.today()).days
    with office.sessions.begin() as session:
        record = session.query(models.Review).one()
        record.status = session.query(ListItem).filter_by(kind="review_status", code="published").one()
        record.published_on = record.completed_on = dt.date(2024, 12, 1)
    assert rows_of(office, "reviews")[0]["days_left"] is None


def test_actions_show_days_left_while_open_and_when_last_chased(office):
    with office.sessions.begin() as session:
        a1 = session.query(Action).filter_by(reference="A1").one()
        session.add_all([models.Chase(action=a1, chased_on=dt.date(2024, 6, 1), to_whom="Children's Services"),
                         models.Chase(action=a1, chased_on=dt.date(2024, 7, 1), to_whom="Children's Services")])
    a1, a2, a3 = rows_of(office, "actions")
    assert a1["days_left"] == (dt.date(2000, 1, 31) - dt.date.today()).days
    assert a2["days_left"] == (dt.date(2099, 12, 31) - dt.date.today()).days
    assert a3["days_left"] is None  # complete
    assert (a1["last_chased"], a2["last_chased"]) == (dt.date(2024, 7, 1), None)
    with office.sessions() as session:  # as the plan stood before the second chase
        rows = fetch_actions(session, today=dt.date(2024, 6, 15))
    last_chased = REGISTERS["actions"].value_index("last_chased")
    assert [row[last_chased] for row in rows if row.reference == "A1"] == [dt.date(2024, 6, 1)]


def test_the_clocks_page_lists_the_running_clocks_of_every_case_soonest_first(office):
    from app.registers import clock_of_row

    rows = rows_of(office, "case_clocks")
    assert [(r["case"], r["clock"], r["state"], r["due_on"]) for r in rows] == [
        ("Ref053", "Serious incident notification to Ofsted / National Panel", "Overdue", dt.date(2024, 3, 11)),
        ("Ref053", "Rapid review sent to the National Panel", "Overdue", dt.date(2024, 3, 25)),
        ("SCR-01", "Serious case review completed", "Overdue", dt.date(2024, 11, 1)),
    ]
    notification = rows[0]
    assert notification["started_from"] == (
        "Case referred to the sub group (its own start date is not recorded)")
    assert (notification["record"], notification["due_this_week"]) == ("Referral", None)
    assert notification["when"] == f"{(dt.date.today() - dt.date(2024, 3, 11)).days} days overdue"
    with office.sessions() as session:
        ids = [row[0] for row in REGISTERS["case_clocks"].fetch(session)]
        referral_id = session.query(Referral).one().id
        review_id = session.query(models.Review).one().id
    assert [clock_of_row(i)[1:] for i in ids] == [("referral", referral_id), ("referral", referral_id),
                                                   ("review", review_id)]


def test_undated_referrals_and_learning_events_come_last_in_the_newest_first_registers(database):
    with database.sessions.begin() as session:
        for reference, day in (("Ref-2023", dt.date(2023, 5, 1)), ("Ref-undated", None),
                               ("Ref-2024", dt.date(2024, 5, 1))):
            referrals.create_referral(session, reference=reference, date_referred=day)
            learning.create_learning_event(session, title=f"Briefing {reference[4:]}", event_type="7-minute briefing",
                                           held_on=day)
    assert [row["reference"] for row in rows_of(database, "referrals")] == ["Ref-2024", "Ref-2023", "Ref-undated"]
    assert [row["title"] for row in rows_of(database, "learning")] == [
        "Briefing 2024", "Briefing 2023", "Briefing undated"]
