"""Actions and their quick actions: progress update, revised target, closing, sign-off."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from db.models import Action, Meeting, ProgressUpdate
from tests.ui.forms.conftest import (
    CTRL, choose, click_save, delete, editor, fill, redo, save_with_keys, tick, undo, wait_for_operations,
)

TODAY = dt.date.today()


def action(database, action_id):
    with database.readers() as s:
        a = s.get(Action, action_id)
        return {"status": a.status.name, "rag": a.rag, "target_on": a.target_on,
                "original": a.original_target_on, "revisions": len(a.target_revisions),
                "completed_on": a.completed_on, "closure": a.closure_reason and a.closure_reason.name,
                "evidence": a.evidence_of_completion, "signed_off_on": a.signed_off_on,
                "recs": sorted(r.number for r in a.recommendations), "lead": a.lead_agency and a.lead_agency.name,
                "description": a.description, "archived": a.archived_at is not None,
                "updates": [(u.update_on, u.text, u.archived_at is None) for u in a.updates]}


def test_add_action_from_a_recommendation(qtbot, open_quick, office_database, undo_stack):
    form = open_quick("add_action", "recommendations", 2)  # R4
    assert editor(form, "recommendation_ids").values() == [2]
    assert editor(form, "status").value() == "Not started"
    qtbot.keyClicks(editor(form, "description"), "Re-audit supervision in a year.")
    choose(qtbot, form, "lead_agency", "Pol")
    fill(qtbot, form, "target_on", "31 Mar 2027")
    fill(qtbot, form, "evidence_of_completion", "Audit report")
    save_with_keys(qtbot, form)
    saved = action(office_database, form.saved_id)
    assert (saved["description"], saved["lead"], saved["recs"], saved["target_on"], saved["original"],
            saved["evidence"]) == ("Re-audit supervision in a year.", "Police", [4], dt.date(2027, 3, 31),
                                   dt.date(2027, 3, 31), "Audit report")
    undo(qtbot, undo_stack)
    assert action(office_database, form.saved_id)["archived"]


def test_an_action_must_answer_a_recommendation(qtbot, open_form, office_database):
    form = open_form("actions", 2)
    tick(qtbot, form, "recommendation_ids", "SCR-01 R3")
    tick(qtbot, form, "recommendation_ids", "SCR-01 R4")
    click_save(qtbot, form)
    assert form.problem_text("recommendation_ids") == "Answers recommendations is required."
    assert action(office_database, 2)["recs"] == [3, 4]


def test_editing_an_action_keeps_the_target_for_revise_target(qtbot, open_form, office_database, undo_stack):
    form = open_form("actions", 1)
    assert not editor(form, "target_on").isEnabled()
    choose(qtbot, form, "rag", "A")
    fill(qtbot, form, "lead_officer", "Head of Safeguarding")
    click_save(qtbot, form)
    assert action(office_database, 1)["rag"] == "Amber"
    undo(qtbot, undo_stack)
    assert action(office_database, 1)["rag"] == "Red"


def test_add_progress_update_in_a_few_keystrokes(qtbot, open_quick, office_database, undo_stack):
    form = open_quick("add_update", "actions", 1)
    assert form.focusWidget() is editor(form, "text")
    qtbot.keyClicks(form.focusWidget(), "Toolkit relaunched at the May forum.")
    qtbot.keyClick(form.focusWidget(), Qt.Key.Key_Return, CTRL)
    wait_for_operations(qtbot)
    assert action(office_database, 1)["updates"][-1] == (TODAY, "Toolkit relaunched at the May forum.", True)
    undo(qtbot, undo_stack)
    assert action(office_database, 1)["updates"][-1][2] is False
    redo(qtbot, undo_stack)
    assert action(office_database, 1)["updates"][-1][2] is True


def test_progress_update_rag_is_checked_and_text_required(qtbot, open_quick, office_database):
    form = open_quick("add_update", "actions", 1)
    click_save(qtbot, form)
    assert form.problem_text("text") == "Update is required."
    assert len(action(office_database, 1)["updates"]) == 1


def test_correcting_a_progress_update(qtbot, open_form, office_database, undo_stack):
    form = open_form("progress_updates", 1)
    fill(qtbot, form, "text", "Training dates agreed for June.")
    choose(qtbot, form, "rag", "G")
    click_save(qtbot, form)
    with office_database.readers() as s:
        u = s.get(ProgressUpdate, 1)
        assert (u.text, u.rag) == ("Training dates agreed for June.", "Green")
    undo(qtbot, undo_stack)
    with office_database.readers() as s:
        assert s.get(ProgressUpdate, 1).text == "Training dates agreed; toolkit being revised."


def test_revise_target_keeps_the_original_and_undo_removes_the_revision(qtbot, open_quick, office_database,
                                                                        undo_stack):
    with office_database.sessions.begin() as s:
        s.get(Action, 2).original_target_on = dt.date(2099, 12, 31)
    form = open_quick("revise_target", "actions", 2)
    assert "Current target 31/12/2099" in form.heading.text()
    qtbot.keyClicks(form.focusWidget(), "30/06/2099")
    fill(qtbot, form, "reason", "Audit tool delayed")
    save_with_keys(qtbot, form)
    after = action(office_database, 2)
    assert (after["target_on"], after["original"], after["revisions"]) == (
        dt.date(2099, 6, 30), dt.date(2099, 12, 31), 1)
    undo(qtbot, undo_stack)
    after = action(office_database, 2)
    assert (after["target_on"], after["revisions"]) == (dt.date(2099, 12, 31), 0)
    redo(qtbot, undo_stack)
    after = action(office_database, 2)
    assert (after["target_on"], after["revisions"]) == (dt.date(2099, 6, 30), 1)


def test_revise_target_needs_a_date(qtbot, open_quick, office_database):
    form = open_quick("revise_target", "actions", 2)
    click_save(qtbot, form)
    assert form.problem_text("new_target_on") == "New target date is required."


def test_close_action_as_implemented_needs_evidence(qtbot, open_quick, office_database):
    form = open_quick("close_action", "actions", 2)
    assert editor(form, "completed_on").date() == TODAY
    qtbot.keyClicks(editor(form, "reason"), "Imp")
    click_save(qtbot, form)
    assert form.problem_text("evidence_of_completion") == (
        "Evidence of completion is needed to close an action as implemented.")
    assert action(office_database, 2)["status"] == "Not started"


def test_close_then_sign_off_then_undo_both(qtbot, open_quick, office_database, undo_stack):
    form = open_quick("close_action", "actions", 2)
    qtbot.keyClicks(editor(form, "reason"), "Imp")
    fill(qtbot, form, "evidence_of_completion", "Audit report to the May sub group")
    save_with_keys(qtbot, form)
    closed = action(office_database, 2)
    assert (closed["status"], closed["closure"], closed["completed_on"], closed["rag"]) == (
        "Complete", "Implemented and verified", TODAY, "Blue")

    form = open_quick("sign_off", "actions", 2)
    assert editor(form, "meeting_id").currentText() == "17/04/2024 Case review sub group"
    qtbot.keyClick(form.focusWidget(), Qt.Key.Key_S, CTRL)
    wait_for_operations(qtbot)
    assert action(office_database, 2)["signed_off_on"] == dt.date(2024, 4, 17)

    undo(qtbot, undo_stack)
    assert action(office_database, 2)["signed_off_on"] is None
    undo(qtbot, undo_stack)
    reopened = action(office_database, 2)
    assert (reopened["status"], reopened["closure"], reopened["completed_on"], reopened["rag"],
            reopened["evidence"]) == ("Not started", None, None, None, None)
    redo(qtbot, undo_stack)
    assert action(office_database, 2)["status"] == "Complete"


def test_signing_off_an_open_action_is_refused_in_a_sentence(qtbot, open_quick, office_database):
    form = open_quick("sign_off", "actions", 1)
    click_save(qtbot, form)
    assert form.general_error.text() == ("This action is still open: close it with a reason before "
                                         "it is signed off.")
    assert form.isVisible() and action(office_database, 1)["signed_off_on"] is None


def test_delete_an_action_and_undo(qtbot, office_database, undo_stack, answers):
    assert delete(qtbot, office_database, undo_stack, "actions", [1])
    assert "action A1" in answers.asked[0]
    assert action(office_database, 1)["archived"]
    undo(qtbot, undo_stack)
    assert not action(office_database, 1)["archived"]
    with office_database.readers() as s:
        assert s.get(Meeting, 1) is not None
