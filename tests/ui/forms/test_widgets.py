"""The UK date field and the list drop-down the forms are built from."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDate, Qt

from app.services.lists import archive_list_item
from db.models import ListItem, ListKind
from sqlalchemy import select
from app.dates import DATE_FORMATS, date_format
from tests.ui.forms.conftest import editor
from ui.widgets.date_edit import UkDateEdit, parse_uk_date
from ui.widgets.list_combo import ListCombo

TODAY = dt.date(2026, 11, 23)


@pytest.mark.parametrize("typed, meant", [
    ("31/03/2017", dt.date(2017, 3, 31)),
    ("31.3.17", dt.date(2017, 3, 31)),
    ("31 Mar 2017", dt.date(2017, 3, 31)),
    ("31 March 2017", dt.date(2017, 3, 31)),
    ("1st April 2013", dt.date(2013, 4, 1)),
    ("3-7-2013", dt.date(2013, 7, 3)),
    ("310317", dt.date(2017, 3, 31)),
    ("2017-03-31", dt.date(2017, 3, 31)),
    ("1/1/95", dt.date(1995, 1, 1)),
    ("  ", None),
    ("", None),
    ("today", TODAY),
])
def test_uk_dates_are_read_day_first(typed, meant):
    assert parse_uk_date(typed, today=TODAY) == meant


@pytest.mark.parametrize("typed, message", [
    ("31/02/2017", "'31/02/2017' is not a date: February has 28 days in 2017."),
    ("next week", "'next week' is not a date: type it as dd/mm/yyyy, for example 31/03/2017"),
    ("31 Foo 2017", "'31 Foo 2017' is not a date: type it as dd/mm/yyyy, for example 31/03/2017"),
    ("Mar 4 2024", "'Mar 4 2024' is not a date: write the day before the month, for example 4 March 2024."),
])
def test_text_that_is_not_a_date_says_so(typed, message):
    with pytest.raises(ValueError, match=message):
        parse_uk_date(typed, today=TODAY)


# A pop-up window grabs the keyboard and raises itself: the off-screen test platform cannot,
# and says so; that is about the platform, not the program.
@pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing the keyboard)")
def test_date_field_tidies_typed_text_and_picks_from_the_calendar(qtbot):
    field = UkDateEdit()
    field.setAccessibleName("Date referred")
    qtbot.addWidget(field)
    field.show()
    qtbot.waitExposed(field)
    field.activateWindow()
    qtbot.waitUntil(field.isActiveWindow)
    field.line_edit.setFocus()
    qtbot.keyClicks(field.line_edit, "4 Mar 24")
    qtbot.keyClick(field.line_edit, Qt.Key.Key_Return)
    assert field.text() == "04/03/2024" and field.date() == dt.date(2024, 3, 4)
    assert field.line_edit.accessibleName() == "Date referred"
    qtbot.keyClick(field.line_edit, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    popup = field.popup
    assert popup is not None and popup.isVisible()
    assert popup.calendar.selectedDate() == QDate(2024, 3, 4)
    popup.calendar.setSelectedDate(QDate(2024, 3, 8))
    qtbot.keyClick(popup.calendar.focusWidget() or popup.calendar, Qt.Key.Key_Return)
    assert field.date() == dt.date(2024, 3, 8) and not popup.isVisible()


@pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing the keyboard)")
def test_date_field_in_another_format_and_its_calendar(qtbot):
    field = UkDateEdit()
    qtbot.addWidget(field)
    field.set_date_format(date_format("d MMMM yyyy"))
    field.show()
    qtbot.waitExposed(field)
    field.line_edit.setFocus()
    qtbot.keyClicks(field.line_edit, "30/9/24")
    qtbot.keyClick(field.line_edit, Qt.Key.Key_Return)
    assert field.text() == "30 September 2024" and field.date() == dt.date(2024, 9, 30)
    # Wide enough for the longest date of the format.
    assert field.line_edit.maximumWidth() > field.line_edit.fontMetrics().horizontalAdvance("30 September 2024")
    field.open_calendar()
    calendar = field.popup.calendar
    assert calendar.selectedDate() == QDate(2024, 9, 30)
    assert calendar.locale().monthName(9) == "September"  # English, as the field writes it
    assert calendar.minimumDate() == QDate(1900, 1, 1) and calendar.maximumDate() == QDate(2100, 12, 31)
    calendar.clicked.emit(QDate(2024, 10, 2))
    assert field.text() == "2 October 2024" and not field.popup.isVisible()


@pytest.mark.parametrize("chosen", DATE_FORMATS, ids=lambda f: f.pattern)
def test_qt_writes_each_offered_pattern_as_the_papers_do(chosen):
    for month in range(1, 13):
        day = dt.date(2017, month, month + 15)
        assert QDate(day.year, day.month, day.day).toString(chosen.pattern) == chosen.format(day)


def test_blank_date_field_means_no_date(qtbot):
    field = UkDateEdit()
    qtbot.addWidget(field)
    field.set_date(dt.date(2020, 1, 2))
    field.set_date(None)
    assert field.text() == "" and field.date() is None and field.is_valid()


def test_combo_type_ahead_accepts_spaces_and_words_inside(qtbot):
    combo = ListCombo()
    qtbot.addWidget(combo)
    combo.set_choices(["Review initiated", "Review published", "Decision taken"])
    combo.show()
    qtbot.keyClicks(combo, "review p")
    assert combo.value() == "Review published"
    combo.set_value(None)
    qtbot.wait(10)
    combo._typed = ""
    qtbot.keyClicks(combo, "taken")
    assert combo.value() == "Decision taken"


def test_archived_list_value_is_hidden_except_on_a_record_that_has_it(qtbot, open_form, office_database):
    with office_database.sessions.begin() as s:
        neglect = s.scalar(select(ListItem).where(ListItem.kind == ListKind.REFERRAL_CATEGORY,
                                                  ListItem.name == "Neglect"))
        archive_list_item(s, neglect.id)
    form = open_form("referrals", 1)
    combo = editor(form, "category")
    assert combo.value() == "Neglect"  # the record keeps it...
    form.reject()
    form = open_form("referrals")
    names = [editor(form, "category").itemText(i) for i in range(editor(form, "category").count())]
    assert "Neglect" not in names and "Death" in names  # ...but a new record cannot choose it
