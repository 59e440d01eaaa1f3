"""The referral form driven from the keyboard: add, edit, cancel, delete and undo."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QDialog
from sqlalchemy import select

from db.audit import current_user
from db.models import Referral
from tests.ui.forms.conftest import (
    choose, click_save, delete, fill, press_escape, redo, save_with_keys, undo, wait_for_operations,
)


def referral(database, reference):
    with database.readers() as s:
        return s.scalar(select(Referral).where(Referral.reference == reference))


def test_new_referral_is_typed_and_saved_with_ctrl_s(qtbot, open_form, office_database, undo_stack):
    form = open_form("referrals")
    assert form.windowTitle() == "New referral"
    fill(qtbot, form, "reference", "Ref054")
    fill(qtbot, form, "subject", "Child V")
    fill(qtbot, form, "date_referred", "31.3.17")
    assert form.widgets["date_referred"].editor.text() == "31/03/2017"
    choose(qtbot, form, "referring_agency", "Pol")
    choose(qtbot, form, "category", "Negl")
    fill(qtbot, form, "summary", "Extreme neglect and cruelty")
    fill(qtbot, form, "age_text", "1 yr 11 mths")
    with qtbot.waitSignal(form.record_saved) as saved:
        save_with_keys(qtbot, form)
    row = referral(office_database, "Ref054")
    assert saved.args == [row.id]
    assert (row.subject, row.date_referred, row.summary, row.age_text) == (
        "Child V", dt.date(2017, 3, 31), "Extreme neglect and cruelty", "1 yr 11 mths")
    with office_database.readers() as s:
        row = s.get(Referral, row.id)
        assert row.referring_agency.name == "Police" and row.category.name == "Neglect"
    assert form.result() == QDialog.DialogCode.Accepted
    assert undo_stack.undoText() == "Add referral Ref054"


def test_editing_a_referral_changes_only_what_was_typed(qtbot, open_form, office_database):
    form = open_form("referrals", 1)
    assert form.windowTitle() == "Edit referral Ref053"
    fill(qtbot, form, "location", "Southtown")
    fill(qtbot, form, "date_aware", "1 Mar 2024")
    click_save(qtbot, form)
    row = referral(office_database, "Ref053")
    assert row.location == "Southtown" and row.date_aware == dt.date(2024, 3, 1)
    assert row.subject == "Child U" and row.gender == "Male"


def test_a_used_reference_is_refused_next_to_the_field(qtbot, open_form, office_database, answers):
    form = open_form("referrals")
    fill(qtbot, form, "reference", "Ref053")
    click_save(qtbot, form)
    assert form.isVisible()
    assert "'Ref053' is already used by another referral" in form.problem_text("reference")
    with office_database.readers() as s:
        assert s.scalar(select(Referral.id).where(Referral.reference == "Ref053")) == 1


def test_blank_reference_and_bad_date_are_shown_before_saving(qtbot, open_form, office_database):
    form = open_form("referrals", 1)
    fill(qtbot, form, "reference", "")
    fill(qtbot, form, "date_referred", "31/02/2024")
    click_save(qtbot, form)
    assert form.problem_text("reference") == "Reference is required."
    assert "'31/02/2024' is not a date: February has 29 days in 2024." in form.problem_text("date_referred")
    assert form.focusWidget() is form.widgets["reference"].editor
    assert referral(office_database, "Ref053").date_referred == dt.date(2024, 3, 4)


def test_undo_and_redo_an_edit(qtbot, open_form, office_database, undo_stack):
    form = open_form("referrals", 1)
    fill(qtbot, form, "summary", "Shorter summary")
    click_save(qtbot, form)
    undo(qtbot, undo_stack)
    assert referral(office_database, "Ref053").summary.startswith("Infant admitted")
    redo(qtbot, undo_stack)
    assert referral(office_database, "Ref053").summary == "Shorter summary"


def test_undo_of_an_edit_someone_else_changed_meanwhile_is_refused(qtbot, open_form, office_database,
                                                                  undo_stack, answers):
    form = open_form("referrals", 1)
    fill(qtbot, form, "location", "Southtown")
    click_save(qtbot, form)
    with office_database.sessions.begin() as s:  # another copy of the program
        s.get(Referral, 1).location = "Easttown"
    undo(qtbot, undo_stack)
    assert referral(office_database, "Ref053").location == "Easttown"
    assert "Someone else has changed this record" in answers.warnings[0]
    assert undo_stack.count() == 0  # the stale command is dropped: the stack still matches


def test_undo_a_new_referral_archives_it_and_redo_restores(qtbot, open_form, office_database, undo_stack):
    form = open_form("referrals")
    fill(qtbot, form, "reference", "Ref099")
    click_save(qtbot, form)
    undo(qtbot, undo_stack)
    assert referral(office_database, "Ref099").archived_at is not None
    redo(qtbot, undo_stack)
    assert referral(office_database, "Ref099").archived_at is None


def test_someone_else_saving_first_shows_both_versions_and_reload(qtbot, open_form, office_database):
    form = open_form("referrals", 1)
    fill(qtbot, form, "location", "Mine")
    with office_database.sessions.begin() as s:
        s.get(Referral, 1).location = "Theirs"
    click_save(qtbot, form)
    assert form.conflict_panel.isVisible()
    text = form.conflict_text.text()
    assert "Someone else changed this referral" in text and "Theirs" in text and "Mine" in text
    assert f"last saved by {current_user()}, {dt.date.today():%d/%m/%Y} " in text  # from the audit trail
    assert referral(office_database, "Ref053").location == "Theirs"
    qtbot.mouseClick(form.reload_button, qtbot_left())
    assert form.widgets["location"].editor.text() == "Theirs"
    assert not form.is_dirty()


def test_someone_else_saving_first_can_be_overwritten(qtbot, open_form, office_database):
    form = open_form("referrals", 1)
    fill(qtbot, form, "location", "Mine")
    with office_database.sessions.begin() as s:
        s.get(Referral, 1).subject = "Child X"
    click_save(qtbot, form)
    qtbot.mouseClick(form.overwrite_button, qtbot_left())
    wait_for_operations(qtbot)
    row = referral(office_database, "Ref053")
    assert (row.location, row.subject) == ("Mine", "Child X")  # their other change is kept
    assert form.result() == QDialog.DialogCode.Accepted


def test_escape_without_changes_closes_without_asking(qtbot, open_form, answers):
    form = open_form("referrals", 1)
    press_escape(qtbot, form)
    assert not form.isVisible() and answers.discard_questions == 0


def test_escape_with_changes_asks_and_can_keep_editing(qtbot, open_form, office_database, answers):
    form = open_form("referrals", 1)
    fill(qtbot, form, "location", "Westtown")
    answers.discard = False
    press_escape(qtbot, form)
    assert form.isVisible() and answers.discard_questions == 1
    answers.discard = True
    press_escape(qtbot, form)
    assert not form.isVisible()
    assert referral(office_database, "Ref053").location == "Northtown"


def test_delete_asks_naming_the_referral_then_undo_and_redo(qtbot, office_database, undo_stack, answers):
    assert delete(qtbot, office_database, undo_stack, "referrals", [1])
    assert "referral Ref053" in answers.asked[0]
    assert referral(office_database, "Ref053").archived_at is not None
    undo(qtbot, undo_stack)
    assert referral(office_database, "Ref053").archived_at is None
    redo(qtbot, undo_stack)
    assert referral(office_database, "Ref053").archived_at is not None


def test_delete_refused_at_the_question_changes_nothing(qtbot, office_database, undo_stack, answers):
    answers.confirm = False
    assert not delete(qtbot, office_database, undo_stack, "referrals", [1])
    assert referral(office_database, "Ref053").archived_at is None
    assert undo_stack.count() == 0


def qtbot_left():
    from PySide6.QtCore import Qt
    return Qt.MouseButton.LeftButton
