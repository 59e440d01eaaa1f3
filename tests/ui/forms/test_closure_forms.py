"""Closure only with evidence, in the forms (issue 16, item 3): the action form offers no way
to complete or close an action (Close action… does, with the date and evidence), a closed
action is reopened with Reopen action…, and sign-off offers only meetings already held.

Office database (``tests.ui.conftest``): A1 open, A2 open (id 2), A3 complete (id 3); one
meeting, held 17 April 2024."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from db.models import Action, Meeting
from ui import forms
from tests.ui.forms.conftest import choose, click_save, editor, fill, save_with_keys, tick, undo

TODAY = dt.date.today()


def offered(combo) -> list[str]:
    return [combo.itemText(i) for i in range(combo.count()) if combo.itemText(i).strip()]


def state(database, action_id):
    with database.readers() as s:
        a = s.get(Action, action_id)
        return (a.status.name, a.closure_reason and a.closure_reason.name, a.completed_on,
                a.evidence_of_completion, a.signed_off_on)


def test_the_action_form_offers_only_open_statuses(qtbot, open_form, office_database):
    form = open_form("actions", 2)
    statuses = offered(editor(form, "status"))
    assert "Not started" in statuses and "In progress" in statuses
    assert "Complete" not in statuses and "Closed" not in statuses
    assert "Close action…" in editor(form, "status").toolTip()
    form.reject()


def test_a_closed_action_keeps_its_status_in_the_form_and_is_reopened_by_reopen(
        qtbot, open_form, open_quick, office_database, undo_stack):
    before = state(office_database, 3)
    form = open_form("actions", 3)
    assert offered(editor(form, "status")) == ["Complete"]
    fill(qtbot, form, "lead_officer", "Learning and development lead")
    tick(qtbot, form, "recommendation_ids", "SCR-01 R3")  # A3 answers none yet: the form asks for one
    click_save(qtbot, form)
    assert not form.isVisible(), (form.general_error.text(), {k: form.problem_text(k) for k in form.widgets if form.problem_text(k)})
    assert state(office_database, 3) == before

    form = open_quick("reopen_action", "actions", 3)
    assert "Complete" not in offered(editor(form, "status"))
    choose(qtbot, form, "status", "In progress")
    save_with_keys(qtbot, form)
    assert state(office_database, 3)[:3] == ("In progress", None, None)
    undo(qtbot, undo_stack)  # closed again, as it was
    assert state(office_database, 3) == before


def test_sign_off_offers_only_meetings_already_held(qtbot, open_quick, office_database):
    with office_database.sessions.begin() as session:
        session.add(Meeting(held_on=TODAY + dt.timedelta(days=14), chair="Independent chair"))
    form = open_quick("sign_off", "actions", 3)
    assert offered(editor(form, "meeting_id")) == ["17/04/2024 Case review sub group"]
    qtbot.keyClick(form.focusWidget(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: state(office_database, 3)[4] == dt.date(2024, 4, 17), timeout=20_000)


def test_reopen_is_refused_in_words_on_an_open_action(qtbot, office_database, undo_stack, answers):
    assert not forms.run_quick_action(None, office_database, undo_stack, "reopen_action", "actions", 2)
    assert answers.warnings == ["This action is open: only a completed or closed action is reopened."]
