"""A small office database for window tests: one referral followed through to actions.

The records (added through the ORM, so audited as the program would add them):

- referral Ref053 (Child U), referred by the Police, with two decisions: deferred for more
  information, then a Serious Case Review (criteria met) at the 17/04/2024 meeting;
- review SCR-01 covering it, with recommendations 3 and 4 under the theme Neglect;
- three actions: A1 (Children's Services, answers R3, open and past its target: overdue),
  A2 (Police, answers R3 and R4, target in 2099), A3 (complete, past its target, so not
  overdue, answers none);
- a progress update on A1 and a practitioner learning event for SCR-01.

The target dates are decades from today either way, so "overdue" does not depend on when
the tests run.
"""

from __future__ import annotations

import datetime as dt
import sys
import threading
import warnings

import pytest

from app import lookups
from db.models import (
    Action,
    Decision,
    LearningEvent,
    ListKind,
    Meeting,
    ProgressUpdate,
    Recommendation,
    Referral,
    Review,
)

LONG_SUMMARY = (
    "Infant admitted to hospital with a fractured femur and older bruising; concerns about "
    "neglect had been raised by the health visitor and the nursery over several months."
)


def add_case_records(session) -> None:
    """Add the records described in this module's docstring."""
    def item(kind, name):
        return lookups.list_item(session, kind, name)

    police = lookups.agency(session, "Police")
    childrens = lookups.agency(session, "Children's Services")
    neglect = lookups.theme(session, "Neglect")

    meeting = Meeting(held_on=dt.date(2024, 4, 17), chair="Independent chair")
    referral = Referral(
        reference="Ref053", subject="Child U", date_referred=dt.date(2024, 3, 4),
        referring_agency=police, summary=LONG_SUMMARY, location="Northtown", gender="Male",
        age_text="4 mths", category=item(ListKind.REFERRAL_CATEGORY, "Neglect"),
    )
    referral.decisions = [
        Decision(decided_on=dt.date(2024, 3, 20), decided_by="Sub group",
                 outcome=item(ListKind.DECISION_OUTCOME, "Deferred for more information")),
        Decision(decided_on=dt.date(2024, 4, 17), decided_by="Independent chair",
                 meeting=meeting, criteria_met=True,
                 outcome=item(ListKind.DECISION_OUTCOME, "Serious Case Review")),
    ]
    meeting.referrals_considered = [referral]

    review = Review(
        reference="SCR-01", title="Child U", referrals=[referral],
        review_type=item(ListKind.REVIEW_TYPE, "Serious Case Review"),
        status=item(ListKind.REVIEW_STATUS, "Underway"), initiated_on=dt.date(2024, 5, 1),
    )
    r3 = Recommendation(review=review, number=3, theme=neglect,
                        text="Agencies should use the neglect toolkit at every assessment.")
    r4 = Recommendation(review=review, number=4, theme=neglect,
                        text="Supervision should test whether drift in a neglect case is challenged.")

    in_progress = item(ListKind.ACTION_STATUS, "In progress")
    a1 = Action(reference="A1", description="Relaunch the neglect toolkit with training.",
                lead_agency=childrens, theme=neglect, status=in_progress, rag="Red",
                target_on=dt.date(2000, 1, 31), recommendations=[r3])
    a2 = Action(reference="A2", description="Audit supervision records for neglect cases.",
                lead_agency=police, theme=neglect, status=item(ListKind.ACTION_STATUS, "Not started"),
                target_on=dt.date(2099, 12, 31), recommendations=[r3, r4])
    a3 = Action(reference="A3", description="Publish the learning briefing.",
                status=item(ListKind.ACTION_STATUS, "Complete"), rag="Blue",
                target_on=dt.date(2000, 1, 1), completed_on=dt.date(1999, 12, 20),
                evidence_of_completion="Briefing published on the partnership website.")
    a1.updates = [ProgressUpdate(update_on=dt.date(2024, 6, 3), author="Head of service",
                                 text="Training dates agreed; toolkit being revised.")]
    learning = LearningEvent(
        review=review, title="Practitioner learning event for SCR-01", held_on=dt.date(2024, 7, 9),
        attendance=34, event_type=item(ListKind.LEARNING_EVENT_TYPE, "Practitioner learning event"),
    )
    session.add_all([meeting, referral, review, r3, r4, a1, a2, a3, learning])


@pytest.fixture
def office_database(database):
    """An opened database in a temporary data folder, holding the records above."""
    with database.sessions.begin() as session:
        add_case_records(session)
    return database


def open_window(qtbot, database):
    """The main window over ``database``, shown (off screen) and closed after the test."""
    from ui.app import create_main_window

    window = create_main_window(database)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


@pytest.fixture
def window(qtbot, office_database):
    """The window over ``office_database``, its dashboard read; afterwards the case page (if
    shown) is closed and every operation and background job the test started has ended."""
    from tests.ui.forms.conftest import SLOW, wait_for_operations
    from ui.workers import wait_for_jobs

    window = open_window(qtbot, office_database)
    qtbot.waitUntil(lambda: window.dashboard.figures is not None and not window.dashboard.is_loading(),
                    timeout=SLOW)
    yield window
    if window.case_page is not None:
        window.case_page.close()
    wait_for_operations(qtbot)
    assert wait_for_jobs(SLOW)


@pytest.fixture
def reported(monkeypatch):
    """The errors that reach the one handler, ``ui.errors.report_exception`` (which still
    shows and logs them)."""
    from ui import errors

    seen = []
    real = errors.report_exception

    def report(error, parent=None, title="Case Review Tracker"):
        seen.append(error)
        real(error, parent, title)

    monkeypatch.setattr(errors, "report_exception", report)
    return seen


@pytest.fixture
def global_handler(monkeypatch):
    """The program's own hooks (``ui.app`` installs them) in place of pytest-qt's; use with
    ``@pytest.mark.qt_no_exception_capture``."""
    from ui import errors

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    errors.install()


def logged(data_dir) -> str:
    """What the program's log holds (empty if nothing was logged)."""
    from ui import errors

    path = data_dir / "logs" / errors.LOG_NAME
    return path.read_text(encoding="utf-8") if path.exists() else ""


@pytest.fixture(autouse=True)
def no_crash_dialog_left_open():
    """A crash dialog still open when a test ends is closed and forgotten, so that a later
    test that waits for a crash dialog of its own does not find this one (or its deleted
    remains) and wait for ever; the run's summary warns of it, naming the test."""
    yield
    from ui import errors

    dialog = errors.current_crash_dialog()
    if dialog is None:
        return
    errors._open_dialog = None
    try:
        report = dialog.report
        dialog.reject()
    except RuntimeError:  # already deleted by Qt, with the window it belonged to
        report = "(the dialog was deleted with its window)"
    warnings.warn(f"A crash dialog was left open by this test:\n{report}", stacklevel=1)
