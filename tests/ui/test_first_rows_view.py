"""The action plan shown from its first rows while the whole of it is still being read."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from app import first_rows
from app.registers import REGISTERS, Register, fetch_actions
from tests.ui.conftest import open_window

SLOW = 20_000


@pytest.fixture
def held_plan(monkeypatch):
    """The whole action plan's read, held until the test lets it go; first rows two at a time."""
    release = threading.Event()

    def held_fetch(session):
        release.wait(SLOW / 1000)
        return fetch_actions(session)

    monkeypatch.setitem(REGISTERS, "actions", Register("Action plan", REGISTERS["actions"].columns, held_fetch))
    monkeypatch.setitem(first_rows.READERS, "actions",
                        lambda session, sort, remembered: first_rows.first_actions(session, sort, remembered, limit=2))
    yield release
    release.set()


def references(view) -> list[str]:
    column = view.register.column_index("reference")
    return [view.model.index(row, column).data() for row in range(view.model.rowCount())]


def rows_label(window) -> str:
    return window.statusBar().findChild(QLabel, "rowCount").text()


def test_the_first_rows_show_while_the_rest_is_read_and_a_search_waits_for_them(qtbot, office_database, held_plan):
    window = open_window(qtbot, office_database)
    window.show_page("actions")
    view = window.view("actions")
    qtbot.waitUntil(lambda: view.showing_first_rows, timeout=SLOW)
    assert references(view) == ["A1", "A2"]
    assert rows_label(window) == "The first 2 of 3 rows; reading the rest…"
    assert not window.is_loaded("actions")

    qtbot.keyClicks(view.search_box, "publish")
    view.apply()
    assert references(view) == ["A1", "A2"]  # nothing searched among two rows of three

    held_plan.set()
    qtbot.waitUntil(lambda: window.is_loaded("actions"), timeout=SLOW)
    assert references(view) == ["A3"]
    assert rows_label(window) == "Showing 1 of 3 rows"


def test_the_first_rows_follow_the_sort_left_last_time_and_a_new_sort_waits(qtbot, office_database, held_plan):
    from ui.settings_store import TableState, WindowSettings

    WindowSettings().set_table_state("actions", TableState(sort_column="target", descending=True))
    window = open_window(qtbot, office_database)
    window.show_page("actions")
    view = window.view("actions")
    qtbot.waitUntil(lambda: view.showing_first_rows, timeout=SLOW)
    assert references(view) == ["A2", "A1"]  # 2099, then 2000-01-31

    header = view.table.horizontalHeader()
    header.setSortIndicator(view.register.column_index("reference"), Qt.SortOrder.DescendingOrder)
    assert references(view) == ["A2", "A1"]
    assert "reading the rest" in rows_label(window)

    held_plan.set()
    qtbot.waitUntil(lambda: window.is_loaded("actions"), timeout=SLOW)
    assert references(view) == ["A3", "A2", "A1"]
    assert rows_label(window) == "3 rows"


def test_a_row_among_the_first_rows_can_be_opened(qtbot, office_database, held_plan, monkeypatch):
    from ui import forms

    opened = []
    monkeypatch.setattr(forms, "open_editor",
                        lambda parent, database, stack, kind, record_id=None, **_: opened.append((kind, record_id)))
    window = open_window(qtbot, office_database)
    window.show_page("actions")
    view = window.view("actions")
    qtbot.waitUntil(lambda: view.showing_first_rows, timeout=SLOW)
    view.table.setFocus()
    view.table.selectRow(1)
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert opened == [("actions", view.model.record_id(1))]
    held_plan.set()
    qtbot.waitUntil(lambda: window.is_loaded("actions"), timeout=SLOW)


def test_a_fault_in_reading_the_first_rows_is_logged_and_the_whole_plan_still_comes(qtbot, office_database,
                                                                                     held_plan, monkeypatch):
    from ui import errors

    def broken(session, sort, remembered):
        raise RuntimeError("a fault in the first rows")

    monkeypatch.setitem(first_rows.READERS, "actions", broken)
    window = open_window(qtbot, office_database)
    window.show_page("actions")
    view = window.view("actions")
    qtbot.waitUntil(lambda: errors.log_path().exists() and "RuntimeError" in errors.log_path().read_text("utf-8"),
                    timeout=SLOW)
    assert errors.current_crash_dialog() is None
    assert not view.showing_first_rows
    held_plan.set()
    qtbot.waitUntil(lambda: window.is_loaded("actions"), timeout=SLOW)
    assert references(view) == ["A1", "A2", "A3"]


def test_the_window_remembers_the_top_rows_of_its_order_for_the_next_start(qtbot, office_database, monkeypatch):
    from ui.settings_store import TableState, WindowSettings

    WindowSettings().set_table_state("actions", TableState(sort_column="reference", descending=True))
    window = open_window(qtbot, office_database)
    window.show_page("actions")
    qtbot.waitUntil(lambda: window.is_loaded("actions"), timeout=SLOW)
    window.close()
    remembered = WindowSettings().remembered_order("actions")
    assert (remembered.sort_key, remembered.descending) == ("reference", True)
    assert [window.view("actions").model.record_id(row) for row in range(3)] == remembered.ids

    # Next start, the whole plan held back: the first rows are the remembered ones (put in
    # another order here, to see that they are the ones used).
    WindowSettings().set_remembered_order("actions", replace(remembered, ids=remembered.ids[::-1]))
    release = threading.Event()
    monkeypatch.setitem(REGISTERS, "actions", Register(
        "Action plan", REGISTERS["actions"].columns, lambda session: release.wait(SLOW / 1000) and fetch_actions(session)))
    second = open_window(qtbot, office_database)
    second.show_page("actions")
    view = second.view("actions")
    qtbot.waitUntil(lambda: view.showing_first_rows, timeout=SLOW)
    assert references(view) == ["A1", "A2", "A3"]
    release.set()
    qtbot.waitUntil(lambda: second.is_loaded("actions"), timeout=SLOW)
    assert references(view) == ["A3", "A2", "A1"]


def test_a_remembered_order_is_not_used_once_the_database_has_changed(qtbot, office_database, held_plan):
    from app.first_rows import RememberedOrder, plan_stamp
    from db.models import Action
    from ui.settings_store import TableState, WindowSettings

    with office_database.readers() as session:
        stamp = plan_stamp(session)
        ids = [action.id for action in session.query(Action).order_by(Action.reference)]
    settings = WindowSettings()
    settings.set_table_state("actions", TableState(sort_column="reference"))
    settings.set_remembered_order("actions", RememberedOrder(stamp, "reference", False, ids[::-1]))
    with office_database.sessions.begin() as session:
        session.query(Action).filter_by(reference="A2").one().lead_officer = "Head of Service"
    window = open_window(qtbot, office_database)
    window.show_page("actions")
    view = window.view("actions")
    qtbot.waitUntil(lambda: view.showing_first_rows, timeout=SLOW)
    assert references(view) == ["A1", "A2"]  # worked out afresh (two at a time here)
    held_plan.set()
    qtbot.waitUntil(lambda: window.is_loaded("actions"), timeout=SLOW)


def test_progress_updates_show_their_first_rows_too(qtbot, office_database, monkeypatch):
    from app.registers import fetch_progress_updates

    release = threading.Event()
    monkeypatch.setitem(REGISTERS, "progress_updates", Register(
        "Progress updates", REGISTERS["progress_updates"].columns,
        lambda session: release.wait(SLOW / 1000) and fetch_progress_updates(session)))
    window = open_window(qtbot, office_database)
    window.show_page("progress_updates")
    view = window.view("progress_updates")
    qtbot.waitUntil(lambda: view.showing_first_rows, timeout=SLOW)
    column = view.register.column_index("text")
    assert view.model.index(0, column).data() == "Training dates agreed; toolkit being revised."
    assert rows_label(window) == "1 row; still reading…"
    release.set()
    qtbot.waitUntil(lambda: window.is_loaded("progress_updates"), timeout=SLOW)
    assert rows_label(window) == "1 row"


def test_no_progress_dialog_covers_the_first_rows_but_one_comes_for_other_long_reads(qtbot, office_database,
                                                                                      monkeypatch):
    from app.registers import fetch_progress_updates, fetch_recommendations
    from ui.workers import PROGRESS_AFTER_MS

    release = threading.Event()
    for key, fetch in (("progress_updates", fetch_progress_updates), ("recommendations", fetch_recommendations)):
        monkeypatch.setitem(REGISTERS, key, Register(
            REGISTERS[key].title, REGISTERS[key].columns, lambda session, f=fetch: release.wait(SLOW / 1000) and f(session)))
    window = open_window(qtbot, office_database)
    window.show_page("progress_updates")  # not read ahead: asked for now
    view = window.view("progress_updates")
    qtbot.waitUntil(lambda: view.showing_first_rows, timeout=SLOW)
    qtbot.wait(PROGRESS_AFTER_MS * 2)
    assert window.loading.read_of("progress_updates").job.dialog is None

    window.show_page("recommendations")
    qtbot.waitUntil(lambda: window.loading.read_of("recommendations").job.dialog is not None, timeout=SLOW)
    assert window.loading.read_of("recommendations").job.dialog.labelText() == "Reading recommendations…"
    release.set()
    qtbot.waitUntil(lambda: window.is_loaded("recommendations") and window.is_loaded("progress_updates"),
                    timeout=SLOW)
