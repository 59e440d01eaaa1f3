"""The searchable tick list: what the officer types and ticks, and what it then shows."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QStyle, QStyleOptionViewItem

from db.models import Action
from tests.ui.forms.conftest import click_save, editor, fill, search, tick, wait_for_operations
from ui.widgets.record_picker import BATCH, RecordPicker, TickListModel

CHOICES = [(1, "SCR-01 R1: Share the chronology with every agency."),
           (2, "SCR-01 R2: Audit neglect referrals."),
           (3, "SCR-01 R3: Use the neglect toolkit at every assessment."),
           (4, "LCSPR-02 R1: Train GPs in safeguarding supervision.")]


def shown(picker: RecordPicker) -> list[str]:
    """The labels in the list, top to bottom, as the view draws them."""
    model = picker.list_view.model()
    return [model.index(row).data() for row in range(model.rowCount())]


@pytest.fixture
def picker(qtbot):
    widget = RecordPicker(name="Answers recommendations", noun="recommendations", rows=4)
    qtbot.addWidget(widget)
    widget.set_choices(CHOICES, [4])
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow)
    widget.search_box.setFocus()
    return widget


def click_tick_box(qtbot, picker, row):
    view = picker.list_view
    option = QStyleOptionViewItem()
    option.rect = view.visualRect(view.model().index(row))
    option.features |= QStyleOptionViewItem.ViewItemFeature.HasCheckIndicator
    box = view.style().subElementRect(QStyle.SubElement.SE_ItemViewItemCheckIndicator, option, view)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=box.center())


def test_the_model_passes_the_model_tester(qtmodeltester):
    model = TickListModel()
    model.ticked = {3}
    model.show_rows([(i, f"Row {i}") for i in range(BATCH + 20)])
    qtmodeltester.check(model, force_py=True)


def test_ticked_rows_come_first_and_the_count_says_how_many(picker):
    assert shown(picker) == [CHOICES[3][1], CHOICES[0][1], CHOICES[1][1], CHOICES[2][1]]
    assert picker.count_label.text() == "1 ticked"
    assert picker.search_box.placeholderText() == "Type to find recommendations…"


def test_typing_filters_and_space_ticks_the_match(qtbot, picker):
    qtbot.keyClicks(picker.search_box, "neglect tool")
    assert shown(picker) == [CHOICES[2][1]]
    assert picker.count_label.text() == "1 ticked · 1 of 4 shown"
    qtbot.keyClick(picker.search_box, Qt.Key.Key_Down)
    assert picker.list_view.hasFocus()
    qtbot.keyClick(picker.list_view, Qt.Key.Key_Space)
    assert picker.count_label.text() == "2 ticked · 1 of 4 shown"
    qtbot.keyClick(picker.list_view, Qt.Key.Key_Up)  # from the top row, back to the search
    assert picker.search_box.hasFocus()
    qtbot.keyClick(picker.search_box, Qt.Key.Key_Escape)  # clears the search
    assert picker.search_box.text() == "" and len(shown(picker)) == 4
    assert picker.count_label.text() == "2 ticked"
    assert picker.values() == [3, 4]


def test_search_ignores_case_and_word_order(qtbot, picker):
    qtbot.keyClicks(picker.search_box, "AUDIT scr-01")
    assert shown(picker) == [CHOICES[1][1]]
    qtbot.keyClick(picker.search_box, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(picker.search_box, "nothing like this")
    assert shown(picker) == [] and picker.count_label.text() == "1 ticked · 0 of 4 shown"


def test_space_unticks_and_a_click_on_the_box_ticks(qtbot, picker):
    qtbot.keyClick(picker.search_box, Qt.Key.Key_Down)
    qtbot.keyClick(picker.list_view, Qt.Key.Key_Space)  # the ticked row, first
    assert picker.values() == [] and picker.count_label.text() == "None ticked"
    click_tick_box(qtbot, picker, 2)
    assert picker.values() == [2]


def test_show_ticked_only(qtbot, picker):
    qtbot.keyClick(picker.search_box, Qt.Key.Key_Tab)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is picker.ticked_only
    qtbot.keyClick(picker.ticked_only, Qt.Key.Key_Space)
    assert shown(picker) == [CHOICES[3][1]]
    assert picker.count_label.text() == "1 ticked · 1 of 4 shown"


def test_a_long_list_reaches_the_view_a_batch_at_a_time(qtbot, picker):
    many = [(i, f"REV-{i:05} R1: Recommendation number {i}") for i in range(1, 3 * BATCH + 1)]
    picker.set_choices(many, [3 * BATCH])
    assert picker.list_view.model().rowCount() == BATCH
    assert picker.count_label.text() == "1 ticked"
    assert shown(picker)[0].startswith(f"REV-{3 * BATCH:05}")  # ticked, so first, though last
    qtbot.keyClick(picker.search_box, Qt.Key.Key_Down)
    qtbot.keyClick(picker.list_view, Qt.Key.Key_End)  # scrolled to the end: the next batch comes
    qtbot.waitUntil(lambda: picker.list_view.model().rowCount() > BATCH)
    qtbot.keyClick(picker.list_view, Qt.Key.Key_Up)
    search_for = f"REV-{3 * BATCH - 1:05}"  # never handed to the view yet; found all the same
    picker.search_box.setFocus()
    qtbot.keyClicks(picker.search_box, search_for)
    assert shown(picker) == [f"{search_for} R1: Recommendation number {3 * BATCH - 1}"]


def add_recommendations(database):
    from app.services.recommendations import add_recommendation
    with database.sessions.begin() as s:
        for text in ("Health visitors should record every missed contact.",
                     "Schools should tell children's social care when a child on a plan is absent.",
                     "The partnership should audit how neglect cases step down."):
            add_recommendation(s, 1, text=text)


def recommendations_of(database, action_id):
    with database.readers() as s:
        return sorted((r.review.reference, r.number) for r in s.get(Action, action_id).recommendations)


def test_new_action_answers_recommendations_found_by_searching(qtbot, open_form, office_database):
    add_recommendations(office_database)
    form = open_form("actions")
    picker = editor(form, "recommendation_ids")
    assert picker.count_label.text() == "None ticked"
    fill(qtbot, form, "description", "Remind schools of the absence protocol.")
    tick(qtbot, form, "recommendation_ids", "SCR-01 R6")
    search(qtbot, form, "recommendation_ids", "absent")
    assert shown(picker) == ["SCR-01 R6: Schools should tell children's social care when a child on a plan is absent."]
    search(qtbot, form, "recommendation_ids", "missed contact")
    click_tick_box(qtbot, picker, 0)
    search(qtbot, form, "recommendation_ids", "")
    assert picker.count_label.text() == "2 ticked"
    assert shown(picker)[:2] == ["SCR-01 R5: Health visitors should record every missed contact.",
                                 "SCR-01 R6: Schools should tell children's social care when a child on a plan is absent."]
    click_save(qtbot, form)
    assert form.saved_id is not None
    assert recommendations_of(office_database, form.saved_id) == [("SCR-01", 5), ("SCR-01", 6)]


def test_enter_in_the_search_goes_to_the_list_and_does_not_save(qtbot, open_form, office_database):
    form = open_form("actions", 1)
    picker = search(qtbot, form, "recommendation_ids", "R4")
    qtbot.keyClick(picker.search_box, Qt.Key.Key_Return)
    assert form.isVisible() and picker.list_view.hasFocus()
    qtbot.keyClick(picker.list_view, Qt.Key.Key_Space)
    assert picker.count_label.text() == "2 ticked · 1 of 2 shown"
    qtbot.keyClick(picker.list_view, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    wait_for_operations(qtbot)
    assert recommendations_of(office_database, 1) == [("SCR-01", 3), ("SCR-01", 4)]
