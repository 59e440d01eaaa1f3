"""Many records at once (importers, the generator): checked row by row as the one-record
services check one, and audited as the ORM audits a record it adds."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app import lookups
from app.errors import ValidationError
from app.services import actions, recommendations, referrals, reviews, updates
from db.models import Action, AuditEntry, ListKind, ProgressUpdate, Recommendation, TargetRevision

pytestmark = pytest.mark.both_engines

D = dt.date


@pytest.fixture
def review(session):
    referrals.create_referral(session, reference="Ref021", date_referred=D(2015, 2, 3))
    found = reviews.create_review(session, reference="SCR-021", title="Ref021", review_type="scr",
                                  referrals=["Ref021"])
    recommendations.add_recommendation(session, found.id, text="Review the bruising protocol.")
    return found


def _status(session, code: str) -> int:
    return lookups.list_item(session, ListKind.ACTION_STATUS, code).id


def _audit(session, table: str, record_id: int) -> dict[str, str | None]:
    return dict(session.execute(select(AuditEntry.field, AuditEntry.new_value).where(
        AuditEntry.table_name == table, AuditEntry.record_id == str(record_id),
        AuditEntry.operation == "create")).all())


def test_bulk_actions_are_audited_field_by_field_as_one_action_is(session, review):
    rec_id = review.recommendations[0].id
    one = actions.create_action(session, description="Relaunch the protocol", recommendation_ids=[rec_id],
                                lead_agency="Police", target_on=D(2017, 3, 31), rag="Amber", added_on=D(2017, 1, 9))
    [many] = actions.create_actions(session, [{
        "description": "Relaunch the protocol", "recommendation_ids": [rec_id],
        "lead_agency_id": one.lead_agency_id, "original_target_on": D(2017, 3, 31),
        "target_on": D(2017, 3, 31), "rag": "a", "status_id": one.status_id, "added_on": D(2017, 1, 9)}])
    by_orm, by_bulk = _audit(session, "action", one.id), _audit(session, "action", many)
    assert by_bulk.pop("id") == str(many) and by_orm.pop("id") == str(one.id)
    assert by_bulk == by_orm
    assert by_bulk["recommendations"] == str(rec_id) and by_bulk["rag"] == "Amber"
    assert session.get(Action, many).recommendations[0].id == rec_id


def test_an_action_with_its_history_is_written_whole(session, review):
    [action_id] = actions.create_actions(session, [{
        "description": "Audit strategy discussions", "recommendation_ids": [review.recommendations[0].id],
        "status_id": _status(session, "complete"), "rag": "Blue",
        "original_target_on": D(2016, 3, 31), "target_on": D(2016, 9, 30),
        "target_revisions": [{"old_target_on": D(2016, 3, 31), "new_target_on": D(2016, 9, 30),
                              "revised_on": D(2016, 3, 1), "reason": "Staff changes "}],
        "updates": [{"update_on": D(2016, 5, 1), "text": "Sample chosen.", "rag": "g"}],
        "completed_on": D(2016, 9, 1), "evidence_of_completion": "Audit report.",
        "closure_reason_id": lookups.list_item(session, ListKind.CLOSURE_REASON, "Implemented and verified").id,
    }])
    action = session.get(Action, action_id)
    assert [(r.old_target_on, r.new_target_on, r.reason) for r in action.target_revisions] == [
        (D(2016, 3, 31), D(2016, 9, 30), "Staff changes")]
    assert [(u.text, u.rag) for u in action.updates] == [("Sample chosen.", "Green")]
    assert action.rag == "Blue"  # the action's own rating, not its update's
    assert _audit(session, "target_revision", action.target_revisions[0].id)["reason"] == "Staff changes"
    assert _audit(session, "progress_update", action.updates[0].id)["text"] == "Sample chosen."


def test_a_bad_row_is_named_and_nothing_is_written(session, review):
    rec_id = review.recommendations[0].id
    good = {"description": "Write the protocol", "recommendation_ids": [rec_id],
            "status_id": _status(session, "in_progress")}
    bad_rows = [
        {**good, "description": "  "},
        {**good, "rag": "Purple"},
        {**good, "recommendation_ids": [rec_id, 999]},
        {**good, "completed_on": D(2099, 1, 1)},
        {**good, "original_target_on": D(2016, 1, 1), "target_on": D(2016, 6, 1)},
        {**good, "signed_off_meeting_id": 77},
        {**good, "colour": "blue"},
    ]
    expected = ["Description: is required (action 2 of 2)",
                "Rag: 'Purple' is not a RAG rating (Red, Amber, Green or Blue) (action 2 of 2)",
                "Recommendations: one of the recommendations does not exist (action 2 of 2)",
                "Completed on: cannot be in the future (action 2 of 2)",
                "Target on: must be the original target moved by each revision in turn (action 2 of 2)",
                "Signed off meeting id: there is no meeting 77 (action 2 of 2)",
                "Colour: is not a field of an action (action 2 of 2)"]
    for bad, message in zip(bad_rows, expected):
        with pytest.raises(ValidationError) as err:
            actions.create_actions(session, [good, bad])
        assert message in str(err.value)
    assert session.scalars(select(Action)).all() == []
    assert session.scalars(select(TargetRevision)).all() == []


def test_signing_off_in_bulk_needs_a_closed_action_with_evidence(session, review):
    from app.services.meetings import create_meeting

    meeting = create_meeting(session, held_on=D(2017, 1, 10))
    row = {"description": "Train staff", "recommendation_ids": [review.recommendations[0].id],
           "status_id": _status(session, "in_progress"), "signed_off_meeting_id": meeting.id}
    with pytest.raises(ValidationError) as err:
        actions.create_actions(session, [row])
    assert err.value.problems == {
        "status_id": "an open action cannot be signed off (action 1 of 1)",
        "evidence_of_completion": "is needed before the sub group can sign an action off (action 1 of 1)"}
    [action_id] = actions.create_actions(session, [{
        **row, "status_id": _status(session, "complete"), "completed_on": D(2017, 1, 2),
        "evidence_of_completion": "Training records."}])
    assert session.get(Action, action_id).signed_off_on == D(2017, 1, 10)  # the meeting's date


def test_bulk_recommendations_keep_numbers_unique_in_their_review(session, review):
    rows = [{"review_id": review.id, "number": 2, "text": "Audit strategy discussions."},
            {"review_id": review.id, "number": 1, "text": "Again."}]
    with pytest.raises(ValidationError, match="review .* already has a recommendation 1 \\(recommendation 2 of 2\\)"):
        recommendations.add_recommendations(session, rows)
    [rec_id] = recommendations.add_recommendations(session, rows[:1])
    assert session.get(Recommendation, rec_id).number == 2


def test_bulk_progress_updates_set_each_action_s_rag_from_its_latest(session, review):
    action = actions.create_action(session, description="Write the protocol",
                                   recommendation_ids=[review.recommendations[0].id], rag="Green")
    updates.add_progress_updates(session, [
        {"action_id": action.id, "update_on": D(2017, 5, 1), "text": "Slipping.", "rag": "Red"},
        {"action_id": action.id, "update_on": D(2017, 3, 1), "text": "Started.", "rag": "Amber"},
        {"action_id": action.id, "update_on": D(2017, 6, 1), "text": "No rating given."}])
    session.refresh(action)
    assert action.rag == "Red"
    assert [u.text for u in action.updates] == ["Started.", "Slipping.", "No rating given."]
    changed = session.scalar(select(AuditEntry.new_value).where(
        AuditEntry.table_name == "action", AuditEntry.field == "rag", AuditEntry.operation == "update"))
    assert changed == "Red"
    with pytest.raises(ValidationError, match="Action id: there is no action 99"):
        updates.add_progress_updates(session, [{"action_id": 99, "update_on": D(2017, 1, 1), "text": "x"}])
    assert len(session.scalars(select(ProgressUpdate)).all()) == 3


def test_bulk_referrals_decisions_and_reviews_follow_the_one_record_rules(session):
    from app.services import decisions, meetings
    from db.models import Meeting, Referral, Review

    [meeting] = meetings.create_meetings(session, [{"held_on": D(2016, 5, 18), "title": " "}])
    assert session.get(Meeting, meeting).title == "Case review sub group"
    police = lookups.agency(session, "Police").id
    ids = referrals.create_referrals(session, [
        {"reference": "Ref048 ", "date_referred": D(2016, 4, 5), "referring_agency_id": police},
        {"reference": "Ref049", "date_referred": D(2016, 5, 3), "summary": "Missed appointments\n"}])
    assert session.get(Referral, ids[0]).reference == "Ref048"
    with pytest.raises(ValidationError, match="Reference: 'Ref048' is already used by another referral"):
        referrals.create_referrals(session, [{"reference": "Ref048"}])
    scr = lookups.list_item(session, ListKind.DECISION_OUTCOME, "scr").id
    with pytest.raises(ValidationError, match="cannot be before the referral was made \\(05/04/2016\\) \\(decision 1 of 1\\)"):
        decisions.record_decisions(session, [{"referral_id": ids[0], "decided_on": D(2016, 1, 1), "outcome_id": scr}])
    decisions.record_decisions(session, [
        {"referral_id": ids[0], "decided_on": D(2016, 5, 18), "outcome_id": scr, "meeting_id": meeting},
        {"referral_id": ids[1], "decided_on": D(2016, 5, 18), "outcome_id": scr, "meeting_id": meeting}])
    considered = session.get(Meeting, meeting)
    assert sorted(r.reference for r in considered.referrals_considered) == ["Ref048", "Ref049"]
    assert session.scalar(select(AuditEntry.new_value).where(
        AuditEntry.table_name == "meeting", AuditEntry.field == "referrals_considered")) == ", ".join(
        sorted(str(i) for i in ids))
    scr_type = lookups.list_item(session, ListKind.REVIEW_TYPE, "scr").id
    with pytest.raises(ValidationError, match="Completed on: cannot be before the date initiated"):
        reviews.create_reviews(session, [{"reference": "SCR-48", "title": "Child", "review_type_id": scr_type,
                                          "initiated_on": D(2016, 6, 1), "completed_on": D(2016, 5, 1)}])
    [review_id] = reviews.create_reviews(session, [
        {"reference": "SCR-48", "title": "Child", "review_type_id": scr_type, "referral_ids": ids}])
    assert len(session.get(Review, review_id).referrals) == 2
    assert _audit(session, "review", review_id)["referrals"] == ", ".join(sorted(str(i) for i in ids))


def test_bulk_learning_events_carry_their_disseminations(session):
    from app.services import learning
    from db.models import LearningEvent

    briefing = lookups.list_item(session, ListKind.LEARNING_EVENT_TYPE, "6-step briefing").id
    police = lookups.agency(session, "Police").id
    row = {"title": "Ref044 6-step briefing", "event_type_id": briefing, "held_on": D(2016, 10, 12),
           "disseminations": [{"agency_id": police, "disseminated_on": D(2016, 10, 1)}]}
    with pytest.raises(ValidationError, match="Disseminated on: cannot be before the event \\(12/10/2016\\)"):
        learning.create_learning_events(session, [row])
    row["disseminations"][0]["disseminated_on"] = D(2016, 11, 9)
    [event_id] = learning.create_learning_events(session, [row])
    [spread] = session.get(LearningEvent, event_id).disseminations
    assert (spread.agency.name, spread.disseminated_on) == ("Police", D(2016, 11, 9))


def test_bulk_lists_themes_and_agencies_refuse_a_second_meaning(session):
    from app.services import agencies, lists, themes

    with pytest.raises(ValidationError, match="'neglect' is already a theme \\(theme 2 of 2\\)"):
        themes.create_themes(session, ["Online harm", "neglect"])
    themes.create_themes(session, ["Online harm"])
    with pytest.raises(ValidationError, match="'child sexual exploitation' is already on the list"):
        lists.add_list_items(session, ListKind.REFERRAL_CATEGORY, [{"name": "child sexual  exploitation"}])
    [item] = lists.add_list_items(session, ListKind.REFERRAL_CATEGORY, [{"name": "Online abuse"}])
    assert lookups.list_items(session, ListKind.REFERRAL_CATEGORY)[-1].id == item
    with pytest.raises(ValidationError, match="'Constabulary' already means Police"):
        agencies.add_agencies(session, [{"name": "Fire Service", "aliases": ["Constabulary"]}])
    with pytest.raises(ValidationError, match="'Fire' already means Fire Service"):
        agencies.add_agencies(session, [{"name": "Fire Service", "short_name": "Fire"},
                                        {"name": "Fire and Rescue", "aliases": ["Fire"]}])
    agencies.add_agencies(session, [{"name": "Fire Service", "aliases": ["Fire and Rescue"]}])
    assert lookups.agency(session, "fire and rescue").name == "Fire Service"
