"""One case page (issue 16, item 4), through the window: from an action, a referral or a
form, Case page… shows the whole story, each line opening its record.

The office database (``tests.ui.conftest``): Ref053 (Child U) referred 4 March 2024, deferred
on 20 March then a Serious Case Review on 17 April; review SCR-01 (initiated 1 May 2024) with
R3 and R4; A1 answers R3 (with an update of 3 June 2024), A2 answers R3 and R4."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog

from tests.ui.forms.conftest import fill
from ui import forms
from ui.undo import UndoStack

SLOW = 20_000
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
TODAY = dt.date.today()
A1_LINES = [
    "Recommendations and actions",
    "  SCR-01 R3: Agencies should use the neglect toolkit at every assessment.",
    "    A1: Relaunch the neglect toolkit with training. \u2014 Children's Services, In progress, "
    "target 31/01/2000, Overdue, RAG Red",
    "      Latest update 03/06/2024: Training dates agreed; toolkit being revised.",
    "    A2: Audit supervision records for neglect cases. \u2014 Police, Not started, target 31/12/2099",
    "  SCR-01 R4: Supervision should test whether drift in a neglect case is challenged.",
]


def choose_row(qtbot, window, key: str, reference: str) -> None:
    """Select the record with ``reference`` on page ``key`` as the window selects one it opens."""
    window.show_page(key)
    qtbot.waitUntil(lambda: window.is_loaded(key), timeout=SLOW)
    view = window.view(key)
    column = view.register.column_index("reference")
    row = next(r for r in range(view.model.rowCount()) if view.model.index(r, column).data() == reference)
    record_id = view.model.record_id(row)
    window.open_record(key, record_id)
    qtbot.waitUntil(lambda: window.is_loaded(key) and view.selected_ids() == [record_id], timeout=SLOW)
    view.table.setFocus()


def when_form_over(page, then) -> None:
    """Once a form the page opened is on screen, ``then(form)``: the user's turn."""
    def look() -> None:
        shown = [form for form in page.findChildren(QDialog) if form.isVisible()]
        if shown:
            then(shown[0])
        else:
            QTimer.singleShot(20, look)
    QTimer.singleShot(0, look)


def shown_page(qtbot, page):
    qtbot.waitUntil(lambda: page.story is not None and not page.is_reading(), timeout=SLOW)
    return page.lines_text()


def test_ctrl_shift_c_on_an_action_shows_its_whole_case(qtbot, window):
    choose_row(qtbot, window, "actions", "A1")
    qtbot.keyClick(window.view("actions").table, Qt.Key.Key_C, CTRL_SHIFT)
    page = window.case_page
    lines = shown_page(qtbot, page)
    assert page.heading.text() == "Case: Ref053 \u2014 Child U"
    overdue_days = (TODAY - dt.date(2024, 3, 11)).days
    assert lines[:8] == [
        "Referral",
        "  Ref053 \u2014 Child U: referred 04/03/2024, by Police, Neglect \u2014 Infant admitted to hospital with a "
        "fractured femur and older bruising; concerns about neglect had been raised by the he\u2026",
        "Decisions",
        "  20/03/2024 Ref053: Deferred for more information (Sub group)",
        "  17/04/2024 Ref053: Serious Case Review (Independent chair); criteria met",
        "Clocks",
        # Five working days from Mon 4 March 2024 (the referral date: awareness not recorded).
        f"  Serious incident notification to Ofsted / National Panel (Ref053): due 11/03/2024, {overdue_days} "
        "days overdue (counted from \u201cCase referred to the sub group\u201d: its own start date is not recorded)",
        # Fifteen working days from the same day.
        "  Rapid review sent to the National Panel (Ref053): due 25/03/2024, "
        f"{(TODAY - dt.date(2024, 3, 25)).days} days overdue (counted from \u201cCase referred to the sub "
        "group\u201d: its own start date is not recorded)",
    ]
    assert f"  Serious case review completed (SCR-01): due 01/11/2024, {(TODAY - dt.date(2024, 11, 1)).days} " \
           "days overdue" in lines
    assert "  SCR-01 \u2014 Child U: Serious Case Review, Underway; target 01/11/2024 (Overdue)" in lines
    assert lines[-len(A1_LINES):] == A1_LINES


def test_a_line_opens_its_record_and_the_page_shows_the_change(qtbot, window):
    choose_row(qtbot, window, "referrals", "Ref053")
    window.records_menu.aboutToShow.emit()
    assert window.case_page_action in window.records_menu.actions()
    window.case_page_action.trigger()
    page = window.case_page
    shown_page(qtbot, page)
    edited = []

    def edit_a1(form) -> None:
        try:
            assert (form.kind, form.record_id) == ("actions", 1)
            fill(qtbot, form, "description", "Relaunch the neglect toolkit with two training days.")
            qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda: not form.isVisible(), timeout=SLOW)
            edited.append(True)
        finally:
            if form.isVisible():  # a failed step must not leave the page waiting on the form
                form.reject()

    page.tree.setCurrentItem(page.item_for("A1: "))
    when_form_over(page, edit_a1)
    qtbot.keyClick(page.tree, Qt.Key.Key_Return)
    assert edited
    qtbot.waitUntil(lambda: page.item_for("A1: Relaunch the neglect toolkit with two training days.") is not None,
                    timeout=SLOW)


def test_a_running_clock_opens_its_pause_or_extend(qtbot, window):
    choose_row(qtbot, window, "reviews", "SCR-01")
    window.case_page_action.trigger()
    page = window.case_page
    shown_page(qtbot, page)
    headings = []

    def look(dialog) -> None:
        headings.append(dialog.heading.text())
        dialog.reject()

    page.tree.setCurrentItem(page.item_for("Serious case review completed"))
    when_form_over(page, look)
    qtbot.mouseClick(page.open_button, Qt.MouseButton.LeftButton)
    assert headings and headings[0].startswith("Pause or extend: Serious case review completed on SCR-01")


def test_a_recommendation_s_form_opens_its_case_page(qtbot, office_database):
    undo_stack = UndoStack()
    form = forms.make_editor(None, office_database, undo_stack, "recommendations", 2)
    qtbot.addWidget(form)
    form.show()
    assert form.case_page_button.isVisible()
    qtbot.mouseClick(form.case_page_button, Qt.MouseButton.LeftButton)
    lines = shown_page(qtbot, form.case_page)
    assert lines[-len(A1_LINES):] == A1_LINES
    form.case_page.close()
    form.reject()
    new = forms.make_editor(None, office_database, undo_stack, "recommendations", None, review_id=1)
    qtbot.addWidget(new)
    new.show()
    assert not new.case_page_button.isVisible()  # a record not saved yet has no case
    new.reject()
    QApplication.processEvents()
