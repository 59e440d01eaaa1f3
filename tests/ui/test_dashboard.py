"""The dashboard widget shows the database's figures and follows the as-at date."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from db.models import Action, Review
from tests.app.test_dashboard import AS_AT, D, build_small_office
from ui import errors
from ui.dashboard import RECORD_ID_ROLE, DashboardView


@pytest.fixture
def small_database(database):
    with database.sessions.begin() as s:
        ids = build_small_office(s)
    return database, ids


@pytest.fixture
def view(qtbot, small_database):
    database, _ids = small_database
    widget = DashboardView(database)
    qtbot.addWidget(widget)
    qtbot.waitUntil(lambda: widget.figures is not None and not widget.is_loading(), timeout=10000)
    with qtbot.waitSignal(widget.figures_shown, timeout=10000):
        widget.set_as_at(AS_AT)
    widget.resize(1200, 800)
    widget.show()
    yield widget
    widget.wait_for_idle()


def cell(model, row, column):
    return model.index(row, column).data()


def column_texts(model, column):
    return [cell(model, row, column) for row in range(model.rowCount())]


def test_tiles_show_the_database_counts(view, small_database):
    database, _ids = small_database
    with database.readers() as s:
        actions = [a for a in s.scalars(select(Action)) if a.archived_at is None and a.status.is_open]
        overdue = [a for a in actions if a.target_on and a.target_on < AS_AT]
        open_reviews = [r for r in s.scalars(select(Review)) if r.status.is_open]
    assert view.tiles["open_actions"].value_label.text() == str(len(actions)) == "4"
    assert view.tiles["overdue_actions"].value_label.text() == str(len(overdue)) == "2"
    assert view.tiles["reviews_underway"].value_label.text() == str(len(open_reviews)) == "5"
    assert view.tiles["reviews_past_target"].value_label.text() == "2"
    assert view.tiles["overdue_actions"].accessibleName() == "Overdue actions: 2"


def test_tables_and_charts_show_the_figures(view, small_database, qtmodeltester):
    _database, ids = small_database
    for model in (view.reviews_model, view.overdue_model, view.clocks_model):
        qtmodeltester.check(model)

    reviews = view.reviews_model
    rows = {cell(reviews, r, 0): (cell(reviews, r, 1), cell(reviews, r, 2)) for r in range(reviews.rowCount())}
    assert rows["Underway"] == ("3", "1")
    assert rows["Initiated"] == ("2", "1")
    assert rows["Published"] == ("1", "–")  # closed reviews are never past target
    assert rows["All reviews"] == ("6", "2")

    overdue = view.overdue_model
    assert column_texts(overdue, 0) == [f"{(AS_AT - D(2025, 1, 10)).days} days", "1 day"]
    assert overdue.headerData(0, Qt.Orientation.Horizontal) == "Overdue by"
    assert column_texts(overdue, 1) == ["10/01/2025", "03/06/2025"]
    assert cell(overdue, 1, 2) == "A1: Brief front-line officers"  # one line in the table
    assert cell(overdue, 1, 3) == "Police" and overdue.columnCount() == 4
    assert view.overdue_box.title() == "Overdue actions, oldest first (2)"

    assert view.rag_chart.values() == {
        "Children's Services": {"Red": 0, "Amber": 1, "Green": 1, "Blue (complete)": 0, "No RAG": 0},
        "Police": {"Red": 1, "Amber": 0, "Green": 0, "Blue (complete)": 0, "No RAG": 0},
        "No lead agency": {"Red": 0, "Amber": 0, "Green": 0, "Blue (complete)": 0, "No RAG": 1},
    }
    assert "Police: 1 (Red 1)" in view.rag_chart.toolTip()
    assert "Police: 1 (Red 1)" in view.rag_chart.accessibleDescription()
    assert view.outcome_chart.values() == {"Single Agency Review": 1,
                                           "Local Child Safeguarding Practice Review": 1}
    assert view.outcome_box.title().startswith("Referrals by outcome, 2025/26 to 04/06/2025")
    assert "by its latest decision" in view.outcome_box.title()

    clocks = view.clocks_model
    row = column_texts(clocks, 2).index("R5")
    assert cell(clocks, row, 1) == "in 3 working days"
    assert clocks.index(row, 0).data(RECORD_ID_ROLE) == ("referrals", ids["referral_new"])


def test_typing_an_earlier_date_recomputes(view, qtbot, small_database):
    _database, ids = small_database
    edit = view.as_at_edit.line_edit
    edit.setFocus()
    edit.selectAll()
    with qtbot.waitSignal(view.figures_shown, timeout=10000):
        qtbot.keyClicks(edit, "3/6/2025")
        qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert view.as_at == D(2025, 6, 3)
    assert view.tiles["overdue_actions"].value_label.text() == "1"
    assert [view.overdue_model.row_data(r).id for r in range(view.overdue_model.rowCount())] == [ids["oldest"]]
    assert view.status_label.text().startswith("Figures as at 03/06/2025")

    with qtbot.waitSignal(view.figures_shown, timeout=10000):
        view.set_as_at(D(2025, 7, 2))
    assert view.tiles["reviews_past_target"].value_label.text() == "3"
    assert view.as_at_edit.text() == "02/07/2025"


def test_a_date_that_is_not_a_date_is_explained_and_the_figures_kept(view, qtbot):
    edit = view.as_at_edit.line_edit
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, "31/02/2025")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert "'31/02/2025' is not a date: February has 28 days in 2025." in view.status_label.text()
    assert view.as_at == AS_AT
    assert view.tiles["overdue_actions"].value_label.text() == "2"


def test_enter_on_an_overdue_action_asks_for_it(view, qtbot, small_database):
    _database, ids = small_database
    table = view.overdue_table
    table.setFocus()
    table.setCurrentIndex(view.overdue_model.index(1, 2))
    with qtbot.waitSignal(view.open_requested, timeout=2000) as blocker:
        qtbot.keyClick(table, Qt.Key.Key_Return)
    assert blocker.args == ["actions", ids["one_day"]]


def test_double_click_on_an_overdue_action_asks_for_it(view, qtbot, small_database):
    _database, ids = small_database
    table = view.overdue_table
    rect = table.visualRect(view.overdue_model.index(0, 0))
    with qtbot.waitSignal(view.open_requested, timeout=2000) as blocker:
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == ["actions", ids["oldest"]]


def test_a_clock_row_asks_for_its_case(view, qtbot, small_database):
    _database, ids = small_database
    row = column_texts(view.clocks_model, 2).index("R5")
    table = view.clocks_table
    table.setFocus()
    table.setCurrentIndex(view.clocks_model.index(row, 0))
    with qtbot.waitSignal(view.open_requested, timeout=2000) as blocker:
        qtbot.keyClick(table, Qt.Key.Key_Enter)
    assert blocker.args == ["referrals", ids["referral_new"]]


def test_the_figures_are_read_off_the_gui_thread(qtbot, small_database, monkeypatch):
    import threading

    import ui.dashboard as dashboard

    database, _ids = small_database
    threads = []
    real = dashboard.dashboard_figures

    def recording(session, as_at):
        threads.append(threading.current_thread())
        return real(session, as_at)

    monkeypatch.setattr(dashboard, "dashboard_figures", recording)
    widget = DashboardView(database)
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.figures_shown, timeout=10000):
        pass
    assert threads and threads[0] is not threading.main_thread()
    assert widget.as_at == dt.date.today()
    assert widget.as_at_edit.text() == dt.date.today().strftime("%d/%m/%Y")


def test_until_the_figures_come_the_charts_say_they_are_being_read(qtbot, database, monkeypatch):
    import threading

    import ui.dashboard as dashboard

    release = threading.Event()
    real = dashboard.dashboard_figures

    def held(session, as_at):
        release.wait(10)
        return real(session, as_at)

    monkeypatch.setattr(dashboard, "dashboard_figures", held)
    widget = DashboardView(database)  # an empty office: no open actions, no referrals
    qtbot.addWidget(widget)
    assert "Reading the figures…" in widget.rag_chart.text_alternative()
    assert "No open actions" not in widget.rag_chart.text_alternative()
    with qtbot.waitSignal(widget.figures_shown, timeout=10000):
        release.set()
    assert "No open actions." in widget.rag_chart.text_alternative()
    assert "No referral has been decided this year yet." in widget.outcome_chart.text_alternative()


def test_a_read_that_fails_for_a_known_reason_says_why(qtbot, small_database, monkeypatch):
    import ui.dashboard as dashboard
    from app.errors import UserError

    database, _ids = small_database

    def busy(session, as_at):
        raise UserError("The database is busy: another copy of the program is saving.")

    monkeypatch.setattr(dashboard, "dashboard_figures", busy)
    widget = DashboardView(database)
    qtbot.addWidget(widget)
    qtbot.waitUntil(lambda: "could not be read" in widget.status_label.text(), timeout=10000)
    assert "another copy of the program is saving" in widget.status_label.text()
    assert widget.figures is None and not widget.is_loading()


def test_a_read_that_fails_with_a_bug_goes_to_the_crash_dialog(qtbot, small_database, monkeypatch):
    import ui.dashboard as dashboard

    database, _ids = small_database
    crashes = []

    def broken(session, as_at):
        raise RuntimeError("Child X's record")

    monkeypatch.setattr(dashboard, "dashboard_figures", broken)
    monkeypatch.setattr(errors, "show_crash", lambda *args: crashes.append(args))
    widget = DashboardView(database)
    qtbot.addWidget(widget)
    qtbot.waitUntil(lambda: bool(crashes), timeout=10000)
    assert crashes[0][0] is RuntimeError
    # The screen does not repeat the message (it may quote a record).
    assert widget.status_label.text() == "The figures could not be read because of a fault in the program."


def test_closing_the_view_during_a_read_is_harmless(qtbot, small_database):
    from PySide6.QtCore import QThreadPool
    from shiboken6 import isValid

    database, _ids = small_database
    widget = DashboardView(database)
    assert widget.is_loading()
    widget.deleteLater()
    qtbot.waitUntil(lambda: not isValid(widget), timeout=5000)
    assert QThreadPool.globalInstance().waitForDone(10000)
    qtbot.wait(50)  # the result arrives for a view that has gone, and is dropped
