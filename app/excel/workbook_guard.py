"""A workbook's package checked before any reader opens it, so that no file can stall or kill
the program.

The readers trust what a workbook says. calamine (Rust) allocates the whole rectangle from
a sheet's first value to its last before handing over a row: one value at XFD1048576 asks for
512 GB, and the allocation failure aborts the process, which no ``except`` can catch. A zip
part can inflate a thousandfold (a "zip bomb"), or say it holds less than it does. So
``check_workbook`` reads the zip directory and inflates every part once, as it streams, never
holding a part whole, and refuses with a plain sentence naming the file, the sheet and the
cell, in well under two seconds for any of these:

- a part that says it inflates to more than ``MAX_PART_BYTES``, all parts together more
  than ``MAX_TOTAL_BYTES``, a large part inflating more than ``MAX_RATIO`` times its packed
  size, a part that inflates to more than it says (or to other bytes: its checksum), more
  than ``MAX_PARTS`` parts, the same part twice, encryption or a compression Excel never uses;
- a sheet of more than ``MAX_ROWS`` rows (millions of empty rows included), a value beyond
  column ``MAX_COLUMNS`` or row ``MAX_ROWS``, or a used rectangle of more than ``MAX_CELLS``
  cells.

Once a file has passed, what calamine allocates is bounded by these limits: every part it
inflates is the size checked, and every sheet's rectangle is within ``MAX_CELLS``. A panic
inside calamine (Rust code raising ``PanicException``, which is not an ``Exception``) is turned
into a ``UserError`` by ``calamine_call``.

Cell positions are read from each cell's reference (``r="J12"``) with byte patterns, which
costs a fraction of a second for a 100,000-row sheet; a sheet whose cells leave references out
(the format allows it) is measured exactly with expat instead.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, TypeVar
from xml.parsers import expat

from app.errors import UserError

# Limits, each far beyond a hand-kept tracker (100,000 actions fill about 50 MB of sheet XML).
MAX_PARTS = 10_000
MAX_PART_BYTES = 1 << 30  # 1 GiB inflated, one part
MAX_TOTAL_BYTES = 2 << 30  # 2 GiB inflated, the whole package
MAX_RATIO = 100  # inflated / packed, for parts over RATIO_FROM_BYTES
RATIO_FROM_BYTES = 10 << 20
MAX_ROWS = 200_000
MAX_COLUMNS = 500  # column SF
MAX_CELLS = 8_000_000  # rows x columns of a sheet's used rectangle (about 256 MB in calamine)

_CHUNK = 1 << 22
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
_STORED, _DEFLATED = 0, 8
# Row and cell start tags as Excel, openpyxl, XlsxWriter and LibreOffice write them, their
# reference first: byte patterns with a literal start, which the regex engine finds fast.
# A sheet written any other way (a namespace prefix, a cell without its reference) is
# measured exactly instead (``_measure_exactly``).
_ROW_NUMBER = re.compile(rb'<row r="([0-9]{1,7})"')
# A cell in a column of two or three letters (AA onwards)...
_WIDE_CELL = re.compile(rb'<c r="([A-Z]{2,3})([0-9]{1,7})"[^>]*?(/?)>')
# ...and one in a row from 200,000 (six digits starting 2-9, or seven): the only cells whose
# position needs looking at.
_DEEP_CELL = re.compile(rb'<c r="([A-Z]{1,3})([2-9][0-9]{5}|[0-9]{7})"[^>]*?(/?)>')
_PREFIXED_TAG = re.compile(rb"<[A-Za-z_][\w.-]*:(?:row|c)[\s>/]")
_SHEET_TAG = re.compile(rb"<(?:\w+:)?sheet\s[^>]*>")
_RELATIONSHIP_TAG = re.compile(rb"<Relationship\s[^>]*>")
_ATTRIBUTE = re.compile(rb'([\w:]+)="([^"]*)"')

T = TypeVar("T")


@dataclass
class SheetSize:
    """How big one sheet's XML says the sheet is: its part, rows and the used rectangle."""

    part: str
    rows: int = 0  # row elements
    last_row: int = 0  # 1-based, of the furthest row holding a value (an upper bound)
    last_column: int = 0  # 1-based, of the furthest column holding a value (an upper bound)
    exact: bool = False  # not written as Excel writes (prefixes, cells without references): walked cell by cell

    @property
    def cells(self) -> int:
        return self.last_row * self.last_column


@dataclass
class WorkbookCheck:
    """What ``check_workbook`` found: every part's inflated size and each sheet's size."""

    path: Path
    parts: dict[str, int] = field(default_factory=dict)  # part name -> inflated bytes
    sheets: dict[str, SheetSize] = field(default_factory=dict)  # part name -> size

    def part_size(self, name: str) -> int:
        return self.parts.get(name, 0)


def column_number(letters: str) -> int:
    """1 for A, 27 for AA, 16384 for XFD."""
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def column_letters(number: int) -> str:
    """"A" for 1, "AA" for 27."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def check_workbook(path: Path) -> WorkbookCheck:
    """Check ``path``'s zip package and sheets against the limits (see the module); a
    ``UserError`` naming the file (and the sheet and cell) for anything beyond them or damaged.
    The file must already be known to be a zip (``returns.check_workbook_file``)."""
    path = Path(path)
    found = WorkbookCheck(path)
    try:
        with path.open("rb") as raw:
            _check_part_count(path, raw)
        with zipfile.ZipFile(path) as archive, path.open("rb") as raw:
            infos = archive.infolist()
            _check_directory(path, infos)
            total = 0
            for info in infos:
                if info.is_dir():
                    continue
                scan = _SheetScan(info.filename) if info.filename.lower().endswith(".xml") else None
                size = _inflate(path, raw, info, scan.feed if scan else None)
                total += size
                if total > MAX_TOTAL_BYTES:
                    raise UserError(f"{path.name} inflates to more than {MAX_TOTAL_BYTES >> 30} GB when unpacked; it "
                                    "is not a workbook this program can read safely.")
                found.parts[info.filename] = size
                if scan is not None and scan.is_sheet:
                    found.sheets[info.filename] = scan.finish(lambda info=info: _measure_exactly(path, raw, info))
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, struct.error) as err:
        raise UserError(f"{path.name} is damaged or incomplete ({err}); it may have been cut short "
                        "while being copied or e-mailed. Ask for it to be sent again.") from None
    except _TooBig as err:
        raise UserError(f"{path.name}: {_sheet_label(path, err.part)} {err}") from None
    return found


class _TooBig(Exception):
    """A sheet beyond the limits; the message continues "Sheet 'X' ..."."""

    def __init__(self, part: str, message: str):
        super().__init__(message)
        self.part = part


def _check_part_count(path: Path, raw: BinaryIO) -> None:
    """Refuse a package of too many parts before its directory is read into memory."""
    end = zipfile._EndRecData(raw)  # the end record zipfile itself reads first
    if end is None:
        raise zipfile.BadZipFile("no end of the zip directory")
    if end[zipfile._ECD_ENTRIES_TOTAL] > MAX_PARTS:
        raise UserError(f"{path.name} holds {end[zipfile._ECD_ENTRIES_TOTAL]:,} parts; a workbook has a few "
                        "dozen. It is not a workbook this program can read safely.")


def _check_directory(path: Path, infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > MAX_PARTS:
        raise UserError(f"{path.name} holds {len(infos):,} parts; a workbook has a few dozen. It is not a "
                        "workbook this program can read safely.")
    names = [info.filename for info in infos]
    if len(set(names)) != len(names):
        raise UserError(f"{path.name} holds the same part twice; it is damaged or was made to mislead a "
                        "reader. Open it in Excel, save it again and import that copy.")
    for info in infos:
        if info.flag_bits & 0x1:
            raise UserError(f"{path.name} is encrypted; remove the password in Excel and save it again.")
        if info.compress_type not in (_STORED, _DEFLATED):
            raise UserError(f"{path.name} is packed in a way Excel never uses; open it in Excel, save it "
                            "again and import that copy.")
        if info.file_size > RATIO_FROM_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise UserError(f"{path.name}: its part {info.filename} unpacks to "
                            f"{info.file_size / max(info.compress_size, 1):,.0f} times its packed size (a "
                            "\"zip bomb\", or a sheet of millions of empty rows). It is refused unread.")
        if info.file_size > MAX_PART_BYTES:
            raise UserError(f"{path.name}: its part {info.filename} says it unpacks to "
                            f"{info.file_size / (1 << 30):,.1f} GB, more than the {MAX_PART_BYTES >> 30} GB a "
                            "workbook this program reads may hold. It is refused unread.")
    if sum(info.file_size for info in infos) > MAX_TOTAL_BYTES:
        raise UserError(f"{path.name} says it unpacks to more than {MAX_TOTAL_BYTES >> 30} GB; it is refused "
                        "unread.")


def _data_start(raw: BinaryIO, info: zipfile.ZipInfo) -> int:
    raw.seek(info.header_offset)
    header = raw.read(_LOCAL_HEADER.size)
    if len(header) != _LOCAL_HEADER.size or header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"the part {info.filename} is not where the directory says")
    fields = _LOCAL_HEADER.unpack(header)
    return info.header_offset + _LOCAL_HEADER.size + fields[-2] + fields[-1]


def _inflate(path: Path, raw: BinaryIO, info: zipfile.ZipInfo, feed: Callable[[bytes], None] | None) -> int:
    """Inflate one part from its packed bytes (not trusting the sizes the zip states), handing
    each piece to ``feed``; its true size. Refuses a part that inflates to more than it says."""
    size, crc = 0, 0
    for piece in _pieces(raw, info):
        size += len(piece)
        if size > info.file_size:
            raise UserError(f"{path.name}: its part {info.filename} unpacks to more than the "
                            f"{info.file_size:,} bytes it says it holds; the file is damaged or was made to "
                            "mislead a reader. It is refused.")
        crc = zlib.crc32(piece, crc)
        if feed is not None:
            feed(piece)
    if size != info.file_size or crc != info.CRC:
        raise zipfile.BadZipFile(f"the part {info.filename} does not hold what the directory says")
    return size


def _pieces(raw: BinaryIO, info: zipfile.ZipInfo) -> Iterator[bytes]:
    raw.seek(_data_start(raw, info))
    left = info.compress_size
    inflater = zlib.decompressobj(-15) if info.compress_type == _DEFLATED else None
    while left > 0:
        packed = raw.read(min(left, _CHUNK))
        if not packed:
            raise EOFError(f"the part {info.filename} is cut short")
        left -= len(packed)
        if inflater is None:
            yield packed
            continue
        # max_length keeps each piece small however much a few bytes inflate to.
        piece = inflater.decompress(packed, _CHUNK)
        while piece:
            yield piece
            piece = inflater.decompress(inflater.unconsumed_tail, _CHUNK) if inflater.unconsumed_tail else b""
    if inflater is not None:
        rest = inflater.flush()
        if rest:
            yield rest


class _SheetScan:
    """Counts a sheet's rows and finds its furthest values as its XML streams past."""

    def __init__(self, part: str):
        self.size = SheetSize(part)
        self.is_sheet = False
        self._carry = b""
        self.exact = False  # written otherwise than Excel writes: measured cell by cell at the end

    def feed(self, piece: bytes) -> None:
        data = self._carry + piece
        cut = data.rfind(b"<")  # no tag is split: the scan stops before the last one begins
        if cut <= 0:  # inside a long text: keep the tag it follows, not the whole text
            self._carry = data[:1 << 16] if cut == 0 else b""
            return
        data, self._carry = data[:cut], data[cut:]
        if not self.is_sheet:
            self.is_sheet = b"sheetData" in data
            if not self.is_sheet:
                return
        size = self.size
        if not self.exact:
            self.exact = _PREFIXED_TAG.search(data) is not None
        rows = data.count(b"<row ") + data.count(b"<row>") + data.count(b"<row/>")
        size.rows += rows if not self.exact else len(re.findall(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]", data))
        if size.rows > MAX_ROWS:
            raise _TooBig(size.part, f"has more than {MAX_ROWS:,} rows (empty ones included); this program "
                          f"imports at most {MAX_ROWS:,} rows a sheet. Delete the empty rows below the table in "
                          "Excel (or split the tracker into several workbooks) and import it again.")
        if self.exact:
            return
        cells = data.count(b"<c ") + data.count(b"<c>") + data.count(b"<c/>")
        if cells != data.count(b'<c r="') or rows != data.count(b'<row r="'):
            self.exact = True  # a cell or row without its reference first
            return
        for letters, number, empty in _WIDE_CELL.findall(data):
            if not empty:
                self._value_at(letters.decode(), int(number))
        for letters, number, empty in _DEEP_CELL.findall(data):
            if not empty and int(number) > MAX_ROWS:
                self._value_at(letters.decode(), int(number))
        # The rectangle calamine allocates runs to the last row holding a value; the last row
        # element up to the limit bounds it (rows beyond hold no value: checked above).
        last = max((n for n in map(int, _ROW_NUMBER.findall(data)) if n <= MAX_ROWS), default=0)
        size.last_row = max(size.last_row, size.rows, last)

    def _value_at(self, letters: str, row: int) -> None:
        column = column_number(letters)
        if column > MAX_COLUMNS or row > MAX_ROWS:
            raise _TooBig(self.size.part, f"has a value in cell {letters}{row}, far beyond any tracker's table "
                          f"(this program reads up to column {column_letters(MAX_COLUMNS)} and row "
                          f"{MAX_ROWS:,}). Delete that cell in Excel (Ctrl+End shows it), save and import again.")
        self.size.last_column = max(self.size.last_column, column)
        self.size.last_row = max(self.size.last_row, row)

    def finish(self, measure: Callable[[], SheetSize]) -> SheetSize:
        size = self.size
        if self.exact:
            size = measure()
            size.exact = True
        else:
            size.last_column = max(size.last_column, 26)  # columns A-Z are not looked at one by one
        if size.cells > MAX_CELLS:
            raise _TooBig(size.part, f"uses {size.last_row:,} rows by {size.last_column:,} columns, more than "
                          f"the {MAX_CELLS:,} cells this program reads from a sheet. Delete what lies beyond the "
                          "table in Excel (Ctrl+End shows its far corner), save and import again.")
        return size


def _measure_exactly(path: Path, raw: BinaryIO, info: zipfile.ZipInfo) -> SheetSize:
    """A sheet's rows and furthest value found cell by cell (expat, in C), for sheets whose
    cells do not all carry their reference."""
    size = SheetSize(info.filename)
    state = {"row": 0, "column": 0, "cell": None}

    def local(name: str) -> str:
        return name.rpartition(":")[2]

    def start(name: str, attributes: dict) -> None:
        name = local(name)
        if name == "row":
            number = attributes.get("r", "")
            state["row"] = int(number) if number.isdigit() else state["row"] + 1
            state["column"] = 0
            size.rows += 1
            if size.rows > MAX_ROWS:
                raise _TooBig(size.part, f"has more than {MAX_ROWS:,} rows; this program imports at most "
                              f"{MAX_ROWS:,} rows a sheet.")
        elif name == "c":
            found = re.fullmatch(r"([A-Z]{1,3})([0-9]{1,7})", attributes.get("r", ""))
            state["column"] = column_number(found[1]) if found else state["column"] + 1
            state["cell"] = (state["row"], state["column"])
        elif name in ("v", "is", "f") and state["cell"] is not None:
            row, column = state["cell"]
            state["cell"] = None
            if column > MAX_COLUMNS or row > MAX_ROWS:
                raise _TooBig(size.part, f"has a value in cell {column_letters(column)}{row}, far beyond any "
                              "tracker's table. Delete that cell in Excel, save and import again.")
            size.last_row = max(size.last_row, row)
            size.last_column = max(size.last_column, column)

    parser = expat.ParserCreate()
    parser.StartElementHandler = start
    for piece in _pieces(raw, info):
        parser.Parse(piece, False)
    parser.Parse(b"", True)
    return size


def sheet_parts(path: Path) -> dict[str, str]:
    """Sheet name -> the zip part holding its XML, found through the workbook's relationships
    (read with byte patterns, so a workbook that is not yet known to be sound costs nothing)."""
    try:
        with zipfile.ZipFile(path) as archive:
            workbook = archive.read("xl/workbook.xml")[: 1 << 22]
            rels = archive.read("xl/_rels/workbook.xml.rels")[: 1 << 22]
    except (KeyError, zipfile.BadZipFile, OSError):
        return {}
    targets = {}
    for tag in _RELATIONSHIP_TAG.findall(rels):
        attributes = dict(_ATTRIBUTE.findall(tag))
        target = attributes.get(b"Target", b"").decode("utf-8", "replace")
        targets[attributes.get(b"Id")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    parts = {}
    for tag in _SHEET_TAG.findall(workbook):
        attributes = {name.rpartition(b":")[2] if name != b"r:id" else name: value
                      for name, value in _ATTRIBUTE.findall(tag)}
        part = targets.get(attributes.get(b"r:id"))
        if part is not None and b"name" in attributes:
            parts[_unescape(attributes[b"name"].decode("utf-8", "replace"))] = part
    return parts


def _sheet_label(path: Path, part: str) -> str:
    """"sheet 'Action Plan'" for a sheet's part."""
    name = next((name for name, found in sheet_parts(path).items() if found == part), None)
    return f"sheet '{name}'" if name is not None else "a sheet"


def _unescape(text: str) -> str:
    return (text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'")
            .replace("&amp;", "&"))


def calamine_call(path: Path, read: Callable[[], T], what: str = "") -> T:
    """Run ``read`` (a call into calamine on a checked workbook) and turn any failure, a Rust
    panic included, into a ``UserError`` naming the file."""
    try:
        return read()
    except (KeyboardInterrupt, SystemExit):
        raise
    except UserError:
        raise
    except BaseException as err:  # noqa: BLE001 - pyo3's PanicException is not an Exception
        where = f" {what}" if what else ""
        raise UserError(f"{Path(path).name}{where} could not be read: the file is damaged or not in the .xlsx "
                        f"format ({type(err).__name__}: {str(err)[:200]}).") from None
