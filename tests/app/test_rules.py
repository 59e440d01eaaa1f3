"""The status vocabulary: one rule for each word, the same in Python and in SQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app import lookups, rules
from db.models import Action, ListKind

pytestmark = pytest.mark.both_engines

D = dt.date
AS_AT = D(2017, 4, 1)


def test_overdue_needs_open_and_a_past_target():
    assert rules.is_overdue(True, D(2017, 3, 31), AS_AT)
    assert not rules.is_overdue(True, D(2017, 4, 1), AS_AT)  # due today is not overdue
    assert not rules.is_overdue(False, D(2017, 3, 31), AS_AT)
    assert not rules.is_overdue(True, None, AS_AT)


@pytest.mark.parametrize("target, state", [
    (D(2017, 3, 31), rules.OVERDUE),
    (D(2017, 4, 1), rules.DUE_SOON),
    (AS_AT + dt.timedelta(days=rules.DUE_SOON_DAYS), rules.DUE_SOON),
    (AS_AT + dt.timedelta(days=rules.DUE_SOON_DAYS + 1), rules.OPEN),
    (None, rules.OPEN),
])
def test_an_open_action_is_overdue_due_soon_or_open(target, state):
    assert rules.action_state(is_open=True, target_on=target, as_at=AS_AT, status_code="in_progress",
                              closure_code=None, evidence_of_completion=None) == state


@pytest.mark.parametrize("status_code, closure_code, closure_name, evidence, state, text", [
    ("complete", "implemented", "Implemented and verified", "Audit report", rules.COMPLETED, "Completed"),
    ("complete", None, None, "Policy published", rules.COMPLETED, "Completed"),
    # Completed means completed WITH evidence: without it the action is closed, and says why.
    ("complete", "implemented", "Implemented and verified", "  ", rules.CLOSED,
     "Closed \u2013 no evidence of completion"),
    ("complete", None, None, None, rules.CLOSED, "Closed \u2013 no evidence of completion"),
    ("closed", "superseded", "Superseded", "New protocol", rules.CLOSED, "Closed \u2013 superseded"),
    ("closed", "risk_accepted", "Closed, risk accepted", None, rules.CLOSED, "Closed \u2013 risk accepted"),
    ("closed", "not_implemented", "Not implemented", None, rules.CLOSED, "Closed \u2013 not implemented"),
    ("closed", None, "MASH restructure", None, rules.CLOSED, "Closed \u2013 MASH restructure"),
    ("closed", None, None, None, rules.CLOSED, "Closed \u2013 reason not recorded"),
])
def test_a_closed_action_is_completed_only_with_evidence_and_otherwise_says_why(
        status_code, closure_code, closure_name, evidence, state, text):
    found = rules.action_state(is_open=False, target_on=D(2016, 1, 1), as_at=AS_AT, status_code=status_code,
                               closure_code=closure_code, evidence_of_completion=evidence)
    assert found == state
    assert rules.status_text(state=found, status_name="Complete", status_code=status_code,
                             closure_code=closure_code, closure_name=closure_name,
                             evidence_of_completion=evidence) == text


def test_closed_actions_are_never_red_amber_or_green():
    assert rules.shown_rag("Red", rules.CLOSED) is None
    assert rules.shown_rag("Green", rules.COMPLETED) == "Blue"
    assert rules.shown_rag("Amber", rules.OVERDUE) == "Amber"


def test_the_status_choices_name_every_closure():
    choices = rules.status_choices(["Not started", "In progress"],
                                   [("implemented", "Implemented and verified"), ("superseded", "Superseded")])
    assert choices == ["Not started", "In progress", "Completed", "Closed \u2013 superseded"]


def test_the_sql_overdue_rule_agrees_with_the_python_one(session):
    statuses = {i.code: i for i in lookups.list_items(session, ListKind.ACTION_STATUS)}
    cases = [(code, target) for code in ("not_started", "in_progress", "complete", "closed")
             for target in (D(2017, 3, 31), AS_AT, D(2017, 4, 2), None)]
    for code, target in cases:
        session.add(Action(description=f"{code} {target}", status=statuses[code], target_on=target))
    session.flush()
    overdue_sql = set(session.scalars(select(Action.id).where(
        rules.overdue_clause(Action.status_id, Action.target_on, AS_AT))))
    overdue_python = {a.id for a in session.scalars(select(Action))
                      if rules.is_overdue(a.status.is_open, a.target_on, AS_AT)}
    assert overdue_sql == overdue_python and len(overdue_sql) == 2
