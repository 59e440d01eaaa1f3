"""Deadlines in sight, through the window: tiles that open what they count, the Clocks page
of every case with a clock paused or extended from it, and the deadlines in a referral's form.

The office database (``tests.ui.conftest``): Ref053 referred Mon 4 March 2024 with no date for
the partners' awareness, so its notification clock ran from the referral date (due Mon 11
March) and its rapid review clock too (due Mon 25 March), both overdue; review SCR-01
initiated 1 May 2024, due 1 November 2024, overdue; actions A1 (open, overdue), A2 (open, due
2099) and A3 (complete).
"""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from db.models import ClockAdjustment, Referral
from tests.ui.forms.conftest import choose, click_save, fill, wait_for_operations
from tests.ui.test_window_operations import when_modal

SLOW = 20_000


def shown(window, key: str, column: str) -> list:
    view = window.view(key)
    index = view.register.column_index(column)
    return [view.model.index(row, index).data() for row in range(view.model.rowCount())]


@pytest.mark.parametrize("tile, key, column, expected", [
    ("open_actions", "actions", "reference", ["A1", "A2"]),
    ("overdue_actions", "actions", "reference", ["A1"]),
    ("reviews_underway", "reviews", "reference", ["SCR-01"]),
    ("reviews_past_target", "reviews", "reference", ["SCR-01"]),
    ("clocks_overdue", "case_clocks", "case", ["Ref053", "Ref053", "SCR-01"]),
    ("clocks_due_this_week", "case_clocks", "case", []),
])
def test_a_tile_opens_the_register_filtered_to_what_it_counts(qtbot, window, tile, key, column, expected):
    counted = int(window.dashboard.tiles[tile].value_label.text())
    qtbot.mouseClick(window.dashboard.tiles[tile], Qt.MouseButton.LeftButton)
    assert window.current_key == key
    qtbot.waitUntil(lambda: window.is_loaded(key), timeout=SLOW)
    assert sorted(shown(window, key, column)) == expected
    assert counted == len(expected)
    assert window.view(key).filters().active  # the office sees what narrows it, and can clear it
    window.view(key).filter_bar.clear()
    assert window.view(key).model.rowCount() == {"actions": 3, "reviews": 1, "case_clocks": 3}[key]


def test_a_tile_is_opened_from_the_keyboard_too(qtbot, window):
    tile = window.dashboard.tiles["overdue_actions"]
    tile.setFocus()
    qtbot.keyClick(tile, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.is_loaded("actions"), timeout=SLOW)
    assert shown(window, "actions", "reference") == ["A1"]
    assert window.view("actions").filter_bar.flags["overdue"].isChecked()


def test_the_clocks_page_lists_each_case_s_clocks_and_one_is_extended_from_it(qtbot, window, office_database):
    window.show_page("case_clocks")
    qtbot.waitUntil(lambda: window.is_loaded("case_clocks"), timeout=SLOW)
    assert shown(window, "case_clocks", "clock") == [
        "Serious incident notification to Ofsted / National Panel", "Rapid review sent to the National Panel",
        "Serious case review completed"]
    assert shown(window, "case_clocks", "state") == ["Overdue"] * 3
    assert shown(window, "case_clocks", "started_from")[0] == (
        "Case referred to the sub group (its own start date is not recorded)")
    new_due = dt.date.today() + dt.timedelta(days=30)

    def extend(dialog) -> None:
        try:
            assert "Rapid review sent to the National Panel on Ref053" in dialog.heading.text()
            choose(qtbot, dialog, "change", "Pause")
            fill(qtbot, dialog, "reason", "Awaiting the post-mortem")
            click_save(qtbot, dialog)  # refused: it fell due long ago
            assert "extend it to a new date instead" in dialog.problem_text("on")
            qtbot.wait(QApplication.keyboardInputInterval() + 100)  # a fresh type-ahead
            choose(qtbot, dialog, "change", "Extend")
            fill(qtbot, dialog, "to_on", new_due.strftime("%d/%m/%Y"))
            fill(qtbot, dialog, "reason", "Agreed with the National Panel: post-mortem awaited")
            click_save(qtbot, dialog)
        finally:
            if dialog.isVisible():  # a failed step must not leave the window waiting on the dialog
                dialog.reject()

    view = window.view("case_clocks")
    view.table.selectRow(1)
    when_modal(extend)
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    wait_for_operations(qtbot)
    qtbot.waitUntil(lambda: window.is_loaded("case_clocks") and "Running" in shown(window, "case_clocks", "state"),
                    timeout=SLOW)
    row = shown(window, "case_clocks", "clock").index("Rapid review sent to the National Panel")
    assert shown(window, "case_clocks", "due_on")[row] == new_due.strftime("%d/%m/%Y")
    assert shown(window, "case_clocks", "days_left")[row] == "30"
    assert shown(window, "case_clocks", "adjusted")[row].startswith(f"Extended to {new_due:%d/%m/%Y}")
    with office_database.readers() as session:
        [extension] = session.scalars(select(ClockAdjustment)).all()
        assert (extension.kind, extension.to_on, extension.record_kind) == ("extension", new_due, "referral")

    window.undo_action.trigger()  # Ctrl+Z: the extension is withdrawn, and kept in the history
    wait_for_operations(qtbot)
    with office_database.readers() as session:
        assert session.scalar(select(ClockAdjustment.archived_at)) is not None
    qtbot.waitUntil(lambda: window.is_loaded("case_clocks")
                    and shown(window, "case_clocks", "state") == ["Overdue"] * 3, timeout=SLOW)


def test_a_referral_s_form_shows_its_deadlines_and_pauses_one(qtbot, office_database, monkeypatch):
    from ui import forms

    with office_database.sessions.begin() as session:
        referral = session.scalar(select(Referral))
        referral.date_referred = dt.date.today() - dt.timedelta(days=1)
        referral_id = referral.id
    form = forms.make_editor(None, office_database, None, "referrals", referral_id)
    qtbot.addWidget(form)
    form.fit_to_screen()
    form.show()
    panel = form.deadlines_panel
    assert panel.isVisible()
    text = panel.text()
    assert "Serious incident notification to Ofsted / National Panel: due " in text
    assert "(counted from \u201cCase referred to the sub group\u201d: its own start date is not recorded)" in text
    assert "Rapid review sent to the National Panel: due" in text

    buttons = [b for b in panel.findChildren(type(form.save_button)) if b.text() == "Pause or extend…"]
    qtbot.mouseClick(buttons[0], Qt.MouseButton.LeftButton)
    dialog = form.adjust_dialog
    qtbot.waitExposed(dialog)
    choose(qtbot, dialog, "change", "Pause")
    fill(qtbot, dialog, "reason", "Hospital records awaited")
    click_save(qtbot, dialog)
    qtbot.waitUntil(lambda: "paused since" in panel.text(), timeout=SLOW)
    assert f"Paused {dt.date.today():%d/%m/%Y} (still paused): Hospital records awaited" in panel.text()
    form.reject()
