"""What every form does alike: closing with and without changes, deleting and undoing,
accessible names, tab order, and the functions the main window calls."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit, QWidget

from tests.ui.forms.conftest import delete, press_escape, redo, undo, wait_for_operations
from ui import forms
from ui.widgets.date_edit import UkDateEdit
from ui.widgets.record_picker import RecordPicker

KINDS = sorted(forms.EDITABLE_KINDS)


def test_every_register_has_a_form():
    assert forms.EDITABLE_KINDS == {
        "referrals", "decisions", "reviews", "recommendations", "actions", "progress_updates",
        "meetings", "learning", "agencies", "themes", "lists", "clocks"}


def first_text_field(form):
    for f in form.fields:
        widget = form.widgets[f.key].editor
        if isinstance(widget, QPlainTextEdit) or isinstance(widget, QLineEdit) and widget.validator() is None:
            return widget
    raise AssertionError("no text field")


def stored(database, kind):
    with database.readers() as s:
        return forms.FORMS[kind].read(s, 1)


def archived(database, kind, record_id=1):
    with database.readers() as s:
        return s.get(forms.FORMS[kind].model, record_id).archived_at is not None


@pytest.mark.parametrize("kind", KINDS)
def test_escape_without_changes_closes_without_asking(qtbot, open_form, answers, kind):
    form = open_form(kind, 1)
    press_escape(qtbot, form)
    assert not form.isVisible() and answers.discard_questions == 0 and form.saved_id is None


@pytest.mark.parametrize("kind", KINDS)
def test_cancel_with_changes_asks_and_saves_nothing(qtbot, open_form, office_database, answers, kind):
    before = stored(office_database, kind)
    form = open_form(kind, 1)
    field = first_text_field(form)
    field.setFocus()
    qtbot.keyClick(field, Qt.Key.Key_End)
    qtbot.keyClicks(field, " changed")
    answers.discard = False
    qtbot.mouseClick(form.cancel_button, Qt.MouseButton.LeftButton)
    assert form.isVisible() and answers.discard_questions == 1
    form.close()  # the window's close button asks too
    assert form.isVisible() and answers.discard_questions == 2
    answers.discard = True
    press_escape(qtbot, form)
    assert not form.isVisible() and answers.discard_questions == 3
    assert stored(office_database, kind) == before


@pytest.mark.parametrize("kind", KINDS)
def test_delete_undo_redo(qtbot, office_database, undo_stack, answers, kind):
    assert delete(qtbot, office_database, undo_stack, kind, [1])
    assert answers.asked[0].startswith("Delete ") and "Undo (Ctrl+Z)" in answers.asked[0]
    assert archived(office_database, kind)
    undo(qtbot, undo_stack)
    assert not archived(office_database, kind)
    redo(qtbot, undo_stack)
    assert archived(office_database, kind)
    assert undo_stack.undoText().startswith("Delete ")


def tab_stops(widget):
    """The controls Tab visits in a field, in order."""
    if isinstance(widget, UkDateEdit):
        return [widget.line_edit]
    if isinstance(widget, RecordPicker):
        return [widget.search_box, widget.list_view, widget.ticked_only]
    return [widget]


@pytest.mark.parametrize("kind", KINDS)
def test_every_control_is_named_and_tab_follows_the_form(qtbot, open_form, kind):
    form = open_form(kind, 1)
    enabled = []
    for f in form.fields:
        widget = form.widgets[f.key].editor
        assert widget.accessibleName() == f.label
        assert all(stop.accessibleName() for stop in tab_stops(widget))
        if widget.isEnabled():
            enabled.extend(tab_stops(widget))
    for button in (form.save_button, form.cancel_button):
        assert button.accessibleName()
    enabled[0].setFocus()
    seen = [QApplication.focusWidget()]
    for _ in range(len(enabled) - 1):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        seen.append(QApplication.focusWidget())
    assert seen == enabled
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is form.save_button


def test_quick_actions_offered():
    assert forms.quick_actions("referrals")[0] == ("record_decision", "Record decision…")
    assert forms.quick_actions("actions") == [
        ("add_update", "Add progress update…"), ("revise_target", "Revise target date…"),
        ("close_action", "Close action…"), ("reopen_action", "Reopen action…"),
        ("sign_off", "Sign off at a meeting…")]
    assert ("add_recommendation", "Add recommendation…") in forms.quick_actions("reviews")
    assert forms.quick_actions("recommendations") == [
        ("add_action", "Add action…"), ("record_response", "Record response…")]
    assert forms.quick_actions("themes") == []


def _when_modal(qtbot, then):
    """Drive the modal dialog ``exec`` opens, once it is on screen."""
    def drive():
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, drive)
            return
        then(dialog)
    QTimer.singleShot(0, drive)


def test_open_editor_returns_the_saved_id(qtbot, office_database, undo_stack, answers):
    def type_and_save(dialog):
        field = dialog.widgets["name"].editor
        field.setFocus()
        qtbot.keyClicks(field, "Online safety")
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    _when_modal(qtbot, type_and_save)
    new_id = forms.open_editor(None, office_database, undo_stack, "themes")
    with office_database.readers() as s:
        assert forms.FORMS["themes"].read(s, new_id) == {"name": "Online safety"}


def test_open_editor_cancelled_returns_none(qtbot, office_database, undo_stack, answers):
    _when_modal(qtbot, lambda dialog: dialog.reject())
    assert forms.open_editor(None, office_database, undo_stack, "referrals", 1) is None


def test_run_quick_action_says_whether_it_saved(qtbot, office_database, undo_stack, answers):
    def write_update(dialog):
        qtbot.keyClicks(dialog.widgets["text"].editor, "Chased by e-mail.")
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    _when_modal(qtbot, write_update)
    parent = QWidget()
    qtbot.addWidget(parent)
    assert forms.run_quick_action(parent, office_database, undo_stack, "add_update", "actions", 1)
    assert undo_stack.count() == 1


def test_undo_of_a_delete_after_someone_purged_it_says_so(qtbot, office_database, undo_stack, answers):
    from app.services import archive
    assert delete(qtbot, office_database, undo_stack, "progress_updates", [1])
    with office_database.sessions.begin() as s:
        archive.purge(s, "progress_update", 1)
    undo(qtbot, undo_stack)
    assert "Could not undo" in answers.warnings[0] and "There is no progress update 1" in answers.warnings[0]
    assert undo_stack.count() == 0  # it can never be undone: off the stack, which still matches


def test_opening_a_purged_record_is_a_plain_message(qtbot, office_database, undo_stack, answers):
    assert forms.open_editor(None, office_database, undo_stack, "referrals", 999) is None
    assert answers.warnings == ["There is no referral 999: it may have been purged."]


def test_ctrl_z_and_ctrl_y_undo_and_redo_a_deletion(qtbot, office_database, undo_stack, answers):
    from PySide6.QtWidgets import QMainWindow
    window = QMainWindow()
    qtbot.addWidget(window)
    undo_action, redo_action = undo_stack.make_actions(window)
    window.addAction(undo_action)
    window.addAction(redo_action)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    assert delete(qtbot, office_database, undo_stack, "meetings", [1], parent=window)
    assert undo_action.text() == "&Undo Delete meeting of 17/04/2024"
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert not undo_action.isEnabled() and not redo_action.isEnabled()  # until the change is written
    wait_for_operations(qtbot)
    assert not archived(office_database, "meetings")
    assert redo_action.text() == "&Redo Delete meeting of 17/04/2024" and redo_action.isEnabled()
    qtbot.keyClick(window, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    wait_for_operations(qtbot)
    assert archived(office_database, "meetings")
