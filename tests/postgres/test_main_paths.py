"""The program's main paths on a PostgreSQL database: a save through the services with its
audit entry, the action plan as every view reads it, an export through main.py, and a save
over someone else's newer change refused, as on SQLite."""

from __future__ import annotations

import csv
import datetime as dt
import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from app.cli import main
from app.database import open_database
from app.db_errors import plain_database_errors
from app.errors import UserError
from app.queries.action_plan import PlanFilter, read_action_plan
from app.services import actions, recommendations, referrals, reviews
from db.models import Action, AuditEntry
from tests.postgres import databases as server

D = dt.date


@pytest.fixture
def plan(pg_database):
    """A referral with a review, a recommendation and an action, saved through the services."""
    with pg_database.sessions.begin() as s:
        s.info["audit_user"] = "officer.one"
        referrals.create_referral(s, reference="Ref021", summary="Significant non-accidental injury",
                                  referring_agency="Childrens  Services", category="Non-accidental injury")
        review = reviews.create_review(s, reference="SCR-021", title="Ref021", review_type="Serious Case Review",
                                       referrals=["Ref021"], initiated_on=D(2015, 3, 1))
        rec = recommendations.add_recommendation(s, review.id, text="Review the bruising protocol.",
                                                 theme="Health issues")
        action = actions.create_action(s, description="Relaunch the bruising protocol", recommendation_ids=[rec.id],
                                       lead_agency="CCG", lead_officer="Designated Nurse",
                                       target_on=D(2017, 3, 31), added_on=D(2016, 10, 3))
    return pg_database, action.id


def test_a_save_through_the_services_is_in_the_audit_trail_with_who_made_it(plan):
    db, action_id = plan
    with db.sessions.begin() as s:
        s.info["audit_user"] = "officer.two"
        actions.update_action(s, action_id, lead_officer="Named Nurse")
    with db.readers() as s:
        assert s.get(Action, action_id).lead_officer == "Named Nurse"
        entries = s.execute(select(AuditEntry.user, AuditEntry.operation, AuditEntry.old_value, AuditEntry.new_value)
                            .where(AuditEntry.table_name == "action", AuditEntry.record_id == str(action_id),
                                   AuditEntry.field == "lead_officer")
                            .order_by(AuditEntry.id)).all()
    assert entries == [("officer.one", "create", None, "Designated Nurse"),
                       ("officer.two", "update", "Designated Nurse", "Named Nurse")]


def test_the_action_plan_reads_overdue_as_at_any_date(plan):
    db, action_id = plan
    with db.readers() as s:
        assert read_action_plan(s, D(2017, 3, 31), PlanFilter(overdue_only=True)).rows == []
        rows = read_action_plan(s, D(2017, 4, 3), PlanFilter(overdue_only=True)).rows
    assert [(r.id, r.lead_agency, r.target_on) for r in rows] == [
        (action_id, "Clinical Commissioning Group", D(2017, 3, 31))]


def test_the_plan_exports_through_main_py_from_the_server(plan, pg_url, tmp_path):
    out = tmp_path / "plan.csv"
    assert main(["export", "action-plan", "--db", server.address(pg_url), "--out", str(out)]) == 0
    with out.open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.DictReader(file))
    assert [(r["Action"], r["Lead officer"], r["Target date"], r["Recommendations"]) for r in rows] == [
        ("Relaunch the bruising protocol", "Designated Nurse", "2017-03-31", "SCR-021 R1")]


def test_a_save_over_someone_elses_newer_change_is_refused(plan):
    db, action_id = plan
    mine = db.sessions()
    try:
        loaded = mine.get(Action, action_id)  # the form is open on version 1
        with db.sessions.begin() as theirs:
            actions.update_action(theirs, action_id, lead_officer="Their change")
        loaded.lead_officer = "My change"
        with pytest.raises(UserError, match="Someone else changed this record"):
            with plain_database_errors():
                mine.commit()
    finally:
        mine.close()
    with db.readers() as s:
        kept = s.get(Action, action_id)
        assert (kept.lead_officer, kept.version) == ("Their change", 2)


def test_a_stale_save_waits_for_the_other_and_is_then_refused(plan):
    """Two officers saving at the same moment: the server's row lock makes the second wait for
    the first, then sees the version has moved on."""
    db, action_id = plan
    first, second = db.sessions(), db.sessions()
    try:
        a, b = first.get(Action, action_id), second.get(Action, action_id)
        a.lead_officer, b.lead_officer = "First", "Second"
        first.flush()  # holds the row until it commits
        failure: list[BaseException] = []

        def save_second() -> None:
            try:
                second.commit()
            except BaseException as err:  # noqa: BLE001 - handed to the test's thread
                failure.append(err)
        waiting = threading.Thread(target=save_second)
        waiting.start()
        waiting.join(0.5)
        assert waiting.is_alive()  # blocked on the first one's row lock
        first.commit()
        waiting.join(10)
        assert len(failure) == 1 and isinstance(failure[0], StaleDataError)
    finally:
        first.close()
        second.close()
    with db.readers() as s:
        assert s.get(Action, action_id).lead_officer == "First"


def test_a_login_that_may_only_read_is_told_so_when_it_saves(plan, pg_url):
    server.login("crt_reader")
    server.run_as_superuser("GRANT SELECT ON ALL TABLES IN SCHEMA public TO crt_reader", database=pg_url.database)
    db = open_database(server.as_login(pg_url, "crt_reader"))
    try:
        with db.readers() as s:
            assert len(read_action_plan(s, D(2017, 4, 3)).rows) == 1  # reading is allowed
        with pytest.raises(UserError, match="Your login may read this database but not change it"):
            with plain_database_errors(), db.sessions.begin() as s:
                actions.update_action(s, plan[1], lead_officer="Not allowed")
    finally:
        db.close()
    with plan[0].readers() as s:
        assert s.get(Action, plan[1]).lead_officer == "Designated Nurse"


def test_a_connection_lost_in_the_middle_of_a_save_is_said_in_words(plan):
    db, action_id = plan
    with pytest.raises(UserError, match="connection to the database server was lost, so nothing was saved"):
        with plain_database_errors(), db.sessions.begin() as s:
            backend = s.scalar(select(func.pg_backend_pid()))
            server.run_as_superuser(f"SELECT pg_terminate_backend({backend})")
            actions.update_action(s, action_id, lead_officer="Lost on the way")
    with db.readers() as s:  # the next unit of work finds a new connection
        assert s.get(Action, action_id).lead_officer == "Designated Nurse"
