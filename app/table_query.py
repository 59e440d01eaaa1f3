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
import re
import threading
from array import array
from collections import Counter
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Callable, Iterable, Sequence

from app import dates
from app.giving_way import SLICE, give_way, sort_giving_way
from app.registers import CHOICE, DATE, ID_INDEX, REVIEW, Column

# Between cells in a row's search text, so that a search never matches across two cells.
_CELL_SEPARATOR = "\x1f"
# What the drop-down filters call an empty cell.
BLANK = "(blank)"
# A save that changed more rows than this sorts afresh rather than moving each row.
_REORDER_AT_MOST = 64


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


def describe_view(columns: Sequence[Column], search: str = "", filters: Filters = Filters(),
                  sort: tuple[int, bool] | None = None,
                  date_text: Callable[[dt.date], str] = dates.format_date) -> str:
    """What narrows and orders a register on screen, in words for the top of an export or
    a paper: "Lead agency: Police; Overdue only; searched for "toolkit"; sorted by Target
    date (descending)". Empty when the register is shown whole in its own order."""
    by_key = {column.key: column for column in columns}
    parts = [f"{by_key[key].filter_title if key in by_key else key}: {value}" for key, value in filters.choices]
    parts += [by_key[key].filter_title if key in by_key else key for key in sorted(filters.flags)]
    if filters.date_from or filters.date_to:
        title = next((c.header for c in columns if c.filter == DATE), "Date")
        if filters.date_from and filters.date_to:
            parts.append(f"{title} from {date_text(filters.date_from)} to {date_text(filters.date_to)}")
        elif filters.date_from:
            parts.append(f"{title} from {date_text(filters.date_from)}")
        else:
            parts.append(f"{title} up to {date_text(filters.date_to)}")
    if search.strip():
        parts.append(f'searched for "{search.strip()}"')
    if sort is not None and 0 <= sort[0] < len(columns):
        parts.append(f"sorted by {columns[sort[0]].header}" + (" (descending)" if sort[1] else ""))
    return "; ".join(parts)


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


def _as_datetime(value: dt.date) -> dt.datetime:
    return value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time.min)


# The kinds of column whose values compare as they are: numbers, or dates alone.
_PLAIN_KINDS = ({int, float, bool}, {dt.date})


def _key_maker(kinds: set[type]) -> Callable[[Any], Any] | None:
    """How a column whose filled cells are of ``kinds`` makes a value's sort key (None: the
    value itself). A column of one kind (text, numbers or dates, as nearly all are) gets
    plain keys, which compare fastest."""
    if kinds <= {str}:
        return _text_key
    if any(kinds <= plain for plain in _PLAIN_KINDS):
        return None
    if kinds <= {dt.date, dt.datetime}:
        return _as_datetime
    return _mixed_key


def _kind_counts(values: list) -> Counter:
    """How many filled cells of each type ``values`` holds, counted in C-level passes (the
    kinds of a column of 100,000 cells are asked for at every save)."""
    counts = Counter(map(type, values))
    counts.pop(type(None), None)
    if empty := values.count(""):
        counts[str] -= empty
    return +counts  # without the types left at nought


def _sort_keys(values: list, kinds: set[type] | None = None) -> list:
    """One sort key per value (``None`` for an empty cell), made by ``_key_maker`` for the
    ``kinds`` of the filled cells (counted here if not given); each distinct value's key is
    worked out once."""
    make = _key_maker(set(_kind_counts(values)) if kinds is None else kinds)
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
        # Row positions in a column's order, both ways, kept as compact arrays: a list of
        # 100,000 positions costs 3.6 MB, an array 0.4 MB.
        self._orders: dict[tuple[int, bool], Sequence[int]] = {}
        self._keys: dict[int, list] = {}
        self._kinds: dict[int, Counter] = {}  # each sorted column's filled cells by type
        self._choices: dict[int, list[str]] = {}
        self._masks: dict[tuple, bytearray] = {}
        self._references: dict[str | None, list[str]] = {}
        self._last: tuple[tuple, list[str], list[int]] | None = None
        self._positions: dict[int, int] | None = None

    def __len__(self) -> int:
        return len(self.rows)

    def release(self, chunk: int = SLICE) -> None:
        """Let go of the rows and everything worked out from them, a slice at a time.

        Freeing a large register's million objects in one go holds the interpreter's lock
        for a quarter of a second or more: done on a worker in slices, the window gets the
        lock between them. The query is empty afterwards; nothing may use it again."""
        held = [self.rows, *self._values.values(), *self._keys.values(), *self._orders.values(),
                *self._cell_texts.values(), self._texts or []]
        self.rows, self._texts, self._last, self._positions = [], None, None, None
        for cache in (self._values, self._keys, self._kinds, self._orders, self._cell_texts, self._choices,
                      self._masks):
            cache.clear()
        while held:
            items = held.pop()
            while items:
                del items[-chunk:]
                give_way()

    def position_of(self, record_id: int) -> int | None:
        """Where the row of ``record_id`` is in ``rows`` (looked up by id: worked out once,
        by ``prepare`` on a worker)."""
        positions = self._positions
        if positions is None:
            positions = self._positions = {row[ID_INDEX]: i for i, row in enumerate(self.rows)}
        return positions.get(record_id)

    def replaced(self, fresh: Sequence[tuple], gone: Iterable[int] = ()) -> "TableQuery":
        """A copy of this query with ``fresh`` rows in place of the rows of the same ids
        (rows of new ids added at the end) and the rows of ``gone`` ids left out: what a
        save changed, without reading or preparing the whole register again. The filters'
        choices, search texts, sort keys and orders worked out for the rows that did not
        change are kept (patched at the changed rows), so the copy's ``run`` gives what a
        query of the same rows built afresh would. Safe on a worker thread while this query
        is in use: this one is only read."""
        position = dict(self._positions) if self._positions is not None else \
            {row[ID_INDEX]: i for i, row in enumerate(self.rows)}
        gone = {position[record_id] for record_id in gone if record_id in position}
        rows = list(self.rows)
        changed: list[int] = []
        for row in fresh:
            at = position.get(row[ID_INDEX])
            if at is None:
                rows.append(row)
                changed.append(len(rows) - 1)
                position[row[ID_INDEX]] = len(rows) - 1
            else:
                rows[at] = row
                changed.append(at)
                gone.discard(at)
        if gone:  # every position after them moves: worked out afresh
            kept = [row for i, row in enumerate(rows) if i not in gone]
            return TableQuery(self.columns, kept, self._text_of, self._search_columns)
        copy = TableQuery(self.columns, rows, self._text_of, self._search_columns)
        copy._positions = position
        copy._references = dict(self._references)
        for column, values in dict(self._values).items():
            copy._values[column] = self._patched(values, column, rows, changed)
        for column, keys in dict(self._keys).items():
            patched = copy._patched_keys(keys, self._kinds_of(column), self.values(column), column, changed)
            if patched is not None:
                copy._keys[column] = patched
        if len(changed) <= _REORDER_AT_MOST:  # or each order is worked out afresh when needed
            for (column, descending), order in dict(self._orders).items():
                if column in copy._keys:
                    copy._orders[(column, descending)] = copy._reordered(order, column, descending, changed)
        texts = self._texts
        if texts is not None and self._search_columns == copy._search_columns:
            texts = list(texts)
            texts.extend([""] * (len(rows) - len(texts)))
            for at in changed:
                texts[at] = copy._search_text(at)
            copy._texts = texts
        return copy

    @staticmethod
    def _patched(values: list, column: int, rows: list[tuple], changed: list[int]) -> list:
        values = list(values)
        values.extend([None] * (len(rows) - len(values)))
        for at in changed:
            values[at] = rows[at][column + 1]
        return values

    def _patched_keys(self, keys: list, old_kinds: Counter, old_values: list, column: int,
                      changed: list[int]) -> list | None:
        """``keys`` (the old rows' sort keys in ``column``, whose filled cells' types were
        ``old_kinds``) with the changed rows' keys, or None where the changed values make
        the column another kind (text among dates, say): its keys are then made afresh when
        needed. The types are counted again from the changed rows only."""
        values = self.values(column)
        kinds = Counter(old_kinds)
        for at in set(changed):
            if at < len(old_values) and not _is_blank(old_values[at]):
                kinds[type(old_values[at])] -= 1
            if not _is_blank(values[at]):
                kinds[type(values[at])] += 1
        kinds = +kinds
        make = _key_maker(set(kinds))
        if make is not _key_maker(set(old_kinds)):
            return None
        self._kinds[column] = kinds
        keys = list(keys)
        keys.extend([None] * (len(values) - len(keys)))
        for at in changed:
            value = values[at]
            keys[at] = None if _is_blank(value) else value if make is None else make(value)
        return keys

    def _reordered(self, order: Sequence[int], column: int, descending: bool, changed: list[int]) -> array:
        """``order`` (the old rows' order by ``column``) with the changed rows moved to where
        a stable sort of every row puts them: by key, ties in row order, blanks last. The
        order is copied and the few changed rows taken out and put back by binary search,
        so that a save costs a few C calls per order, not a pass over 100,000 rows."""
        keys = self._keys[column]
        changed = sorted(set(changed))
        moved = array("i", order)
        for at in changed:
            if at < len(order):
                del moved[moved.index(at)]
        for at in changed:
            key = keys[at]
            low, high = 0, len(moved)
            while low < high:  # the first place whose row sorts after this one
                middle = (low + high) // 2
                other = moved[middle]
                theirs = keys[other]
                if theirs is None or key is None:  # blanks last, in row order among them
                    after = theirs is None and (key is not None or other > at)
                elif theirs == key:
                    after = other > at
                else:
                    after = theirs < key if descending else key < theirs
                if after:
                    high = middle
                else:
                    low = middle + 1
            moved.insert(low, at)
        return moved

    def _search_text(self, at: int) -> str:
        """Row ``at``'s searchable text, as ``search_texts`` makes it."""
        row = self.rows[at]
        text_of = self._text_of
        cells = (row[c + 1] if type(row[c + 1]) is str else text_of(row[c + 1]) for c in self._search_columns)
        return _CELL_SEPARATOR.join(cells).casefold()

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
        """Work out every filter's choices, and where each record's row is, now (a worker
        thread does this before the table is shown). The search texts take longer;
        ``search_texts`` builds them, on a worker thread too once the table is on screen."""
        self.position_of(0)
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
            cells = []
            for column in columns:
                cells.append(self.texts(column))
                give_way()
            join = _CELL_SEPARATOR.join
            texts = [] if cells else [""] * len(self.rows)
            for start in range(0, len(self.rows) if cells else 0, SLICE):
                texts += [join(row).casefold() for row in zip(*(c[start:start + SLICE] for c in cells))]
                give_way()
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
            keys = self._keys[column] = _sort_keys(self.values(column), set(self._kinds_of(column)))
        return keys

    def _kinds_of(self, column: int) -> Counter:
        kinds = self._kinds.get(column)
        if kinds is None:
            kinds = self._kinds[column] = _kind_counts(self.values(column))
        return kinds

    def prepare_sorting(self) -> None:
        """Work out every column's sort keys and its order both ways now (on a worker, once
        the table is on screen), so that a click on a header only looks its order up:
        natural keys for 100,000 references, or one sort of them, take longer than a
        window may stall."""
        for column in range(len(self.columns)):
            self.sort_keys(column)
            give_way()
        for column in range(len(self.columns)):
            if (column, False) not in self._orders or (column, True) not in self._orders:
                self._sort(column)

    @property
    def sorting_ready(self) -> bool:
        return len(self._orders) == 2 * len(self.columns)

    def order(self, column: int, descending: bool = False) -> Sequence[int]:
        """Row positions sorted by ``column``: a stable sort, empty cells always last."""
        cached = self._orders.get((column, descending))
        if cached is None:
            self._sort(column)
            cached = self._orders[(column, descending)]
        return cached

    def _sort(self, column: int) -> None:
        """Both orders of ``column`` at once: the distinct keys are sorted (few, for most
        columns), and each row put in its key's bucket in row order. Ascending reads the
        buckets forwards, descending backwards, so ties stay in row order both ways, as a
        stable sort (``reverse=True`` included) leaves them; blanks come last both ways. On
        a worker the window is given way between slices."""
        keys = self.sort_keys(column)
        ranked = sort_giving_way(list({key for key in keys if key is not None}))
        rank = {key: i for i, key in enumerate(ranked)}
        buckets: list[list[int]] = [[] for _ in ranked]
        blanks: list[int] = []
        for start in range(0, len(keys), SLICE):
            for at in range(start, min(start + SLICE, len(keys))):
                key = keys[at]
                (blanks if key is None else buckets[rank[key]]).append(at)
            give_way()
        ascending, descending = array("i"), array("i")
        for bucket in buckets:
            ascending.extend(bucket)
        for bucket in reversed(buckets):
            descending.extend(bucket)
        ascending.extend(blanks)
        descending.extend(blanks)
        self._orders[(column, False)] = ascending
        self._orders[(column, True)] = descending

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
