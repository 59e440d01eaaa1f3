"""Reading the values people type into hand-kept trackers: dates, RAG ratings, lists.

Pure functions, no database and no Qt, so they can be unit-tested and fuzzed.

Dates are always read day first, the English way. ``dateutil.parser`` is deliberately not
used: given "02/13/2015" it silently swaps day and month, and given "Sept 2014" it invents
a day; here both come back as text with a warning (or as a documented month-end rule)
instead of a guess.

Rules for partial dates (they are target dates, so they mean "by the end of"):
- a month ("Sept 2014", "Sep-14", "04/2013") means the last day of that month;
- a financial-year quarter ("Q3 2014/15") means the last day of that quarter, where the
  financial year runs April to March: Q1 ends 30 June, Q2 30 September, Q3 31 December and
  Q4 31 March of the following calendar year;
- a quarter of a single year ("Q3 2014") is read as a calendar quarter, with a warning.
Anything else ("Ongoing", "TBC", "31/02/2015", "03/31/2015") gives no date; the text is kept
and a warning says why.
"""

from __future__ import annotations

import calendar
import colorsys
import datetime as dt
import re
from dataclasses import dataclass

from app.text import clean

# --- dates --------------------------------------------------------------------------------

_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3,
    "apr": 4, "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7,
    "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10,
    "nov": 11, "november": 11, "dec": 12, "december": 12,
}
_WEEKDAY = r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?\s+"
_ORDINAL = r"\s*(?:st|nd|rd|th)?"
_TIME = r"(?:[\sT]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_PREFIX = re.compile(r"^(?:(?:by|before|due|w/c|wc|w\.c\.|end of|end)\s+)+")

_DAY_MONTH_YEAR = re.compile(rf"^(\d{{1,2}})\s*[/.\-]\s*(\d{{1,2}})\s*[/.\-]\s*(\d{{4}}|\d{{2}}){_TIME}$")
_ISO = re.compile(rf"^(\d{{4}})-(\d{{1,2}})-(\d{{1,2}}){_TIME}$")
_DAY_NAME_YEAR = re.compile(
    rf"^(?:{_WEEKDAY})?(\d{{1,2}}){_ORDINAL}\s*(?:of\s+)?[\s\-]*([a-z]+)\.?,?[\s\-]*(\d{{4}}|\d{{2}})$")
_NAME_DAY_YEAR = re.compile(rf"^(?:{_WEEKDAY})?([a-z]+)\.?\s+(\d{{1,2}}){_ORDINAL},?\s+(\d{{4}})$")
_NAME_YEAR = re.compile(r"^([a-z]+)\.?\s*[\s\-/']\s*'?(\d{4}|\d{2})$")
_MONTH_YEAR = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{4})$")
_FY_QUARTER = re.compile(r"^q\s*([1-4])\s*[,\-]?\s*(?:fy\s*)?(\d{4}|\d{2})\s*[/\-]\s*(\d{4}|\d{2})$")
_FY_QUARTER_AFTER = re.compile(r"^(?:fy\s*)?(\d{4}|\d{2})\s*[/\-]\s*(\d{4}|\d{2})\s*[,\-]?\s*q\s*([1-4])$")
_CALENDAR_QUARTER = re.compile(r"^q\s*([1-4])\s*[,\-]?\s*(\d{4})$")

# Years outside this range are typing mistakes in a case review tracker.
_FIRST_YEAR, _LAST_YEAR = 1950, 2100


@dataclass(frozen=True, slots=True)
class ParsedDate:
    """What a date cell said: the date (or None), the original text and how exact it is.

    ``precision`` is "day", "month", "quarter" or "text" (no date could be read); ``warning``
    explains anything the user should check (a month read as its last day, text kept).
    """

    date: dt.date | None
    text: str
    precision: str
    warning: str | None = None

    @property
    def is_blank(self) -> bool:
        return self.date is None and not self.text


def _year(text: str) -> int:
    """A four-digit year from two or four digits (00-69 are 2000s, 70-99 are 1900s)."""
    year = int(text)
    if len(text) == 2:
        year += 2000 if year < 70 else 1900
    return year


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _as_text(original: str, reason: str) -> ParsedDate:
    return ParsedDate(None, original, "text", f"'{original}' {reason}; kept as text.")


def _day(original: str, year: int, month: int, day: int) -> ParsedDate:
    if not _FIRST_YEAR <= year <= _LAST_YEAR:
        return _as_text(original, f"has an unlikely year ({year})")
    if not 1 <= month <= 12:
        if 1 <= day <= 12 and 1 <= month <= 31:
            return _as_text(original, "looks like a month-first (American) date, which is "
                                      "not guessed")
        return _as_text(original, "is not a real date (there is no month "
                                  f"{month})")
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        return _as_text(original, f"is not a real date ({calendar.month_name[month]} {year} "
                                  f"has {calendar.monthrange(year, month)[1]} days)")
    return ParsedDate(dt.date(year, month, day), original, "day")


def _month(original: str, year: int, month: int) -> ParsedDate:
    if not _FIRST_YEAR <= year <= _LAST_YEAR:
        return _as_text(original, f"has an unlikely year ({year})")
    end = _month_end(year, month)
    return ParsedDate(end, original, "month",
                      f"'{original}' is a month; read as its last day, {end:%d/%m/%Y}.")


def _fy_quarter(original: str, quarter: int, first: str, second: str) -> ParsedDate:
    start_year, end_year = _year(first), _year(second)
    if len(second) == 2 and len(first) == 4:
        end_year = start_year // 100 * 100 + int(second)
    if end_year != start_year + 1 or not _FIRST_YEAR <= start_year <= _LAST_YEAR:
        return _as_text(original, "is not a financial year quarter (the years should follow "
                                  "each other, as in Q3 2014/15)")
    year, month = (start_year, 3 + 3 * quarter) if quarter < 4 else (end_year, 3)
    end = _month_end(year, month)
    return ParsedDate(end, original, "quarter",
                      f"'{original}' is a financial-year quarter; read as its last day, "
                      f"{end:%d/%m/%Y}.")


def _calendar_quarter(original: str, quarter: int, year: int) -> ParsedDate:
    if not _FIRST_YEAR <= year <= _LAST_YEAR:
        return _as_text(original, f"has an unlikely year ({year})")
    end = _month_end(year, 3 * quarter)
    return ParsedDate(end, original, "quarter",
                      f"'{original}' has no financial year; read as calendar quarter {quarter} "
                      f"of {year}, ending {end:%d/%m/%Y}. Check it.")


def _parse_text(original: str) -> ParsedDate:
    text = _PREFIX.sub("", original.casefold().rstrip(". "))
    if m := _DAY_MONTH_YEAR.match(text):
        return _day(original, _year(m[3]), int(m[2]), int(m[1]))
    if m := _ISO.match(text):
        return _day(original, int(m[1]), int(m[2]), int(m[3]))
    if (m := _DAY_NAME_YEAR.match(text)) and m[2] in _MONTHS:
        return _day(original, _year(m[3]), _MONTHS[m[2]], int(m[1]))
    if (m := _NAME_DAY_YEAR.match(text)) and m[1] in _MONTHS:
        return _day(original, int(m[3]), _MONTHS[m[1]], int(m[2]))
    if (m := _NAME_YEAR.match(text)) and m[1] in _MONTHS:
        return _month(original, _year(m[2]), _MONTHS[m[1]])
    if (m := _MONTH_YEAR.match(text)) and 1 <= int(m[1]) <= 12:
        return _month(original, int(m[2]), int(m[1]))
    if m := _FY_QUARTER.match(text):
        return _fy_quarter(original, int(m[1]), m[2], m[3])
    if m := _FY_QUARTER_AFTER.match(text):
        return _fy_quarter(original, int(m[3]), m[1], m[2])
    if m := _CALENDAR_QUARTER.match(text):
        return _calendar_quarter(original, int(m[1]), int(m[2]))
    return _as_text(original, "is not a date")


def parse_uk_date(value: object) -> ParsedDate:
    """Read a date cell as an English office writes it, day first, never guessing.

    ``value`` may be a real date (from a date-formatted cell), text, or empty. Blank gives
    ``ParsedDate(None, "", "text")`` with no warning.
    """
    if value is None:
        return ParsedDate(None, "", "text")
    if isinstance(value, dt.datetime):
        return ParsedDate(value.date(), value.strftime("%d/%m/%Y"), "day")
    if isinstance(value, dt.date):
        return ParsedDate(value, value.strftime("%d/%m/%Y"), "day")
    original = clean(str(value))
    if not original:
        return ParsedDate(None, "", "text")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _as_text(original, "is a number, not a date")
    return _parse_text(original)


# --- RAG ratings --------------------------------------------------------------------------

_RAG_WORDS = {
    "red": "Red", "amber": "Amber", "orange": "Amber", "yellow": "Amber", "green": "Green",
    "blue": "Blue", "complete": "Blue", "completed": "Blue",
}
_RAG_LETTERS = {"r": "Red", "a": "Amber", "g": "Green", "b": "Blue", "c": "Blue"}


def rag_from_text(text: object) -> str | None:
    """The RAG rating a cell's text names ("G", "Amber", "r", "Red - off track"), or None.

    Text naming two ratings ("Amber/Green") is not resolved: None.
    """
    if text is None:
        return None
    words = re.findall(r"[a-z]+", clean(str(text)).casefold())
    if len(words) == 1 and words[0] in _RAG_LETTERS:
        return _RAG_LETTERS[words[0]]
    found = {_RAG_WORDS[w] for w in words if w in _RAG_WORDS}
    return found.pop() if len(found) == 1 else None


def rag_from_fill(rgb: str | None) -> str | None:
    """The RAG rating a cell's fill colour shows ("FFFF0000", "00B050"), or None.

    Colours are judged by hue, so the many reds, ambers and greens people pick all count;
    white, grey, black and purple give None.
    """
    if not isinstance(rgb, str) or not re.fullmatch(r"(?:[0-9A-Fa-f]{2})?[0-9A-Fa-f]{6}", rgb):
        return None
    red, green, blue = (int(rgb[-6:][i:i + 2], 16) / 255 for i in (0, 2, 4))
    hue, saturation, value = colorsys.rgb_to_hsv(red, green, blue)
    if saturation < 0.15 or value < 0.25:
        return None
    degrees = hue * 360
    if degrees < 15 or degrees >= 330:
        return "Red"
    if degrees < 70:
        return "Amber"
    if degrees < 170:
        return "Green"
    if degrees < 260:
        return "Blue"
    return None


def parse_rag(text: object, fill_rgb: str | None = None) -> str | None:
    """The RAG rating ("Red", "Amber", "Green" or "Blue") from a cell's text, else its fill."""
    return rag_from_text(text) or rag_from_fill(fill_rgb)


# --- recommendation numbers ---------------------------------------------------------------

# Wider ranges, or higher numbers, are typing mistakes ("1-100", "2015").
MAX_RANGE = 50
MAX_NUMBER = 500

_NUMBER_WORDS = re.compile(r"\b(?:recommendations?|recs?|nos?|numbers?|and)\b|[&+;/#]")
_RANGE_DASHES = re.compile(r"\s*[\-\u2013\u2014]\s*")
_NUMBER = re.compile(r"^r?(\d+)[a-z]?\.?$")
_RANGE = re.compile(r"^r?(\d+)[a-z]?-r?(\d+)[a-z]?$")


class NumberList(list):
    """A list of recommendation numbers that also carries ``warnings`` about the cell."""

    def __init__(self, numbers=(), warnings=()):
        super().__init__(numbers)
        self.warnings: list[str] = list(warnings)


def _words_to_ranges(text: str) -> str:
    text = re.sub(r"\bto\b", "-", text)
    return _NUMBER_WORDS.sub(",", text)


def parse_number_list(value: object) -> NumberList:
    """The recommendation numbers an action names: "1, 2, 3", "9-12", "21 & 22", "Rec 4 and 5".

    Sub-points ("4a") count as their recommendation. Absurd ranges ("12-9", "1-100") and
    anything that is not a number are refused, each with a warning in ``.warnings``.
    """
    if value is None or isinstance(value, bool):
        return NumberList()
    if isinstance(value, (dt.date, dt.datetime)):
        return NumberList(warnings=[
            f"Excel has stored this as a date ({value:%d/%m/%Y}), probably from a range such "
            "as '9-12'; retype the numbers as text."])
    if isinstance(value, (int, float)):
        # Range first: int() of an infinite or huge float would raise.
        if 1 <= value <= MAX_NUMBER and value == int(value):
            return NumberList([int(value)])
        return NumberList(warnings=[f"'{value}' is not a recommendation number."])
    text = _words_to_ranges(clean(str(value)).casefold())
    text = _RANGE_DASHES.sub("-", text)
    numbers: list[int] = []
    warnings: list[str] = []
    for token in re.split(r"[,\s]+", text):
        token = token.strip(".:()")
        if not token:
            continue
        if m := _NUMBER.match(token):
            wanted = [int(m[1])]
        elif m := _RANGE.match(token):
            first, last = int(m[1]), int(m[2])
            if last < first or last - first > MAX_RANGE:
                warnings.append(f"'{token}' is not a sensible range of recommendation numbers; "
                                "ignored.")
                continue
            wanted = list(range(first, last + 1))
        else:
            warnings.append(f"'{token}' is not a recommendation number; ignored.")
            continue
        for number in wanted:
            if not 1 <= number <= MAX_NUMBER:
                warnings.append(f"{number} is not a sensible recommendation number; ignored.")
            elif number not in numbers:
                numbers.append(number)
    return NumberList(numbers, warnings)


# --- several values in one cell -----------------------------------------------------------

_MULTI_SEPARATORS = re.compile(r"[\n\r;|,]+|\s+/\s+|\s*/\s+|\s+/\s*")


def split_multi(value: object) -> list[str]:
    """The separate names in a cell that lists several ("Family A; Child L").

    Splits on line breaks, semicolons, vertical bars, commas and a slash with a space beside
    it. "and" and "&" do not split, because one review is often called "Child I and Child M".
    Repeats are dropped; order is kept.
    """
    if value is None:
        return []
    parts: list[str] = []
    for part in _MULTI_SEPARATORS.split(str(value)):
        part = clean(part)
        if part and part.casefold() not in (p.casefold() for p in parts):
            parts.append(part)
    return parts
