"""Reading the values people type into hand-kept trackers: dates, RAG ratings, lists.

Pure functions, no database and no Qt, so they can be unit-tested and fuzzed.

Dates are read by ``app.dates`` (day first, the one two-digit-year rule, imprecise dates kept
with their precision), exactly as a form or a command reads them. On top of it an import
allows what trackers add around a date: a word before it ("by 31/03/2015", "due", "w/c")
and a time Excel left on a date kept as text ("31/03/2015 00:00:00").

Partial dates are target dates, so they mean "by the end of": a month ("Sept 2014",
"Sep-14", "04/2013") means its last day; a financial-year quarter ("Q3 2014/15") the last
day of that quarter, where the financial year runs April to March; a quarter of a single
year ("Q3 2014") the last day of that calendar quarter, with a warning to check it; a year
("2012") its last day. Each comes with a warning saying how it was read. Anything else
("Ongoing", "TBC", "31/02/2015", "03/31/2015") gives no date; the text is kept and a
warning says why.
"""

from __future__ import annotations

import colorsys
import datetime as dt
import re
from dataclasses import dataclass

from app.dates import (DAY, FY_QUARTER, MONTH, NONE, QUARTER, YEAR, DateNotUnderstood, format_date,
                       parse_written_date)
from app.text import clean

# --- dates --------------------------------------------------------------------------------

_PREFIX = re.compile(r"^(?:(?:by|before|due|w/c|wc|w\.c\.)\s+)+", re.IGNORECASE)
_TIME = re.compile(r"[\sT]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")
TEXT = "text"  # the precision of a cell that gives no date


@dataclass(frozen=True, slots=True)
class ParsedDate:
    """What a date cell said: the date (or None), the original text and how exact it is.

    ``precision`` is one of ``app.dates.PRECISIONS`` ("day", "month", "quarter",
    "fy_quarter", "year", or "none" for a word such as Ongoing), or "text" when no date
    could be read; ``date`` is the last day a partial date could mean. ``warning``
    explains anything the user should check (a month read as its last day, text kept).
    """

    date: dt.date | None
    text: str
    precision: str
    warning: str | None = None
    earliest: dt.date | None = None  # the first day a partial date could mean

    @property
    def is_blank(self) -> bool:
        return self.date is None and not self.text


def _read_as(original: str, precision: str, latest: dt.date) -> str:
    """The warning for a partial date read as its last day."""
    end = format_date(latest)
    if precision == QUARTER:
        return (f"'{original}' has no financial year; read as calendar quarter "
                f"{(latest.month - 1) // 3 + 1} of {latest.year}, ending {end}. Check it.")
    kind = {MONTH: "a month", FY_QUARTER: "a financial-year quarter", YEAR: "a year"}[precision]
    return f"'{original}' is {kind}; read as its last day, {end}."


def parse_uk_date(value: object, *, today: dt.date | None = None) -> ParsedDate:
    """Read a date cell as an English office writes it, day first, never guessing.

    ``value`` may be a real date (from a date-formatted cell), text, a number, or empty.
    Blank gives ``ParsedDate(None, "", "text")`` with no warning. ``today`` decides
    two-digit years, as in ``app.dates``.
    """
    original = "" if value is None or isinstance(value, dt.date) else clean(str(value))
    try:
        written = parse_written_date(_TIME.sub("", _PREFIX.sub("", original)) if isinstance(value, str) else value,
                                     today=today)
    except DateNotUnderstood as err:
        return ParsedDate(None, original, TEXT, f"{str(err).rstrip('.')}; kept as text.")
    if written is None:
        return ParsedDate(None, "", TEXT)
    text = original or written.text  # a date cell is shown as the default format writes it
    if written.precision == DAY:
        return ParsedDate(written.latest, text, DAY, earliest=written.latest)
    if written.precision == NONE:
        return ParsedDate(None, text, NONE, f"'{text}' sets no date; kept as text.")
    return ParsedDate(written.latest, text, written.precision, _read_as(text, written.precision, written.latest),
                      written.earliest)


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
            f"Excel has stored this as a date ({format_date(value)}), probably from a range such "
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
