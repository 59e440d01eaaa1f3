"""The action plan opens on what is due: open actions first, soonest target first, the
closed after them (issue 16, item 6). The order is ``app.registers.action_own_order``."""

from __future__ import annotations

import datetime as dt

from app import lookups
from app.registers import REGISTERS
from db.models import Action, ListKind
from tests.ui.conftest import open_window

SLOW = 30_000  # a limit on waiting on a busy machine, not a timing


def column(window, key, column_key):
    model = window.model(key)
    index = REGISTERS[key].column_index(column_key)
    return [model.data(model.index(row, index)) for row in range(model.rowCount())]


def test_the_plan_opens_with_open_actions_first_soonest_due_first(qtbot, office_database):
    with office_database.sessions.begin() as session:
        status = {name: lookups.list_item(session, ListKind.ACTION_STATUS, name) for name in ("Complete", "In progress")}
        session.add_all([
            Action(reference="A4", description="Closed long ago.", status=status["Complete"],
                   target_on=dt.date(2014, 3, 1), completed_on=dt.date(2014, 2, 1), evidence_of_completion="Done."),
            Action(reference="A5", description="Due in 2050.", status=status["In progress"],
                   target_on=dt.date(2050, 6, 30)),
        ])
    window = open_window(qtbot, office_database)
    window.show_page("actions")
    qtbot.waitUntil(lambda: window.is_loaded("actions"), timeout=SLOW)
    # A1 overdue (2000), A5 (2050), A2 (2099), then the closed: A3 (2000), A4 (2014).
    assert column(window, "actions", "reference") == ["A1", "A5", "A2", "A3", "A4"]
