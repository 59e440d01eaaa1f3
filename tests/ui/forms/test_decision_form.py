"""Recording a decision in a few keystrokes, correcting one, and undoing either."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from db.models import Decision
from tests.ui.forms.conftest import (
    CTRL, choose, click_save, delete, editor, fill, redo, undo, wait_for_operations,
)


def decisions(database, referral_id=1):
    with database.readers() as s:
        return [(d.decided_on, d.outcome.name, d.archived_at is None)
                for d in s.get(Decision, 1).referral.decisions] if referral_id else []


def test_record_decision_takes_a_few_keystrokes(qtbot, open_quick, office_database, undo_stack):
    form = open_quick("record_decision", "referrals", 1)
    assert form.windowTitle() == "Record decision on Ref053"
    assert editor(form, "decided_on").date() == dt.date.today()
    assert form.focusWidget() is editor(form, "outcome")
    qtbot.keyClicks(editor(form, "outcome"), "Rap")          # type-ahead: Rapid Review
    qtbot.keyClick(form.focusWidget(), Qt.Key.Key_Return, CTRL)
    wait_for_operations(qtbot)
    assert decisions(office_database)[-1] == (dt.date.today(), "Rapid Review", True)
    assert undo_stack.undoText() == f"Add decision on Ref053 of {dt.date.today():%d/%m/%Y}"
    undo(qtbot, undo_stack)
    assert decisions(office_database)[-1] == (dt.date.today(), "Rapid Review", False)
    assert len(decisions(office_database)) == 3  # archived, not lost
    redo(qtbot, undo_stack)
    assert decisions(office_database)[-1][2] is True


def test_a_decision_before_the_referral_is_refused_next_to_the_date(qtbot, open_quick, office_database):
    form = open_quick("record_decision", "referrals", 1)
    fill(qtbot, form, "decided_on", "01/01/2020")
    choose(qtbot, form, "outcome", "No")
    click_save(qtbot, form)
    assert form.problem_text("decided_on") == "Decided on cannot be before the referral was made (04/03/2024)."
    assert form.problem_text("outcome") == ""
    assert len(decisions(office_database)) == 2


def test_outcome_is_required(qtbot, open_quick, office_database):
    form = open_quick("record_decision", "referrals", 1)
    click_save(qtbot, form)
    assert form.problem_text("outcome") == "Outcome is required."
    assert len(decisions(office_database)) == 2


def test_new_decision_from_the_register_asks_which_referral(qtbot, open_form, office_database):
    form = open_form("decisions")
    assert form.focusWidget() is editor(form, "referral_id")
    choose(qtbot, form, "referral_id", "Ref")
    choose(qtbot, form, "outcome", "Case")
    choose(qtbot, form, "criteria_met", "No")
    click_save(qtbot, form)
    with office_database.readers() as s:
        latest = s.get(Decision, form.saved_id)
        assert (latest.referral.reference, latest.outcome.name, latest.criteria_met) == (
            "Ref053", "Case Mapping Exercise", False)


def test_correcting_a_decision_keeps_its_referral_and_can_be_undone(qtbot, open_form, office_database,
                                                                    undo_stack):
    form = open_form("decisions", 2)
    assert not editor(form, "referral_id").isEnabled()
    fill(qtbot, form, "rationale", "Regulation 5 criteria met: the child was seriously harmed.")
    fill(qtbot, form, "decided_on", "18/04/2024")
    click_save(qtbot, form)
    with office_database.readers() as s:
        d = s.get(Decision, 2)
        assert (d.decided_on, d.rationale, d.referral_id) == (
            dt.date(2024, 4, 18), "Regulation 5 criteria met: the child was seriously harmed.", 1)
    undo(qtbot, undo_stack)
    with office_database.readers() as s:
        d = s.get(Decision, 2)
        assert (d.decided_on, d.rationale) == (dt.date(2024, 4, 17), None)


def test_deleting_a_decision_and_undoing(qtbot, office_database, undo_stack, answers):
    assert delete(qtbot, office_database, undo_stack, "decisions", [1])
    assert "decision on Ref053 of 20/03/2024" in answers.asked[0]
    with office_database.readers() as s:
        assert s.get(Decision, 1).archived_at is not None
    undo(qtbot, undo_stack)
    with office_database.readers() as s:
        assert s.get(Decision, 1).archived_at is None
