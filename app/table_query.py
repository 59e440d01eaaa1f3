"""Searching, filtering and sorting a register's rows in memory, without Qt.

A register's rows are plain ``(id, *values)`` tuples (see ``app.registers``). Qt's
``QSortFilterProxyModel`` takes seconds to sort or unfilter 100,000 such rows; the same
work over Python lists takes tens of milliseconds, so the table asks a ``TableQuery`` for
the row positions to show, in order, and is handed the result.

What makes it fast enough to run on every keystroke:

- each row's searchable text (the text shown in its visible cells, lower-cased) is worked
  out once, not per search;
- each column's sort order is worked out once and kept; filtering walks that order, so a
  sorted, filtered table costs one pass;
- a search that only narrows the previous one ("neg" then "negl") looks only at the rows
  the previous one found.
"""

from __future__ import annotations

import datetime as dt
import gc
import re
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Callable, Iterable, Iterator, Sequence

from app import dates
from app.registers import CHOICE, DATE, REVIEW, Column

# Between cells in a row's search text, so that a search never matches across two cells.
_CELL_SEPARATOR = "\x1f"
# What the drop-down filters call an empty cell.
BLANK = "(blank)"


# --- building rows quickly ----------------------------------------------------------------

_pauses = 0
_collector_was_on = True
_pauses_lock = threading.Lock()


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while a register's rows are read and prepared.

    Each collection walks every object built so far, so with it running the 100,000 row
    tuples of a large register cost a fifth more to read and three times as much to turn
    about; rows hold no reference cycles to collect. Loads on two threads at once are
    counted, and the collector is back on when the last ends.
    """
    global _pauses, _collector_was_on
    with _pauses_lock:
        if _pauses == 0:
            _collector_was_on = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _pauses_lock:
            _pauses -= 1
            if _pauses == 0 and _collector_was_on:
                gc.enable()


# --- cell text --------------------------------------------------------------------------------

def cell_text(value: Any, date_format: str | dates.DateFormat | None = None) -> str:
    """A value as the office reads it: dates in the office's format (``app.dates``; the
    default when none is given), blanks for nothing, Yes/No for true/false."""
    if value is None:
        return ""
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    if isinstance(value, dt.datetime):
        return dates.format_datetime(value, date_format)
    if isinstance(value, dt.date):
        return dates.format_date(value, date_format)
    return str(value)


def cell_formatter(qt_date_pattern: str | None = None) -> Callable[[Any], str]:
    """``cell_text`` for the office's chosen date format (its stored Qt pattern)."""
    chosen = dates.date_format(qt_date_pattern)
    if chosen is dates.DEFAULT_DATE_FORMAT:
        return cell_text
    return partial(cell_text, date_format=chosen)


# --- filters ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Filters:
    """What the filter bar asks for. ``choices`` maps a column key to the value chosen
    (``BLANK`` for empty cells); ``flags`` are the ticked tick-box columns; ``date_from``
    and ``date_to`` bound the register's date column, both inclusive."""

    choices: tuple[tuple[str, str], ...] = ()
    flags: frozenset[str] = field(default_factory=frozenset)
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    @classmethod
    def of(cls, choices: dict[str, str] | None = None, flags: Iterable[str] = (),
           date_from: dt.date | None = None, date_to: dt.date | None = None) -> "Filters":
        return cls(tuple(sorted((choices or {}).items())), frozenset(flags), date_from, date_to)

    @property
    def active(self) -> bool:
        return bool(self.choices or self.flags or self.date_from or self.date_to)


# "SCR-01 R3, R4; SCR-02 R1": each part is a reference and its numbers. Anchored at the part's
# end, so the search does not backtrack through every position of the text.
_REVIEW_REFERENCE = re.compile(r"(?:^|;\s*)(.+?)\s+R\d+(?:,\s*R\d+)*(?=;|$)")


def review_references(text: str | None) -> list[str]:
    """The review references in an action's recommendations text: "SCR-01 R3, R4; SCR-02 R1"
    gives ["SCR-01", "SCR-02"]."""
    if not text:
        return []
    return _REVIEW_REFERENCE.findall(text)


# --- sorting ----------------------------------------------------------------------------------

_DIGITS = re.compile(r"\d+")
# Text up to this long with digits in it sorts "naturally" (A2 before A10); longer free text
# sorts as plain text, which is quicker and makes no difference to the order readers expect.
_NATURAL_UP_TO = 40


def _pad_digits(match: re.Match) -> str:
    return match.group().zfill(12)


def _text_key(text: str) -> str:
    key = text.casefold()
    if len(key) <= _NATURAL_UP_TO and _DIGITS.search(key):
        key = _DIGITS.sub(_pad_digits, key)
    return key


def _mixed_key(value: Any) -> tuple:
    """A key that orders numbers, then dates, then text, for a column of mixed types."""
    if isinstance(value, (bool, int, float)):
        return (0, value, dt.time.min)
    if isinstance(value, dt.datetime):
        return (1, value.date(), value.time())
    if isinstance(value, dt.date):
        return (1, value, dt.time.min)
    return (2, _text_key(str(value)), dt.time.min)


def _sort_keys(values: list) -> list:
    """One sort key per value (``None`` for an empty cell). A column of one kind (text,
    numbers or dates, as nearly all are) gets plain keys, which compare fastest; each
    distinct value's key is worked out once."""
    kinds = {type(v) for v in set(values) if not _is_blank(v)}
    if kinds <= {str}:
        make = _text_key
    elif kinds <= {int, float, bool}:
        make = None
    elif kinds <= {dt.date}:
        make = None
    elif kinds <= {dt.date, dt.datetime}:
        def make(value):
            return value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time.min)
    else:
        make = _mixed_key
    if make is None:
        return [None if _is_blank(v) else v for v in values]
    cache: dict[Any, Any] = {}
    keys = []
    append = keys.append
    for v in values:
        if _is_blank(v):
            append(None)
            continue
        key = cache.get(v)
        if key is None:
            key = cache[v] = make(v)
        append(key)
    return keys


def value_ranks(values: list) -> list[int | None]:
    """Each value's place in a column's sort order (values whose keys are equal share a
    place; ``None`` for a blank), so that a database can order rows as the table would by
    numbering a column's few distinct values."""
    keys = _sort_keys(values)
    place = {key: i for i, key in enumerate(sorted({key for key in keys if key is not None}))}
    return [None if key is None else place[key] for key in keys]


def _is_blank(value: Any) -> bool:
    return value is None or value == ""


# --- the query --------------------------------------------------------------------------------

class TableQuery:
    """One register's rows, and the row positions to show for a search, filters and sort.

    ``columns`` are the register's columns; each row is ``(id, *values)``. ``text_of``
    turns a value into the text the table shows (so the search finds what is on screen).
    All work is plain Python over lists, so a worker thread can ``prepare`` it.
    """

    def __init__(self, columns: Sequence[Column], rows: list[tuple],
                 text_of: Callable[[Any], str] = cell_text,
                 search_columns: Sequence[int] | None = None):
        self.columns = tuple(columns)
        self.rows = rows
        self._text_of = text_of
        self._search_columns = tuple(range(len(self.columns))) if search_columns is None \
            else tuple(search_columns)
        self._texts: list[str] | None = None
        self._texts_lock = threading.Lock()
        self._values: dict[int, list] = {}
        self._cell_texts: dict[int, list[str]] = {}
        self._orders: dict[tuple[int, bool], list[int]] = {}
        self._keys: dict[int, list] = {}
        self._choices: dict[int, list[str]] = {}
        self._masks: dict[tuple, bytearray] = {}
        self._references: dict[str | None, list[str]] = {}
        self._last: tuple[tuple, list[str], list[int]] | None = None

    def __len__(self) -> int:
        return len(self.rows)

    def values(self, column: int) -> list:
        """Every row's value in ``column``, in row order."""
        values = self._values.get(column)
        if values is None:
            position = column + 1
            values = self._values[column] = [row[position] for row in self.rows]
        return values

    def texts(self, column: int) -> list[str]:
        """Every row's cell text in ``column`` (each distinct value formatted once)."""
        texts = self._cell_texts.get(column)
        if texts is None:
            values = self.values(column)
            text_of = self._text_of
            shown = {value: value if type(value) is str else text_of(value) for value in set(values)}
            texts = self._cell_texts[column] = [shown[value] for value in values]
        return texts

    # --- what the search looks at ---

    @property
    def search_columns(self) -> tuple[int, ...]:
        return self._search_columns

    def set_search_columns(self, columns: Sequence[int]) -> None:
        """Search only these columns (the visible ones)."""
        columns = tuple(columns)
        with self._texts_lock:
            if columns != self._search_columns:
                self._search_columns = columns
                self._texts = None
                self._last = None

    def prepare(self) -> None:
        """Work out every filter's choices now (a worker thread does this before the table is
        shown). The search texts take longer; ``search_texts`` builds them, on a worker
        thread too once the table is on screen."""
        for i, column in enumerate(self.columns):
            if column.filter in (CHOICE, REVIEW):
                self.choices(i)

    @property
    def search_ready(self) -> bool:
        return self._texts is not None

    def search_texts(self) -> list[str]:
        """Each row's searchable text: its shown cells, case folded. Safe to build on a worker
        thread while the table is in use: texts built for columns that have since been hidden
        or shown are not kept."""
        texts = self._texts
        if texts is None:
            columns = self._search_columns
            cells = [self.texts(c) for c in columns]
            join = _CELL_SEPARATOR.join
            texts = [join(row).casefold() for row in zip(*cells)] if cells else [""] * len(self.rows)
            with self._texts_lock:
                if columns == self._search_columns:
                    self._texts = texts
            # Cell texts were only needed to build the search texts; free them.
            self._cell_texts.clear()
        return texts

    def _review_references(self, text: str | None) -> list[str]:
        found = self._references.get(text)
        if found is None:
            found = self._references[text] = review_references(text)
        return found

    # --- the drop-downs ---

    def choices(self, column: int) -> list[str]:
        """The distinct values of ``column`` as text, sorted, with ``BLANK`` last if any
        cell is empty; for a review filter, the review references."""
        cached = self._choices.get(column)
        if cached is not None:
            return cached
        kind = self.columns[column].filter
        distinct = set(self.values(column))
        values: set[str] = set()
        blank = False
        if kind == REVIEW:
            for text in distinct:
                values.update(self._review_references(text))
        else:
            for value in distinct:
                if _is_blank(value):
                    blank = True
                else:
                    values.add(self._text_of(value))
        ordered = sorted(values, key=_text_key)
        if blank and kind == CHOICE:
            ordered.append(BLANK)
        self._choices[column] = ordered
        return ordered

    # --- sorting ---

    def sort_keys(self, column: int) -> list:
        """Every row's sort key in ``column`` (``None`` for a blank), worked out once."""
        keys = self._keys.get(column)
        if keys is None:
            keys = self._keys[column] = _sort_keys(self.values(column))
        return keys

    def prepare_sorting(self) -> None:
        """Work out every column's sort keys now (on a worker, once the table is on screen),
        so that the first click on a header only sorts: natural keys for 100,000 references
        take longer than the sort itself."""
        for column in range(len(self.columns)):
            self.sort_keys(column)

    def order(self, column: int, descending: bool = False) -> list[int]:
        """Row positions sorted by ``column``: a stable sort, empty cells always last."""
        cached = self._orders.get((column, descending))
        if cached is not None:
            return cached
        keys = self.sort_keys(column)
        filled = [i for i, key in enumerate(keys) if key is not None]
        blanks = [i for i, key in enumerate(keys) if key is None]
        filled.sort(key=keys.__getitem__, reverse=descending)  # reverse keeps ties in order
        result = self._orders[(column, descending)] = filled + blanks
        return result

    # --- the result ---

    def _mask(self, filters: Filters) -> bytearray | None:
        """1 for each row that meets every filter, or ``None`` if nothing is filtered."""
        if not filters.active:
            return None
        cached = self._masks.get(filters)
        if cached is not None:
            return cached
        by_key = {column.key: i for i, column in enumerate(self.columns)}
        n = len(self.rows)
        mask = bytearray(b"\x01") * n
        for key, wanted in filters.choices:
            if key not in by_key:
                continue
            column = by_key[key]
            values = self.values(column)
            if self.columns[column].filter == REVIEW:
                refs = self._review_references
                ok = {v for v in set(values) if wanted in refs(v)}
            elif wanted == BLANK:
                ok = {v for v in set(values) if _is_blank(v)}
            else:
                ok = {v for v in set(values) if not _is_blank(v) and self._text_of(v) == wanted}
            for i, value in enumerate(values):
                if mask[i] and value not in ok:
                    mask[i] = 0
        for key in filters.flags:
            if key in by_key:
                for i, value in enumerate(self.values(by_key[key])):
                    if _is_blank(value):
                        mask[i] = 0
        if filters.date_from or filters.date_to:
            date_column = next((i for i, c in enumerate(self.columns) if c.filter == DATE), None)
            if date_column is not None:
                low = filters.date_from or dt.date.min
                high = filters.date_to or dt.date.max
                for i, value in enumerate(self.values(date_column)):
                    if isinstance(value, dt.datetime):
                        value = value.date()
                    if not (isinstance(value, dt.date) and low <= value <= high):
                        mask[i] = 0
        if len(self._masks) > 8:
            self._masks.clear()
        self._masks[filters] = mask
        return mask

    def run(self, search: str = "", filters: Filters = Filters(),
            sort: tuple[int, bool] | None = None) -> list[int]:
        """The positions (in ``rows``) of the rows to show, in order: every word of
        ``search`` found in the row's visible text (case ignored), every filter met, sorted
        by ``sort`` = (column, descending) or left in the register's own order."""
        words = search.casefold().split()
        state = (filters, sort, self._search_columns)
        mask = None
        if self._last is not None and self._last[0] == state and _narrows(self._last[1], words):
            candidates: Iterable[int] = self._last[2]  # already filtered
        else:
            candidates = self.order(*sort) if sort is not None else range(len(self.rows))
            mask = self._mask(filters)
        if mask is not None:
            candidates = [i for i in candidates if mask[i]]
        if words:
            texts = self.search_texts()
            if len(words) == 1:
                word = words[0]
                result = [i for i in candidates if word in texts[i]]
            else:
                result = [i for i in candidates if all(w in texts[i] for w in words)]
        else:
            result = list(candidates)
        self._last = (state, words, result)
        return result


def _narrows(before: list[str], after: list[str]) -> bool:
    """True if every row matching ``after`` also matches ``before``: each earlier word is
    part of some later word."""
    return all(any(old in new for new in after) for old in before)
