"""Reading and writing the database off the GUI thread (``ui.operations``), and the one
place every error goes."""

from __future__ import annotations

import gc
import threading
import weakref

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget
from sqlalchemy import select

from app.database import open_database
from app.errors import UserError
from db.models import Action, Referral
from tests.ui.conftest import logged
from ui import dialogs, errors, operations
from ui.operations import BackgroundOp, CollectionOp, QueryOp
from ui.workers import wait_for_jobs

SLOW = 20_000  # a limit on waiting on a busy machine, not a timing


@pytest.fixture(autouse=True)
def no_leftover_jobs():
    yield
    assert wait_for_jobs(SLOW)
    dialog = errors.current_crash_dialog()
    if dialog is not None:
        dialog.close()


@pytest.fixture
def warned(monkeypatch):
    said = []
    monkeypatch.setattr(dialogs, "warn", lambda parent, title, text: said.append(text))
    return said


def referral_subjects(database) -> list[str]:
    with database.readers() as session:
        return list(session.scalars(select(Referral.subject).order_by(Referral.id)))


def test_a_query_reads_on_a_worker_and_answers_on_the_gui_thread(qtbot, office_database):
    threads, answers = [], []

    def read(session):
        threads.append(threading.current_thread())
        return session.scalar(select(Referral.reference))

    QueryOp(None, office_database, read,
            success=lambda found: answers.append((found, threading.current_thread()))).run_in_background()
    qtbot.waitUntil(lambda: bool(answers), timeout=SLOW)
    assert answers == [("Ref053", threading.main_thread())]
    assert threads[0] is not threading.main_thread()


def test_a_write_is_one_unit_of_work_on_the_writing_thread_and_says_what_it_changed(qtbot, office_database):
    threads, announced = [], []
    operations.changes().records_changed.connect(announced.append)

    def write(session):
        threads.append(threading.current_thread())
        referral = session.scalars(select(Referral)).one()
        referral.subject = "Child V"
        return referral.id

    op = CollectionOp(None, office_database, write).run_in_background()
    assert op.is_running
    qtbot.waitUntil(lambda: bool(announced), timeout=SLOW)
    operations.changes().records_changed.disconnect(announced.append)
    assert threads[0] is not threading.main_thread()
    assert referral_subjects(office_database) == ["Child V"]
    changes = announced[0]
    assert changes.database is office_database
    assert "referral" in changes.kinds and len(changes.ids("referral")) == 1
    assert not op.is_running


def test_a_write_that_fails_writes_nothing_and_a_bug_reaches_the_handler_and_the_log(
        qtbot, office_database, reported, data_dir):
    ended = []

    def write(session):
        session.scalars(select(Referral)).one().subject = "Half written"
        session.flush()
        return {}["no such key"]

    CollectionOp(None, office_database, write, success=lambda _r: pytest.fail("no success"),
                 ended=lambda: ended.append(True)).run_in_background()
    qtbot.waitUntil(lambda: ended == [True], timeout=SLOW)
    assert referral_subjects(office_database) == ["Child U"]
    assert [type(e) for e in reported] == [KeyError]
    assert errors.current_crash_dialog() is not None
    assert "KeyError" in logged(data_dir)


def test_a_user_error_goes_to_failure_or_else_to_a_message(qtbot, office_database, warned, data_dir):
    failures = []

    def refuse(session):
        raise UserError("Type a target date.", field="target_on")

    CollectionOp(None, office_database, refuse, failure=failures.append).run_in_background()
    qtbot.waitUntil(lambda: bool(failures), timeout=SLOW)
    assert failures[0].field == "target_on" and warned == []
    CollectionOp(None, office_database, refuse).run_in_background()
    qtbot.waitUntil(lambda: bool(warned), timeout=SLOW)
    assert warned == ["Type a target date."]
    assert logged(data_dir) == ""  # the user's to put right, not a fault
    assert errors.current_crash_dialog() is None


def test_a_write_waits_for_the_check_after_opening_and_the_window_does_not(qtbot, office_database, tmp_path):
    path = office_database.path
    office_database.close()
    database = open_database(path, create=False, check_later=True)
    try:
        assert database.check_pending
        saved, ticks = [], []
        timer = QTimer()
        timer.timeout.connect(lambda: ticks.append(True))
        timer.start(10)

        def write(session):
            session.scalars(select(Referral)).one().subject = "After the check"

        CollectionOp(None, database, write, success=saved.append).run_in_background()
        qtbot.wait(300)
        assert saved == [] and len(ticks) >= 5  # held, while the GUI thread carries on
        database.finish_open_check()
        qtbot.waitUntil(lambda: saved == [None], timeout=SLOW)
        timer.stop()
        assert referral_subjects(database) == ["After the check"]
    finally:
        assert wait_for_jobs(SLOW)
        database.close()


def test_the_callbacks_of_a_deleted_parent_are_not_called(qtbot, office_database):
    parent = QWidget()
    release = threading.Event()
    called = []

    def read(session):
        release.wait(10)
        return 1

    op = QueryOp(parent, office_database, read, success=called.append,
                 ended=lambda: called.append("ended")).run_in_background()
    parent.deleteLater()
    qtbot.waitUntil(lambda: not __import__("shiboken6").isValid(parent), timeout=SLOW)
    release.set()
    qtbot.waitUntil(lambda: not op.is_running, timeout=SLOW)
    assert called == []


def test_a_finished_operation_leaves_nothing_alive(qtbot, office_database):
    class Rows(list):
        """What a read's closure holds (a register's rows, say); weakly referable."""

    done = []
    parent = QWidget()
    qtbot.addWidget(parent)

    def start() -> list[weakref.ref]:
        held = Rows(range(100_000))

        def read(session, progress):
            progress(1, 2, "Reading…")
            return len(held)

        op = QueryOp(parent, office_database, read, progress=True, label="Reading",
                     success=done.append).run_in_background()
        write = CollectionOp(parent, office_database, lambda s: s.scalars(select(Action)).first().id,
                             success=done.append).run_in_background()
        return [weakref.ref(held), weakref.ref(op), weakref.ref(op.job), weakref.ref(write),
                weakref.ref(write.job)]

    watched = start()
    qtbot.waitUntil(lambda: len(done) == 2, timeout=SLOW)
    assert 100_000 in done
    qtbot.wait(10)  # the signals' last references go as their slots return
    gc.collect()
    assert [ref() for ref in watched] == [None] * len(watched)
    assert operations.running_operations() == []


def test_cancelling_stops_the_work_and_rolls_it_back(qtbot, office_database):
    started, outcome = threading.Event(), []

    def write(session, progress):
        session.scalars(select(Referral)).one().subject = "Never saved"
        session.flush()
        started.set()
        while True:
            progress(0, 0, "Working…")
            threading.Event().wait(0.01)

    op = CollectionOp(None, office_database, write, progress=True, cancellable=True,
                      cancelled=lambda: outcome.append("cancelled"),
                      ended=lambda: outcome.append("ended")).run_in_background()
    assert started.wait(10)
    op.cancel()
    qtbot.waitUntil(lambda: outcome == ["cancelled", "ended"], timeout=SLOW)
    assert referral_subjects(office_database) == ["Child U"]


def test_file_work_runs_off_the_gui_thread(qtbot, tmp_path):
    threads = []

    def work(progress):
        threads.append(threading.current_thread())
        return (tmp_path / "note.txt").write_text("saved", encoding="utf-8")

    BackgroundOp(None, work, success=threads.append).run_in_background()
    qtbot.waitUntil(lambda: len(threads) == 2, timeout=SLOW)
    assert threads[0] is not threading.main_thread() and threads[1] == 5


@pytest.mark.qt_no_exception_capture
def test_an_error_in_a_slot_or_a_thread_reaches_the_handler_and_the_log(qtbot, reported, data_dir, global_handler):
    def slot():
        raise ZeroDivisionError("in a slot")

    QTimer.singleShot(0, slot)
    qtbot.waitUntil(lambda: len(reported) == 1, timeout=SLOW)
    thread = threading.Thread(target=lambda: {}["in a thread"])
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: len(reported) == 2, timeout=SLOW)
    assert [type(e) for e in reported] == [ZeroDivisionError, KeyError]
    log = logged(data_dir)
    assert "ZeroDivisionError" in log and "KeyError" in log
