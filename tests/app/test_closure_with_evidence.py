"""Closure only with evidence (issue 16, item 3): an action is completed or closed only through
``close_action`` (the date, the evidence, the reason), never by a status change; it is reopened
through ``reopen_action``; and the sub group signs it off only at a meeting already held."""

from __future__ import annotations

import datetime as dt

import pytest

from app import lookups
from app.errors import UserError, ValidationError
from app.services import actions, recommendations, reviews
from db.models import Action, ListKind, Meeting

pytestmark = pytest.mark.both_engines

TODAY = dt.date.today()


@pytest.fixture
def action(session) -> Action:
    review = reviews.create_review(session, reference="SCR-07", title="Child U", review_type="Serious Case Review")
    rec = recommendations.add_recommendation(session, review.id, text="Audit the bruising protocol.")
    return actions.create_action(session, description="Relaunch the bruising protocol", recommendation_ids=[rec.id],
                                 target_on=dt.date(2017, 3, 31), status="In progress")


def meeting(session, held_on: dt.date) -> Meeting:
    found = Meeting(held_on=held_on)
    session.add(found)
    session.flush()
    return found


def test_a_status_change_cannot_complete_or_close_an_action(session, action):
    for status in ("Complete", "Closed"):
        with pytest.raises(ValidationError) as refused:
            actions.update_action(session, action.id, status=status, evidence_of_completion=None)
        assert refused.value.problems == {"status": (
            "an action is completed or closed with Close action\u2026, which asks for the date, the evidence "
            "and the reason")}
    assert (action.status.name, action.completed_on, action.closure_reason) == ("In progress", None, None)
    actions.update_action(session, action.id, status="Not started")  # open to open: an ordinary edit
    assert action.status.name == "Not started"


def test_a_new_action_starts_open(session, action):
    with pytest.raises(ValidationError, match="a new action starts open"):
        actions.create_action(session, description="Done already", status="Complete",
                              recommendation_ids=[action.recommendations[0].id])


def test_a_closed_action_is_edited_but_reopened_only_by_reopen(session, action):
    actions.close_action(session, action.id, reason="Implemented and verified", completed_on=TODAY,
                         evidence_of_completion="Protocol relaunched; audit of 20 cases.")
    actions.sign_off(session, action.id, meeting(session, TODAY).id)
    actions.update_action(session, action.id, status="Complete", lead_officer="Designated Nurse")
    assert (action.status.name, action.lead_officer) == ("Complete", "Designated Nurse")
    with pytest.raises(ValidationError, match="reopened with Reopen action"):
        actions.update_action(session, action.id, status="In progress")

    actions.reopen_action(session, action.id, status="In progress")
    assert (action.status.name, action.closure_reason, action.completed_on, action.rag, action.signed_off_on,
            action.signed_off_meeting) == ("In progress", None, None, None, None, None)
    assert action.evidence_of_completion == "Protocol relaunched; audit of 20 cases."
    with pytest.raises(UserError, match="open already"):
        actions.reopen_action(session, action.id, status="In progress")


def test_other_closures_need_their_reason(session, action):
    with pytest.raises(UserError, match="Closure reason"):
        actions.close_action(session, action.id, reason=None, completed_on=TODAY)
    with pytest.raises(ValidationError, match="say why the action was not implemented"):
        actions.close_action(session, action.id, reason="Not implemented", completed_on=TODAY)
    with pytest.raises(ValidationError, match="Completed on: cannot be in the future"):
        actions.close_action(session, action.id, reason="Superseded", completed_on=TODAY + dt.timedelta(days=1))
    actions.close_action(session, action.id, reason="Superseded", completed_on=TODAY)
    assert (action.status.name, action.closure_reason.name) == ("Closed", "Superseded")


def test_sign_off_only_at_a_meeting_held_on_or_before_today(session, action):
    actions.close_action(session, action.id, reason="Implemented and verified", completed_on=TODAY,
                         evidence_of_completion="Protocol relaunched.")
    tomorrow = meeting(session, TODAY + dt.timedelta(days=1))
    with pytest.raises(UserError, match=f"The meeting of {tomorrow.held_on:%d/%m/%Y} has not been held yet"):
        actions.sign_off(session, action.id, tomorrow.id)
    assert action.signed_off_on is None
    actions.sign_off(session, action.id, meeting(session, TODAY).id)
    assert action.signed_off_on == TODAY


def test_an_imported_sign_off_at_a_meeting_not_yet_held_is_refused(session, action):
    later = meeting(session, TODAY + dt.timedelta(days=7))
    complete = lookups.list_item(session, ListKind.ACTION_STATUS, "Complete")
    row = {"description": "Imported", "status_id": complete.id, "signed_off_meeting_id": later.id,
           "evidence_of_completion": "Minutes"}
    with pytest.raises(UserError, match="the meeting has not been held yet"):
        actions.create_actions(session, [row])
