"""Meetings and learning events through their services."""

from __future__ import annotations

import datetime as dt

import pytest

from app.errors import UserError, ValidationError
from app.services import learning, meetings, referrals

pytestmark = pytest.mark.both_engines


@pytest.fixture
def referral(session):
    return referrals.create_referral(session, reference="Ref053", subject="Child U")


def test_create_meeting_with_referrals_considered(session, referral):
    m = meetings.create_meeting(session, held_on=dt.date(2024, 4, 17), chair="Independent chair",
                                referral_ids=[referral.id])
    assert (m.title, m.chair, m.referrals_considered) == ("Case review sub group", "Independent chair",
                                                          [referral])


def test_meeting_needs_a_date_and_real_referrals(session):
    with pytest.raises(ValidationError) as err:
        meetings.create_meeting(session, held_on=None, referral_ids=[999])
    assert err.value.problems == {"held_on": "is required", "referral_ids": "there is no referral 999"}


def test_update_meeting_and_consider_a_referral_once(session, referral):
    m = meetings.create_meeting(session, held_on=dt.date(2024, 4, 17))
    meetings.update_meeting(session, m.id, title="  ", notes="Quorate.\n\n")
    meetings.consider_referral(session, m.id, "Ref053")
    meetings.consider_referral(session, m.id, referral.id)
    assert (m.title, m.notes, m.referrals_considered) == ("Case review sub group", "Quorate.", [referral])
    with pytest.raises(ValidationError, match="Colour"):
        meetings.update_meeting(session, m.id, colour="red")


def test_learning_event_and_dissemination(session):
    event = learning.create_learning_event(session, title="6-step briefing: Child U", event_type="6-step briefing",
                                           held_on=dt.date(2024, 7, 9), attendance=70)
    assert (event.event_type.name, event.attendance) == ("6-step briefing", 70)
    spread = learning.add_dissemination(session, event.id, agency="Childrens Services",
                                        disseminated_on=dt.date(2024, 7, 20), evidence="Team meetings")
    assert spread.agency.name == "Children's Services" and event.disseminations == [spread]
    learning.update_dissemination(session, spread.id, evidence="Team meetings and newsletter")
    assert spread.evidence == "Team meetings and newsletter"


def test_learning_event_problems_name_their_fields(session):
    with pytest.raises(ValidationError) as err:
        learning.create_learning_event(session, title=" ", event_type="", attendance=-3, review_id=42)
    assert err.value.problems == {"title": "is required", "event_type": "is required",
                                  "attendance": "must be a whole number, 0 or more",
                                  "review_id": "there is no review 42"}
    with pytest.raises(UserError, match="Event type: 'Webinar' is not on the list"):
        learning.create_learning_event(session, title="x", event_type="Webinar")


def test_dissemination_before_the_event_and_unknown_agency(session):
    event = learning.create_learning_event(session, title="Briefing", event_type="7-minute briefing",
                                           held_on=dt.date(2024, 7, 9))
    with pytest.raises(ValidationError) as err:
        learning.add_dissemination(session, event.id, agency="Police", disseminated_on=dt.date(2024, 7, 1))
    assert err.value.problems == {"disseminated_on": "cannot be before the event (09/07/2024)"}
    with pytest.raises(UserError, match="no agency is called 'Fire Service'"):
        learning.add_dissemination(session, event.id, agency="Fire Service")
    learning.update_learning_event(session, event.id, attendance=12, facilitator="LSCB trainer")
    assert (event.attendance, event.facilitator) == (12, "LSCB trainer")
