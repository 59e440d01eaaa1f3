"""The window never blocks on the database: through the real window on a real database,
saves, undos, imports, exports and papers run off the GUI thread, no event loop is spun to
wait for them, and every error reaches the one handler and the log."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

import ui
from db.models import Action
from tests.ui.conftest import logged, open_window
from tests.ui.test_import_export import (  # noqa: F401 - the user and prompts fixtures
    action_values,
    agency_edits,
    export_plan,
    prompts,
    sheet_rows,
    user,
)
from tests.ui.test_report_dialogs import pdf_text
from ui import dialogs, errors, operations, report_dialogs
from ui.forms.action import ActionDialog
from ui.report_dialogs import ReportDialog
from ui.undo import RecordCommand
from ui.workers import wait_for_jobs

SLOW = 20_000  # a limit on waiting on a busy machine, not a timing
CTRL = Qt.KeyboardModifier.ControlModifier
UI_FOLDER = Path(ui.__file__).parent


@pytest.fixture(autouse=True)
def no_leftover_jobs():
    yield
    assert wait_for_jobs(SLOW)
    dialog = errors.current_crash_dialog()
    if dialog is not None:
        dialog.close()


@pytest.fixture
def window(qtbot, office_database):
    window = open_window(qtbot, office_database)
    window.show_page("actions")
    qtbot.waitUntil(lambda: window.is_loaded("actions"), timeout=SLOW)
    return window


def description(database, reference: str) -> str:
    with database.readers() as session:
        return session.scalar(select(Action.description).where(Action.reference == reference))


def when_modal(then) -> None:
    """Once the modal dialog the window opens is on screen, ``then(dialog)``: the user's turn."""
    def look() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, look)
        else:
            then(dialog)
    QTimer.singleShot(0, look)


def edit_a1_description(qtbot, window, text: str, *, while_saving=None, after_saving=None) -> None:
    """Records > Edit on A1, the description replaced and Save clicked, as the officer does.

    The window's Edit waits in the form's modal loop (a question to the user, not a wait
    for work) until the form closes, so what happens meanwhile is looked at from inside
    it: ``while_saving(form)`` once the save has started, ``after_saving(form)`` once it
    has ended (if it saved, the form has closed by then)."""
    def type_and_save(form: ActionDialog) -> None:
        field = form.widgets["description"].editor
        field.setFocus()
        qtbot.keyClick(field, Qt.Key.Key_A, CTRL)
        qtbot.keyClicks(field, text)
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
        if while_saving is not None:
            QTimer.singleShot(0, lambda: while_saving(form))

        def look() -> None:
            if form.is_saving:
                QTimer.singleShot(20, look)
            elif after_saving is not None:
                after_saving(form)
        QTimer.singleShot(0, look)

    window.view("actions").table.selectRow(0)
    when_modal(type_and_save)
    window.edit_action.trigger()


def test_a_save_from_the_window_writes_on_a_worker_while_the_window_carries_on(
        qtbot, window, office_database, monkeypatch):
    held, threads, ticks, seen = threading.Event(), [], [], {}
    real_update = ActionDialog.update.__func__

    def update(cls, session, record_id, values):
        threads.append(threading.current_thread())
        held.wait(SLOW / 1000)  # a slow disk, say
        real_update(cls, session, record_id, values)

    def while_saving(form: ActionDialog) -> None:
        qtbot.waitUntil(lambda: bool(threads), timeout=SLOW)
        before = len(ticks)
        qtbot.wait(200)
        seen.update(ticks=len(ticks) - before, saving=form.is_saving, save_enabled=form.save_button.isEnabled())
        held.set()

    monkeypatch.setattr(ActionDialog, "update", classmethod(update))
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(True))
    timer.start(10)
    edit_a1_description(qtbot, window, "Relaunched at the May forum.", while_saving=while_saving)
    timer.stop()

    assert seen["ticks"] >= 5  # the GUI thread went on while the write waited
    assert seen["saving"] and not seen["save_enabled"]
    assert threads[0] is not threading.main_thread()
    assert description(office_database, "A1") == "Relaunched at the May forum."
    # The register follows the write, and the record saved is selected.
    qtbot.waitUntil(lambda: window.is_loaded("actions") and window.model("actions").index(0, 1).data()
                    == "Relaunched at the May forum.", timeout=SLOW)
    assert window.undo_action.text() == "&Undo Edit action A1"
    assert operations.running_operations() == []


def test_no_event_loop_is_spun_to_wait_for_an_export_an_import_or_a_paper(
        qtbot, window, office_database, user, tmp_path, monkeypatch):  # noqa: F811 - the fixture
    spun, real_exec = [], QEventLoop.exec

    def watched(loop, *args):
        caller = Path(sys._getframe(1).f_code.co_filename)
        if UI_FOLDER in caller.parents:  # the program's code, not the test's own waiting
            spun.append(caller.name)
            raise AssertionError(f"{caller.name} spun an event loop to wait for work")
        return real_exec(loop, *args)

    monkeypatch.setattr(QEventLoop, "exec", watched)
    opened = []
    monkeypatch.setattr(report_dialogs, "open_in_viewer", opened.append)

    # File > Export > Action plan…
    user.save_as = tmp_path / "plan.xlsx"
    user.answers["Export the action plan"] = False  # don't open it
    user.drive = lambda dialog: qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    window.findChild(QAction, "exportActionPlan").trigger()
    qtbot.waitUntil(lambda: user.save_as.exists() and not operations.running_operations(), timeout=SLOW)
    assert len(sheet_rows(user.save_as)) == 3

    # File > Import workbook… (Ctrl+I): the plan, returned with A1 now Amber.
    with office_database.readers() as session:
        a1 = session.scalar(select(Action.id).where(Action.reference == "A1"))
    user.open_path = agency_edits(export_plan(office_database, tmp_path / "return.xlsx"), {(a1, "RAG"): "Amber"})
    user.drive = lambda dialog: qtbot.mouseClick(dialog.accept_all_button, Qt.MouseButton.LeftButton)
    window.findChild(QAction, "importWorkbook").trigger()
    qtbot.waitUntil(lambda: bool(user.informed), timeout=SLOW)
    assert action_values(office_database, "A1")[0] == "Amber"

    # Reports > Composite action plan…
    when_modal(lambda dialog: qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
               if isinstance(dialog, ReportDialog) else None)
    QTimer.singleShot(0, window.findChild(QAction, "report_action-plan").trigger)
    qtbot.waitUntil(lambda: bool(opened), timeout=SLOW)
    assert "Relaunch the neglect toolkit" in pdf_text(opened[0])
    assert spun == []


class BrokenUndo(RecordCommand):
    """A change whose undo meets a bug."""

    def _undo(self, session):
        return {}["no such key"]

    def _redo(self, session):
        pass


@pytest.mark.qt_no_exception_capture
def test_a_bug_in_an_undo_reaches_the_handler_and_the_log_and_the_stack_stays(
        qtbot, window, office_database, reported, data_dir, global_handler):
    window.undo_stack.push(BrokenUndo(office_database, "Change something"))
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=SLOW)
    window.view("actions").table.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_Z, CTRL)
    qtbot.waitUntil(lambda: bool(reported), timeout=SLOW)
    qtbot.waitUntil(lambda: not window.undo_stack.is_busy, timeout=SLOW)
    assert [type(error) for error in reported] == [KeyError]
    assert "KeyError" in logged(data_dir)
    assert errors.current_crash_dialog() is not None
    # The stack is where it was: the change can be undone again once put right.
    assert window.undo_stack.index() == 1 and window.undo_stack.canUndo()
    assert window.undo_action.isEnabled() and window.undo_action.text() == "&Undo Change something"


def test_a_busy_database_during_an_undo_leaves_the_stack_and_says_so(
        qtbot, window, office_database, monkeypatch):
    import sqlite3

    from sqlalchemy.exc import OperationalError

    class BusyUndo(BrokenUndo):
        def _undo(self, session):
            raise OperationalError("UPDATE action", {}, sqlite3.OperationalError("database is locked"))

    warned = []
    monkeypatch.setattr(dialogs, "warn", lambda parent, title, text: warned.append(text))
    window.undo_stack.push(BusyUndo(office_database, "Change something"))
    window.undo_stack.undo()
    qtbot.waitUntil(lambda: bool(warned), timeout=SLOW)
    assert warned[0].startswith("Could not undo “Change something”. The database is busy")
    qtbot.waitUntil(lambda: not window.undo_stack.is_busy, timeout=SLOW)
    assert window.undo_stack.index() == 1  # try again in a moment


@pytest.mark.qt_no_exception_capture
def test_a_bug_in_a_save_reaches_the_handler_and_the_log_and_the_form_stays_open(
        qtbot, window, office_database, reported, data_dir, monkeypatch, global_handler):
    seen = {}

    def update(cls, session, record_id, values):
        raise ZeroDivisionError("a bug in the service")

    def after_saving(form: ActionDialog) -> None:
        seen.update(visible=form.isVisible(), save_enabled=form.save_button.isEnabled())
        errors.current_crash_dialog().close()
        monkeypatch.setattr(dialogs, "ask_discard_changes", lambda parent: True)
        form.reject()  # the user gives up, for now

    monkeypatch.setattr(ActionDialog, "update", classmethod(update))
    edit_a1_description(qtbot, window, "Never saved.", after_saving=after_saving)
    assert [type(error) for error in reported] == [ZeroDivisionError]
    assert "ZeroDivisionError" in logged(data_dir)
    assert seen == {"visible": True, "save_enabled": True}  # the user's text was still there
    assert description(office_database, "A1") == "Relaunch the neglect toolkit with training."


@pytest.mark.qt_no_exception_capture
def test_a_bug_in_a_slot_of_the_window_reaches_the_handler_and_the_log(
        qtbot, window, reported, data_dir, monkeypatch, global_handler):
    def broken(parent, title, text):
        raise LookupError("a bug behind Help > About")

    monkeypatch.setattr(dialogs, "inform", broken)
    about = next(a for a in window.findChildren(QAction) if a.text() == "&About Case Review Tracker")
    QTimer.singleShot(0, about.trigger)  # as a click does: from the event loop
    qtbot.waitUntil(lambda: bool(reported), timeout=SLOW)
    assert [type(error) for error in reported] == [LookupError]
    assert "LookupError" in logged(data_dir)
    assert errors.current_crash_dialog() is not None
