"""Helpers for driving the record forms as the officer would: type, tick, press keys."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QCheckBox, QLineEdit, QPlainTextEdit

from ui import dialogs, forms, operations
from ui.undo import UndoStack
from ui.widgets.date_edit import UkDateEdit
from ui.widgets.list_combo import ListCombo
from ui.widgets.record_picker import RecordPicker

CTRL = Qt.KeyboardModifier.ControlModifier
SLOW = 20_000  # a limit on waiting on a busy machine, not a timing


@dataclass
class Answers:
    """The answers the fake modal questions give, and what they were asked."""

    confirm: bool = True
    discard: bool = True
    asked: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    discard_questions: int = 0


@pytest.fixture
def answers(monkeypatch) -> Answers:
    given = Answers()

    def confirm(parent, title, text, **kwargs):
        given.asked.append(text)
        return given.confirm

    def ask_discard(parent):
        given.discard_questions += 1
        return given.discard

    monkeypatch.setattr(dialogs, "confirm", confirm)
    monkeypatch.setattr(dialogs, "ask_discard_changes", ask_discard)
    monkeypatch.setattr(dialogs, "warn", lambda parent, title, text: given.warnings.append(text))
    monkeypatch.setattr(dialogs, "inform", lambda parent, title, text: None)
    return given


@pytest.fixture
def undo_stack(qtbot):
    stack = UndoStack()
    yield stack
    wait_for_operations(qtbot)
    stack.clear()


def wait_for_operations(qtbot) -> None:
    """Wait until every read and write started (a save, a delete, an undo) has ended."""
    qtbot.waitUntil(lambda: not operations.running_operations(), timeout=SLOW)


def undo(qtbot, stack) -> None:
    """Ctrl+Z: the change is written off the GUI thread; wait for it."""
    stack.undo()
    wait_for_operations(qtbot)


def redo(qtbot, stack) -> None:
    stack.redo()
    wait_for_operations(qtbot)


def delete(qtbot, database, stack, kind, ids, parent=None) -> bool:
    """Delete records as the window does (asking first) and wait; True if they were
    archived (an undoable deletion was added)."""
    before = stack.count()
    forms.delete_records(parent, database, stack, kind, ids)
    wait_for_operations(qtbot)
    return stack.count() == before + 1


@pytest.fixture
def open_form(qtbot, office_database, undo_stack, answers):
    """open_form(kind, record_id=None, **context) -> the form, shown, with focus."""
    def opener(kind, record_id=None, **context):
        dialog = forms.make_editor(None, office_database, undo_stack, kind, record_id, **context)
        return show(qtbot, dialog)
    return opener


@pytest.fixture
def open_quick(qtbot, office_database, undo_stack, answers):
    def opener(name, kind, record_id):
        dialog = forms.make_quick_action(None, office_database, undo_stack, name, kind, record_id)
        return show(qtbot, dialog)
    return opener


def show(qtbot, dialog):
    qtbot.addWidget(dialog)
    dialog.fit_to_screen()
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=3000)  # keys and focus need an active window
    return dialog


def editor(dialog, key):
    return dialog.widgets[key].editor


def fill(qtbot, dialog, key, text):
    """Replace a field's text by selecting it all and typing, as a user would."""
    widget = editor(dialog, key)
    target = widget.line_edit if isinstance(widget, UkDateEdit) else widget
    target.setFocus()
    if isinstance(target, (QLineEdit, QPlainTextEdit)):
        qtbot.keyClick(target, Qt.Key.Key_A, CTRL)
        if text:
            qtbot.keyClicks(target, text)
        else:
            qtbot.keyClick(target, Qt.Key.Key_Delete)
    else:
        raise TypeError(f"{key} is not a text field")
    if isinstance(widget, UkDateEdit):
        qtbot.keyClick(target, Qt.Key.Key_Tab)  # leaving the field tidies the date


def choose(qtbot, dialog, key, text):
    """Pick a drop-down value by typing its first letters (type-ahead)."""
    combo = editor(dialog, key)
    assert isinstance(combo, ListCombo)
    combo.setFocus()
    qtbot.keyClicks(combo, text)


def search(qtbot, dialog, key, text):
    """Replace what is typed in a tick list's search box; the picker, for a look at it."""
    picker = editor(dialog, key)
    assert isinstance(picker, RecordPicker)
    picker.search_box.setFocus()
    qtbot.keyClick(picker.search_box, Qt.Key.Key_A, CTRL)
    if text:
        qtbot.keyClicks(picker.search_box, text)
    else:
        qtbot.keyClick(picker.search_box, Qt.Key.Key_Delete)
    return picker


def tick(qtbot, dialog, key, label_start):
    """Tick (or untick) a row of a tick list as the officer would: type the start of its
    label in the search, Down into the list, Down to the row if others match too, Space."""
    picker = search(qtbot, dialog, key, label_start)
    qtbot.keyClick(picker.search_box, Qt.Key.Key_Down)
    view = picker.list_view
    assert view.hasFocus() and view.currentIndex().isValid(), f"nothing matches {label_start!r}"
    while not view.currentIndex().data().startswith(label_start):
        row = view.currentIndex().row()
        qtbot.keyClick(view, Qt.Key.Key_Down)
        assert view.currentIndex().row() == row + 1, f"no row starts with {label_start!r}"
    qtbot.keyClick(view, Qt.Key.Key_Space)


def toggle(qtbot, dialog, key):
    box = editor(dialog, key)
    assert isinstance(box, QCheckBox)
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Space)


def save_with_keys(qtbot, dialog):
    """Ctrl+S from the field with focus; waits for the save (off the GUI thread) to end."""
    target = dialog.focusWidget() or dialog
    qtbot.keyClick(target, Qt.Key.Key_S, CTRL)
    wait_for_operations(qtbot)


def click_save(qtbot, dialog):
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    wait_for_operations(qtbot)


def press_escape(qtbot, dialog):
    qtbot.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_Escape)
