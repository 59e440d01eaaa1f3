"""Long work off the GUI thread, and what the user is told when something goes wrong."""

from __future__ import annotations

import errno
import sqlite3
import sys
import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QPushButton
from sqlalchemy.exc import OperationalError

from app.errors import UserError
from ui import dialogs, errors
from ui.workers import run_job, wait_for_jobs

SLOW = 20_000  # a limit on waiting on a busy machine, not a timing


@pytest.fixture(autouse=True)
def no_leftover_jobs():
    yield
    assert wait_for_jobs(SLOW)


@pytest.fixture
def warnings(monkeypatch):
    said = []
    monkeypatch.setattr(dialogs, "warn", lambda parent, title, text: said.append(text))
    return said


@pytest.fixture
def crash_dialogs():
    yield
    dialog = errors.current_crash_dialog()
    if dialog is not None:
        dialog.close()


def test_a_job_runs_off_the_gui_thread_and_its_result_comes_back(qtbot):
    threads, results = [], []

    def work(progress):
        threads.append(threading.current_thread())
        progress(1, 2, "Halfway")
        return 6 * 7

    job = run_job(work, title="Sum", on_done=results.append)
    qtbot.waitUntil(lambda: results == [42], timeout=SLOW)
    assert threads[0] is not threading.main_thread()
    assert not job.is_running
    assert job.dialog is None  # quick work shows no progress dialog


def test_slow_work_shows_a_progress_dialog_that_cancels_it(qtbot):
    release = threading.Event()
    finished, cancelled = [], []

    def work(progress):
        done = 0
        while True:  # until cancelled, reporting as it goes
            done += 1
            progress(done % 100, 100, "Working through the records…")
            release.wait(0.01)

    job = run_job(work, title="Long job", on_done=finished.append,
                  on_cancelled=lambda: cancelled.append(True))
    qtbot.waitUntil(lambda: job.dialog is not None and job.dialog.isVisible(), timeout=SLOW)
    assert job.dialog.windowTitle() == "Long job"
    qtbot.waitUntil(lambda: job.dialog is not None and job.dialog.labelText() == "Working through the records…",
                    timeout=SLOW)
    cancel = job.dialog.findChild(QPushButton)
    assert cancel.text() == "Cancel"
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: cancelled == [True], timeout=SLOW)
    assert finished == []
    assert job.dialog is None


def test_a_user_error_in_a_job_becomes_a_plain_message(qtbot, warnings):
    def work(progress):
        raise UserError("Row 4 of the sheet has no action reference.")

    run_job(work, title="Import", on_done=lambda result: None)
    qtbot.waitUntil(lambda: bool(warnings), timeout=SLOW)
    assert warnings == ["Row 4 of the sheet has no action reference."]


def test_a_busy_database_in_a_job_is_said_in_plain_words(qtbot, warnings):
    def work(progress):
        raise OperationalError("UPDATE action", {}, sqlite3.OperationalError("database is locked"))

    run_job(work, title="Save", on_done=lambda result: None)
    qtbot.waitUntil(lambda: bool(warnings), timeout=SLOW)
    assert warnings[0].startswith("The database is busy")


def test_a_bug_in_a_job_opens_the_crash_dialog_and_writes_a_log(qtbot, warnings, data_dir, crash_dialogs):
    def work(progress):
        return {}["Child U lives at 4 Acacia Avenue"]

    run_job(work, title="Export", on_done=lambda result: None)
    qtbot.waitUntil(lambda: errors.current_crash_dialog() is not None, timeout=SLOW)
    dialog = errors.current_crash_dialog()
    assert "KeyError" in dialog.report_box.toPlainText()
    assert "work" in dialog.report_box.toPlainText()  # where it happened
    log = (data_dir / "logs" / errors.LOG_NAME).read_text()
    assert "KeyError" in log
    # Neither the log nor the report repeats what the error said: it may be record text.
    assert "Acacia" not in log and "Acacia" not in dialog.report
    assert warnings == []
    dialog.copy_button.click()
    assert QApplication.clipboard().text() == dialog.report
    assert str(data_dir / "logs") in dialog.findChild(QLabel, "logLocation").text()


def test_only_one_crash_dialog_at_a_time(qtbot, data_dir, crash_dialogs):
    for _ in range(3):
        try:
            raise ZeroDivisionError("boom")
        except ZeroDivisionError:
            errors.excepthook(*sys.exc_info())
    dialog = errors.current_crash_dialog()
    assert dialog is not None
    open_dialogs = [w for w in QApplication.topLevelWidgets()
                    if isinstance(w, errors.CrashDialog) and w.isVisible()]
    assert open_dialogs == [dialog]
    # All three were logged.
    assert (data_dir / "logs" / errors.LOG_NAME).read_text().count("ZeroDivisionError") == 3


def test_the_excepthook_says_a_user_error_in_a_sentence(warnings, crash_dialogs):
    try:
        raise UserError("That review is already published.")
    except UserError:
        errors.excepthook(*sys.exc_info())
    assert warnings == ["That review is already published."]
    assert errors.current_crash_dialog() is None


@pytest.mark.parametrize("error, words", [
    (UserError("Type a target date."), "Type a target date."),
    (OperationalError("x", {}, sqlite3.OperationalError("database is locked")), "The database is busy"),
    (OperationalError("x", {}, sqlite3.OperationalError("database or disk is full")), "disk holding the database is full"),
    (OperationalError("x", {}, sqlite3.OperationalError("disk I/O error")), "could not be read or written"),
    (PermissionError(errno.EACCES, "Permission denied", "C:/plans/police.xlsx"), "police.xlsx could not be used"),
    (OSError(errno.ENOSPC, "No space left on device"), "The disk is full"),
    (FileNotFoundError(errno.ENOENT, "No such file", "/plans/old.xlsx"), "old.xlsx could not be found"),
])
def test_known_faults_are_plain_sentences(error, words):
    assert words in errors.known_error_sentence(error)


def test_bugs_are_not_dressed_up_as_sentences():
    assert errors.known_error_sentence(KeyError("x")) is None
    assert errors.known_error_sentence(OperationalError("x", {}, sqlite3.OperationalError("no such column: y"))) is None


def test_the_reading_queue_runs_one_read_at_a_time_most_wanted_first(qtbot):
    """Reads into the window queue on one thread (two at once take three times as long);
    what the user asked for is taken before what is read ahead."""
    import threading

    from ui.workers import AHEAD, ASKED_FOR, PREPARING, reading_queue, run_job

    started, release = threading.Event(), threading.Event()
    order, running, most_at_once = [], [0], [0]
    lock = threading.Lock()

    def read(name):
        def work(_progress):
            with lock:
                running[0] += 1
                most_at_once[0] = max(most_at_once[0], running[0])
            if name == "first":
                started.set()
                release.wait(10)
            order.append(name)
            with lock:
                running[0] -= 1
        return work

    run_job(read("first"), title="first", on_done=lambda _r: None, show_progress=False,
            pool=reading_queue(), priority=AHEAD)
    assert started.wait(10)
    for name, priority in (("prepare", PREPARING), ("ahead", AHEAD), ("asked", ASKED_FOR)):
        run_job(read(name), title=name, on_done=lambda _r: None, show_progress=False,
                pool=reading_queue(), priority=priority)
    release.set()
    qtbot.waitUntil(lambda: len(order) == 4, timeout=10_000)
    assert order == ["first", "asked", "ahead", "prepare"]
    assert most_at_once[0] == 1



def test_a_finished_job_is_deleted_on_the_gui_thread_whatever_holds_it(qtbot):
    """A wrapper kept (in a reference cycle, say) is not what deletes the job: a garbage
    collection on a worker thread would delete it there, and crash."""
    from shiboken6 import isValid

    results = []
    job = run_job(lambda _progress: 1, title="Sum", on_done=results.append, show_progress=False)
    qtbot.waitUntil(lambda: results == [1], timeout=SLOW)
    qtbot.waitUntil(lambda: not isValid(job), timeout=SLOW)  # deleted by Qt, on this thread
    assert not job.is_running
