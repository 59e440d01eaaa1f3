"""How every workbook the tracker writes looks and prints.

A sheet is described by a list of ``SheetColumn``s; ``SheetWriter`` gives it a styled header,
frozen panes, an autofilter, widths, wrapped text, real date cells shown in the office's date
format (``PageSetup.date_format``, its Excel number format),
drop-down lists, RAG colours, locked and editable columns, and a print set-up carrying the
protective marking and page numbers.

XlsxWriter writes all of that. The data rows themselves are streamed: each row's XML goes to
a temporary file as it is written, and is spliced into XlsxWriter's sheet when the workbook
is closed (``ExcelFile``). XlsxWriter spends 5-10 microseconds on every cell, which makes
100,000 actions (two million cells) take about a minute; written here a cell costs about one
microsecond, in constant memory. The rows hold only inline strings, numbers and dates in
XlsxWriter's own cell formats, as XlsxWriter itself writes them in its constant-memory mode.

Text is always written as text (an inline string), never as a formula, so a value such as
``=HYPERLINK(...)`` typed into the tracker stays harmless in the spreadsheet.

When the privacy check waits for the workbook (``app.privacy_scan.write_checked_workbook``),
each row's texts are handed to it as they are written, and the rest (what XlsxWriter wrote)
is read from XlsxWriter's file before the rows are spliced in: the finished file need not be
read back.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
import zipfile
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Callable, Iterator, Sequence

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from app.dates import DEFAULT_DATE_FORMAT, DateFormat
from app.errors import UserError
from app.privacy_scan import TextCheck, check_as_written

# Excel refuses more than this many characters in one cell.
MAX_CELL_CHARS = 32767
TRUNCATED_NOTE = " [… cut to fit Excel: see the tracker for the full text]"

FONT = "Calibri"
HEADER_COLOUR = "#1F3864"  # dark blue: columns agencies read
EDITABLE_HEADER_COLOUR = "#385723"  # dark green: columns agencies fill in
EDITABLE_FILL = "#E2EFDA"  # pale green behind every cell an agency may change
TITLE_ROWS = 2  # a title line and an instruction line above the header
CHOICES_SHEET = "Choices"  # a hidden sheet holding the drop-down lists' values
A4, A3 = 9, 8  # Excel's paper size codes
# Row heights: neither LibreOffice nor a printer grows a row to fit wrapped text written by
# a program, so each row's height is estimated from its longest wrapped cell.
LINE_HEIGHT = 13.0  # points per line of 10-point text
CHARS_PER_WIDTH_UNIT = 1.3  # 10-point characters per unit of column width
MAX_ROW_HEIGHT = 409.0  # Excel's limit
_ESCAPED_CACHE_LIMIT = 50_000  # distinct texts kept escaped at once, so memory stays flat

EXCEL_EPOCH = dt.date(1899, 12, 30)  # day 0 of Excel's date serial numbers
# Characters XML cannot hold, which Excel writes as _xHHHH_; and text that already looks
# like such an escape, whose underscore Excel escapes in turn (so it reads back unchanged).
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_LOOKS_ESCAPED = re.compile(r"(_x[0-9a-fA-F]{4}_)")
_DIMENSION = re.compile(r'<dimension ref="[^"]*"/>')

# RAG rating: (cell fill, font colour), the usual office traffic-light shades.
RAG_COLOURS = {
    "Red": ("#F4B6B6", "#9C0006"),
    "Amber": ("#FFE699", "#7F6000"),
    "Green": ("#C6EFCE", "#006100"),
    "Blue": ("#BDD7EE", "#1F3864"),
}


@dataclass(frozen=True)
class SheetColumn:
    """One column of an exported sheet.

    ``kind`` is "text" (a short line), "long" (wrapped free text), "date" or "number";
    ``choices`` makes a drop-down list; ``editable`` unlocks it for agencies; ``hidden``
    keeps it out of sight (identifiers the import needs).
    """

    key: str
    header: str
    width: float
    kind: str = "text"
    editable: bool = False
    hidden: bool = False
    choices: tuple[str, ...] = ()
    rag: bool = False  # coloured by the RAG rating it holds
    # Whether the privacy check reads its cells as they are written: False only for a column
    # the program fills with its own code, which can hold nothing of the record's text.
    scanned: bool = True


@dataclass(frozen=True)
class PageSetup:
    """What prints around every page (the sheet's title and the office's marking), and the
    office's date format, in which date cells and the export date are shown."""

    title: str
    partnership: str
    marking: str
    exported_on: dt.date
    paper: int = A4
    date_format: DateFormat = DEFAULT_DATE_FORMAT


def excel_text(value: str) -> str:
    """``value`` cut to Excel's cell limit, saying so, when it is longer."""
    if len(value) <= MAX_CELL_CHARS:
        return value
    return value[: MAX_CELL_CHARS - len(TRUNCATED_NOTE)] + TRUNCATED_NOTE


def _header_text(text: str) -> str:
    # In header/footer codes "&" starts a control code; a literal one is written "&&".
    return text.replace("&", "&&")


def _xml_text(text: str) -> str:
    """Text as the content of an XML element, escaped the way Excel expects."""
    text = excel_text(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if "_x" in text:
        text = _LOOKS_ESCAPED.sub(r"_x005F\1", text)
    if not text.isprintable() and _CONTROL_CHARACTERS.search(text):  # isprintable: a quick first look
        text = _CONTROL_CHARACTERS.sub(lambda m: f"_x{ord(m.group()):04X}_", text)
    return text


def _xml_string(text: str) -> str:
    """An inline string's <t> element; spaces at either end kept only when told to, as Excel
    writes it."""
    xml = _xml_text(text)
    if text[:1].isspace() or text[-1:].isspace():
        return f'<t xml:space="preserve">{xml}</t>'
    return f"<t>{xml}</t>"


class ExcelFile:
    """An XlsxWriter workbook whose tables' rows are streamed (see the module docstring)."""

    def __init__(self, workbook: Workbook, check: TextCheck | None = None) -> None:
        self.workbook = workbook
        self.check = check  # the privacy check, handed each row's texts as they are written
        self.tables: list[SheetWriter] = []
        self._choices: Worksheet | None = None
        self._choice_columns = 0

    def add_table(self, name: str, columns: Sequence[SheetColumn], page: PageSetup, *,
                  instructions: str, protect: bool = False) -> SheetWriter:
        """A new sheet holding one styled table; write its rows, then ``finish`` it."""
        table = SheetWriter(self.workbook, name, columns, page, instructions=instructions, protect=protect,
                            check=self.check, choices=self.choice_range)
        self.tables.append(table)
        return table

    def choice_range(self, choices: Sequence[str]) -> str:
        """A drop-down list's values written down a column of a hidden sheet, and the range
        that holds them: a list written into the validation itself breaks on a value holding
        a comma or a quote, and Excel refuses one longer than 255 characters."""
        if self._choices is None:
            self._choices = self.workbook.add_worksheet(CHOICES_SHEET)
            self._choices.hide()
        column = self._choice_columns
        self._choice_columns += 1
        for row, choice in enumerate(choices):
            self._choices.write_string(row, column, choice)
        letter = xl_col_to_name(column)
        return f"='{CHOICES_SHEET}'!${letter}$1:${letter}${len(choices)}"

    def add_record_sheet(self, name: str, items: Sequence[tuple[str, str]]) -> None:
        """A very hidden sheet of (key, value) lines: the export stamp a returned file is known by."""
        sheet = self.workbook.add_worksheet(name)
        for row, (key, value) in enumerate(items):
            sheet.write_string(row, 0, key)
            sheet.write_string(row, 1, value)
        sheet.very_hidden()

    def assemble(self, frame: Path, target: Path, alongside: Callable[[], None] | None = None) -> None:
        """Copy the workbook XlsxWriter wrote (``frame``) to ``target``, with each table's
        streamed rows spliced into its sheet. ``alongside``: work for this thread while the
        rows are packed on another core (zlib lets go of the interpreter while it
        compresses). The small parts go first, on this thread: each call into zlib waits
        for the interpreter on its way back, so a few long calls are packed alongside,
        not many short ones."""
        tables = {f"xl/worksheets/sheet{t.sheet.index + 1}.xml": t for t in self.tables}
        with zipfile.ZipFile(frame) as source, \
                zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=3) as out:
            items = source.infolist()
            for item in items:
                if item.filename not in tables:
                    out.writestr(item, source.read(item), compress_type=zipfile.ZIP_DEFLATED)
            sheets = [(item, tables[item.filename]) for item in items if item.filename in tables]
            if alongside is None:
                self._pack_tables(source, out, sheets)
                return
            with ThreadPoolExecutor(1, thread_name_prefix="assemble") as pool:
                packing = pool.submit(self._pack_tables, source, out, sheets)
                alongside()
                packing.result()

    @staticmethod
    def _pack_tables(source: zipfile.ZipFile, out: zipfile.ZipFile,
                     sheets: list[tuple[zipfile.ZipInfo, SheetWriter]]) -> None:
        for item, table in sheets:
            head, tail = source.read(item).decode("utf-8").split("</sheetData>", 1)
            head = _DIMENSION.sub(f'<dimension ref="{table.dimension}"/>', head, count=1)
            with out.open(item.filename, "w") as stream:  # compressed like the rest
                stream.write(head.encode("utf-8"))
                table.copy_rows(stream)
                stream.write(f"</sheetData>{tail}".encode("utf-8"))


@contextmanager
def new_workbook(path: Path) -> Iterator[ExcelFile]:
    """A workbook written to temporary files and moved into place only when complete, so a
    failure never leaves half a file (nor overwrites a good one)."""
    path = Path(path)
    if path.is_dir():
        raise UserError(f"{path} is a folder; give a file name ending .xlsx.")
    if not path.parent.is_dir():
        raise UserError(f"The folder {path.parent} does not exist.")
    try:
        # The frame XlsxWriter writes (the bulk of the work) is made in the system's temporary
        # folder; only the finished workbook is put together beside ``path``, to take its
        # place by one rename.
        handle, name = tempfile.mkstemp(suffix=".xlsx", prefix="crt-frame-")
        os.close(handle)
        frame = Path(name)
        handle, name = tempfile.mkstemp(suffix=".xlsx", prefix=".export-", dir=path.parent)
    except OSError as err:
        raise UserError(f"Nothing can be written in {Path(err.filename or path).parent} ({err.strerror}).") from err
    os.close(handle)
    assembled = Path(name)
    workbook = xlsxwriter.Workbook(str(frame), {
        # Belt and braces: write_string is used throughout, but never guess types either.
        "strings_to_formulas": False,
        "strings_to_numbers": False,
        "strings_to_urls": False,
    })
    check = check_as_written(path)
    excel = ExcelFile(workbook, check)
    try:
        yield excel
        workbook.close()
        if check is None:
            excel.assemble(frame, assembled)
        else:  # the rows' texts were handed over as written; the rest is here
            check.add_workbook(frame)
            excel.assemble(frame, assembled, alongside=check.scan)  # texts scanned as rows are packed
        try:
            os.replace(assembled, path)
        except PermissionError as err:
            raise UserError(f"{path} could not be written: is it open in Excel? Close it and "
                            "export again.") from err
        if check is not None:
            check.written()
    finally:
        for table in excel.tables:
            table.rows.close()
        for leftover in (frame, assembled):
            leftover.unlink(missing_ok=True)


class SheetWriter:
    """Writes one styled table (title, instructions, header, rows) into a new worksheet."""

    def __init__(self, workbook: Workbook, name: str, columns: Sequence[SheetColumn],
                 page: PageSetup, *, instructions: str, protect: bool = False,
                 check: TextCheck | None = None, choices=None) -> None:
        self.workbook = workbook
        self.check = check
        self._choice_range = choices  # where a drop-down list's values are written (ExcelFile.choice_range)
        # The data rows' XML, spliced into the sheet by ``ExcelFile.assemble``.
        self.rows: IO[str] = tempfile.TemporaryFile("w+", encoding="utf-8", newline="")
        self.columns = list(columns)
        self.sheet: Worksheet = workbook.add_worksheet(name)
        self.header_row = TITLE_ROWS  # zero-based
        self.next_row = self.header_row + 1
        self.protect = protect
        self._formats = self._make_formats(page.date_format)
        self._cell_formats = [self._format_for(c) for c in self.columns]
        # (column index, characters per line) of the visible wrapped columns, for row heights.
        self._wrapped = [(i, max(int(c.width * CHARS_PER_WIDTH_UNIT), 1))
                         for i, c in enumerate(self.columns) if c.kind == "long" and not c.hidden]
        # Per column: letter, kind and XlsxWriter's style number for its cells (the number
        # XlsxWriter gives a format when a cell first uses it, as its constant-memory mode does).
        self._cells = [(xl_col_to_name(i), c.kind, style._get_xf_index(),
                        f'" s="{style._get_xf_index()}" t="inlineStr"><is>', c.scanned)
                       for i, (c, style) in enumerate(zip(self.columns, self._cell_formats))]
        self._escaped: dict[str, str] = {}  # each distinct text escaped once (a plan repeats many)
        self._write_top(page, instructions)
        self._set_up_printing(page)

    # --- formats ---------------------------------------------------------------------

    def _make_formats(self, date_format: DateFormat) -> dict[str, Any]:
        add = self.workbook.add_format
        base = {"font_name": FONT, "font_size": 10, "valign": "top", "border": 1,
                "border_color": "#BFBFBF"}
        editable = {"locked": False, "bg_color": EDITABLE_FILL}
        formats = {
            "title": add({"font_name": FONT, "bold": True, "font_size": 14, "font_color": HEADER_COLOUR}),
            "note": add({"font_name": FONT, "italic": True, "font_size": 10}),
            "header": add({**base, "bold": True, "font_color": "#FFFFFF", "bg_color": HEADER_COLOUR,
                           "text_wrap": True, "valign": "vcenter"}),
            "header_editable": add({**base, "bold": True, "font_color": "#FFFFFF",
                                    "bg_color": EDITABLE_HEADER_COLOUR, "text_wrap": True,
                                    "valign": "vcenter"}),
        }
        for kind, extra in (("text", {"num_format": "@"}), ("long", {"num_format": "@", "text_wrap": True}),
                            ("date", {"num_format": date_format.excel, "align": "left"}),
                            ("number", {"num_format": "0"})):
            formats[kind] = add({**base, **extra})
            formats[f"{kind}_editable"] = add({**base, **extra, **editable})
        for rag, (fill, font) in RAG_COLOURS.items():
            formats[f"rag_{rag}"] = add({"bg_color": fill, "font_color": font, "bold": True})
        return formats

    def _format_for(self, column: SheetColumn):
        return self._formats[f"{column.kind}_editable" if column.editable else column.kind]

    # --- layout ----------------------------------------------------------------------

    def _write_top(self, page: PageSetup, instructions: str) -> None:
        sheet = self.sheet
        sheet.write_string(0, 0, f"{page.title} — {page.marking}", self._formats["title"])
        sheet.write_string(1, 0, instructions, self._formats["note"])
        sheet.set_row(0, 20)
        for index, column in enumerate(self.columns):
            options = {"hidden": True} if column.hidden else {}
            sheet.set_column(index, index, column.width, self._cell_formats[index], options)
        sheet.set_row(self.header_row, 30)
        for index, column in enumerate(self.columns):
            style = "header_editable" if column.editable else "header"
            sheet.write_string(self.header_row, index, column.header, self._formats[style])
        sheet.freeze_panes(self.header_row + 1, 0)

    def _set_up_printing(self, page: PageSetup) -> None:
        sheet = self.sheet
        sheet.set_landscape()
        sheet.set_paper(page.paper)
        sheet.fit_to_pages(1, 0)  # fit to the page width, as many pages down as needed
        sheet.repeat_rows(self.header_row)
        sheet.set_margins(left=0.4, right=0.4, top=0.7, bottom=0.7)
        marking = _header_text(page.marking)
        sheet.set_header(f"&L&B{marking}&C{_header_text(page.title)}&R{_header_text(page.partnership)}")
        exported = _header_text(page.date_format.format(page.exported_on))
        sheet.set_footer(f"&LExported {exported}&CPage &P of &N&R&B{marking}")

    # --- rows ------------------------------------------------------------------------

    def _row_height(self, values: Sequence[Any]) -> float | None:
        """Points enough for the longest wrapped cell (None: the default single line)."""
        lines = 1
        for index, per_line in self._wrapped:
            value = values[index]
            if value:
                text = value if isinstance(value, str) else str(value)
                if len(text) >= per_line or "\n" in text:
                    lines = max(lines, len(text) // per_line + text.count("\n") + 1)
        return None if lines == 1 else min(lines * LINE_HEIGHT, MAX_ROW_HEIGHT)

    def write_row(self, values: Sequence[Any]) -> None:
        """Write one row of values, in column order, each as its column's kind of cell.
        Blank cells are not written: the column's own format (locked or green) covers them."""
        number = self.next_row + 1  # Excel counts rows from 1
        escaped = self._escaped
        cells = []
        texts = []  # what each cell says, for the privacy check
        for (letter, kind, style, text_open, scanned), value in zip(self._cells, values):
            if value is None or value == "":
                continue
            if kind == "date" and isinstance(value, dt.date):  # a date written as text stays text
                day = value.date() if isinstance(value, dt.datetime) else value
                cells.append(f'<c r="{letter}{number}" s="{style}"><v>{(day - EXCEL_EPOCH).days}</v></c>')
                text = str(day)
            elif kind == "number":
                cells.append(f'<c r="{letter}{number}" s="{style}"><v>{value}</v></c>')
                text = str(value)
            else:
                text = value if isinstance(value, str) and len(value) <= MAX_CELL_CHARS else excel_text(str(value))
                xml = escaped.get(text)
                if xml is None:
                    if len(escaped) > _ESCAPED_CACHE_LIMIT:
                        escaped.clear()
                    xml = escaped[text] = _xml_string(text)
                cells.append(f'<c r="{letter}{number}{text_open}{xml}</is></c>')
            if scanned:
                texts.append(text)
        if self.check is not None:
            self.check.add(texts)
        height = self._row_height(values)
        size = f' ht="{height}" customHeight="1"' if height else ""
        self.rows.write(f'<row r="{number}"{size}>{"".join(cells)}</row>')
        self.next_row += 1

    @property
    def dimension(self) -> str:
        """The sheet's used range, as Excel's <dimension> records it."""
        return f"A1:{self._cells[-1][0]}{max(self.next_row, self.header_row + 1)}"

    def copy_rows(self, stream: IO[bytes]) -> None:
        """Copy the streamed rows' XML into the sheet being assembled."""
        self.rows.flush()
        rows = self.rows.buffer  # the UTF-8 bytes as written: nothing to decode and encode again
        rows.seek(0)
        while chunk := rows.read(1 << 22):
            stream.write(chunk)

    def finish(self) -> None:
        """Add the autofilter, drop-down lists, RAG colours and protection once rows are in."""
        sheet = self.sheet
        last_row = max(self.next_row - 1, self.header_row + 1)
        sheet.autofilter(self.header_row, 0, max(self.next_row - 1, self.header_row), len(self.columns) - 1)
        first = self.header_row + 1
        for index, column in enumerate(self.columns):
            if column.choices:
                sheet.data_validation(first, index, last_row, index, {
                    "validate": "list", "source": self._choice_range(column.choices),
                    "error_title": column.header,
                    "error_message": f"Choose one of: {', '.join(column.choices)}.",
                })
            if column.kind == "date" and column.editable:
                sheet.data_validation(first, index, last_row, index, {
                    "validate": "date", "criteria": "between",
                    "minimum": dt.date(2000, 1, 1), "maximum": dt.date(2100, 12, 31),
                    "error_title": column.header,
                    "error_message": "Type a date as dd/mm/yyyy.",
                })
            if column.rag:
                letter = xl_col_to_name(index)
                for rag in RAG_COLOURS:
                    sheet.conditional_format(first, index, last_row, index, {
                        "type": "formula", "criteria": f'=${letter}{first + 1}="{rag}"',
                        "format": self._formats[f"rag_{rag}"],
                    })
        if self.protect:
            # Protection guides agencies to the green columns; the import checks the rest.
            sheet.protect("", {"autofilter": True, "sort": False, "format_columns": True,
                               "format_rows": True, "select_locked_cells": True,
                               "select_unlocked_cells": True})
