"""After a save the window reads only the rows it changed, with no dialog in the way; what a
finished read, save or form held is let go of."""

from __future__ import annotations

import gc
import weakref

import pytest
from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication

from app import register_updates
from app.registers import REGISTERS
from db.models import Action
from tests.ui.conftest import open_window
from ui.forms.base import RecordDialog
from ui.register_loading import RegisterLoading
from ui.workers import wait_for_jobs

SLOW = 30_000  # a limit on waiting on a busy machine, not a timing


@pytest.fixture
def window(qtbot, office_database):
    window = open_window(qtbot, office_database)
    window.show_page("actions")
    qtbot.waitUntil(lambda: window.is_loaded("actions"), timeout=SLOW)
    return window


def descriptions(window) -> dict[str, str]:
    model = window.model("actions")
    ref, text = (REGISTERS["actions"].column_index(key) for key in ("reference", "description"))
    return {model.data(model.index(row, ref)): model.data(model.index(row, text)) for row in range(model.rowCount())}


def save_in_form(qtbot, window, record_id: int, text: str) -> None:
    """Open the action as Enter does, change its description and press Save."""
    def edit_and_save() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, RecordDialog):
            QTimer.singleShot(10, edit_and_save)
            return
        dialog.widgets["description"].editor.setPlainText(text)
        dialog.save_button.click()

    QTimer.singleShot(10, edit_and_save)
    window.records.open_record(record_id)


def test_a_saved_edit_reads_only_the_rows_it_changed(qtbot, window, office_database, monkeypatch, reported):
    whole, rows = [], []
    real_load, real_changed = RegisterLoading.load, register_updates.changed_rows
    monkeypatch.setattr(RegisterLoading, "load", lambda self, key, **kw: whole.append(key) or real_load(self, key, **kw))

    def changed_rows(key, session, records):
        found = real_changed(key, session, records)
        rows.append((key, [row[0] for row in found[0]] if found else None))
        return found

    monkeypatch.setattr(register_updates, "changed_rows", changed_rows)
    view = window.view("actions")
    view.table.selectRow(1)
    with office_database.readers() as session:
        a2 = session.query(Action).filter_by(reference="A2").one().id
    save_in_form(qtbot, window, a2, "Audit supervision records, twice a year.")
    qtbot.waitUntil(lambda: descriptions(window)["A2"] == "Audit supervision records, twice a year.", timeout=SLOW)
    qtbot.waitUntil(lambda: view.selected_ids() == [a2], timeout=SLOW)  # the record saved is selected
    assert rows == [("actions", [a2])] and whole == []  # the one row, not the register
    assert window.findChildren(RecordDialog) == [] or not any(d.isVisible() for d in window.findChildren(RecordDialog))
    assert reported == []


def test_a_change_to_another_kind_of_record_reads_the_register_again_without_a_dialog(qtbot, window, office_database):
    from app.services import lists
    from ui.operations import CollectionOp

    reads = []
    real = window.loading.load
    window.loading.load = lambda key, **kw: reads.append((key, kw)) or real(key, **kw)
    with office_database.readers() as session:
        a1 = session.query(Action).filter_by(reference="A1").one()
        status_id, name = a1.status_id, a1.status.name
    CollectionOp(window, office_database, lambda s: lists.rename_list_item(s, status_id, "Under way")
                 ).run_in_background()
    qtbot.waitUntil(lambda: "Under way" in [window.model("actions").data(window.model("actions").index(
        row, REGISTERS["actions"].column_index("status"))) for row in range(3)], timeout=SLOW)
    assert reads == [("actions", {"dialog": False})]
    assert name != "Under way"


def test_what_a_refresh_replaced_and_a_closed_form_are_let_go_of(qtbot, window, office_database):
    view = window.view("actions")
    old = weakref.ref(view.model.query)
    with office_database.readers() as session:
        a1 = session.query(Action).filter_by(reference="A1").one().id
    save_in_form(qtbot, window, a1, "Relaunch the toolkit.")
    qtbot.waitUntil(lambda: descriptions(window)["A1"] == "Relaunch the toolkit.", timeout=SLOW)
    window.refresh()
    qtbot.waitUntil(lambda: window.is_loaded("actions"), timeout=SLOW)
    assert wait_for_jobs(SLOW)
    qtbot.wait(50)  # deleted later: the event loop's turn
    gc.collect()
    assert old() is None
    assert window.findChildren(RecordDialog) == []  # the form went with its few hundred widgets
    assert not [child for child in window.findChildren(QObject) if type(child).__name__ == "Job"]
