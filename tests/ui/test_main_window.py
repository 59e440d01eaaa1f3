"""The main window: registers in the side bar, their tables, keyboard moves, status bar."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from app.registers import REGISTERS
from db.models import Action
from ui.app import create_main_window

# The offscreen platform used by the tests says this whenever a main window is shown; it is
# about the test platform, not the program.

EXPECTED_ROWS = {
    "referrals": 1, "decisions": 2, "reviews": 1, "recommendations": 2, "actions": 3,
    "progress_updates": 1, "meetings": 1, "learning": 1, "agencies": 10, "themes": 13,
    "lists": 62, "clocks": 6,
}


@pytest.fixture
def window(qtbot, office_database):
    window = create_main_window(office_database)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def cell(window, key: str, row: int, column_key: str, role=Qt.ItemDataRole.DisplayRole):
    model = window.model(key)
    return model.index(row, REGISTERS[key].column_index(column_key)).data(role)


def status_text(window, name: str) -> str:
    return window.statusBar().findChild(QLabel, name).text()


def test_window_names_the_database_and_lists_the_registers(window, office_database):
    assert window.windowTitle() == "office.sqlite — Case Review Tracker"
    assert str(office_database.path) in status_text(window, "databaseName")
    titles = [window.sidebar.item(i).text() for i in range(window.sidebar.count())]
    assert titles[:5] == ["Referrals", "Decisions", "Reviews", "Recommendations", "Action plan"]
    assert "Learning & briefings" in titles
    assert window.current_key == "referrals"
    assert status_text(window, "rowCount") == "1 row"


@pytest.mark.parametrize("key", list(REGISTERS))
def test_each_register_shows_its_rows(window, qtmodeltester, key):
    window.show_register(key)
    model = window.model(key)
    assert window.view(key).model() is model
    assert model.rowCount() == EXPECTED_ROWS[key]
    assert status_text(window, "rowCount") == f"{EXPECTED_ROWS[key]} row{'s' * (EXPECTED_ROWS[key] != 1)}"
    qtmodeltester.check(model)


def test_cells_read_as_the_office_writes_them(window):
    assert cell(window, "actions", 0, "overdue") == "Overdue"
    assert cell(window, "actions", 1, "overdue") == ""
    assert cell(window, "actions", 1, "recommendations") == "SCR-01 R3, R4"
    assert cell(window, "actions", 0, "lead_agency") == "Children's Services"
    assert cell(window, "actions", 0, "target_on") == "31/01/2000"
    assert cell(window, "actions", 0, "completed_on") == ""
    assert cell(window, "referrals", 0, "referring_agency") == "Police"
    assert cell(window, "referrals", 0, "date_referred") == "04/03/2024"
    assert cell(window, "decisions", 0, "criteria_met") == "Yes"


def test_raw_values_and_tooltips(window):
    assert cell(window, "actions", 0, "target_on", Qt.ItemDataRole.UserRole) == dt.date(2000, 1, 31)
    summary_tip = cell(window, "referrals", 0, "summary", Qt.ItemDataRole.ToolTipRole)
    assert summary_tip.replace("\n", " ").startswith("Infant admitted to hospital with a fractured femur")
    assert max(len(line) for line in summary_tip.splitlines()) <= 80
    assert cell(window, "referrals", 0, "reference", Qt.ItemDataRole.ToolTipRole) is None


def test_long_text_columns_are_capped(window):
    window.show_register("referrals")
    view = window.view("referrals")
    summary = REGISTERS["referrals"].column_index("summary")
    assert view.columnWidth(summary) <= 48 * view.fontMetrics().averageCharWidth()


def test_arrow_keys_in_the_side_bar_move_between_registers(window, qtbot):
    window.sidebar.setFocus()
    qtbot.keyClick(window.sidebar, Qt.Key.Key_Down)
    assert window.current_key == "decisions"
    assert status_text(window, "rowCount") == "2 rows"
    qtbot.keyClick(window.sidebar, Qt.Key.Key_Up)
    assert window.current_key == "referrals"


def test_ctrl_number_jumps_to_a_register(window, qtbot):
    qtbot.waitActive(window)
    qtbot.keyClick(window, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    assert window.current_key == "actions"
    assert window.sidebar.currentItem().text() == "Action plan"
    qtbot.keyClick(window, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert window.current_key == "progress_updates"


def test_refresh_reads_the_register_again(window, office_database):
    window.show_register("actions")
    with office_database.sessions.begin() as session:
        session.query(Action).filter_by(reference="A3").one().description = "Publish it again."
    window.refresh()
    assert cell(window, "actions", 2, "description") == "Publish it again."


def test_quit_closes_the_window(window, qtbot):
    qtbot.waitActive(window)
    qtbot.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert not window.isVisible()
