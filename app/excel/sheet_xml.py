"""A worksheet's XML read as it streams: which cells hold formulas, and the first rows' text.

calamine reads cell values fast, but it gives a formula's last calculated value (not what was
typed) and loads a whole sheet before the first row can be looked at. So the two questions a
returned workbook raises before its rows are read are answered from the XML itself, with the
standard library, namespace prefixes and the optional cell references allowed for:

- ``formula_cells``: every cell holding a formula, however its tag is written;
- ``first_rows``: each sheet's first rows as text, without reading the rest of the sheet (a
  workbook of a million rows, or one cell at the sheet's far corner, costs no more than a small one).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO
from xml.etree import ElementTree

_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
# A cell formula element: <f>, <f t="shared" .../>, <x:f> under any prefix, and <f followed by
# any white space (a line break there is valid XML); not <formula1> of a drop-down list.
_FORMULA_TAG = re.compile(rb"<(?:[^\s<>/:!?]+:)?f[\s>/]")
_CELL_REFERENCE = re.compile(r"([A-Z]{1,3})([0-9]{1,7})$")
# Shared strings are read up to the highest one the first rows use, and no further than this.
MAX_SHARED_STRING = 1_000_000


def _name(element: ElementTree.Element) -> str:
    """An element's name without its namespace (transitional and strict files alike)."""
    return element.tag.rpartition("}")[2]


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> the zip member holding its XML, found through the workbook's relationships."""
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {e.get("Id"): e.get("Target") for e in rels if e.get("Target")}
    parts = {}
    for sheet in workbook.iter():
        if _name(sheet) != "sheet":
            continue
        target = targets.get(sheet.get(f"{{{_REL_NS}}}id"))
        if target is not None and sheet.get("name") is not None:
            parts[sheet.get("name")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return parts


def _column(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number - 1


def iter_cells(stream: IO[bytes], max_rows: int | None = None) -> Iterator[tuple[int, int, ElementTree.Element]]:
    """(row, column, <c> element), zero-based, of a sheet's XML as it streams. Positions come
    from each row's and cell's reference, or are counted where the file leaves them out (it
    may). With ``max_rows``, reading stops at the first row past them."""
    row, column = -1, -1
    rows_parent = None  # <sheetData>: each row read is taken off it, so memory stays flat
    for event, element in ElementTree.iterparse(stream, events=("start", "end")):
        name = _name(element)
        if event == "start":
            if name == "sheetData":
                rows_parent = element
            elif name == "row":
                number = element.get("r", "")
                row = int(number) - 1 if number.isdigit() and 0 < len(number) <= 7 else row + 1
                column = -1
                if max_rows is not None and row >= max_rows:
                    return
            continue
        if name == "c":
            found = _CELL_REFERENCE.match(element.get("r", ""))
            column = _column(found.group(1)) if found else column + 1
            yield row, column, element
            element.clear()
        elif name == "row":
            element.clear()
            if rows_parent is not None:
                rows_parent.remove(element)


def formula_cells(path: Path, sheet: str) -> set[tuple[int, int]]:
    """(row, column), zero-based, of every cell of ``sheet`` that holds a formula.

    Most returns have none: the sheet's XML is parsed only when it holds a formula tag at all
    (or is not UTF-8, where the bytes cannot be searched)."""
    with zipfile.ZipFile(path) as archive:
        part = sheet_parts(archive).get(sheet)
        if part is None:
            return set()
        data = archive.read(part)
    utf8 = not data.startswith((b"\xff\xfe", b"\xfe\xff")) and b"\x00" not in data[:256]
    if utf8 and not _FORMULA_TAG.search(data):
        return set()
    return {(row, column) for row, column, cell in iter_cells(io.BytesIO(data))
            if any(_name(child) == "f" for child in cell)}


def _string_text(string: ElementTree.Element) -> str:
    """The text of a string (<si> or <is>): its text and its runs', not its phonetic reading."""
    parts = []
    for child in string:
        name = _name(child)
        if name == "t":
            parts.append(child.text or "")
        elif name == "r":
            parts.extend(t.text or "" for t in child if _name(t) == "t")
    return "".join(parts)


def _cell_text(cell: ElementTree.Element) -> str | int | None:
    """A cell's text, or the index of its shared string; None for a number or a blank."""
    kind = cell.get("t")
    if kind == "inlineStr":
        return "".join(_string_text(string) for string in cell if _name(string) == "is")
    value = next((child.text for child in cell if _name(child) == "v"), None)
    if kind == "s":
        return int(value) if value and value.strip().isdigit() else None
    return value if kind in ("str", "e") else None


def _shared_strings(archive: zipfile.ZipFile, wanted: set[int]) -> dict[int, str]:
    """The shared strings of ``wanted`` indexes, read no further than the highest of them."""
    if not wanted or "xl/sharedStrings.xml" not in archive.namelist():
        return {}
    last = min(max(wanted), MAX_SHARED_STRING)
    found: dict[int, str] = {}
    index = -1
    with archive.open("xl/sharedStrings.xml") as stream:
        for _event, element in ElementTree.iterparse(stream):
            if _name(element) != "si":
                continue
            index += 1
            if index in wanted:
                found[index] = _string_text(element)
            element.clear()
            if index >= last:
                break
    return found


def first_rows(path: Path, max_rows: int) -> dict[str, list[list[str]]]:
    """Each sheet's first ``max_rows`` rows as text ("" for a blank, a number or a date),
    read from the XML without the rest of the sheet."""
    sheets: dict[str, list[list[str | int]]] = {}
    wanted: set[int] = set()
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        for name, part in sheet_parts(archive).items():
            if part not in names:
                continue
            rows: list[list[str | int]] = []
            with archive.open(part) as stream:
                for row, column, cell in iter_cells(stream, max_rows):
                    text = _cell_text(cell)
                    if text is None or column > 16_383:
                        continue
                    while len(rows) <= row:
                        rows.append([])
                    cells = rows[row]
                    cells.extend([""] * (column + 1 - len(cells)))
                    cells[column] = text
                    if isinstance(text, int):
                        wanted.add(text)
            sheets[name] = rows
        shared = _shared_strings(archive, wanted)
    return {name: [[shared.get(v, "") if isinstance(v, int) else v for v in row] for row in rows]
            for name, rows in sheets.items()}
