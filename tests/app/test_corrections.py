"""Corrections, each through its kind's service: editing what was recorded, and putting
actions back as they were (undo)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app.errors import UserError, ValidationError
from app.services import (
    actions, agencies, clock_rules, decisions, lists, recommendations, records, reviews, themes,
    updates,
)
from db.models import Action, Agency, ClockRule, Decision, ListItem, ListKind, ProgressUpdate
from tests.ui.conftest import add_case_records

pytestmark = pytest.mark.both_engines


@pytest.fixture
def case(session):
    add_case_records(session)
    session.flush()
    return session


def test_update_decision(case):
    d = decisions.update_decision(case, 2, rationale="Criteria met.\n", criteria_met=False,
                                    outcome="lcspr", decided_by=" Sub group ")
    assert (d.rationale, d.criteria_met, d.outcome.name, d.decided_by) == (
        "Criteria met.", False, "Local Child Safeguarding Practice Review", "Sub group")


def test_update_decision_checks_dates_and_meeting(case):
    with pytest.raises(ValidationError) as err:
        decisions.update_decision(case, 1, decided_on=dt.date(2024, 1, 1), meeting_id=77)
    assert err.value.problems == {"decided_on": "cannot be before the referral was made (04/03/2024)",
                                  "meeting_id": "there is no meeting 77"}
    assert case.get(Decision, 1).decided_on == dt.date(2024, 3, 20)


def test_update_decision_meeting_records_the_referral_as_considered(case):
    from app.services.meetings import create_meeting
    m = create_meeting(case, held_on=dt.date(2024, 3, 20))
    decisions.update_decision(case, 1, meeting_id=m.id)
    assert [r.reference for r in m.referrals_considered] == ["Ref053"]


def test_update_progress_update(case):
    u = updates.update_progress_update(case, 1, text="Dates agreed.", rag="g", author=None)
    assert (u.text, u.rag, u.author) == ("Dates agreed.", "Green", None)
    with pytest.raises(ValidationError) as err:
        updates.update_progress_update(case, 1, text="", rag="Purple")
    assert set(err.value.problems) == {"text", "rag"}
    assert case.get(ProgressUpdate, 1).text == "Dates agreed."


def test_update_recommendation_text_theme_number_response(case):
    rec = recommendations.update_recommendation(case, 1, text="New text", theme="Escalation of concerns",
                                            number=7, response_status="Accepted", response_on=dt.date(2024, 9, 1))
    assert (rec.text, rec.theme.name, rec.number, rec.response_status.name) == (
        "New text", "Escalation of concerns", 7, "Accepted")
    recommendations.update_recommendation(case, 1, response_status=None, theme=None)
    assert (rec.response_status, rec.theme) == (None, None)
    with pytest.raises(ValidationError, match="already has a recommendation 4"):
        recommendations.update_recommendation(case, 1, number=4)


def test_set_review_referrals(case):
    from app.services.referrals import create_referral
    other = create_referral(case, reference="Ref060")
    review = reviews.set_review_referrals(case, 1, [1, other.id])
    assert sorted(r.reference for r in review.referrals) == ["Ref053", "Ref060"]
    reviews.set_review_referrals(case, 1, [other.id])
    assert [r.reference for r in review.referrals] == ["Ref060"]


def test_update_agency_name_and_spellings(case):
    police = case.scalar(select(Agency).where(Agency.name == "Police"))
    agencies.update_agency(case, police.id, name="Northtown Police", aliases=["Constabulary", "Old Bill"])
    assert sorted(a.alias for a in police.aliases) == ["Constabulary", "Old Bill"]
    with pytest.raises(ValidationError) as err:
        agencies.update_agency(case, police.id, name="Childrens Services", aliases=["CCG"])
    assert set(err.value.problems) == {"name", "aliases"}


def test_themes(case):
    theme = themes.create_theme(case, " Online  safety ")
    assert theme.name == "Online safety"
    with pytest.raises(ValidationError, match="already a theme"):
        themes.create_theme(case, "neglect")
    themes.update_theme(case, theme.id, name="Online harm")
    assert theme.name == "Online harm"


def test_list_items_update_archive_restore(case):
    item = lists.add_list_item(case, ListKind.ACTION_STATUS, "Awaiting evidence", is_open=True)
    lists.update_list_item(case, item.id, name="Awaiting evidence of completion", is_open=False)
    assert (item.name, item.is_open) == ("Awaiting evidence of completion", False)
    lists.archive_list_item(case, item.id)
    assert item.archived_at is not None
    lists.restore_list_item(case, item.id)
    assert item.archived_at is None


def test_clock_rules(case):
    rule = clock_rules.create_clock_rule(case, name="Local briefing issued", length=3, unit="months",
                                         start_event="review.published_on")
    assert (rule.code, rule.done_event) == ("local_briefing_issued", None)
    with pytest.raises(UserError, match="not a date the tracker records"):
        clock_rules.update_clock_rule(case, rule.id, start_event="review.nonsense")
    assert rule.start_event == "review.published_on"  # left as it was
    clock_rules.update_clock_rule(case, rule.id, length=4, notes="Local practice")
    assert (rule.length, rule.notes) == (4, "Local practice")
    clock_rules.archive_clock_rule(case, rule.id)
    clock_rules.restore_clock_rule(case, rule.id)
    assert case.get(ClockRule, rule.id).archived_at is None


def test_action_state_round_trip_after_close_and_target_revision(case):
    action = case.get(Action, 2)
    action.original_target_on = action.target_on
    case.flush()
    before = actions.action_state(case, 2)
    actions.revise_target(case, 2, dt.date(2099, 6, 30), reason="Delay")
    actions.close_action(case, 2, reason="Implemented and verified", completed_on=dt.date.today(),
                         evidence_of_completion="Audit report")
    assert actions.action_state(case, 2)["status"] == "Complete"
    actions.restore_action_state(case, 2, before)
    assert actions.action_state(case, 2) == before
    assert action.target_revisions == []


def test_restore_action_state_refuses_a_revision_that_has_gone(case):
    action = case.get(Action, 2)
    action.original_target_on = action.target_on
    actions.revise_target(case, 2, dt.date(2099, 6, 30))
    later = actions.action_state(case, 2)
    action.target_revisions = []
    case.flush()
    with pytest.raises(UserError, match="target date history has changed"):
        actions.restore_action_state(case, 2, later)


def test_record_version_changes_when_saved(case):
    version = records.record_version(case, Action, 1)
    actions.update_action(case, 1, rag="Amber")
    assert records.record_version(case, Action, 1) == version + 1
    assert records.record_version(case, ListItem, 1) is None
