"""Workbooks built part by part, to say exactly what a hostile or unlucky file holds: a value at
the far corner, a zip bomb, a part that lies about its size, millions of empty rows, a sheet of
a million rows. Each is written as it streams, so even the large ones cost little memory.

Used by the tests of ``app.excel.workbook_guard`` and by ``tests/benchmarks/bench_legacy_import.py``.
"""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Iterable
from pathlib import Path
from xml.sax.saxutils import escape

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
         'officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
             '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
             'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
             '<sheets><sheet name="Action Plan" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WORKBOOK_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                  '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                  '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                  'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
SHEET_PART = "xl/worksheets/sheet1.xml"
HEADERS = ("Review", "Rec No", "Recommendation", "Action", "Lead Agency", "Target Date", "RAG", "Progress")


def column(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell(reference: str, value: object) -> str:
    if isinstance(value, (int, float)):
        return f'<c r="{reference}"><v>{value}</v></c>'
    return f'<c r="{reference}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def row(number: int, values: Iterable[object]) -> str:
    cells = "".join(cell(f"{column(i)}{number}", v) for i, v in enumerate(values, start=1) if v is not None)
    return f'<row r="{number}">{cells}</row>'


def write_workbook(path: Path, rows: Iterable[str], *, tail: str = "") -> Path:
    """A one-sheet workbook ("Action Plan") whose sheetData is ``rows`` (XML text, streamed)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with archive.open(SHEET_PART, "w", force_zip64=True) as sheet:
            sheet.write(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet '
                        b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            buffer: list[str] = []
            size = 0
            for text in rows:
                buffer.append(text)
                size += len(text)
                if size >= 1 << 20:  # written a megabyte at a time, however long each piece
                    sheet.write("".join(buffer).encode("utf-8"))
                    buffer, size = [], 0
            sheet.write("".join(buffer).encode("utf-8"))
            sheet.write(f"</sheetData>{tail}</worksheet>".encode("utf-8"))
    return path


def tracker_rows(count: int) -> Iterable[str]:
    """A header and ``count`` plain action rows, as ``legacy_fixtures.build_large_action_plan``."""
    yield row(1, HEADERS)
    for i in range(count):
        yield row(i + 2, (f"SCR {i // 100}", i % 100 // 2 + 1, f"Recommendation {i // 2}", f"Action {i}", "Police",
                          "31/03/2015", "G", f"Update {i}"))


def build_tracker(path: Path, count: int) -> Path:
    """A plain tracker of ``count`` actions, written fast (a million rows in well under a minute)."""
    return write_workbook(path, tracker_rows(count))


def build_far_cell(path: Path) -> Path:
    """A small tracker with one value at XFD1048576: calamine would ask for 512 GB and abort."""
    return write_workbook(path, [*tracker_rows(2), row(1048576, [None] * 16383 + ["x"])])


def build_styled_far_cell(path: Path) -> Path:
    """The same, but the far cell holds no value (a format only): harmless, so not refused."""
    return write_workbook(path, [*tracker_rows(2), '<row r="1048576"><c r="XFD1048576" s="1"/></row>'])


def build_empty_rows(path: Path, count: int = 1_048_000) -> Path:
    """A tracker followed by ``count`` empty (formatted) rows."""
    return write_workbook(path, [*tracker_rows(2), *(f'<row r="{n}" ht="15" customHeight="1"/>'
                                                     for n in range(4, 4 + count))])


def build_zip_bomb(path: Path, megabytes: int = 200) -> Path:
    """A sheet whose one cell holds ``megabytes`` of text, packed into a thousandth of that: a
    reader that trusts it holds the whole text in memory, twice over."""
    def rows() -> Iterable[str]:
        yield from tracker_rows(2)
        yield '<row r="4"><c r="A4" t="inlineStr"><is><t>'
        block = "A" * (1 << 20)
        for _ in range(megabytes):
            yield block
        yield "</t></is></c></row>"

    return write_workbook(path, rows())


def build_lying_sizes(path: Path, megabytes: int = 60) -> Path:
    """A zip bomb whose directory says its sheet inflates to 4 KB (no reader should trust what
    a zip says of itself)."""
    head = "".join(tracker_rows(2))
    sheet = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             b'spreadsheetml/2006/main"><sheetData>' + head.encode() + b" " * (megabytes << 20)
             + b"</sheetData></worksheet>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr(SHEET_PART, sheet)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        offset = archive.getinfo(SHEET_PART).header_offset
    struct.pack_into("<L", data, offset + 22, 4096)  # the part's own header
    entry = data.find(b"PK\x01\x02", data.find(b"PK\x01\x02" + data[offset + 4:offset + 6]))
    while data[entry + 46:entry + 46 + len(SHEET_PART)] != SHEET_PART.encode():
        entry = data.find(b"PK\x01\x02", entry + 4)
    struct.pack_into("<L", data, entry + 24, 4096)  # the directory's
    path.write_bytes(bytes(data))
    return path
