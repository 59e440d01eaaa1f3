"""Every piece of text a reader of an .xlsx workbook can see, read straight from the file.

Cell values, on every sheet (hidden ones too), come through calamine, which reads a large
workbook many times faster than openpyxl. The rest is read from the file's XML: formulas,
each sheet's headers and footers (their formatting codes taken out), drop-down lists and the
messages shown with them, links, and the text of every other part (document properties,
comments, drawings...). A sheet's XML is streamed, never held whole: 100,000 rows are a
quarter of a gigabyte of it.
"""

from __future__ import annotations

import html
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

_CHUNK = 1 << 20
# A formula is at most 8,192 characters, under 50 kB escaped: a chunk's last 64 kB are read
# again with the next chunk, so that a formula cut in two is read whole.
_OVERLAP = 1 << 16
_ROOT = re.compile(rb"<(?:\w+:)?worksheet\b[^>]*>")
_SHEET_DATA_END = re.compile(rb"</(?:\w+:)?sheetData\s*>|<(?:\w+:)?sheetData\s*/>")
_FORMULA = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]+[0-9]+)"[^>]*>\s*<(?:\w+:)?f\b[^>/]*>([^<]+)<')
# Header and footer codes: &L &C &R start a section; &"font,style", &K colour, &12 size and
# the one-letter codes (page number, bold...) print no text of their own; && is an "&".
_HEADER_CODE = re.compile(r'&(?:"[^"]*"|K[0-9A-Fa-f]{6}|K[0-9]{2}[+-][0-9]{3}|[0-9]{1,3}|[LCR&]|[PNDTFAZGBIUESXYOH+-])')
_HEADERS = {"oddHeader": "header", "evenHeader": "header", "firstHeader": "header",
            "oddFooter": "footer", "evenFooter": "footer", "firstFooter": "footer"}
# Attributes whose values a reader sees: a drop-down's messages, a link's text and tip.
_SHOWN_ATTRIBUTES = ("errorTitle", "error", "promptTitle", "prompt", "display", "tooltip")
_SETTINGS = {"dataValidations": "drop-down lists and messages", "hyperlinks": "links",
             "conditionalFormatting": "conditional formats"}
# Parts with no text a reader sees, or whose text is read elsewhere (the cells' strings).
_UNREAD_PARTS = re.compile(r"^(?:\[Content_Types\]\.xml|.*\.rels|xl/(?:sharedStrings|styles|calcChain)\.xml"
                           r"|xl/theme/.*|xl/worksheets/.*)$")


@dataclass
class SheetText:
    """One sheet: its name, its cell values from A1 ("" where empty), and the rest of its text."""

    name: str
    rows: list[list[object]]
    formulas: list[tuple[str, str]] = field(default_factory=list)  # (cell, formula)
    extras: list[tuple[str, str]] = field(default_factory=list)  # ("header", text), ("links", text)...


@dataclass
class WorkbookText:
    """The text of a workbook: each sheet's, then that of its other parts as (what, text)."""

    sheets: list[SheetText]
    parts: list[tuple[str, str]]

    def values(self) -> Iterator[object]:
        """Every value and text in the workbook, without saying where (empty cells included)."""
        for sheet in self.sheets:
            yield sheet.name
            for row in sheet.rows:
                yield from row
            for _where, text in sheet.formulas + sheet.extras:
                yield text
        for _what, text in self.parts:
            yield text


def column_letter(index: int) -> str:
    """Excel's letters for the column at zero-based ``index``: 0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def header_footer_sections(code: str) -> list[str]:
    """The text each section of a header or footer prints, its formatting codes taken out."""
    sections, current, position = [], [], 0
    for match in _HEADER_CODE.finditer(code):
        current.append(code[position:match.start()])
        if match.group() == "&&":
            current.append("&")
        elif match.group() in ("&L", "&C", "&R"):
            sections.append("".join(current))
            current = []
        position = match.end()
    current.append(code[position:])
    sections.append("".join(current))
    return [section for section in sections if section.strip()]


def read_workbook_text(path: Path) -> WorkbookText:
    """Read every piece of text a reader of the workbook at ``path`` can see."""
    from python_calamine import CalamineWorkbook, SheetTypeEnum

    book = CalamineWorkbook.from_path(str(path))
    with zipfile.ZipFile(path) as archive:
        parts = _sheet_parts(archive)
        sheets = []
        for meta in book.sheets_metadata:
            rows = (book.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
                    if meta.typ == SheetTypeEnum.WorkSheet else [])
            sheet = SheetText(meta.name, rows)
            if meta.name in parts:
                sheet.formulas, sheet.extras = _sheet_xml_text(archive, parts[meta.name])
            sheets.append(sheet)
        other = [(what, text) for name in archive.namelist()
                 if name.endswith(".xml") and not _UNREAD_PARTS.match(name)
                 for what, text in _part_text(archive, name)]
    return WorkbookText(sheets, other)


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Each sheet's name and the part holding its XML."""
    relationships = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target", "") for rel in relationships}
    found = {}
    for element in ElementTree.fromstring(archive.read("xl/workbook.xml")).iter():
        if _local(element.tag) == "sheet":
            rel_id = next((v for k, v in element.attrib.items() if _local(k) == "id"), None)
            target = targets.get(rel_id, "")
            found[element.get("name")] = (target.lstrip("/") if target.startswith("/")
                                          else posixpath.normpath(posixpath.join("xl", target)))
    return found


def _sheet_xml_text(archive: zipfile.ZipFile, name: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """A sheet's formulas, as (cell, formula), and the text of what follows its cells."""
    formulas: dict[str, str] = {}
    root_tag = b""
    kept = b""
    with archive.open(name) as stream:
        buffer = b""
        while chunk := stream.read(_CHUNK):
            buffer += chunk
            if not root_tag and (root := _ROOT.search(buffer)):
                root_tag = root.group()
            for match in (_FORMULA.finditer(buffer) if b"<f" in buffer or b":f" in buffer else ()):
                formulas[match.group(1).decode("ascii")] = html.unescape(match.group(2).decode("utf-8"))
            end = _SHEET_DATA_END.search(buffer)
            if end is not None:
                kept = buffer[end.end():] + stream.read()
                break
            buffer = buffer[-_OVERLAP:]
        else:
            kept = buffer  # no cells: a small part, read whole
    extras: list[tuple[str, str]] = []
    document = ElementTree.fromstring(root_tag + kept if root_tag and not kept.lstrip().startswith(b"<?xml")
                                      else kept)
    for child in document:
        local = _local(child.tag)
        if local == "headerFooter":
            extras += [(_HEADERS.get(_local(part.tag), "header"), section) for part in child
                       for section in header_footer_sections(part.text or "")]
        else:
            what = _SETTINGS.get(local, "settings")
            extras += [(what, text) for text in _element_texts(child)]
    return sorted(formulas.items()), extras


def _element_texts(element: ElementTree.Element) -> Iterator[str]:
    for item in element.iter():
        for attribute in _SHOWN_ATTRIBUTES:
            if value := item.get(attribute):
                yield value
        if item.text and item.text.strip():
            yield item.text


def _part_text(archive: zipfile.ZipFile, name: str) -> Iterator[tuple[str, str]]:
    what = ("document properties" if name.startswith("docProps/") else
            "comments" if "comments" in name.lower() else f"part {name}")
    for text in _element_texts(ElementTree.fromstring(archive.read(name))):
        yield what, text
