"""A chase holds the actions it is recorded on until it is saved: on a shared server, an action
cannot be deleted from under a chase being written (the chase would name an action that is
gone), and it can be once the chase is saved."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from app import lookups
from app.services.chases import record_chases
from db.models import Action, ListKind


def test_an_action_being_chased_cannot_be_deleted_until_the_chase_is_saved(pg_database):
    with pg_database.sessions.begin() as s:
        action = Action(description="Audit the neglect toolkit's use.", target_on=dt.date(2026, 1, 31),
                        status=lookups.list_item(s, ListKind.ACTION_STATUS, "In progress"))
        s.add(action)
        s.flush()
        action_id = action.id
    delete = text("UPDATE action SET archived_at = now(), version = version + 1 WHERE id = :id")

    chasing = pg_database.sessions()
    chasing.begin()
    record_chases(chasing, [action_id], chased_on=dt.date(2026, 2, 2), to_whom="Police", subject="Chase")
    with pg_database.engine.connect() as other:
        other.execute(text("SET lock_timeout = '300ms'"))
        with pytest.raises(OperationalError, match="lock timeout"):
            other.execute(delete, {"id": action_id})
        other.rollback()
    chasing.commit()
    chasing.close()

    with pg_database.engine.begin() as other:
        other.execute(text("SET LOCAL lock_timeout = '300ms'"))
        assert other.execute(delete, {"id": action_id}).rowcount == 1
