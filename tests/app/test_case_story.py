"""The case story (issue 16, item 4) read from each kind of record of one case: the same
referral, decisions, clocks, review and plan, whichever record the officer stood on."""

from __future__ import annotations

import pytest

from app.queries.case_story import CLOCKS, DECISIONS, PLAN, REFERRALS, REVIEWS, read_case_story
from db.models import Action, Decision, ProgressUpdate, Recommendation, Referral, Review
from tests.ui.conftest import add_case_records

pytestmark = pytest.mark.both_engines


@pytest.fixture
def office(database):
    with database.sessions.begin() as session:
        add_case_records(session)
    return database


def story_of(database, model, **where):
    with database.sessions() as session:
        record = session.query(model).filter_by(**where).first()
        kind = {Referral: "referrals", Decision: "decisions", Review: "reviews", Recommendation: "recommendations",
                Action: "actions", ProgressUpdate: "progress_updates"}[model]
        return read_case_story(session, kind, record.id)


@pytest.mark.parametrize("model, where", [
    (Referral, {"reference": "Ref053"}), (Decision, {}), (Review, {"reference": "SCR-01"}),
    (Recommendation, {"number": 4}), (Action, {"reference": "A2"}), (ProgressUpdate, {}),
])
def test_every_record_of_the_case_tells_the_same_story(office, model, where):
    story = story_of(office, model, **where)
    assert story.title == "Ref053 \u2014 Child U"
    assert [line.kind for line in story.section(REFERRALS)] == ["referrals"]
    assert [line.text[:34] for line in story.section(DECISIONS)] == [
        "20/03/2024 Ref053: Deferred for mo", "17/04/2024 Ref053: Serious Case Re"]
    assert [line.text.split(" (")[0] for line in story.section(CLOCKS)] == [
        "Serious incident notification to Ofsted / National Panel", "Rapid review sent to the National Panel",
        "Serious case review completed", "Published report kept on the website"]
    assert [line.kind for line in story.section(REVIEWS)] == ["reviews"]
    assert [(line.depth, line.kind, line.text.split(":")[0]) for line in story.section(PLAN)] == [
        (0, "recommendations", "SCR-01 R3"), (1, "actions", "A1"), (2, "progress_updates", "Latest update 03/06/2024"),
        (1, "actions", "A2"), (0, "recommendations", "SCR-01 R4")]


def test_an_action_answering_no_recommendation_is_a_story_of_its_own(office):
    story = story_of(office, Action, reference="A3")
    assert story.title == "A3"
    assert [(line.section, line.text) for line in story.lines] == [
        (PLAN, "A3: Publish the learning briefing. \u2014 Completed, target 01/01/2000, RAG Blue")]


def test_a_clock_line_opens_the_clock_while_it_runs_and_its_record_once_it_is_not(office):
    story = story_of(office, Review, reference="SCR-01")
    kinds = {line.text.split(" (")[0]: line.kind for line in story.section(CLOCKS)}
    assert kinds["Serious case review completed"] == "case_clocks"
    assert kinds["Published report kept on the website"] == "reviews"  # not started: nothing to pause
