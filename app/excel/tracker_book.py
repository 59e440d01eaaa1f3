"""A hand-kept tracker's workbook, read once, as fast as it can be read, and never trusted.

``open_tracker`` refuses what is not a readable .xlsx (``returns.check_workbook_file``, by the
bytes it holds), checks the package and every sheet's size (``workbook_guard``: a cell at the
far corner, a zip bomb or millions of empty rows are refused before any reader sees them), and
then opens it with calamine, which reads a 100,000-row sheet in about two seconds (openpyxl
takes ten times as long and as much memory). Each sheet is loaded the first time it is asked
for and kept while the book is open, so telling a tracker's kind, planning its import and
re-planning it read each sheet once.

What calamine does not give is read from the XML beside it: the fill colour of one column
(the RAG column) through the stylesheet, and only when the stylesheet has a coloured fill at
all. Rows come as lists from column A, blanks as "" (calamine's own way), dates as ``date`` or
``datetime``, a formula as the value Excel last saved for it.
"""

from __future__ import annotations

import re
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.parsers import expat

import python_calamine

from app.errors import UserError
from app.excel.workbook_guard import (WorkbookCheck, calamine_call, check_workbook, column_letters,
                                      column_number, sheet_parts)

Cell = Any  # str, float, int, bool, date, datetime, time, timedelta; "" for a blank
STYLES_PART = "xl/styles.xml"
MAX_STYLES_BYTES = 64 << 20  # a stylesheet larger than this is not read for colours
_STYLE = re.compile(rb'\bs="([0-9]{1,6})"')


class SheetData:
    """One sheet: its rows (1-based numbers, values from column A) and its merged cells."""

    def __init__(self, book: TrackerBook, name: str, sheet):
        self.book = book
        self.name = name
        self._sheet = sheet
        start = calamine_call(book.path, lambda: sheet.start, f"(sheet '{name}')")
        self._start_row, self._start_column = start if start is not None else (0, 0)
        self.empty = start is None
        self._merges: tuple[dict[tuple[int, int], tuple[int, int]], set[int]] | None = None

    def rows(self, first: int = 1, last: int | None = None) -> Iterator[tuple[int, list[Cell]]]:
        """(row number, values from column A) from row ``first`` to ``last`` (1-based)."""
        if self.empty:
            return
        pad = [""] * self._start_column
        iterator = calamine_call(self.book.path, self._sheet.iter_rows, f"(sheet '{self.name}')")
        # calamine yields the blank rows above the first value too, or (in some versions) starts
        # at that row: the first row it yields holds a value only in the second case.
        number = 0
        for values in iterator:
            if number == 0:
                number = self._start_row + 1 if self._start_row and any(v != "" for v in values) else 1
            else:
                number += 1
            if number < first:
                continue
            if last is not None and number > last:
                return
            yield number, (pad + values) if pad else values

    def first_rows(self, count: int) -> list[tuple[int, list[Cell]]]:
        return list(self.rows(1, count))

    def merges(self) -> tuple[dict[tuple[int, int], tuple[int, int]], set[int]]:
        """Cells (row, column index from 0) covered by a merge that spans rows -> the merge's
        top cell; and the rows holding a merge across three columns or more (a heading)."""
        if self._merges is None:
            ranges = calamine_call(self.book.path, lambda: self._sheet.merged_cell_ranges,
                                   f"(sheet '{self.name}')") or []
            covered: dict[tuple[int, int], tuple[int, int]] = {}
            wide: set[int] = set()
            for (top, left), (bottom, right) in ranges:
                if right - left >= 2:
                    wide.update(range(top + 1, bottom + 2))
                for row in range(top + 2, bottom + 2):
                    covered[(row, left)] = (top + 1, left)
            self._merges = covered, wide
        return self._merges

    def fills(self, column: int) -> dict[int, str]:
        """Row number -> the solid fill colour of the cell in ``column`` (index from 0) as hex
        RGB, or "theme" for a theme colour (which a stylesheet does not spell out)."""
        return self.book.column_fills(self.name, column)


class TrackerBook:
    """A checked workbook open in calamine; close it (or use ``with``) when done."""

    def __init__(self, path: Path):
        from app.excel.returns import check_workbook_file  # what is and is not an .xlsx, said once

        self.path = Path(path)
        check_workbook_file(self.path)
        self.check: WorkbookCheck = check_workbook(self.path)
        self._workbook = calamine_call(self.path, lambda: python_calamine.CalamineWorkbook.from_path(str(self.path)))
        metadata = calamine_call(self.path, lambda: self._workbook.sheets_metadata)
        self.sheet_names = [m.name for m in metadata if str(m.typ).endswith("WorkSheet")]
        self._sheets: dict[str, SheetData] = {}
        self._styles: dict[int, str] | None = None
        self._parts: dict[str, str] | None = None

    def __enter__(self) -> TrackerBook:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._sheets.clear()
        self._workbook.close()

    def sheet(self, name: str) -> SheetData:
        if name not in self._sheets:
            loaded = calamine_call(self.path, lambda: self._workbook.get_sheet_by_name(name), f"(sheet '{name}')")
            self._sheets[name] = SheetData(self, name, loaded)
        return self._sheets[name]

    def last_row(self, name: str) -> int:
        """The last row of sheet ``name`` that may hold a value (from the check), or 0."""
        size = self.check.sheets.get(self._part(name) or "")
        return size.last_row if size is not None else 0

    def _part(self, name: str) -> str | None:
        if self._parts is None:
            self._parts = sheet_parts(self.path)
        return self._parts.get(name)

    # --- fill colours ----------------------------------------------------------------------

    def _coloured_styles(self) -> dict[int, str]:
        """Cell style number -> colour, for the styles whose fill is solid and coloured."""
        if self._styles is None:
            self._styles = {}
            size = self.check.part_size(STYLES_PART)
            if 0 < size <= MAX_STYLES_BYTES:
                self._styles = _coloured_styles(self.path)
        return self._styles

    def column_fills(self, sheet: str, column: int) -> dict[int, str]:
        styles = self._coloured_styles()
        if not styles:
            return {}
        part = self._part(sheet)
        if part is None:
            return {}
        size = self.check.sheets.get(part)
        with zipfile.ZipFile(self.path) as archive:
            data = archive.read(part)  # its size was checked; the column's cells are looked up in it
        if size is not None and not size.exact:
            pattern = re.compile(rb'<c r="' + column_letters(column + 1).encode() + rb'([0-9]{1,7})"([^>]*)>')
            found = {}
            for row, attributes in pattern.findall(data):
                style = _STYLE.search(attributes)
                if style and int(style[1]) in styles:
                    found[int(row)] = styles[int(style[1])]
            return found
        return _fills_by_walking(data, column + 1, styles)


def _coloured_styles(path: Path) -> dict[int, str]:
    from openpyxl.styles.stylesheet import Stylesheet
    from openpyxl.xml.functions import fromstring

    try:
        with zipfile.ZipFile(path) as archive:
            stylesheet = Stylesheet.from_tree(fromstring(archive.read(STYLES_PART)))
    except Exception:  # noqa: BLE001 - colours are a help; a stylesheet that cannot be read gives none
        return {}
    palette = stylesheet.colors.index if stylesheet.colors is not None else None
    fills = list(stylesheet.fills)
    found = {}
    for number, xf in enumerate(stylesheet.cellXfs.xf):
        fill_id = xf.fillId or 0
        if 0 <= fill_id < len(fills):
            colour = fill_colour(fills[fill_id], palette)
            if colour:
                found[number] = colour
    return found


def fill_colour(fill, palette: list[str] | None = None) -> str | None:
    """A solid fill's colour as hex RGB; "theme" for a theme colour (which cannot be read)."""
    from openpyxl.styles.colors import COLOR_INDEX

    if fill is None or getattr(fill, "patternType", None) != "solid":
        return None
    color = fill.fgColor
    if color.type == "rgb" and isinstance(color.rgb, str):
        return color.rgb
    if color.type == "indexed" and isinstance(color.indexed, int):
        colours = palette or COLOR_INDEX
        return colours[color.indexed] if color.indexed < len(colours) else None
    return "theme" if color.type == "theme" else None


def _fills_by_walking(data: bytes, column: int, styles: dict[int, str]) -> dict[int, str]:
    """``column_fills`` for a sheet written with prefixes or cells without references."""
    found: dict[int, str] = {}
    place = {"row": 0, "column": 0}

    def start(name: str, attributes: dict) -> None:
        name = name.rpartition(":")[2]
        if name == "row":
            number = attributes.get("r", "")
            place["row"] = int(number) if number.isdigit() else place["row"] + 1
            place["column"] = 0
        elif name == "c":
            reference = re.fullmatch(r"([A-Z]{1,3})([0-9]{1,7})", attributes.get("r", ""))
            place["column"] = column_number(reference[1]) if reference else place["column"] + 1
            style = attributes.get("s", "")
            if place["column"] == column and style.isdigit() and int(style) in styles:
                found[place["row"]] = styles[int(style)]

    parser = expat.ParserCreate()
    parser.StartElementHandler = start
    parser.Parse(data, True)
    return found


# --- one book at a time -------------------------------------------------------------------

_last: tuple[tuple, TrackerBook] | None = None
_lock = threading.Lock()


def _identity(path: Path) -> tuple:
    stat = path.stat()
    return str(path.resolve()), stat.st_size, stat.st_mtime_ns


def open_tracker(path: str | Path) -> TrackerBook:
    """The tracker at ``path``, checked and open. The book last opened is kept (and given
    again while the file is unchanged), so recognising a file and then planning its import
    reads it once; ``release`` lets it go."""
    global _last
    path = Path(path)
    if not path.exists():
        raise UserError(f"There is no file at {path}.")
    if path.is_dir():
        raise UserError(f"{path} is a folder, not an Excel workbook.")
    identity = _identity(path)
    with _lock:
        if _last is not None and _last[0] == identity:
            return _last[1]
    book = TrackerBook(path)
    with _lock:
        _last = (identity, book)  # the one before goes once nothing uses it
    return book


def release(book: TrackerBook) -> None:
    """Let go of ``book`` (kept by ``open_tracker``) and close it."""
    global _last
    with _lock:
        if _last is not None and _last[1] is book:
            _last = None
    book.close()
