"""The demo office holds the five seed documents without loss, and a live office on top."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import pytest
from sqlalchemy import func, select

from app.database import open_database
from app.defaults import CLOSURE_REASONS, THEMES
from app.dates import add_working_days
from app.demo import read_demo_files, write_demo
from app.errors import UserError
from app.queries.action_plan import PlanFilter, read_action_plan
from db.models import (
    Action,
    AgencyResponse,
    AuditEntry,
    Decision,
    Dissemination,
    LearningEvent,
    ListItem,
    Meeting,
    PanelReport,
    ProgressUpdate,
    Recommendation,
    Referral,
    Review,
    TargetRevision,
)
from tests.engines import close_test_database, open_test_database

pytestmark = pytest.mark.both_engines

TODAY = dt.date(2025, 6, 4)
SEED_002_REVIEWS = ("SCR-2013-01", "SCR-2013-02", "SCR-2013-03")
SEED_002_THEMES = THEMES[:11]
# The dates at which the demo shows each seed's action plan as the seed left it: the last
# review of seed 002's plan, and seed 003's last progress entry. What follows is follow-up.
SEED_002_STATE_ON = dt.date(2014, 11, 18)
SEED_003_STATE_ON = dt.date(2018, 6, 12)
# A live office chases its overdue actions: none should be more than this overdue.
OVERDUE_AT_MOST = dt.timedelta(days=92)


@pytest.fixture()
def db(tmp_path, monkeypatch):
    monkeypatch.setenv("CRT_DATA_DIR", str(tmp_path / "data"))
    database = open_database(tmp_path / "x.sqlite")
    yield database
    database.close()


@pytest.fixture(scope="module")
def demo(db_engine, tmp_path_factory):
    """One demo database shared by the read-only tests of this module."""
    folder = tmp_path_factory.mktemp("demo")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CRT_DATA_DIR", str(folder / "data"))
        database = open_test_database(db_engine, folder)
        with database.sessions.begin() as s:
            summary = write_demo(s, TODAY)
        yield database, summary
    close_test_database(database)


def _review(s, reference: str) -> Review:
    return s.scalars(select(Review).where(Review.reference == reference)).one()


def _referral(s, reference: str) -> Referral:
    return s.scalars(select(Referral).where(Referral.reference == reference)).one()


def _open_actions(s) -> list[Action]:
    return list(s.scalars(select(Action).join(Action.status).where(ListItem.is_open.is_(True))))


def _actions(s, prefix: str) -> list[Action]:
    return list(s.scalars(select(Action).where(Action.reference.like(f"{prefix}%"))
                          .order_by(Action.id)))


def _was_to_be_taken(action: Action) -> bool:
    """An "action to be taken" in its seed: it had a target (actions taken had none)."""
    return action.original_target_on is not None or action.target_text is not None


def test_seed_002_has_three_reviews_with_29_recommendations_under_its_11_themes(demo):
    db, _ = demo
    with db.sessions() as s:
        recs = [r for ref in SEED_002_REVIEWS for r in _review(s, ref).recommendations]
        assert sorted(int(r.document_number) for r in recs) == list(range(1, 30))
        assert {r.theme.name for r in recs} == set(SEED_002_THEMES)
        per_review = Counter(r.review.title for r in recs)
        assert per_review == {"Child I and Child M": 10, "Family A": 16, "Child L": 3}
        # Numbered 1..n within each review; every one has an addressee and a response.
        for ref in SEED_002_REVIEWS:
            review = _review(s, ref)
            assert [r.number for r in review.recommendations] == list(
                range(1, len(review.recommendations) + 1))
            assert review.methodology.name.startswith("Traditional")
            assert review.lead_reviewers
        assert all(r.addressed_to and r.board_response and r.response_status.name == "Accepted"
                   for r in recs)
        doc25 = next(r for r in recs if r.document_number == "25")
        assert doc25.review.title == "Family A"
        assert doc25.theme.name == "Elective home education"
        assert doc25.text.count("\n- ") == 3  # its four sub-points kept as a list


def test_child_i_and_child_m_review_covers_both_referrals(demo):
    db, _ = demo
    with db.sessions() as s:
        review = _review(s, "SCR-2013-01")
        assert review.title == "Child I and Child M"
        assert {r.subject for r in review.referrals} == {"Child I", "Child M"}
        assert review.decision_on == dt.date(2013, 7, 16)


def test_decision_history_is_kept_in_date_order_nothing_overwritten(demo):
    db, _ = demo
    with db.sessions() as s:
        # Seed 002 gives Child I three decisions (deferred 19 Apr 2011, below-SCR review
        # 14 May 2013, SCR July 2013) and Child M two (deferred 11 Jan 2011, SCR July 2013):
        # four distinct decision dates for the one review.
        child_i = _referral(s, "SO-2011-02")
        history = [(d.decided_on, d.outcome.code) for d in child_i.decisions]
        assert history == [
            (dt.date(2011, 4, 19), "deferred_criminal"),
            (dt.date(2013, 5, 14), "multi_agency"),
            (dt.date(2013, 7, 16), "scr"),
        ]
        first = child_i.decisions[0]
        assert first.criteria_met is True and "finding of fact" in first.rationale
        child_m = _referral(s, "SO-2011-01")
        assert [(d.decided_on, d.outcome.code) for d in child_m.decisions] == [
            (dt.date(2011, 1, 11), "deferred_pm"), (dt.date(2013, 7, 16), "scr")]
        review_dates = {d.decided_on for r in _review(s, "SCR-2013-01").referrals
                        for d in r.decisions}
        assert len(review_dates) == 4

        child_l = _referral(s, "SO-2013-02")
        assert [(d.decided_on, d.outcome.code, d.criteria_met) for d in child_l.decisions] == [
            (dt.date(2013, 1, 15), "more_info", None),
            (dt.date(2013, 4, 16), "multi_agency", False),
            (dt.date(2013, 7, 16), "scr", True),
        ]
        family_a = _referral(s, "SO-2013-01")
        assert [(d.decided_on, d.outcome.code) for d in family_a.decisions] == [
            (dt.date(2013, 1, 15), "scr")]


def test_seed_002_actions_taken_and_to_be_taken_as_the_seed_left_them(demo):
    db, _ = demo
    with db.sessions() as s:
        actions = _actions(s, "SO14-")
        taken = [a for a in actions if not _was_to_be_taken(a)]
        to_be_taken = [a for a in actions if _was_to_be_taken(a)]
        assert (len(taken), len(to_be_taken)) == (25, 37)
        assert all(a.status.code == "complete" and a.completed_on <= SEED_002_STATE_ON
                   and a.evidence_of_completion and a.rag == "Blue" for a in taken)
        assert any(a.evidence_of_impact for a in taken)
        # The seed's own sign-off meeting is kept; the older evidenced actions it left
        # unsigned were signed off at the sub-committee's first meeting of 2015.
        assert {a.signed_off_on for a in taken} == {dt.date(2014, 7, 15), dt.date(2015, 1, 20)}
        assert all(a.lead_agency and a.lead_officer for a in to_be_taken)
        assert all(a.original_target_on or a.target_text == "Ongoing" for a in to_be_taken)
        # The plan as it stood in 2014 is still there as history: its progress updates,
        # and its targets moved with the reason.
        seed_updates = [u for a in to_be_taken for u in a.updates
                        if u.update_on <= SEED_002_STATE_ON]
        assert len(seed_updates) >= 12 and all(u.update_on.year == 2014 for u in seed_updates)
        assert any(len([u for u in a.updates if u.update_on.year == 2014]) >= 2
                   for a in to_be_taken)
        seed_moves = [r for a in to_be_taken for r in a.target_revisions
                      if r.revised_on <= SEED_002_STATE_ON]
        assert len(seed_moves) == 4 and all(r.reason for r in seed_moves)
        for action in (a for a in actions if a.target_revisions):
            moves = action.target_revisions
            assert action.original_target_on == moves[0].old_target_on
            assert [m.old_target_on for m in moves[1:]] == [m.new_target_on for m in moves[:-1]]
            assert action.target_on == moves[-1].new_target_on != action.original_target_on
            assert [m.revised_on for m in moves] == sorted(m.revised_on for m in moves)
        # Actions attach to a whole theme: the "procedures" actions answer all seven.
        mash = next(a for a in taken if "Multi Agency Safeguarding Hub" in a.description)
        assert sorted(int(r.document_number) for r in mash.recommendations) == list(range(1, 8))


def test_seed_002_actions_to_be_taken_were_followed_up(demo):
    db, _ = demo
    with db.sessions() as s:
        to_be_taken = [a for a in _actions(s, "SO14-") if _was_to_be_taken(a)]
        by_status = Counter(a.status.code for a in to_be_taken)
        assert by_status == {"complete": 33, "closed": 3, "in_progress": 1}
        done = [a for a in to_be_taken if a.status.code == "complete"]
        for action in done:
            # Done after the seed's plan was last reviewed, mostly in 2015-17, and never
            # before the year its original target fell in.
            assert SEED_002_STATE_ON < action.completed_on <= dt.date(2017, 12, 31)
            if action.original_target_on:
                assert action.completed_on.year >= action.original_target_on.year
            assert action.evidence_of_completion and action.rag == "Blue"
            assert action.closure_reason.name == "Implemented and verified"
            assert action.signed_off_meeting.title == (
                "Serious case review sub-committee, Southampton LSCB")
            assert action.completed_on < action.signed_off_on <= dt.date(2017, 12, 31)
            assert all(u.update_on <= action.completed_on for u in action.updates)
            assert all(r.revised_on <= action.completed_on for r in action.target_revisions)
        assert sum(a.completed_on.year >= 2015 for a in done) >= 30
        assert sum(bool(a.evidence_of_impact) for a in done) >= 10
        # Some slipped before they were done: their later target moves are kept too.
        assert sum(any(r.revised_on > SEED_002_STATE_ON for r in a.target_revisions)
                   for a in done) >= 6

        closed = [a for a in to_be_taken if a.status.code == "closed"]
        assert Counter(a.closure_reason.name for a in closed) == {
            "Superseded": 2, "Closed, risk accepted": 1}
        meetings = {m.held_on.strftime("%d/%m/%Y"): m for m in s.scalars(select(Meeting))}
        for action in closed:
            # The note says why, and when the sub-committee agreed it, at a meeting held then.
            assert len(action.closure_note) > 80
            day = action.completed_on.strftime("%d/%m/%Y")
            assert day in action.closure_note and day in meetings
            assert action.completed_on > SEED_002_STATE_ON
            assert action.signed_off_meeting is None and action.rag != "Blue"


def test_one_long_running_2014_action_is_still_open_and_only_just_overdue(demo):
    db, _ = demo
    with db.sessions() as s:
        (still_open,) = [a for a in _actions(s, "SO14-") if a.status.is_open]
        assert still_open.description == "Review and update the neglect toolkit."
        assert still_open.status.code == "in_progress"
        assert still_open.original_target_on == dt.date(2015, 3, 31)
        # Moved many times over the years, each move with its reason; now a few days
        # past a target set this year, with recent progress.
        assert len(still_open.target_revisions) == 7
        assert all(r.reason for r in still_open.target_revisions)
        assert TODAY - OVERDUE_AT_MOST < still_open.target_on < TODAY
        updates = [u.update_on for u in still_open.updates]
        assert updates == sorted(updates) and TODAY - updates[-1] < dt.timedelta(days=60)
        assert updates[-1] <= TODAY


def test_child_u_actions_were_followed_up_and_signed_off_by_the_subgroup(demo):
    db, _ = demo
    with db.sessions() as s:
        actions = _actions(s, "CU-")
        assert len(actions) == 8 and all(a.status.code == "complete" for a in actions)
        followed_up = [a for a in actions if _was_to_be_taken(a)]
        assert len(followed_up) == 3
        for action in followed_up:
            assert action.completed_on > SEED_003_STATE_ON
            assert action.completed_on.year >= action.original_target_on.year
            assert action.evidence_of_completion and action.rag == "Blue"
            # Not left to go stale: the target was moved, or met within a month.
            assert any(r.revised_on > SEED_003_STATE_ON for r in action.target_revisions) or (
                action.completed_on <= action.target_on + dt.timedelta(days=31))
        for action in actions:
            assert action.signed_off_meeting.title == "Serious case review subgroup, Hampshire SCB"
            assert action.completed_on < action.signed_off_on


def test_every_closed_action_is_recorded_as_the_services_would_close_it(demo):
    db, summary = demo
    with db.sessions() as s:
        finished = [a for a in s.scalars(select(Action)) if not a.status.is_open]
        assert len(finished) == summary.actions_complete + summary.actions_closed
        for action in finished:
            assert action.completed_on and action.closure_reason.name in {name for _code, name in CLOSURE_REASONS}
            implemented = action.closure_reason.name == "Implemented and verified"
            assert action.status.code == ("complete" if implemented else "closed")
            assert (action.rag == "Blue") == implemented
            if implemented:
                assert action.evidence_of_completion
            else:
                assert action.closure_note
        signed = [a for a in s.scalars(select(Action)) if a.signed_off_on is not None]
        assert len(signed) == summary.actions_signed_off
        for action in signed:
            # Signed off only once closed with evidence, at a meeting held on that day.
            assert action.status.code == "complete" and action.evidence_of_completion
            assert action.signed_off_meeting.held_on == action.signed_off_on
            assert action.signed_off_on >= action.completed_on


def overdue_actions(session, as_at):
    """The actions overdue on ``as_at``, longest overdue first, as every view reads them."""
    rows = read_action_plan(session, as_at, PlanFilter(overdue_only=True)).rows
    return sorted(rows, key=lambda r: (r.target_on, r.id))


def days_overdue(row, as_at) -> int:
    return (as_at - row.target_on).days


def test_no_open_action_is_years_overdue_and_current_work_leads_the_list(demo):
    db, summary = demo
    with db.sessions() as s:
        overdue = overdue_actions(s, TODAY)
        assert len(overdue) == summary.actions_overdue >= 3
        assert max(days_overdue(a, TODAY) for a in overdue) == summary.oldest_overdue_days
        assert summary.oldest_overdue_days <= OVERDUE_AT_MOST.days
        first = s.get(Action, overdue[0].id)
        assert first.reference.startswith("CQ-")  # the Child Q LCSPR's plan
        # Every open action has a target date, none of them further back than the limit.
        assert all(a.target_on and a.target_on > TODAY - OVERDUE_AT_MOST
                   for a in _open_actions(s))
        complete = s.scalar(select(func.count()).select_from(Action).join(Action.status)
                            .where(ListItem.code == "complete"))
        assert complete == summary.actions_complete


def test_an_action_can_answer_several_recommendations(demo):
    db, _ = demo
    with db.sessions() as s:
        multi = [a for a in s.scalars(select(Action)) if len(a.recommendations) > 1]
        assert multi
        assert any(len({r.review_id for r in a.recommendations}) > 1 for a in multi)


def test_child_u_has_board_and_agency_responses(demo):
    db, _ = demo
    with db.sessions() as s:
        review = _review(s, "SCR-2015-01")
        assert review.methodology.name == "Systems-based"
        assert review.lead_reviewers == "Independent safeguarding specialist"
        (referral,) = review.referrals
        (decision,) = referral.decisions
        assert decision.decided_on == dt.date(2015, 7, 20)
        assert decision.criteria_met and "Regulation 5" in decision.criteria_basis
        assert len(review.recommendations) == 4
        for rec in review.recommendations:
            assert rec.board_response
            by_agency = Counter(r.agency.short_name for r in rec.agency_responses)
            assert by_agency["Partnership"] == 1
            assert {"CCG", "CSC"} <= set(by_agency)
        actions = {a.id for r in review.recommendations for a in r.actions}
        assert len(actions) >= 5


def test_seed_004_table_values_stored_exactly_as_written(demo):
    db, _ = demo
    written = {
        "Ref053": ("Extreme neglect and cruelty", "Northampton", "Male", "12 yrs"),
        "Ref057": ("Murder by stabbing", "Northampton", "Male", "17 yrs"),
        "Ref052": ("CSE involving multiple victims", "Northampton", "Male and Female",
                   "Various"),
        "Ref021": ("Significant non-accidental injury", "Kettering", "Female", "6 wks"),
        "Ref023": ("Death following non-accidental injury", "Deanshanger", "Male", "4 mths"),
        "Ref035": ("Death following dog attack", "Daventry", "Female", "6 mths"),
        "Ref050": ("CSE and grooming", "Kettering", "Female", "16 yrs"),
        "Ref051": ("Siblings in repeat PLO processes", "Daventry", "Male", "7 yrs"),
        "Ref054": ("Sibling witnesses of domestic violence", "Wellingborough", "Both",
                   "Various"),
        "Ref056": ("Non-accidental injury", "Rushden", "Female", "4 mths"),
        "Ref044": ("Sustained non-accidental injuries", "Northampton", "Male", "1 yr 11 mths"),
        "Ref047": ("Neglect", "Northampton", "Male", "1 yr"),
    }
    with db.sessions() as s:
        for ref, expected in written.items():
            r = _referral(s, ref)
            assert (r.summary, r.location, r.gender, r.age_text) == expected, ref
        # The seed's April 2017 statuses are kept in the notes; the reviews have moved on since.
        for ref in ("Ref051", "Ref054", "Ref056"):
            review = _review(s, ref)
            assert "workshop arranged for May 2017" in review.notes
            assert review.status.name == "Completed" and review.completed_on.year == 2017
        assert "June 2017" in _review(s, "Ref050").notes and _review(s, "Ref050").published_on
        assert _review(s, "Ref053").initiated_on == dt.date(2017, 2, 5)
        assert "Welsh" in _review(s, "Ref053").methodology.name
        for ref in ("Ref044", "Ref047"):
            review = _review(s, ref)
            briefing = next(e for e in review.learning_events
                            if e.event_type.name == "6-step briefing")
            assert review.completed_on and len(briefing.disseminations) >= 3


def test_2016_17_outcome_table_computed_from_decisions(demo):
    db, _ = demo
    with db.sessions() as s:
        rows = s.execute(
            select(ListItem.code, func.count(Decision.id))
            .join(Decision.outcome)
            .where(Decision.decided_on.between(dt.date(2016, 4, 1), dt.date(2017, 3, 31)))
            .group_by(ListItem.code)).all()
        counts = dict(rows)
        assert {code: counts.get(code, 0) for code in
                ("nfa", "single_agency", "case_mapping", "thematic", "scr")} == {
            "nfa": 0, "single_agency": 2, "case_mapping": 5, "thematic": 1, "scr": 2}
        assert sum(counts.values()) == 10
        # Decided at the monthly meetings, which record the referrals they considered.
        meetings = s.scalars(select(Meeting).where(
            Meeting.title == "SCR sub group, Northamptonshire SCB",
            Meeting.held_on.between(dt.date(2016, 4, 1), dt.date(2017, 3, 31)))).all()
        assert len(meetings) == 12
        assert sum(len(m.referrals_considered) for m in meetings) == 10
        assert {m.chair for m in meetings if m.held_on.year == 2017} == {
            "Strategic Manager for Safeguarding and Quality Assurance (interim)"}


def test_published_serious_case_reviews_and_their_debriefs(demo):
    db, _ = demo
    published = {"Ref021": dt.date(2017, 1, 26), "Ref023": dt.date(2016, 7, 6),
                 "Ref035": dt.date(2016, 10, 20)}
    with db.sessions() as s:
        wider = []
        for ref, on in published.items():
            review = _review(s, ref)
            assert review.published_on == on and review.status.name == "Published"
            assert "legal proceedings" in review.delay_reason.lower()
            types = Counter(e.event_type.name for e in review.learning_events)
            assert types["Practitioner learning event"] == 1
            assert types["De-brief (practitioners involved)"] == 1
            wider += [e.attendance for e in review.learning_events
                      if e.event_type.name == "Wider de-brief"]
        assert sum(wider) / len(wider) == pytest.approx(70, abs=2)


def test_panel_reports_for_both_scrutiny_papers(demo):
    db, _ = demo
    with db.sessions() as s:
        nai = _review(s, "SCR-2018-01")
        assert len(nai.referrals) == 3
        assert nai.decision_on == dt.date(2018, 3, 20)
        assert nai.published_on == dt.date(2021, 11, 25)
        (report,) = nai.panel_reports
        assert report.decision_maker == "Children and Families Scrutiny Panel"
        assert report.decision_on == dt.date(2022, 1, 27)
        assert report.alternative_options == "Criteria met for Serious Case Review"
        assert len(report.appendices.splitlines()) == 3

        clare = _review(s, "SCR-2018-02")
        assert clare.published_on == dt.date(2020, 11, 3)
        (report,) = clare.panel_reports
        assert report.decision_on == dt.date(2020, 12, 3)
        assert "Clare" in report.subject and "2019" in report.detail
        assert len(report.appendices.splitlines()) == 2

        for report in s.scalars(select(PanelReport)):
            for value in (report.report_of, report.contact_details, report.brief_summary,
                          report.recommendations_text, report.reasons, report.statutory_basis):
                assert value
            # Roles only: no e-mail addresses, telephone numbers or officers' names.
            assert "@" not in report.contact_details
            assert not re.search(r"\d{3,}", report.contact_details)
            assert "Independent Chair" in report.contact_details


def test_demo_refuses_to_run_twice(demo):
    db, summary = demo
    with pytest.raises(UserError, match="already holds referrals"):
        with db.sessions.begin() as s:
            write_demo(s, TODAY)
    with db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Review)) == summary.reviews  # nothing added


def test_audit_trail_records_the_demo(demo):
    db, summary = demo
    with db.sessions() as s:
        created = dict(s.execute(
            select(AuditEntry.table_name, func.count(func.distinct(AuditEntry.record_id)))
            .where(AuditEntry.operation == "create").group_by(AuditEntry.table_name)).all())
        assert created["referral"] == summary.referrals
        assert created["review"] == summary.reviews
        assert created["recommendation"] == summary.recommendations
        assert created["action"] == (summary.actions_open + summary.actions_complete
                                     + summary.actions_closed)
        review = _review(s, "SCR-2013-01")
        title = s.scalar(select(AuditEntry.new_value).where(
            AuditEntry.table_name == "review", AuditEntry.record_id == str(review.id),
            AuditEntry.field == "title"))
        assert title == "Child I and Child M"


def test_live_office_is_dated_from_today(demo):
    db, summary = demo
    with db.sessions() as s:
        open_actions = _open_actions(s)
        overdue = [a for a in open_actions if a.target_on and a.target_on < TODAY]
        due_soon = [a for a in open_actions
                    if a.target_on and TODAY <= a.target_on <= TODAY + dt.timedelta(days=14)]
        assert overdue and due_soon
        assert len(overdue) == summary.actions_overdue
        assert any(TODAY - a.target_on < dt.timedelta(days=30) for a in overdue)

        child_t = s.scalars(select(Referral).where(Referral.subject == "Child T")).one()
        assert child_t.notification_sent_on is None and not child_t.decisions
        due = add_working_days(child_t.date_aware, 5)
        assert TODAY <= due <= add_working_days(TODAY, 5)

        child_s = s.scalars(select(Referral).where(Referral.subject == "Child S")).one()
        assert child_s.rapid_review_sent_on is None
        rapid_due = add_working_days(child_s.date_aware, 15)
        assert TODAY < rapid_due <= add_working_days(TODAY, 10)
        assert child_s.reviews[0].review_type.code == "rapid"

        child_r = s.scalars(select(Referral).where(Referral.subject == "Child R")).one()
        assert [d.outcome.code for d in child_r.decisions] == ["rapid", "lcspr"]
        lcspr = next(r for r in child_r.reviews if r.review_type.code == "lcspr")
        assert lcspr.status.name == "Underway" and lcspr.published_on is None

        upcoming = s.scalars(select(Meeting).where(Meeting.held_on > TODAY)).all()
        assert len(upcoming) == 1
        assert child_t in upcoming[0].referrals_considered


def test_default_today_is_the_current_date(db):
    with db.sessions.begin() as s:
        summary = write_demo(s)
    today = dt.date.today()
    with db.sessions() as s:
        assert summary.actions_overdue > 0
        assert summary.oldest_overdue_days <= OVERDUE_AT_MOST.days
        assert days_overdue(overdue_actions(s, today)[0], today) == summary.oldest_overdue_days
        assert any(a.target_on and a.target_on >= today for a in _open_actions(s))
        learning = s.scalars(select(LearningEvent).where(LearningEvent.held_on > today)).all()
        assert learning  # the Child R practitioner learning event is still to come


# --- the demo is data -------------------------------------------------------------------------

def _entries(kind: str) -> list[dict]:
    return [entry for _path, content in read_demo_files() for entry in content.get(kind, [])]


def test_every_record_in_the_demo_files_is_in_the_database(demo):
    db, summary = demo
    recs, actions = _entries("recommendations"), _entries("actions")
    follow_ups, events = _entries("follow_ups"), _entries("learning_events")
    expected = {
        Meeting: len(_entries("meetings")), Referral: len(_entries("referrals")),
        Decision: len(_entries("decisions")), Review: len(_entries("reviews")),
        Recommendation: len(recs), AgencyResponse: sum(len(r.get("agency_responses", [])) for r in recs),
        Action: len(actions),
        ProgressUpdate: sum(len(a.get("updates", [])) for a in actions + follow_ups),
        TargetRevision: sum(len(a.get("revisions", [])) for a in actions + follow_ups),
        LearningEvent: len(events), Dissemination: sum(len(e.get("disseminations", [])) for e in events),
        PanelReport: len(_entries("panel_reports")),
    }
    with db.sessions() as s:
        assert {model.__name__: s.scalar(select(func.count()).select_from(model)) for model in expected} == {
            model.__name__: n for model, n in expected.items()}
        signed = sum(1 for a in actions if a.get("signed_off_at"))
        assert summary.actions_signed_off == signed and summary.meetings == expected[Meeting]
        # Facts as the files give them: a fixed date, a closure, and dates from "today".
        cu04 = s.scalars(select(Action).where(Action.reference == "CU-04")).one()
        assert (cu04.completed_on, cu04.signed_off_on) == (dt.date(2018, 3, 29), dt.date(2018, 5, 21))
        child_q = s.scalars(select(Referral).where(Referral.subject == "Child Q")).one()
        assert child_q.date_aware == TODAY - dt.timedelta(days=420)
        assert child_q.reference == f"CR-{child_q.date_aware.year}-03"
        assert child_q.rapid_review_sent_on == add_working_days(child_q.date_aware, 13)
        upcoming = s.scalars(select(Meeting).where(Meeting.held_on > TODAY)).one()
        assert upcoming.held_on.weekday() == 1 and 7 <= (upcoming.held_on - TODAY).days < 14
        toolkit = s.scalars(select(Action).where(Action.reference == "SO14-18")).one()
        assert toolkit.target_on == TODAY - dt.timedelta(days=12)
        assert toolkit.evidence_required == "The published toolkit and its launch briefing."


def _copy_of_the_demo(folder, change) -> None:
    """The demo files in ``folder``, with ``change(file name, content)`` applied to each."""
    import json

    folder.mkdir()
    for path, content in read_demo_files():
        text = change(path.name, content)
        (folder / path.name).write_text(text if isinstance(text, str) else json.dumps(content),
                                        encoding="utf-8")


def _bad_date(name, content):
    if name == "02-hampshire-child-u.json":
        content["actions"][2]["target_on"] = "next Tuesday"


def _unknown_field(name, content):
    if name == "03-northamptonshire-2016-17.json":
        content["referrals"][1]["colour"] = "blue"


def _missing_field(name, content):
    if name == "01-southampton-2014.json":
        del content["decisions"][0]["outcome"]


def _date_of_itself(name, content):
    if name == "05-current-work.json":
        content["dates"]["aware_q"] = "aware_q+1"


def _not_json(name, content):
    return '{"meetings": [' if name == "04-southampton-scrutiny.json" else None


@pytest.mark.parametrize("change, message", [
    (_bad_date, "The demo data file 02-hampshire-child-u.json cannot be read: actions entry 3 (CU-03): "
                "'next Tuesday' is not a date"),
    (_unknown_field, "The demo data file 03-northamptonshire-2016-17.json cannot be read: referrals entry 2 "
                     "(Ref021): 'colour' is not one of its fields"),
    (_missing_field, "The demo data file 01-southampton-2014.json cannot be read: decisions entry 1 "
                     "(SO-2011-01): it has no 'outcome'."),
    (_date_of_itself, "The demo data file 05-current-work.json cannot be read: referrals entry 1 "
                      "(CR-{aware_q:%Y}-03): the date 'aware_q' is defined by way of itself."),
    (_not_json, "The demo data file 04-southampton-scrutiny.json cannot be read: it is not JSON "
                "(line 1, column 15: Expecting value)."),
])
def test_a_malformed_demo_file_is_named_with_its_entry_and_nothing_is_written(db, tmp_path, change, message):
    folder = tmp_path / "demo"
    _copy_of_the_demo(folder, change)
    with pytest.raises(UserError) as err:
        with db.sessions.begin() as s:
            write_demo(s, TODAY, folder=folder)
    assert str(err.value).startswith(message)
    with db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Referral)) == 0
