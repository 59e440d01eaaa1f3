"""Dates, one way everywhere: reading what the office types, writing dates in the office's
chosen format, and counting working days. Forms, imports, commands, workbooks and papers
all read and write dates here, so a date means and looks the same wherever it is seen.

Reading (``parse_date`` for an exact day, ``parse_written_date`` for what hand-kept trackers
hold). Text is read the UK way, day first:

- ``31/01/2017``, ``31/1/17``, ``31.01.2017``, ``31-01-2017`` (the same separator twice),
  ``310117`` and ``31012017`` typed without separators, ``2017-01-31`` (ISO, year first);
- ``31 Jan 2017``, ``31 January 2017``, ``31st January 2017``, ``31-Jan-17``,
  ``Tuesday 31 January 2017`` (a weekday that does not match the date is refused: which of
  the two was meant cannot be told).

Refused rather than guessed, where the order really is in doubt:

- a named month before the day (``Jan 31 2017``): the office writes the day first, and a
  date written the other way round is asked for again the office's way;
- a numeric date whose day-first reading is impossible but whose month-first (American)
  reading is not (``02/13/2015``): the message shows it day first;
- ``May 14`` (14 May, or May 2014?) and ``2011-12`` (December 2011, or the financial year
  2011/12?). A numeric month needs a four-digit year (``05/2014``).

Numeric dates are always day first, never swapped: ``02/03/2015`` is 2 March.

Two-digit years (``expand_year``): a two-digit year means 20yy unless that would be more
than 20 years after today, counted in years; then it means 19yy. In 2026, 00-46 are
2000-2046 and 47-99 are 1947-1999, so ``31/01/40`` is 31 January 2040 in a form, in a
report option and in an imported tracker alike.

Years outside 1900-2100 are refused as typing mistakes (``01/01/0217``).

python-dateutil is used for the month and weekday names it knows (``Sept``, ``Tues``...),
not to decide what a text means: its parser fills missing parts from a default date ("May
2014" would become a day in May) and accepts month-first order, both of which this module
refuses. The shapes above are matched exactly instead.

Imprecise dates (``parse_written_date``) are kept with their precision (``WrittenDate``):
an exact day; a month (``May 2014``, ``Sep-14``, ``05/2014``, ``2014-05``, ``end of May
2014``); a calendar quarter (``Q3 2014``); a UK financial-year quarter (``Q3 2014/15``,
``Q3 2014-15``, ``2014/15 Q3``: the year runs April to March, so Q1 is April-June and Q3
2014/15 is October-December 2014); a year (``2012``); or a word that sets no date
(``NO_DATE_WORDS``: Ongoing, TBC...). Each is the range of days it could mean.

Writing: the office chooses one of ``DATE_FORMATS``. Each is a Qt-style pattern (stored in
the ``date_format`` setting and understood by Qt's date widgets), with the matching Excel
number format; ``DateFormat.format`` writes month names in English whatever the machine's
language (``strftime("%b")`` follows the locale on Windows).

Working days are Monday to Friday less the England and Wales bank holidays, from the
maintained ``holidays`` library (substitute days for a holiday on a weekend included), and
less the office's own closure days (``WorkingCalendar``; say the days between Christmas and
New Year when the council closes). The module-level functions use the bank holidays alone.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Iterable

from dateutil.relativedelta import relativedelta

from app.text import clean


class DateNotUnderstood(ValueError):
    """Text that is not the date it must be; the message is a sentence for the office user."""


# --- precisions and the words that set no date ------------------------------------------

DAY, MONTH, QUARTER, FY_QUARTER, YEAR, NONE = "day", "month", "quarter", "fy_quarter", "year", "none"
PRECISIONS = (DAY, MONTH, QUARTER, FY_QUARTER, YEAR, NONE)

# Written in hand-kept trackers where no date is set (compared ignoring case).
NO_DATE_WORDS = (
    "ongoing", "on-going", "on going", "continuous", "tbc", "tba", "tbd", "to be confirmed",
    "to be agreed", "to be arranged", "n/a", "na", "not applicable", "various", "not known",
    "unknown", "none",
)

# Years outside these are typing mistakes in a case review tracker.
FIRST_YEAR, LAST_YEAR = 1900, 2100
# A two-digit year is never read as more than this many years after today.
YEARS_AHEAD = 20

EXAMPLE = "31/03/2017"
_TYPE_IT = f"type it as dd/mm/yyyy, for example {EXAMPLE}"

_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December")
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WHOLE_FINANCIAL_YEAR = "a whole financial year is not a date the tracker keeps; give a quarter (Q4 2014/15) or a day."


def expand_year(two_digits: int, today: dt.date) -> int:
    """The year a two-digit year means: 20yy, unless that is more than 20 years after
    ``today``'s year, then 19yy (in 2026: 00-46 are 2000-2046, 47-99 are 1947-1999)."""
    if not 0 <= two_digits <= 99:
        raise ValueError(f"{two_digits} is not a two-digit year")
    year = 2000 + two_digits
    return year - 100 if year > today.year + YEARS_AHEAD else year


@lru_cache(maxsize=1)
def _names():
    """dateutil's English month and weekday names ("Sept", "Tues"...)."""
    from dateutil.parser import parserinfo  # here: the parser module costs the window's start 10 ms

    return parserinfo()


def _month_number(word: str) -> int | None:
    """1-12 for an English month name or its abbreviation ("sept" too), else None."""
    return _names().month(word) if word.isalpha() else None


def _weekday_number(word: str) -> int | None:
    """0 (Monday) to 6 for an English weekday name or an abbreviation of three letters or more."""
    if len(word) >= 3:
        for number, name in enumerate(_WEEKDAY_NAMES):
            if name.casefold().startswith(word):
                return number
    return _names().weekday(word) if word.isalpha() else None


def _days_in(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


# --- what text may say -------------------------------------------------------------------

_SUFFIX = r"(?:st|nd|rd|th)?"
_YEAR = r"(\d{4}|\d{2})"
_NUMERIC = re.compile(rf"(\d{{1,2}})\s*([/.\-])\s*(\d{{1,2}})\s*\2\s*{_YEAR}")
_COMPACT = re.compile(r"(\d{2})(\d{2})(\d{4}|\d{2})")
_YEAR_FIRST = re.compile(r"(\d{4})\s*([/.\-])\s*(\d{1,2})\s*\2\s*(\d{1,2})")
_DAY_NAMED = re.compile(
    rf"(?:([a-z]+)\.?,?\s+)?(\d{{1,2}})\s*{_SUFFIX}(?:\s+of)?[\s\-]*([a-z]+)\.?,?[\s\-]*{_YEAR}")
_NAMED_DAY = re.compile(rf"(?:([a-z]+)\.?,?\s+)?([a-z]+)\.?\s+(\d{{1,2}})\s*{_SUFFIX},?\s+{_YEAR}")
_END_OF = re.compile(r"end\s+(?:of\s+)?")
_NAMED_MONTH = re.compile(r"([a-z]+)\.?,?\s*(?:[\-/]\s*)?(\d{4})")
_NAMED_MONTH_SHORT = re.compile(r"([a-z]+)\.?\s*(?:[\-/'\u2019]|-')\s*(\d{2})")
_NAMED_MONTH_AMBIGUOUS = re.compile(r"([a-z]+)\.?\s+(\d{1,2})")
_NUMERIC_MONTH = re.compile(r"(\d{1,2})\s*[/.\-]\s*(\d{4})")
_ISO_MONTH = re.compile(r"(\d{4})\s*([\-/])\s*(\d{2})")
_QUARTER = re.compile(r"q\s*([1-4])\s*[,\-]?\s*(\d{4})")
_FY = r"(?:fy\s*)?(\d{4}|\d{2})\s*[/\-]\s*(\d{4}|\d{2})"
_FY_QUARTER = re.compile(rf"q\s*([1-4])\s*[,\-]?\s*{_FY}")
_FY_QUARTER_AFTER = re.compile(rf"{_FY}\s*[,\-]?\s*q\s*([1-4])")
_FINANCIAL_YEAR = re.compile(_FY)
_YEAR_ONLY = re.compile(r"(\d{4})")


# --- imprecise dates ---------------------------------------------------------------------

@dataclass(frozen=True)
class WrittenDate:
    """A date as written in a tracker, with the days it could mean.

    ``text`` is what was written; ``earliest`` and ``latest`` bound the days it could mean
    (both None for a word that sets no date); ``precision`` is one of ``PRECISIONS``.
    """

    text: str
    earliest: dt.date | None
    latest: dt.date | None
    precision: str

    @property
    def sort_key(self) -> dt.date:
        """The latest day it could mean; a written date that sets none sorts last."""
        return self.latest or dt.date.max

    @property
    def day(self) -> dt.date | None:
        """The date itself when it is an exact day, else None."""
        return self.latest if self.precision == DAY else None

    def label(self, pattern: str | DateFormat | None = None) -> str:
        """How to show it: "May 2014", "Q3 2014", "Q3 2014/15", "2012", "Ongoing" as written,
        or an exact day in the date format given (the default one when none is)."""
        if self.precision == DAY:
            return format_date(self.latest, pattern)
        if self.precision == MONTH:
            return f"{_MONTH_NAMES[self.latest.month - 1]} {self.latest.year}"
        if self.precision == QUARTER:
            return f"Q{(self.latest.month - 1) // 3 + 1} {self.latest.year}"
        if self.precision == FY_QUARTER:
            start = self.earliest.year if self.earliest.month >= 4 else self.earliest.year - 1
            quarter = (self.earliest.month - 4) % 12 // 3 + 1
            return f"Q{quarter} {start}/{(start + 1) % 100:02d}"
        if self.precision == YEAR:
            return str(self.latest.year)
        return self.text


def _refuse(original: str, reason: str) -> DateNotUnderstood:
    return DateNotUnderstood(f"'{original}' is not a date: {reason}")


def _check_year(original: str, year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise _refuse(original, f"the year {year} cannot be right; type the year in full, "
                                f"for example {EXAMPLE}.")


def _exact(original: str, year: int, month: int, day: int) -> WrittenDate:
    _check_year(original, year)
    if not 1 <= month <= 12:
        if 1 <= day <= 12 and 13 <= month <= 31:
            raise _refuse(original, f"there is no month {month}. Dates are read day first: "
                                    f"type it as {month:02d}/{day:02d}/{year}.")
        raise _refuse(original, f"there is no month {month}; {_TYPE_IT}.")
    days = _days_in(year, month)
    if not 1 <= day <= days:
        if day == 0:
            raise _refuse(original, f"there is no day 0; {_TYPE_IT}.")
        name = _MONTH_NAMES[month - 1]
        raise _refuse(original, f"{name} has {days} days in {year}." if month == 2
                      else f"{name} has {days} days.")
    found = dt.date(year, month, day)
    return WrittenDate(original, found, found, DAY)


def _year_of(text: str, today: dt.date) -> int:
    return int(text) if len(text) == 4 else expand_year(int(text), today)


def _month(original: str, year: int, month: int) -> WrittenDate:
    _check_year(original, year)
    if not 1 <= month <= 12:
        raise _refuse(original, f"there is no month {month}; type a month as mm/yyyy, for example 05/2014.")
    return WrittenDate(original, dt.date(year, month, 1), dt.date(year, month, _days_in(year, month)), MONTH)


def _quarter(original: str, year: int, first_month: int, precision: str) -> WrittenDate:
    _check_year(original, year)
    last = dt.date(year, first_month, 1) + relativedelta(months=3, days=-1)
    return WrittenDate(original, dt.date(year, first_month, 1), last, precision)


def _fy_quarter(original: str, quarter: int, first: str, second: str, today: dt.date) -> WrittenDate:
    start = _year_of(first, today)
    end = int(second)
    if len(second) == 2:
        end += start - start % 100
        if end < start:
            end += 100  # 1999/00
    if end != start + 1:
        raise _refuse(original, "a financial year is two years that follow each other, as in Q3 2014/15.")
    # Q1 is April-June of the first year ... Q4 January-March of the second.
    year, first_month = (start, 3 * quarter + 1) if quarter < 4 else (end, 1)
    return _quarter(original, year, first_month, FY_QUARTER)


def _exact_shapes(original: str, key: str, today: dt.date) -> WrittenDate | None:
    """The exact day ``key`` (lower case, tidied) says, None when it is not shaped as one;
    raises ``DateNotUnderstood`` when it is shaped as one but is not a real date."""
    if m := _NUMERIC.fullmatch(key):
        return _exact(original, _year_of(m[4], today), int(m[3]), int(m[1]))
    if m := _COMPACT.fullmatch(key):
        return _exact(original, _year_of(m[3], today), int(m[2]), int(m[1]))
    if m := _YEAR_FIRST.fullmatch(key):
        return _exact(original, int(m[1]), int(m[3]), int(m[4]))
    if (m := _DAY_NAMED.fullmatch(key)) and (month := _month_number(m[3])):
        weekday = _weekday_number(m[1]) if m[1] else None
        if m[1] and weekday is None:
            return None
        found = _exact(original, _year_of(m[4], today), month, int(m[2]))
        if weekday is not None and found.latest.weekday() != weekday:
            day = found.latest
            raise _refuse(original, f"{day.day} {_MONTH_NAMES[day.month - 1]} {day.year} is a "
                                    f"{_WEEKDAY_NAMES[day.weekday()]}, not a {_WEEKDAY_NAMES[weekday]}.")
        return found
    if (m := _NAMED_DAY.fullmatch(key)) and _month_number(m[2]) and (not m[1] or _weekday_number(m[1]) is not None):
        raise _refuse(original, f"write the day before the month, for example "
                                f"{int(m[3])} {_MONTH_NAMES[_month_number(m[2]) - 1]} {m[4]}.")
    return None


def _imprecise_shapes(original: str, key: str, today: dt.date) -> WrittenDate | None:
    """The month, quarter or year ``key`` says, None when it is shaped as none of them."""
    if (m := _NAMED_MONTH.fullmatch(key)) and (month := _month_number(m[1])):
        return _month(original, int(m[2]), month)
    if (m := _NAMED_MONTH_SHORT.fullmatch(key)) and (month := _month_number(m[1])):
        return _month(original, expand_year(int(m[2]), today), month)
    if (m := _NAMED_MONTH_AMBIGUOUS.fullmatch(key)) and (month := _month_number(m[1])):
        name, year = _MONTH_NAMES[month - 1], expand_year(int(m[2]), today)
        if int(m[2]) > 31:
            return _month(original, year, month)
        raise _refuse(original, f"it could be {int(m[2])} {name} or {name} {year}; write the year "
                                f"in full, for example {name} {year}.")
    if m := _NUMERIC_MONTH.fullmatch(key):
        return _month(original, int(m[2]), int(m[1]))
    if m := _ISO_MONTH.fullmatch(key):
        year, month = int(m[1]), int(m[3])
        if month == (year + 1) % 100:
            if month > 12:
                raise _refuse(original, _WHOLE_FINANCIAL_YEAR)
            name = _MONTH_NAMES[month - 1]
            raise _refuse(original, f"it could be {name} {year} or the financial year {year}/{m[3]}; "
                                    f"write {name} {year}, or a quarter such as Q1 {year}/{m[3]}.")
        return _month(original, year, month)
    if m := _QUARTER.fullmatch(key):
        return _quarter(original, int(m[2]), 3 * int(m[1]) - 2, QUARTER)
    if m := _FY_QUARTER.fullmatch(key):
        return _fy_quarter(original, int(m[1]), m[2], m[3], today)
    if m := _FY_QUARTER_AFTER.fullmatch(key):
        return _fy_quarter(original, int(m[3]), m[1], m[2], today)
    if m := _YEAR_ONLY.fullmatch(key):
        year = int(m[1])
        _check_year(original, year)
        return WrittenDate(original, dt.date(year, 1, 1), dt.date(year, 12, 31), YEAR)
    if _FINANCIAL_YEAR.fullmatch(key):
        raise _refuse(original, _WHOLE_FINANCIAL_YEAR)
    return None


def _key(original: str) -> str:
    """The text as the shapes are matched: lower case, dashes plain, a final full stop gone."""
    return original.casefold().replace("\u2013", "-").replace("\u2014", "-").rstrip(". ")


def _read(value: object, today: dt.date | None) -> WrittenDate | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return WrittenDate(format_date(value), value, value, DAY)
    if isinstance(value, bool):
        raise _refuse(str(value), _TYPE_IT + ".")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    original = clean(str(value))
    if not original:
        return None
    if isinstance(value, (int, float)) and not (isinstance(value, int) and FIRST_YEAR <= value <= LAST_YEAR):
        raise DateNotUnderstood(f"'{original}' is a number, not a date: {_TYPE_IT}.")
    today = today or dt.date.today()
    key = _key(original)
    if key in NO_DATE_WORDS:
        return WrittenDate(original, None, None, NONE)
    if end := _END_OF.match(key):
        found = _imprecise_shapes(original, key[end.end():], today)
        if found is not None:
            return found
    found = _exact_shapes(original, key, today) or _imprecise_shapes(original, key, today)
    if found is None:
        raise _refuse(original, f"{_TYPE_IT}; a tracker may also say a month (May 2014), a "
                                "quarter (Q3 2014/15), a year (2012) or Ongoing.")
    return found


def parse_written_date(value: object, *, today: dt.date | None = None) -> WrittenDate | None:
    """What a tracker's date says, with its precision: an exact day, a month, a calendar
    or financial-year quarter, a year, or a word that sets no date (see the module's
    docstring). None for nothing written; ``DateNotUnderstood`` for anything else.
    ``today`` decides two-digit years (``expand_year``)."""
    return _read(value, today)


def parse_date(value: object, *, today: dt.date | None = None) -> dt.date | None:
    """The exact day ``value`` means: a date, a datetime's day, or text typed the UK way
    (day first; see the module's docstring). None for None or blank text; anything else,
    an imprecise date included, raises ``DateNotUnderstood`` with a sentence for the user.
    ``today`` decides two-digit years (``expand_year``)."""
    found = _read(value, today)
    if found is None or found.precision == DAY:
        return found.latest if found else None
    if found.precision == NONE:
        raise _refuse(found.text, _TYPE_IT + ".")
    example = format_date(found.latest)
    raise DateNotUnderstood(f"'{found.text}' is not an exact date: give the day too, for example {example}.")


_LIST_SEPARATORS = re.compile(r"[,;\n]+")


def parse_date_list(text: str | None, *, today: dt.date | None = None) -> frozenset[dt.date]:
    """The days in text listing several, separated by commas, semicolons or new lines
    ("29/12/2026, 30/12/2026" or ISO dates); ``DateNotUnderstood`` names the first that is
    not a date."""
    days = (parse_date(part, today=today) for part in _LIST_SEPARATORS.split(text or ""))
    return frozenset(day for day in days if day is not None)


# --- formats -----------------------------------------------------------------------------

_PATTERN_TOKENS = re.compile(r"dddd|ddd|dd|d|MMMM|MMM|MM|M|yyyy|yy|'[^']*'|[^dMy']+|.")
# Each Qt field as a str.format field over (day, short month, month, yy, short weekday, weekday).
_FIELDS = {
    "d": "{0.day}", "dd": "{0.day:02d}", "M": "{0.month}", "MM": "{0.month:02d}", "MMM": "{1}", "MMMM": "{2}",
    "yy": "{3:02d}", "yyyy": "{0.year:04d}", "ddd": "{4}", "dddd": "{5}",
}


@dataclass(frozen=True)
class DateFormat:
    """A way of writing dates the office can choose: ``pattern`` in Qt's notation (stored in
    the ``date_format`` setting; Qt's date widgets take it as it is), ``label`` as the choice
    is offered, ``excel`` the matching Excel number format for date cells."""

    pattern: str
    label: str
    excel: str

    @cached_property
    def _template(self) -> tuple[str, bool]:
        """The pattern as a ``str.format`` template (quicker than ``strftime``, which matters
        over a register's 100,000 rows), and whether it needs names or a short year."""
        parts = []
        for token in _PATTERN_TOKENS.findall(self.pattern):
            if token in _FIELDS:
                parts.append(_FIELDS[token])
                continue
            if token.startswith("'") and len(token) > 1:
                token = token[1:-1] or "'"  # '' is a quote; 'text' is literal text
            parts.append(token.replace("{", "{{").replace("}", "}}"))
        template = "".join(parts)
        return template, any(f"{{{n}" in template for n in range(1, 6))

    def format(self, day: dt.date) -> str:
        """``day`` written in this format, month and weekday names in English."""
        template, needs_names = self._template
        if not needs_names:
            return template.format(day)
        month, weekday = _MONTH_NAMES[day.month - 1], _WEEKDAY_NAMES[day.weekday()]
        return template.format(day, month[:3], month, day.year % 100, weekday[:3], weekday)


DATE_FORMATS = (
    DateFormat("dd/MM/yyyy", "05/03/2017 (day/month/year)", "dd/mm/yyyy"),
    DateFormat("d MMM yyyy", "5 Mar 2017", "d mmm yyyy"),
    DateFormat("d MMMM yyyy", "5 March 2017", "d mmmm yyyy"),
    DateFormat("dd MMM yyyy", "05 Mar 2017", "dd mmm yyyy"),
    DateFormat("dd.MM.yyyy", "05.03.2017", "dd.mm.yyyy"),
    DateFormat("yyyy-MM-dd", "2017-03-05 (year first, ISO)", "yyyy-mm-dd"),
)
"""The date formats the office is offered; the first is the default."""

DEFAULT_DATE_FORMAT = DATE_FORMATS[0]
_BY_PATTERN = {choice.pattern: choice for choice in DATE_FORMATS}


def date_format(pattern: str | DateFormat | None) -> DateFormat:
    """The offered format stored as ``pattern``; the default for a blank or unknown one."""
    if isinstance(pattern, DateFormat):
        return pattern
    return _BY_PATTERN.get((pattern or "").strip(), DEFAULT_DATE_FORMAT)


def format_date(day: dt.date | None, pattern: str | DateFormat | None = None) -> str:
    """``day`` in the format stored as ``pattern`` (the default when None); "" for None.
    A datetime is written as its day."""
    if day is None:
        return ""
    if isinstance(day, dt.datetime):
        day = day.date()
    return date_format(pattern).format(day)


def format_datetime(moment: dt.datetime | None, pattern: str | DateFormat | None = None) -> str:
    """``moment`` as its day in the given format and the time on a 24-hour clock:
    "05/03/2017 14:30"; "" for None."""
    if moment is None:
        return ""
    return f"{format_date(moment, pattern)} {moment.hour:02d}:{moment.minute:02d}"


# --- working days ------------------------------------------------------------------------

@lru_cache(maxsize=None)
def _bank_holidays(year: int) -> frozenset[dt.date]:
    """England and Wales bank holidays of one year (the library's ENG calendar covers both)."""
    import holidays  # here: its calendars take a tenth of a second to load, at start-up otherwise

    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def _weekdays_after(a: dt.date, b: dt.date) -> int:
    """Monday-to-Friday days after ``a`` up to and including ``b`` (``a`` <= ``b``)."""
    # Whole weeks hold five weekdays wherever they start; count the odd days left over.
    weeks, odd_days = divmod((b - a).days, 7)
    return weeks * 5 + sum((a + dt.timedelta(days=i)).weekday() < 5 for i in range(1, odd_days + 1))


@dataclass(frozen=True)
class WorkingCalendar:
    """Working days: Monday to Friday, less the England and Wales bank holidays and the
    office's own ``closure_days``."""

    closure_days: frozenset[dt.date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        object.__setattr__(self, "closure_days", frozenset(self.closure_days))

    def is_working_day(self, day: dt.date) -> bool:
        """True for Monday to Friday unless a bank holiday or a closure day."""
        return day.weekday() < 5 and day not in _bank_holidays(day.year) and day not in self.closure_days

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day after ``start`` (``start`` itself is not counted; n < 0 goes back)."""
        step = dt.timedelta(days=1 if n >= 0 else -1)
        day, remaining = start, abs(n)
        while remaining:
            day += step
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, a: dt.date, b: dt.date) -> int:
        """Working days after ``a`` up to and including ``b``; negative when ``b`` is before ``a``."""
        if b < a:
            return -self.working_days_between(b, a)
        days_off = {day for year in range(a.year, b.year + 1) for day in _bank_holidays(year)}
        days_off.update(self.closure_days)
        return _weekdays_after(a, b) - sum(a < day <= b and day.weekday() < 5 for day in days_off)

    def add_period(self, start: dt.date, length: int, unit: str) -> dt.date:
        """``start`` plus ``length`` working days, days or months (31 Aug + 6 months = end of Feb)."""
        if unit == "working_days":
            return self.add_working_days(start, length)
        if unit == "days":
            return start + dt.timedelta(days=length)
        if unit == "months":
            return start + relativedelta(months=length)
        raise ValueError(f"unknown clock unit {unit!r}")


ENGLAND_AND_WALES = WorkingCalendar()
"""Bank holidays alone, without any office's closure days."""


def is_working_day(day: dt.date) -> bool:
    """True for Monday to Friday unless it is a bank holiday in England and Wales."""
    return ENGLAND_AND_WALES.is_working_day(day)


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The n-th working day after ``start`` in England and Wales (n < 0 goes back)."""
    return ENGLAND_AND_WALES.add_working_days(start, n)


def working_days_between(a: dt.date, b: dt.date) -> int:
    """England and Wales working days after ``a`` up to and including ``b`` (negative if before)."""
    return ENGLAND_AND_WALES.working_days_between(a, b)


def add_period(start: dt.date, length: int, unit: str) -> dt.date:
    """``start`` plus ``length`` working days (England and Wales), days or months."""
    return ENGLAND_AND_WALES.add_period(start, length, unit)


def closure_days_text(days: Iterable[dt.date]) -> str:
    """Closure days as the setting stores them: ISO dates in order, separated by commas."""
    return ",".join(day.isoformat() for day in sorted(days))
