"""A register on screen: search as you type, filters, sorting, columns, and remembering them."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QLabel

from app.registers import REGISTERS, Column, Register
from ui.register_view import DEBOUNCE_FROM_ROWS, RegisterView, showing_text
from ui.settings_store import SCHEMA_VERSION, TableState, WindowSettings

ACTIONS = REGISTERS["actions"]


def column(key: str) -> int:
    return ACTIONS.column_index(key)


def references(view: RegisterView) -> list[str]:
    model = view.model
    return [model.index(row, column("reference")).data() for row in range(model.rowCount())]


def make_view(qtbot, database, settings=None, key="actions") -> RegisterView:
    view = RegisterView(key, REGISTERS[key], settings or WindowSettings())
    qtbot.addWidget(view)
    with database.readers() as session:
        view.set_rows(REGISTERS[key].fetch(session))
    view.resize(1200, 500)
    view.show()
    qtbot.waitExposed(view)
    return view


@pytest.fixture
def view(qtbot, office_database):
    return make_view(qtbot, office_database)


def click_header(qtbot, view: RegisterView, key: str) -> None:
    header = view.table.horizontalHeader()
    section = column(key)
    x = header.sectionViewportPosition(section) + header.sectionSize(section) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))


def test_typing_in_the_search_box_filters_as_you_type(qtbot, view):
    counts = []
    view.counts_changed.connect(lambda shown, total: counts.append((shown, total)))
    qtbot.keyClicks(view.search_box, "negl")
    assert references(view) == ["A1", "A2"]
    qtbot.keyClicks(view.search_box, "ect tool")
    assert references(view) == ["A1"]
    assert counts[-1] == (1, 3)
    view.search_box.clear()
    assert references(view) == ["A1", "A2", "A3"]
    assert counts[-1] == (3, 3)


def test_search_matches_dates_as_shown_and_ignores_case(qtbot, view):
    qtbot.keyClicks(view.search_box, "31/12/2099")
    assert references(view) == ["A2"]
    view.search_box.clear()
    qtbot.keyClicks(view.search_box, "POLICE")
    assert references(view) == ["A2"]


def test_a_hidden_column_is_not_searched(qtbot, view):
    qtbot.keyClicks(view.search_box, "Children's Services")
    assert references(view) == ["A1"]
    menu = view.column_menu()
    lead_agency = next(a for a in menu.actions() if a.text() == "Lead agency")
    lead_agency.trigger()
    assert view.table.isColumnHidden(column("lead_agency"))
    assert references(view) == []
    view.column_menu().actions()[column("lead_agency")].trigger()
    assert references(view) == ["A1"]


def test_the_last_shown_column_cannot_be_hidden(view):
    for i in range(1, len(ACTIONS.columns)):
        view.set_column_visible(i, False)
    menu = view.column_menu()
    assert not menu.actions()[0].isEnabled()
    view.set_column_visible(0, False)
    assert not view.table.isColumnHidden(0)


def choose(qtbot, combo, text: str) -> None:
    """Pick ``text`` in a drop-down with the keyboard, as a user would."""
    combo.setFocus()
    index = combo.findText(text)
    assert index >= 0, f"{text!r} is not offered"
    while combo.currentIndex() != index:
        key = Qt.Key.Key_Down if combo.currentIndex() < index else Qt.Key.Key_Up
        qtbot.keyClick(combo, key)


def test_drop_down_filters_offer_the_values_in_the_register(qtbot, view):
    agencies = view.filter_bar.combos["lead_agency"]
    assert [agencies.itemText(i) for i in range(agencies.count())] == [
        "All", "Children's Services", "Police", "(blank)"]
    choose(qtbot, agencies, "Police")
    assert references(view) == ["A2"]
    choose(qtbot, agencies, "(blank)")
    assert references(view) == ["A3"]
    choose(qtbot, agencies, "All")
    rag = view.filter_bar.combos["rag"]
    choose(qtbot, rag, "Blue")
    assert references(view) == ["A3"]
    view.filter_bar.clear_button.click()
    assert references(view) == ["A1", "A2", "A3"]


def test_review_and_theme_filters(qtbot, view):
    reviews = view.filter_bar.combos["recommendations"]
    assert [reviews.itemText(i) for i in range(reviews.count())] == ["All", "SCR-01"]
    choose(qtbot, reviews, "SCR-01")
    assert references(view) == ["A1", "A2"]
    choose(qtbot, view.filter_bar.combos["theme"], "Neglect")
    assert references(view) == ["A1", "A2"]


def test_overdue_only_tick_box(qtbot, view):
    box = view.filter_bar.flags["overdue"]
    assert box.text() == "Overdue only"
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(5, box.height() // 2))
    assert references(view) == ["A1"]
    qtbot.keyClicks(view.search_box, "audit")
    assert references(view) == []


def test_typed_uk_dates_narrow_the_target_dates(qtbot, view):
    dates = view.filter_bar.date_range
    qtbot.keyClicks(dates.from_box, "1/1/2000")
    assert references(view) == ["A1", "A2", "A3"]
    qtbot.keyClicks(dates.to_box, "31 Dec 2000")
    assert references(view) == ["A1", "A3"]
    dates.from_box.clear()
    qtbot.keyClicks(dates.from_box, "15/01/2000")
    assert references(view) == ["A1"]


def test_a_date_that_is_not_a_date_is_explained_next_to_the_box(qtbot, view):
    dates = view.filter_bar.date_range
    dates.from_box.setFocus()
    qtbot.keyClicks(dates.from_box, "31/02/2000")
    qtbot.keyClick(dates.from_box, Qt.Key.Key_Tab)
    assert dates.problem_label.isVisible()
    assert dates.problem_label.text() == "'31/02/2000' is not a date: February has 29 days in 2000."
    assert references(view) == ["A1", "A2", "A3"]  # nothing filtered by a bad date
    dates.from_box.clear()
    qtbot.keyClicks(dates.from_box, "01/01/2000")
    assert not dates.problem_label.isVisible()


def test_clicking_a_header_sorts_and_shows_the_indicator(qtbot, view):
    click_header(qtbot, view, "target")
    header = view.table.horizontalHeader()
    assert header.sortIndicatorSection() == column("target")
    assert references(view) == ["A3", "A1", "A2"]
    click_header(qtbot, view, "target")
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    assert references(view) == ["A2", "A1", "A3"]
    # Empty cells go last both ways.
    click_header(qtbot, view, "lead_agency")
    assert references(view) == ["A1", "A2", "A3"]
    click_header(qtbot, view, "lead_agency")
    assert references(view) == ["A2", "A1", "A3"]


def test_sorting_and_searching_keep_the_selection(qtbot, view):
    view.table.selectRow(1)  # A2
    a2 = view.selected_ids()
    click_header(qtbot, view, "reference")
    click_header(qtbot, view, "reference")
    assert references(view) == ["A3", "A2", "A1"]
    assert view.selected_ids() == a2
    qtbot.keyClicks(view.search_box, "audit")
    assert view.selected_ids() == a2


def test_enter_and_double_click_open_the_record(qtbot, view):
    opened = []
    view.record_activated.connect(opened.append)
    view.table.setFocus()
    view.table.selectRow(2)
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    rect = view.table.visualRect(view.model.index(0, 0))
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert len(opened) == 1  # a single click only selects
    qtbot.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened == [view.model.record_id(2), view.model.record_id(0)]


def test_enter_in_the_search_box_moves_to_the_first_row(qtbot, view):
    qtbot.keyClicks(view.search_box, "supervision")
    qtbot.keyClick(view.search_box, Qt.Key.Key_Return)
    assert view.table.hasFocus()
    assert len(view.selected_ids()) == 1


def test_filtered_model_passes_the_model_tester(qtbot, view, qtmodeltester):
    qtbot.keyClicks(view.search_box, "neglect")
    click_header(qtbot, view, "target")
    qtmodeltester.check(view.model)


def test_widths_hidden_columns_and_sort_are_remembered(qtbot, office_database):
    settings = WindowSettings()
    first = make_view(qtbot, office_database, settings)
    first.table.setColumnWidth(column("lead_agency"), 222)
    first.set_column_visible(column("theme"), False)
    click_header(qtbot, first, "target")
    click_header(qtbot, first, "target")
    first.save_state()
    settings.sync()

    second = make_view(qtbot, office_database, WindowSettings())
    assert second.table.columnWidth(column("lead_agency")) == 222
    assert second.table.isColumnHidden(column("theme"))
    assert second.sort() == (column("target"), True)
    assert references(second) == ["A2", "A1", "A3"]

    second.reset_columns()
    assert not second.table.isColumnHidden(column("theme"))
    assert second.sort() is None
    assert WindowSettings().table_state("actions") == TableState()


def test_big_registers_search_after_a_pause_in_typing(qtbot):
    register = Register("Big", (Column("name", "Name"),), lambda s: [])
    view = RegisterView("big", register, WindowSettings())
    qtbot.addWidget(view)
    view.set_rows([(i, f"row {i}") for i in range(DEBOUNCE_FROM_ROWS)])
    qtbot.keyClicks(view.search_box, "row 4999")
    assert view.shown_count == DEBOUNCE_FROM_ROWS  # not yet: the officer is still typing
    qtbot.waitUntil(lambda: view.shown_count == 1)


def test_showing_text():
    assert showing_text(3, 3) == "3 rows"
    assert showing_text(1, 1) == "1 row"
    assert showing_text(2, 100_000) == "Showing 2 of 100,000 rows"


# --- the window settings file -----------------------------------------------------------------

def test_settings_file_is_versioned_and_upgraded(data_dir):
    from PySide6.QtCore import QSettings

    path = data_dir / "old.ini"
    old = QSettings(str(path), QSettings.Format.IniFormat)
    old.setValue("MainWindow/size", "1200x800")
    old.setValue("columns/actions", "120,300,80")
    old.sync()
    del old
    settings = WindowSettings(path)
    assert settings.version == SCHEMA_VERSION
    settings.sync()
    text = path.read_text()
    assert "MainWindow" not in text and "columns" not in text


def test_unreadable_settings_fall_back_to_defaults(data_dir):
    settings = WindowSettings()
    settings._settings.setValue("tables/actions", "{not json")
    settings._settings.setValue("recent/databases", "[1, 2")
    assert settings.table_state("actions") == TableState()
    assert settings.recent_databases() == []


def test_recent_databases_keep_the_last_five_newest_first(data_dir):
    settings = WindowSettings()
    for n in range(7):
        settings.add_recent_database(f"/office/db{n}.sqlite")
    settings.add_recent_database("/office/db3.sqlite")
    assert settings.recent_databases() == [
        "/office/db3.sqlite", "/office/db6.sqlite", "/office/db5.sqlite", "/office/db4.sqlite",
        "/office/db2.sqlite"]
