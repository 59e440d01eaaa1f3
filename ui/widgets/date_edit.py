"""A date field as the office types dates: "31/03/2017", "31.3.17", "31 Mar 2017", or blank.

``QDateEdit`` cannot be left blank and fights typed text, so this is a line edit that
reads the text when asked, with a calendar a click (or Alt+Down / F4) away.
"""

from __future__ import annotations

import datetime as dt
import re

from PySide6.QtCore import QDate, QPoint, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCalendarWidget,
    QHBoxLayout,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

DISPLAY_FORMAT = "%d/%m/%Y"
EXAMPLE = "31/03/2017"

_MONTHS = {name: i + 1 for i, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"))}
_NUMERIC = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2}|\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_WORDS = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\s*(?:of\s+)?([a-z]+)\.?,?\s*(\d{2}|\d{4})$")
_COMPACT = re.compile(r"^(\d{2})(\d{2})(\d{2}|\d{4})$")


def _year(text: str, today: dt.date) -> int:
    """Four-digit years as typed; two-digit ones in the century that puts them no more
    than ten years ahead of today (so "17" is 2017 and "95" is 1995)."""
    year = int(text)
    if len(text) == 4:
        return year
    century = today.year - today.year % 100
    year += century
    return year - 100 if year > today.year + 10 else year


def parse_uk_date(text: str | None, *, today: dt.date | None = None) -> dt.date | None:
    """The date a UK user meant by ``text`` (day first); None for blank text.

    Raises ``ValueError`` with a sentence for the user when the text is not a date.
    """
    today = today or dt.date.today()
    value = (text or "").strip().lower()
    if not value:
        return None
    if value in ("today", "t"):
        return today
    match = _NUMERIC.match(value) or _COMPACT.match(value)
    try:
        if match:
            day, month, year = match.groups()
            return dt.date(_year(year, today), int(month), int(day))
        match = _ISO.match(value)
        if match:
            year, month, day = match.groups()
            return dt.date(int(year), int(month), int(day))
        match = _WORDS.match(value)
        if match and match.group(2)[:3] in _MONTHS:
            day, month, year = match.groups()
            return dt.date(_year(year, today), _MONTHS[month[:3]], int(day))
    except ValueError:
        raise ValueError(f"'{text.strip()}' is not a real date") from None
    raise ValueError(f"'{text.strip()}' is not a date: type it like {EXAMPLE}")


def format_uk_date(value: dt.date | None) -> str:
    return value.strftime(DISPLAY_FORMAT) if value else ""


class _CalendarPopup(QWidget):
    """The calendar shown under the field; Enter or a click picks, Esc closes."""

    picked = Signal(object)

    def __init__(self, parent: QWidget):
        super().__init__(parent, Qt.WindowType.Popup)
        self.calendar = QCalendarWidget(self)
        self.calendar.setAccessibleName("Calendar")
        self.calendar.setGridVisible(True)
        self.calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
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
        self.line_edit.setPlaceholderText("dd/mm/yyyy")
        self.line_edit.setToolTip(f"Type a date such as {EXAMPLE}, 31.3.17 or 31 Mar 2017; "
                                  "leave blank for none. Alt+Down opens a calendar.")
        self.line_edit.setMaximumWidth(self.line_edit.fontMetrics().horizontalAdvance("00/00/00000") + 24)
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

    # --- value -------------------------------------------------------------------------

    def text(self) -> str:
        return self.line_edit.text()

    def setAccessibleName(self, name: str) -> None:  # noqa: N802 (Qt naming)
        super().setAccessibleName(name)
        self.line_edit.setAccessibleName(name)
        self.button.setAccessibleName(f"{name}: choose from the calendar")

    def set_date(self, value: dt.date | None) -> None:
        self.line_edit.setText(format_uk_date(value))

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
        """Show a date typed any accepted way as dd/mm/yyyy once the user moves on."""
        value = self.date()
        if value is not None and self.line_edit.text() != format_uk_date(value):
            self.line_edit.setText(format_uk_date(value))

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
