"""``actions.references_in_use``: the one check every importer makes before adding actions
whose references the tracker already holds (issue 14, item 1)."""

from __future__ import annotations

import pytest

from app.services import actions
from app.services.records import archive_record
from tests.app.excel.test_export import build_plan

pytestmark = pytest.mark.both_engines


def test_references_already_on_live_actions_are_found_as_given(session):
    plan = build_plan(session)  # actions A1 to A4
    found = actions.references_in_use(session, ["a1", " A2 ", "A9", None, "", "A1"])
    assert found == {"a1": plan["training"], "A1": plan["training"], " A2 ": plan["guidance"]}
    archive_record(session, actions.get_action(session, plan["escalation"]))
    assert actions.references_in_use(session, ["A4", "A3"]) == {"A3": plan["audit"]}
    assert actions.references_in_use(session, []) == {}
