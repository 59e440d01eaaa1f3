"""A date field as the office types dates: "31/03/2017", "31.3.17", "31 Mar 2017", or blank.

``QDateEdit`` cannot be left blank and fights typed text, so this is a line edit that
reads the text when asked (``app.dates``, as forms, imports and commands read dates), with
a calendar a click (or Alt+Down / F4) away. Dates are shown in the office's date format
(``set_office_date_format``), the format its workbooks and papers use.
"""

from __future__ import annotations

import datetime as dt
from weakref import WeakSet

import shiboken6
from PySide6.QtCore import QDate, QLocale, QPoint, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCalendarWidget,
    QHBoxLayout,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.dates import (DEFAULT_DATE_FORMAT, FIRST_YEAR, LAST_YEAR, DateFormat, date_format, format_date,
                       format_datetime, parse_date)

EXAMPLE_DATE = dt.date(2017, 3, 31)
# The widest date a format can write (September, a two-digit day), to size the field.
WIDEST_DATE = dt.date(2017, 9, 30)
TODAY_WORDS = ("today", "t")

_office_format: DateFormat = DEFAULT_DATE_FORMAT
_fields: WeakSet[UkDateEdit] = WeakSet()


def set_office_date_format(pattern: str | DateFormat | None) -> None:
    """Show dates in the office's date format (its stored pattern) in every date field, open
    or opened later. Call it whenever the office settings are read or saved."""
    global _office_format
    _office_format = date_format(pattern)
    for field in list(_fields):
        if shiboken6.isValid(field):  # its window may have gone while Python still holds it
            field.set_date_format(_office_format)


def office_date_format() -> DateFormat:
    """The date format date fields show dates in."""
    return _office_format


def parse_uk_date(text: str | None, *, today: dt.date | None = None) -> dt.date | None:
    """The date a UK user meant by ``text`` (``app.dates.parse_date``), "today" (or "t")
    for today; None for blank text. Raises ``ValueError`` with a sentence for the user."""
    if (text or "").strip().casefold() in TODAY_WORDS:
        return today or dt.date.today()
    return parse_date(text, today=today)


def format_uk_date(value: dt.date | None) -> str:
    """``value`` in the office's date format; "" for None."""
    return format_date(value, _office_format)


def format_uk_datetime(moment: dt.datetime | None) -> str:
    """``moment`` as its day in the office's date format and its time: "31/03/2017 14:30"."""
    return format_datetime(moment, _office_format)


class _CalendarPopup(QWidget):
    """The calendar shown under the field; Enter or a click picks, Esc closes."""

    picked = Signal(object)

    def __init__(self, parent: QWidget):
        super().__init__(parent, Qt.WindowType.Popup)
        self.calendar = QCalendarWidget(self)
        self.calendar.setAccessibleName("Calendar")
        self.calendar.setGridVisible(True)
        # Padding a window's style sheet gives table cells would cut "28" to "...".
        self.calendar.setStyleSheet("QTableView::item { padding: 0px; }")
        self.calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        # Month names in English, as the field and the papers write them; only dates the
        # field can read back.
        self.calendar.setLocale(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
        self.calendar.setDateRange(QDate(FIRST_YEAR, 1, 1), QDate(LAST_YEAR, 12, 31))
        self.calendar.activated.connect(self._on_activated)
        self.calendar.clicked.connect(self._on_activated)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.calendar)

    def _on_activated(self, date: QDate) -> None:
        self.picked.emit(dt.date(date.year(), date.month(), date.day()))
        self.close()


class UkDateEdit(QWidget):
    """A date typed the UK way or picked from a calendar; blank means no date.

    ``date()`` is the date shown (None when blank or not a date); ``is_valid()`` says
    whether the text is blank or a date; ``problem()`` is the sentence for the user when not.
    """

    date_changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.line_edit = QLineEdit(self)
        self._format = _office_format
        self._show_format()
        self.line_edit.textChanged.connect(lambda _text: self.date_changed.emit())
        self.line_edit.editingFinished.connect(self._tidy)
        self.button = QToolButton(self)
        self.button.setText("…")
        self.button.setAccessibleName("Choose a date from the calendar")
        self.button.setToolTip("Choose from a calendar (Alt+Down)")
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Alt+Down does it from the keyboard
        self.button.clicked.connect(self.open_calendar)
        for keys in ("Alt+Down", "F4"):
            shortcut = QShortcut(QKeySequence(keys), self.line_edit)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(self.open_calendar)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.line_edit)
        layout.addWidget(self.button)
        layout.addStretch(1)
        self.setFocusProxy(self.line_edit)
        self._popup: _CalendarPopup | None = None
        _fields.add(self)

    # --- value -------------------------------------------------------------------------

    def text(self) -> str:
        return self.line_edit.text()

    def setAccessibleName(self, name: str) -> None:  # noqa: N802 (Qt naming)
        super().setAccessibleName(name)
        self.line_edit.setAccessibleName(name)
        self.button.setAccessibleName(f"{name}: choose from the calendar")

    def set_date(self, value: dt.date | None) -> None:
        self.line_edit.setText(format_date(value, self._format))

    @property
    def date_format(self) -> DateFormat:
        return self._format

    def set_date_format(self, chosen: DateFormat) -> None:
        """Show the date (and the hint for typing one) in ``chosen`` format."""
        value = self.date()
        self._format = chosen
        self._show_format()
        if value is not None:
            self.set_date(value)

    def _show_format(self) -> None:
        example = self._format.format(EXAMPLE_DATE)
        self.line_edit.setPlaceholderText(self._format.excel)
        self.line_edit.setToolTip(f"Type a date such as {example}, 31/3/17 or 31 Mar 2017; "
                                  "leave blank for none. Alt+Down opens a calendar.")
        widest = self._format.format(WIDEST_DATE)
        metrics = self.line_edit.fontMetrics()
        width = max(metrics.horizontalAdvance(text) for text in (widest, "00/00/00000", self._format.excel))
        self.line_edit.setMaximumWidth(width + 24)

    def date(self) -> dt.date | None:
        try:
            return parse_uk_date(self.line_edit.text())
        except ValueError:
            return None

    def problem(self) -> str | None:
        try:
            parse_uk_date(self.line_edit.text())
        except ValueError as err:
            return str(err)
        return None

    def is_valid(self) -> bool:
        return self.problem() is None

    def _tidy(self) -> None:
        """Show a date typed any accepted way in the office's format once the user moves on."""
        value = self.date()
        if value is not None and self.line_edit.text() != format_date(value, self._format):
            self.set_date(value)

    # --- calendar ----------------------------------------------------------------------

    @property
    def popup(self) -> _CalendarPopup | None:
        return self._popup

    def open_calendar(self) -> None:
        if self._popup is None:
            self._popup = _CalendarPopup(self)
            self._popup.picked.connect(self._on_picked)
        current = self.date() or dt.date.today()
        self._popup.calendar.setSelectedDate(QDate(current.year, current.month, current.day))
        self._popup.move(self.mapToGlobal(QPoint(0, self.height())))
        self._popup.show()
        self._popup.calendar.setFocus()

    def _on_picked(self, value: dt.date) -> None:
        self.set_date(value)
        self.line_edit.setFocus()
