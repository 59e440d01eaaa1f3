"""The dashboard's count of who is due a chase (``count_due_today``, one query) says what the
list Chase… offers says (``due_today``, read through the plan), whatever the schedule, the
chases recorded and the leads named."""

from __future__ import annotations

import datetime as dt

import pytest

from app import lookups
from app.chasing import count_due_today, due_today
from app.services.chases import record_chases
from app.settings import save_settings
from db.models import Action, ListKind

TODAY = dt.date.today()
DAY = dt.timedelta(days=1)


def _add(session, reference, agency, target, officer=None, status="In progress", **fields) -> int:
    action = Action(reference=reference, description=f"Action {reference}.", lead_officer=officer,
                    lead_agency=lookups.agency(session, agency) if agency else None, target_on=target,
                    status=lookups.list_item(session, ListKind.ACTION_STATUS, status), **fields)
    session.add(action)
    session.flush()
    return action.id


def _listed(session, today):
    due = due_today(session, today)
    return len(due), sum(len(lead.actions) for lead in due)


@pytest.fixture
def office(database):
    """Actions spread over two months either side of today, leads named in several ways
    (two spellings of one officer, an agency without an officer, neither), one closed, one
    archived, and chases on some."""
    with database.sessions.begin() as s:
        ids = []
        for n, offset in enumerate(range(-60, 45, 3)):
            agency = ("Police", "Education", None)[n % 3]
            officer = (" Jane  Hart", "jane hart", None, "Sam Ray")[n % 4]
            ids.append(_add(s, f"A{n}", agency, TODAY + offset * DAY, officer))
        _add(s, "Done", "Police", TODAY - 5 * DAY, "Jane Hart", status="Complete",
             completed_on=TODAY - 6 * DAY, evidence_of_completion="Register of attendance.")
        _add(s, "Gone", "Police", TODAY - 5 * DAY, "Jane Hart", archived_at=dt.datetime.now())
        _add(s, "No date", "Education", None, "Sam Ray")
        record_chases(s, ids[::4], chased_on=TODAY - 2 * DAY, to_whom="Lead", subject="Chase")
        record_chases(s, ids[1::5], chased_on=TODAY - 20 * DAY, to_whom="Lead", subject="Chase")
    return database


@pytest.mark.parametrize("schedule", [
    {},  # the office's default: 14 days before, on the day, every 14 days overdue
    {"chase_days_before": ""},
    {"chase_on_the_day": "no", "chase_days_before": ""},
    {"chase_every_days_overdue": "", "chase_days_before": "7"},
    {"chase_on_the_day": "no", "chase_days_before": "", "chase_every_days_overdue": ""},
])
def test_the_count_is_what_the_list_says(office, schedule):
    with office.sessions.begin() as s:
        if schedule:
            save_settings(s, **schedule)
    with office.readers() as s:
        for later in (0, 1, 9, 30):  # today, and days to come (a past date reads the plan itself)
            day = TODAY + later * DAY
            assert count_due_today(s, day) == _listed(s, day), (schedule, day)
        counted = count_due_today(s, TODAY)
    if "chase_every_days_overdue" not in schedule or schedule["chase_every_days_overdue"]:
        assert counted[1] > 0  # the comparison is about something


def test_a_past_date_is_counted_as_the_plan_stood_then(office):
    with office.readers() as s:
        assert count_due_today(s, TODAY - 10 * DAY) == _listed(s, TODAY - 10 * DAY)
