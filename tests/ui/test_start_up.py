"""Start-up: the window opens before its database is checked; a damaged file, or a backup
that cannot be taken, is said in a dialog and never a console message or a traceback.

Each test uses a real file in a temporary data folder (the records of ``tests/ui/conftest.py``),
damages it for real, and checks what the user sees and what is on disk. Message boxes are
answered by monkeypatching ``ui.dialogs``.
"""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel
from sqlalchemy import select

from app.backups import DAILY, backup_folder, list_backups, set_backup_folder, take_backup
from app.database import open_database
from db.models import Referral
from tests.app.safety.helpers import zero_one_page, zero_table
from tests.ui.conftest import open_window
from ui import dialogs
from ui.app import open_at_start
from ui.workers import wait_for_jobs

SLOW = 30_000  # a limit on waiting on a busy machine, not a timing


@pytest.fixture
def answers(monkeypatch):
    """Questions asked and warnings given; ``answers.replies`` answers the questions in turn."""
    class Told:
        asked: list[str]
        warned: list[str]
        replies: list[bool]

    told = Told()
    told.asked, told.warned, told.replies = [], [], []

    def confirm(parent, title, text, *, yes="Yes", no="No"):
        told.asked.append(text)
        return told.replies.pop(0)

    monkeypatch.setattr(dialogs, "confirm", confirm)
    monkeypatch.setattr(dialogs, "warn", lambda parent, title, text: told.warned.append(text))
    monkeypatch.setattr(dialogs, "inform", lambda parent, title, text: None)
    yield told
    assert wait_for_jobs(SLOW)


@pytest.fixture
def office_file(office_database):
    """The office database's file, backed up and closed."""
    take_backup(office_database.path, backup_folder(), "manual")
    office_database.close()
    return office_database.path




def start(qtbot, path, open_it):
    """What start-up opens (the event loop running, as it does): the database, or None."""
    opened = []
    open_at_start(path, open_it, opened.append)
    qtbot.waitUntil(lambda: bool(opened), timeout=SLOW)
    return opened[0]


def referral_references(database) -> list[str]:
    with database.readers() as s:
        return list(s.scalars(select(Referral.reference)))


def test_a_damaged_file_at_start_up_is_offered_its_backup_and_then_opens(qtbot, office_file, answers):
    zero_table(office_file, "alembic_version")  # caught before the window: its version cannot be read
    answers.replies.append(True)

    database = start(qtbot, office_file, lambda: open_database(office_file, create=False, check_later=True))

    try:
        assert database is not None
        assert "has not been opened or changed" in answers.asked[0]
        assert referral_references(database) == ["Ref053"]
    finally:
        if database is not None:
            database.close()


def test_declining_the_offer_at_start_up_opens_nothing_and_changes_nothing(qtbot, office_file, answers):
    zero_one_page(office_file)
    before = office_file.read_bytes()
    answers.replies.append(False)

    assert start(qtbot, office_file, lambda: open_database(office_file, create=False)) is None

    assert office_file.read_bytes() == before


def test_the_window_checks_and_backs_up_after_it_appears(qtbot, office_file, answers):
    database = open_database(office_file, create=False, check_later=True)
    try:
        assert database.check_pending
        window = open_window(qtbot, database)
        qtbot.waitUntil(lambda: not database.check_pending, timeout=SLOW)
        qtbot.waitUntil(lambda: "today's backup taken" in window.statusBar().currentMessage(), timeout=SLOW)
        assert DAILY in [b.label for b in list_backups(backup_folder(), office_file)]
        assert answers.warned == []
    finally:
        database.close()


def test_the_check_after_opening_runs_on_the_low_priority_upkeep_thread(qtbot, office_file, answers):
    import sys
    import threading

    from PySide6.QtCore import QThread

    database = open_database(office_file, create=False, check_later=True)
    seen = []
    real = database.finish_open_check

    def recording():
        seen.append((threading.current_thread(), QThread.currentThread().priority()))
        return real()

    database.finish_open_check = recording
    try:
        open_window(qtbot, database)
        qtbot.waitUntil(lambda: not database.check_pending, timeout=SLOW)
        thread, priority = seen[0]
        assert thread is not threading.main_thread()
        # Linux has only idle below normal; Windows gets its lowest normal priority.
        assert priority == (QThread.Priority.IdlePriority if sys.platform.startswith("linux")
                            else QThread.Priority.LowestPriority)
    finally:
        database.close()


def test_a_file_that_fails_the_later_check_is_taken_off_screen_and_its_backup_offered(
        qtbot, office_file, answers):
    zero_table(office_file, "action")
    before = office_file.read_bytes()
    answers.replies.append(False)  # don't restore, for now
    database = open_database(office_file, create=False, check_later=True)
    try:
        window = open_window(qtbot, database)
        qtbot.waitUntil(lambda: len(answers.asked) == 1, timeout=SLOW)

        assert "has not been opened or changed" in answers.asked[0]
        assert answers.warned == []  # the failed reads of the damaged table are not said twice
        refusal = window.findChild(QLabel, "dashboardRefusal")
        assert refusal is not None and "failed its check" in refusal.text()
        window.show_page("referrals")
        assert window.model("referrals").rowCount() == 0
        assert not window.is_loaded("referrals")
        assert not window.new_action.isEnabled()
        assert office_file.read_bytes() == before
    finally:
        database.close()


def test_taking_up_the_offer_after_the_later_check_opens_the_restored_file(qtbot, office_file, answers):
    zero_table(office_file, "action")
    answers.replies.append(True)
    database = open_database(office_file, create=False, check_later=True)
    try:
        window = open_window(qtbot, database)
        qtbot.waitUntil(lambda: window.database is not database, timeout=SLOW)

        window.show_page("actions")
        qtbot.waitUntil(lambda: window.is_loaded("actions"), timeout=SLOW)
        assert window.model("actions").rowCount() == 3
        assert window.findChild(QLabel, "dashboardRefusal") is None
        assert window.new_action.isEnabled()
        assert list(office_file.parent.glob("office-unreadable-*.sqlite"))  # kept aside, not deleted
        assert answers.warned == []  # the restored file reads cleanly
    finally:
        database.close()


def test_a_daily_backup_that_cannot_be_taken_is_said_in_a_dialog(qtbot, office_file, answers, tmp_path):
    chosen = set_backup_folder(tmp_path / "network-drive")
    chosen.rmdir()  # the drive is not connected today: a file stands where the folder was
    chosen.write_text("not a folder", encoding="utf-8")
    database = open_database(office_file, create=False, check_later=True)
    try:
        window = open_window(qtbot, database)
        qtbot.waitUntil(lambda: bool(answers.warned), timeout=SLOW)
        assert "Today's backup could not be taken" in answers.warned[0]
        assert "Your work is saved as usual" in answers.warned[0]
        with database.sessions.begin() as s:  # the day's work carries on
            s.add(Referral(reference="Ref054", age_text="2 yrs"))
        assert "Ref054" in referral_references(database)
        window.close()
    finally:
        database.close()
