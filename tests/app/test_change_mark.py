"""The change mark and what the audit trail says was written after it: how a window learns
which records others saved (ui.change_watch)."""

from __future__ import annotations

from app.change_mark import change_mark, changed_since
from app.services import referrals


def test_the_records_written_since_a_mark_are_named_and_a_bulk_write_is_not(database):
    with database.readers() as session:
        mark = change_mark(session)
        assert changed_since(session, mark) == set()
    with database.sessions.begin() as session:
        first = referrals.create_referral(session, reference="Ref101", summary="First").id
        second = referrals.create_referral(session, reference="Ref102", summary="Second").id
    with database.readers() as session:
        assert change_mark(session) > mark
        assert changed_since(session, mark) == {("referral", str(first)), ("referral", str(second))}
        assert changed_since(session, mark, most=1) is None  # too many to name: read everything again
        assert changed_since(session, change_mark(session)) == set()
