"""The main window: pages in the side bar, their tables, menus, keyboard moves, databases."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

from app import paths
from app.cli import __version__
from app.database import open_database
from app.defaults import WORDS
from app.registers import REGISTERS
from db.models import Action, Review
from tests.ui.conftest import open_window
from ui import dialogs, operations
from ui.app import create_main_window
from ui.operations import Changes, CollectionOp
from ui.table_model import ID_ROLE
from ui.undo import RecordCommand

EXPECTED_ROWS = {
    "referrals": 1, "decisions": 2, "reviews": 1, "recommendations": 2, "actions": 3,
    "progress_updates": 1, "meetings": 1, "learning": 1, "agencies": 13, "themes": 13,
    "lists": 64 + sum(len(words) for words in WORDS.values()), "clocks": 6, "case_clocks": 3,
}


# The machine running the tests may be busy; these are not timings, only a limit on waiting.
SLOW = 20_000


def wait_loaded(qtbot, window, key: str) -> None:
    qtbot.waitUntil(lambda: window.is_loaded(key), timeout=SLOW)


def show(qtbot, window, key: str) -> None:
    window.show_page(key)
    wait_loaded(qtbot, window, key)


@pytest.fixture
def window(qtbot, office_database):
    return open_window(qtbot, office_database)


def cell(window, key: str, row: int, column_key: str, role=Qt.ItemDataRole.DisplayRole):
    model = window.model(key)
    return model.index(row, REGISTERS[key].column_index(column_key)).data(role)


def status_text(window, name: str) -> str:
    return window.statusBar().findChild(QLabel, name).text()


def action_id(database, reference: str) -> int:
    with database.readers() as session:
        return session.query(Action).filter_by(reference=reference).one().id


def test_window_opens_on_the_dashboard_and_lists_every_page(window, office_database):
    assert window.windowTitle() == "office.sqlite — Case Review Tracker"
    assert str(office_database.path) in status_text(window, "databaseName")
    titles = [window.sidebar.item(i).text() for i in range(window.sidebar.count())]
    assert titles == ["Dashboard", "Referrals", "Decisions", "Reviews", "Recommendations",
                      "Action plan", "Progress updates", "Meetings", "Learning & briefings",
                      "Clocks", "Agencies", "Themes", "Lists", "Clock rules"]
    assert window.current_key == "dashboard"
    assert window.sidebar.currentItem().text() == "Dashboard"


@pytest.mark.parametrize("key", list(REGISTERS))
def test_each_register_shows_its_rows(qtbot, window, qtmodeltester, key):
    show(qtbot, window, key)
    model = window.model(key)
    assert window.view(key).table.model() is model
    assert model.rowCount() == EXPECTED_ROWS[key]
    assert status_text(window, "rowCount") == f"{EXPECTED_ROWS[key]} row{'s' * (EXPECTED_ROWS[key] != 1)}"
    qtmodeltester.check(model)


def test_cells_read_as_the_office_writes_them(qtbot, window):
    for key in ("actions", "referrals", "decisions"):
        show(qtbot, window, key)
    assert cell(window, "actions", 0, "overdue") == "Overdue"
    assert cell(window, "actions", 1, "overdue") == ""
    assert cell(window, "actions", 1, "recommendations") == "SCR-01 R3, R4"
    assert cell(window, "actions", 0, "lead_agency") == "Children's Services"
    assert cell(window, "actions", 0, "target") == "31/01/2000"
    assert cell(window, "actions", 0, "completed_on") == ""
    assert cell(window, "referrals", 0, "referring_agency") == "Police"
    assert cell(window, "referrals", 0, "date_referred") == "04/03/2024"
    assert cell(window, "decisions", 0, "criteria_met") == "Yes"


def test_rag_and_overdue_have_colour_and_words(qtbot, window):
    show(qtbot, window, "actions")
    red = cell(window, "actions", 0, "rag", Qt.ItemDataRole.BackgroundRole)
    blue = cell(window, "actions", 2, "rag", Qt.ItemDataRole.BackgroundRole)
    assert cell(window, "actions", 0, "rag") == "Red" and cell(window, "actions", 2, "rag") == "Blue"
    assert red is not None and blue is not None and red.color() != blue.color()
    assert red.color().red() > red.color().blue()
    overdue = cell(window, "actions", 0, "overdue", Qt.ItemDataRole.BackgroundRole)
    assert overdue is not None and cell(window, "actions", 0, "overdue") == "Overdue"
    assert cell(window, "actions", 1, "overdue", Qt.ItemDataRole.BackgroundRole) is None
    # Only the RAG and overdue columns are coloured.
    assert cell(window, "actions", 0, "status", Qt.ItemDataRole.BackgroundRole) is None


def test_raw_values_ids_and_tooltips(qtbot, window, office_database):
    show(qtbot, window, "actions")
    show(qtbot, window, "referrals")
    assert cell(window, "actions", 0, "target", Qt.ItemDataRole.UserRole) == dt.date(2000, 1, 31)
    assert cell(window, "actions", 0, "reference", ID_ROLE) == action_id(office_database, "A1")
    summary_tip = cell(window, "referrals", 0, "summary", Qt.ItemDataRole.ToolTipRole)
    assert summary_tip.replace("\n", " ").startswith("Infant admitted to hospital with a fractured femur")
    assert max(len(line) for line in summary_tip.splitlines()) <= 80
    assert cell(window, "referrals", 0, "reference", Qt.ItemDataRole.ToolTipRole) is None


def test_long_text_columns_are_capped(qtbot, window):
    show(qtbot, window, "referrals")
    table = window.view("referrals").table
    summary = REGISTERS["referrals"].column_index("summary")
    assert table.columnWidth(summary) <= 48 * table.fontMetrics().averageCharWidth()


def test_arrow_keys_in_the_side_bar_move_between_pages(qtbot, window):
    window.sidebar.setFocus()
    qtbot.keyClick(window.sidebar, Qt.Key.Key_Down)
    assert window.current_key == "referrals"
    wait_loaded(qtbot, window, "referrals")
    assert status_text(window, "rowCount") == "1 row"
    qtbot.keyClick(window.sidebar, Qt.Key.Key_Down)
    assert window.current_key == "decisions"
    qtbot.keyClick(window.sidebar, Qt.Key.Key_Up)
    qtbot.keyClick(window.sidebar, Qt.Key.Key_Up)
    assert window.current_key == "dashboard"


def test_ctrl_number_jumps_to_a_page(qtbot, window):
    qtbot.waitActive(window)
    qtbot.keyClick(window, Qt.Key.Key_6, Qt.KeyboardModifier.ControlModifier)
    assert window.current_key == "actions"
    assert window.sidebar.currentItem().text() == "Action plan"
    wait_loaded(qtbot, window, "actions")
    assert status_text(window, "rowCount") == "3 rows"
    qtbot.keyClick(window, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert window.current_key == "progress_updates"
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.current_key == "dashboard"


def test_ctrl_f_puts_the_cursor_in_the_search_box(qtbot, window):
    qtbot.waitActive(window)
    show(qtbot, window, "actions")
    window.view("actions").table.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    search = window.view("actions").search_box
    assert search.hasFocus()
    qtbot.keyClicks(search, "toolkit")
    assert status_text(window, "rowCount") == "Showing 1 of 3 rows"


def test_f5_reads_the_register_again(qtbot, window, office_database):
    qtbot.waitActive(window)
    show(qtbot, window, "actions")
    with office_database.sessions.begin() as session:
        session.query(Action).filter_by(reference="A3").one().description = "Publish it again."
    qtbot.keyClick(window, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: cell(window, "actions", 2, "description") == "Publish it again.", timeout=SLOW)


class RenameAction(RecordCommand):
    """A stand-in for a form's edit: changes an action's description, and back."""

    def __init__(self, database, reference: str, old: str, new: str):
        super().__init__(database, f"Rename {reference}")
        self.reference, self.old, self.new = reference, old, new

    def _set(self, session, text):
        session.query(Action).filter_by(reference=self.reference).one().description = text

    def _undo(self, session):
        self._set(session, self.old)

    def _redo(self, session):
        self._set(session, self.new)


def test_ctrl_z_and_ctrl_y_undo_and_redo_and_the_table_follows(qtbot, window, office_database):
    qtbot.waitActive(window)
    show(qtbot, window, "actions")
    saved = RenameAction(office_database, "A1", "Relaunch the neglect toolkit with training.",
                         "Renamed by the officer.")
    CollectionOp(window, office_database, saved.redo_step,
                 success=lambda _none: window.undo_stack.push(saved)).run_in_background()
    qtbot.waitUntil(lambda: cell(window, "actions", 0, "description") == "Renamed by the officer.", timeout=SLOW)
    assert window.undo_action.text().replace("&", "") == "Undo Rename A1"
    window.view("actions").table.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: cell(window, "actions", 0, "description") ==
                    "Relaunch the neglect toolkit with training.", timeout=SLOW)
    qtbot.keyClick(window, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: cell(window, "actions", 0, "description") == "Renamed by the officer.", timeout=SLOW)


def test_ctrl_n_opens_a_new_record_form_and_selects_what_was_saved(qtbot, window, office_database, monkeypatch):
    from ui import forms

    asked = []

    def fake_editor(parent, database, undo_stack, kind, record_id=None, **context):
        """Saves as a form does, and announces the write as its operation would."""
        asked.append((kind, record_id))
        with database.sessions.begin() as session:
            action = Action(reference="A9", description="A new action.",
                            status=session.query(Action).filter_by(reference="A1").one().status)
            session.add(action)
            session.flush()
            new_id = action.id
        operations.changes().records_changed.emit(Changes(database, frozenset({("action", new_id)})))
        return new_id

    monkeypatch.setattr(forms, "open_editor", fake_editor)
    qtbot.waitActive(window)
    show(qtbot, window, "actions")
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert asked == [("actions", None)]
    new_id = action_id(office_database, "A9")
    qtbot.waitUntil(lambda: window.view("actions").selected_ids() == [new_id], timeout=SLOW)
    assert status_text(window, "rowCount") == "4 rows"


def test_enter_on_a_row_opens_it_and_delete_archives_the_selection(qtbot, window, office_database, monkeypatch):
    from ui import forms

    opened, deleted = [], []
    monkeypatch.setattr(forms, "open_editor",
                        lambda parent, db, stack, kind, record_id=None, **c: opened.append((kind, record_id)))
    monkeypatch.setattr(forms, "delete_records",
                        lambda parent, db, stack, kind, ids: deleted.append((kind, list(ids))) or False)
    qtbot.waitActive(window)
    show(qtbot, window, "actions")
    table = window.view("actions").table
    table.setFocus()
    table.selectRow(1)
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert opened == [("actions", action_id(office_database, "A2"))]
    qtbot.keyClick(table, Qt.Key.Key_Delete)
    assert deleted == [("actions", [action_id(office_database, "A2")])]


def test_records_menu_offers_the_quick_actions_of_the_register(qtbot, window, monkeypatch):
    from ui import forms

    ran = []
    monkeypatch.setattr(forms, "run_quick_action",
                        lambda parent, db, stack, name, kind, record_id: ran.append((name, kind, record_id)) or False)
    show(qtbot, window, "actions")
    window.view("actions").table.selectRow(0)
    window.records_menu.aboutToShow.emit()  # as when the menu is opened
    texts = [action.text() for action in window.records_menu.actions() if action.text()]
    expected = [label for _name, label in forms.quick_actions("actions")]
    assert expected and all(label in texts for label in expected)
    name = forms.quick_actions("actions")[0][0]
    quick = next(a for a in window.records_menu.actions() if a.objectName() == f"quick_{name}")
    assert quick.isEnabled()
    quick.trigger()
    assert ran == [(name, "actions", window.view("actions").selected_ids()[0])]


def test_a_link_opens_the_linked_record_in_its_register(qtbot, window, office_database):
    if window.linked_panel is None:
        pytest.skip("the linked-records panel is not part of this copy")
    with office_database.readers() as session:
        review_id = session.query(Review).one().id
    show(qtbot, window, "actions")
    window.view("actions").table.selectRow(0)
    assert window.linked_panel.isVisible()
    window.linked_panel.open_requested.emit("reviews", review_id)
    assert window.current_key == "reviews"
    qtbot.waitUntil(lambda: window.view("reviews").selected_ids() == [review_id], timeout=SLOW)


def test_opening_a_record_clears_a_search_that_hides_it(qtbot, window, office_database):
    show(qtbot, window, "actions")
    qtbot.keyClicks(window.view("actions").search_box, "supervision")
    assert window.model("actions").rowCount() == 1
    window.show_page("dashboard")
    a1 = action_id(office_database, "A1")
    window.open_record("actions", a1)
    qtbot.waitUntil(lambda: window.view("actions").selected_ids() == [a1], timeout=SLOW)
    assert window.view("actions").search_box.text() == ""


def test_copy_puts_the_selected_rows_on_the_clipboard_for_excel(qtbot, window):
    qtbot.waitActive(window)
    show(qtbot, window, "actions")
    table = window.view("actions").table
    table.setFocus()
    table.selectRow(1)
    qtbot.keyClick(table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    header, row = QApplication.clipboard().text().splitlines()
    assert header.split("\t")[:3] == ["Ref", "Action", "Lead agency"]
    assert row.split("\t")[:4] == ["A2", "Audit supervision records for neglect cases.", "Police", "31/12/2099"]


def test_print_current_view_is_in_the_reports_menu_with_ctrl_p(window):
    assert window.print_action.shortcut().toString() == "Ctrl+P"
    assert window.print_action in window.reports_menu.actions()


def test_about_names_the_version_and_the_data_folder(window, monkeypatch):
    said = []
    monkeypatch.setattr(dialogs, "inform", lambda parent, title, text: said.append(text))
    window._on_about()
    assert __version__ in said[0]
    assert str(paths.data_dir()) in said[0]
    assert str(window.database.path) in said[0]


def test_open_database_switches_and_remembers_it(qtbot, window, tmp_path, monkeypatch):
    other = tmp_path / "other.sqlite"
    open_database(other).close()
    monkeypatch.setattr(dialogs, "open_file", lambda *args, **kwargs: other)
    show(qtbot, window, "actions")
    assert window.open_database_action.shortcut().toString() == "Ctrl+O"
    window.open_database_action.trigger()
    qtbot.waitUntil(lambda: window.windowTitle() == "other.sqlite — Case Review Tracker", timeout=SLOW)
    assert str(other) in status_text(window, "databaseName")
    wait_loaded(qtbot, window, "actions")
    assert window.model("actions").rowCount() == 0
    window.recent_menu.aboutToShow.emit()
    assert any(str(other) in action.text() for action in window.recent_menu.actions())
    assert window.settings.recent_databases()[0] == str(other)


def test_a_file_that_is_not_a_database_is_refused_in_a_sentence(qtbot, window, tmp_path, monkeypatch):
    notes = tmp_path / "notes.sqlite"
    notes.write_text("Meeting notes, not a database.")
    warned = []
    monkeypatch.setattr(dialogs, "warn", lambda parent, title, text: warned.append(text))
    window.open_database_file(notes, create=False)
    qtbot.waitUntil(lambda: bool(warned), timeout=SLOW)
    assert "is not a Case Review Tracker database" in warned[0]
    assert window.windowTitle() == "office.sqlite — Case Review Tracker"


def test_new_database_creates_an_empty_one(qtbot, window, tmp_path, monkeypatch):
    new = tmp_path / "fresh"
    monkeypatch.setattr(dialogs, "save_file", lambda *args, **kwargs: new)
    window.databases.new_database()
    qtbot.waitUntil(lambda: window.windowTitle() == "fresh.sqlite — Case Review Tracker", timeout=SLOW)
    assert Path(str(new) + ".sqlite").exists()
    show(qtbot, window, "referrals")
    assert window.model("referrals").rowCount() == 0


def test_window_size_and_place_are_remembered(qtbot, office_database):
    first = create_main_window(office_database)
    qtbot.addWidget(first)
    first.resize(760, 500)
    first.show()
    qtbot.waitExposed(first)
    first.move(20, 40)
    size, place = first.size(), first.pos()
    first.close()
    second = create_main_window(office_database)
    qtbot.addWidget(second)
    assert second.has_saved_geometry
    assert second.size() == size
    assert size.height() == 500
    # Window frames differ by a pixel or two between platforms.
    assert (second.pos() - place).manhattanLength() <= 10


def test_a_window_saved_larger_than_the_screen_opens_filling_the_screen(qtbot, office_database):
    from ui.app import show_main_window

    first = create_main_window(office_database)
    qtbot.addWidget(first)
    screen = first.screen().availableGeometry().size()
    first.resize(screen.width() + 300, screen.height() + 200)  # as on a larger monitor, since unplugged
    first.show()
    qtbot.waitExposed(first)
    first.close()
    second = create_main_window(office_database)
    qtbot.addWidget(second)
    assert not second.has_saved_geometry  # Qt would have shrunk it to two thirds of the screen
    show_main_window(second)
    qtbot.waitExposed(second)
    assert second.size() == screen


def test_quit_closes_the_window(qtbot, window):
    qtbot.waitActive(window)
    qtbot.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert not window.isVisible()


def test_the_action_plan_is_read_ahead_while_the_dashboard_is_on_screen(qtbot, window):
    assert window.current_key == "dashboard"
    qtbot.waitUntil(lambda: window.is_loaded("actions"), timeout=SLOW)
    model = window.model("actions")
    assert model.rowCount() == 3

    window.show_page("actions")

    assert window.is_loaded("actions")  # on screen at once: it is not read a second time
    assert window.model("actions") is model and model.rowCount() == 3
    assert status_text(window, "rowCount") == "3 rows"
    # The search texts follow on a worker; the first keystroke does not wait for them.
    qtbot.waitUntil(lambda: model.query.search_ready, timeout=SLOW)
    window.view("actions").search_box.setText("neglect toolkit")
    assert [cell(window, "actions", row, "reference") for row in range(model.rowCount())] == ["A1"]


def test_linked_records_say_what_to_do_and_are_not_shown_beside_the_reference_lists(qtbot, window):
    show(qtbot, window, "referrals")
    panel = window.linked_panel
    assert panel.isVisible() and panel.empty.text().startswith("Choose one record")
    window.view("referrals").table.selectRow(0)
    assert not panel.empty.isVisible() and panel.links  # Ref053's decisions, review, meeting
    show(qtbot, window, "agencies")
    assert not panel.isVisible()  # an agency's records are counted in its own columns
