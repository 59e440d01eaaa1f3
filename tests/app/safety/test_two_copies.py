"""Two copies of the program on one file: no lost update, and a busy database said in words."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

import pytest
from sqlalchemy import select

from app.database import open_database
from app.db_errors import BUSY, STALE, ensure_unchanged, friendly_database_error, plain_database_errors
from app.errors import UserError
from app.services.actions import get_action, update_action
from db import engine as db_engine
from db.models import Action
from sqlalchemy.orm.exc import StaleDataError
from tests.app.safety.helpers import rows


@pytest.fixture
def two_copies(office_db):
    first, second = open_database(office_db), open_database(office_db)
    yield first, second
    first.close()
    second.close()


def _load(db, action_id: int) -> Action:
    """Load a record for a form, the way a window does: a short read-only session, then detached."""
    with db.readers() as s:
        return s.get(Action, action_id)


def test_saving_a_record_someone_else_changed_since_loading_is_refused(two_copies, office_db):
    first, second = two_copies
    action_id = rows(office_db, "SELECT min(id) FROM action")[0][0]
    mine, theirs = _load(first, action_id), _load(second, action_id)

    theirs.lead_officer = "Head of Safeguarding"
    with second.sessions.begin() as s:
        s.merge(theirs)

    mine.lead_officer = "Designated Nurse"
    with pytest.raises(StaleDataError) as stale:
        with first.sessions.begin() as s:
            s.merge(mine)

    assert rows(office_db, f"SELECT lead_officer, version FROM action WHERE id = {action_id}") == [
        ("Head of Safeguarding", mine.version + 1)]
    assert str(friendly_database_error(stale.value)) == STALE


def test_a_service_save_checks_the_version_the_form_was_loaded_with(two_copies, office_db):
    first, second = two_copies
    action_id = rows(office_db, "SELECT min(id) FROM action")[0][0]
    loaded_version = _load(first, action_id).version

    with second.sessions.begin() as s:
        update_action(s, action_id, lead_officer="Head of Safeguarding")

    with pytest.raises(UserError, match="changed this record after you opened it"):
        with plain_database_errors(), first.sessions.begin() as s:
            ensure_unchanged(get_action(s, action_id), loaded_version)
            update_action(s, action_id, lead_officer="Designated Nurse")
    assert rows(office_db, f"SELECT lead_officer FROM action WHERE id = {action_id}") == [
        ("Head of Safeguarding",)]


def _hold_write_lock(path, seconds: float) -> subprocess.Popen:
    """Another process that takes the write lock, says so, holds it ``seconds``, then commits."""
    code = textwrap.dedent(f"""
        import sqlite3, sys, time
        conn = sqlite3.connect({str(path)!r}, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("UPDATE action SET lead_officer = 'Held by the other copy' WHERE id = (SELECT min(id) FROM action)")
        print("locked", flush=True)
        time.sleep({seconds})
        conn.execute("COMMIT")
    """)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "locked"
    return proc


def test_a_save_waits_for_the_other_copy_and_then_says_the_database_is_busy(office_db, monkeypatch):
    monkeypatch.setattr(db_engine, "BUSY_TIMEOUT_MS", 1000)
    db = open_database(office_db)
    holder = _hold_write_lock(office_db, seconds=20)
    try:
        started = time.perf_counter()
        with pytest.raises(UserError) as busy:
            with plain_database_errors(), db.sessions.begin() as s:
                update_action(s, s.scalar(select(Action.id).order_by(Action.id)), lead_officer="Mine")
        waited = time.perf_counter() - started
    finally:
        holder.kill()
        holder.wait()
        db.close()
    assert str(busy.value) == BUSY
    assert 0.9 <= waited < 10
    assert rows(office_db, "SELECT count(*) FROM action WHERE lead_officer IN ('Mine', 'Held by the other copy')") == [(0,)]


def test_a_save_that_waits_for_a_short_write_goes_through(office_db):
    db = open_database(office_db)  # the real 5 second wait
    holder = _hold_write_lock(office_db, seconds=0.5)
    try:
        with db.sessions.begin() as s:
            action_id = s.scalar(select(Action.id).order_by(Action.id))
            update_action(s, action_id, lead_officer="Mine")
    finally:
        holder.wait()
        db.close()
    assert rows(office_db, f"SELECT lead_officer FROM action WHERE id = {action_id}") == [("Mine",)]
