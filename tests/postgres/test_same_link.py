"""Two officers link the same referral to the same meeting at the same moment, each recording
a decision taken there: both found the link missing, so the second save breaks the link
table's key. The second officer is told in words to save again, and saving again keeps both
decisions and the link once."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from app.db_errors import SAME_LINK, friendly_database_error
from app.services.decisions import record_decision
from app.services.meetings import create_meeting
from app.services.referrals import create_referral
from db.models import Decision, Meeting, Setting, meeting_referral


def test_a_link_made_twice_at_once_asks_the_second_to_save_again(pg_database):
    with pg_database.sessions.begin() as s:
        referral_id = create_referral(s, reference="CR-2026-07", date_referred=dt.date(2026, 3, 2)).id
        meeting_id = create_meeting(s, held_on=dt.date(2026, 3, 9)).id
    decision = {"decided_on": dt.date(2026, 3, 9), "outcome": "Deferred for more information",
                "meeting_id": meeting_id}

    second = pg_database.sessions()
    second.begin()
    # The second save has read the meeting's links (none yet) when the first is committed.
    meeting = second.get(Meeting, meeting_id)
    assert meeting.referrals_considered == []
    with pg_database.sessions.begin() as first:
        record_decision(first, referral_id, **decision)
    with pytest.raises(IntegrityError) as raised:
        record_decision(second, referral_id, **decision)
    second.rollback()
    second.close()
    friendly = friendly_database_error(raised.value)
    assert friendly is not None and str(friendly) == SAME_LINK

    with pg_database.sessions.begin() as again:  # "Save again"
        record_decision(again, referral_id, **decision)
    with pg_database.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Decision).where(Decision.referral_id == referral_id)) == 2
        links = s.execute(select(meeting_referral).where(meeting_referral.c.referral_id == referral_id)).all()
        assert [tuple(link) for link in links] == [(meeting_id, referral_id)]


def test_any_other_duplicate_is_left_to_reach_the_error_handler_as_the_bug_it_is(pg_database):
    add = insert(Setting.__table__).values(key="a_setting", value="1")
    with pg_database.sessions.begin() as s:
        s.execute(add)
    with pytest.raises(IntegrityError) as raised, pg_database.sessions.begin() as s:
        s.execute(add)
    assert "setting" in str(raised.value) and friendly_database_error(raised.value) is None
