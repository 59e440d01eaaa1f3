"""A target written imprecisely ("May 2014", "Ongoing") is kept as written until it is revised
to a day; the written form then goes into the revision's reason, not lost."""

from __future__ import annotations

import datetime as dt

import pytest

from app import lookups
from app.services import actions, recommendations, reviews
from db.models import Action, ListKind

pytestmark = pytest.mark.both_engines


def test_revising_an_imprecise_target_keeps_what_was_written(session):
    review = reviews.create_review(session, reference="SCR-A", title="Child A", review_type="scr")
    rec = recommendations.add_recommendation(session, review.id, text="Share information.")
    [action_id] = actions.create_actions(session, [{
        "description": "Write the protocol", "recommendation_ids": [rec.id],
        "status_id": lookups.list_item(session, ListKind.ACTION_STATUS, "in_progress").id,
        "original_target_on": dt.date(2014, 5, 31), "target_on": dt.date(2014, 5, 31), "target_text": "May 2014"}])
    actions.revise_target(session, action_id, dt.date(2014, 9, 30), reason="Staff changes")
    action = session.get(Action, action_id)
    assert (action.target_on, action.target_text) == (dt.date(2014, 9, 30), None)
    assert action.target_revisions[0].reason == "Staff changes\n(the target was written 'May 2014')"
