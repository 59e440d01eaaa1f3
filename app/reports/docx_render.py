"""A paper's story written as a Word document (python-docx), for the last edits an office
makes before sending.

The papers build one story of ReportLab flowables (``app.reports.doc``); ``build_paper``
hands it here when the file asked for ends in .docx, so a Word copy has the PDF's content
and headings without the paper being written twice. Each flowable becomes its Word
equivalent: the title, subtitle and headings the document's own Title, Subtitle and
Heading 1-3 styles (so Word's navigation pane and contents list see them), paragraphs with
their bold prefixes, bullets as list bullets, fast tables as Word tables (the header row
repeated on every page, group and note rows merged across the table, RAG cells shaded and
carrying the word), side-by-side tables (the panel report's key facts) as borderless
tables. The page furniture is the document's header and footer: the protective marking at
the top and foot, the partnership's name (and logo), the paper's title, the date it was
generated and "Page N of M" as Word fields. A4 or A3, landscape where the PDF is wide; the
title, author (the partnership) and subject (the marking) set as the PDF sets them.

``docx_places`` reads a Word document back as its reader sees it (body, tables, headers
and footers, properties) for the privacy check.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Emu, Mm, Pt, RGBColor
from docx.table import Table as WordTable
from docx.text.paragraph import Paragraph as WordParagraph
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.platypus import CondPageBreak, PageBreak, Paragraph, Spacer, Table

from app.errors import UserError
from app.reports import table as fast

MARGIN = Mm(15)
TOP_AND_BOTTOM = Mm(20)  # room for the two lines of header and of footer
FONT = "Arial"  # what council papers are written in, on every Windows machine
TABLE_POINTS = 9  # as the PDF's tables: the smallest readable size
BODY_POINTS = 10.5
CELL_PADDING = Pt(2)  # as the PDF's tables: Word's own padding would wrap dates and references
# A row estimated longer than this many lines may break between pages, as in the PDF; shorter
# rows move whole. Estimated from an average character's width at the table's size.
BREAKABLE_LINES = fast.BREAKABLE_LINES
AVERAGE_CHARACTER = Pt(TABLE_POINTS * 0.5)
# ReportLab style name -> Word style name.
WORD_STYLES = {"title": "Title", "subtitle": "Subtitle", "h1": "Heading 1", "h2": "Heading 2",
               "h3": "Heading 3", "body": "Normal", "note": "Note", "bullet": "List Bullet",
               "label": "Normal"}
NOTE_COLOUR = RGBColor(0x40, 0x40, 0x40)
CHART_LEFT_OUT = "The chart printed here in the PDF copy is left out of the Word copy; the table gives its figures."


# Control characters (from text pasted out of other programs) that a Word document cannot hold;
# they print as nothing in the PDF.
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


_JUSTIFY = {"right": "right", "centre": "center"}


def _text(text: str) -> str:
    return _NOT_IN_XML.sub("", text)


def _hex(colour: colors.Color) -> str:
    return colour.hexval()[2:].upper()


def _field(paragraph: WordParagraph, code: str, shown: str) -> None:
    """A Word field (PAGE, NUMPAGES): Word and LibreOffice put in its value; ``shown`` is
    what a reader that does not sees."""
    def char(kind: str):
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        return element

    paragraph.add_run()._r.append(char("begin"))
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = f" {code} "
    paragraph.add_run()._r.append(instruction)
    paragraph.add_run()._r.append(char("separate"))
    paragraph.add_run(shown)
    paragraph.add_run()._r.append(char("end"))


@dataclass(frozen=True)
class Furniture:
    """What the page furniture says, as on the PDF: the header and footer of every page, and
    the document's properties."""

    title: str
    partnership: str
    marking: str
    generated: dt.datetime
    generated_text: str  # "Generated 23/11/2026 at 09:30"
    logo_path: str  # "" for none; already checked to be a picture ReportLab reads
    program: str


def _rule(paragraph: WordParagraph, side: str) -> None:
    """A line above or below a paragraph, as the PDF rules off its header and footer."""
    borders = OxmlElement("w:pBdr")
    line = OxmlElement(f"w:{side}")
    for key, value in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", "1F3A5F")):
        line.set(qn(f"w:{key}"), value)
    borders.append(line)
    paragraph._p.get_or_add_pPr().insert_element_before(
        borders, "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:spacing", "w:ind", "w:jc", "w:rPr", "w:sectPr")


class _Writer:
    """One Word document being written from one story."""

    def __init__(self, furniture: Furniture, page_size: tuple[float, float]):
        self.document = Document()
        self.furniture = furniture
        section = self.document.sections[0]
        width, height = page_size
        section.orientation = WD_ORIENT.LANDSCAPE if width > height else WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Pt(width), Pt(height)
        section.left_margin = section.right_margin = MARGIN
        section.top_margin = section.bottom_margin = TOP_AND_BOTTOM
        section.header_distance = section.footer_distance = Mm(7)
        self.text_width = Emu(section.page_width - 2 * MARGIN)
        self._styles()

    def _styles(self) -> None:
        styles = self.document.styles
        styles["Normal"].font.size = Pt(BODY_POINTS)
        defaults = styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
        # A screen reader reads the document as British English, as it reads the PDF.
        language = defaults.find(qn("w:lang"))
        if language is None:
            language = OxmlElement("w:lang")
            defaults.append(language)
        language.set(qn("w:val"), "en-GB")
        # One font throughout: the template's own styles name theme fonts, which win over a
        # font named beside them, so those are taken out.
        for fonts in [defaults.get_or_add_rFonts(), *styles.element.iter(qn("w:rFonts"))]:
            for attribute in list(fonts.attrib):
                if attribute.lower().endswith("theme"):
                    del fonts.attrib[attribute]
            for script in ("ascii", "hAnsi", "cs", "eastAsia"):
                fonts.set(qn(f"w:{script}"), FONT)
        note = styles.add_style("Note", WD_STYLE_TYPE.PARAGRAPH)
        note.base_style = styles["Normal"]
        note.font.color.rgb = NOTE_COLOUR
        cell = styles.add_style("Table Text", WD_STYLE_TYPE.PARAGRAPH)
        cell.base_style = styles["Normal"]
        cell.font.size = Pt(TABLE_POINTS)
        cell.paragraph_format.space_after = Pt(0)
        cell.paragraph_format.space_before = Pt(0)
        cell.paragraph_format.line_spacing = 1.0
        facts = styles.add_style("Key Facts", WD_STYLE_TYPE.PARAGRAPH)
        facts.base_style = styles["Normal"]
        facts.paragraph_format.space_after = Pt(2)
        for name in ("Header", "Footer"):  # their tab stops are the template's Letter page's
            styles[name].paragraph_format.tab_stops.clear_all()
        # Setting a style by name looks it up among them all: once each is enough.
        self.style_ids = {style.name: style.style_id for style in styles}

    def add_paragraph(self, container, style: str = "Normal") -> WordParagraph:
        """A new paragraph at the end of ``container`` in Word style ``style``."""
        paragraph = container.add_paragraph()
        paragraph._p.style = self.style_ids[style]
        return paragraph

    # --- page furniture ------------------------------------------------------------------

    def header_and_footer(self) -> None:
        furniture = self.furniture
        section = self.document.sections[0]
        marking = furniture.marking
        header = section.header
        top = header.paragraphs[0]
        top.alignment = WD_ALIGN_PARAGRAPH.CENTER
        top.add_run(marking).bold = True
        band = self.add_paragraph(header, "Header")
        _rule(band, "bottom")
        band.paragraph_format.tab_stops.add_tab_stop(self.text_width, WD_TAB_ALIGNMENT.RIGHT)
        if furniture.logo_path:
            try:
                band.add_run().add_picture(furniture.logo_path, height=Mm(11))
            except Exception as err:  # python-docx reads fewer kinds of picture than ReportLab
                raise UserError(f"The logo file {furniture.logo_path} cannot be put in a Word document "
                                f"({err}). Choose a PNG or JPEG logo in the settings.") from err
            band.add_run(" ")
        name = band.add_run(furniture.partnership)
        name.bold = True
        name.font.size = Pt(11)
        band.add_run("\t" + furniture.title).font.size = Pt(10)
        footer = section.footer
        foot = footer.paragraphs[0]
        _rule(foot, "top")
        foot.paragraph_format.tab_stops.add_tab_stop(self.text_width, WD_TAB_ALIGNMENT.RIGHT)
        foot.add_run(furniture.generated_text + "\tPage ")
        _field(foot, "PAGE", "1")
        foot.add_run(" of ")
        _field(foot, "NUMPAGES", "1")
        for run in foot.runs:
            run.font.size = Pt(8)
        bottom = self.add_paragraph(footer, "Footer")
        bottom.alignment = WD_ALIGN_PARAGRAPH.CENTER
        bottom.add_run(marking).bold = True

    def properties(self) -> None:
        """The title, author and subject as the PDF's; nothing of python-docx's own."""
        furniture = self.furniture
        core = self.document.core_properties
        core.title = furniture.title
        core.author = furniture.partnership
        core.subject = furniture.marking
        core.last_modified_by = furniture.partnership
        core.comments = f"Written by {furniture.program}"
        core.language = "en-GB"
        core.created = core.modified = furniture.generated
        core.revision = 1

    # --- the story -----------------------------------------------------------------------

    def flowable(self, item, container) -> None:
        """Write one flowable into ``container`` (the document or a table cell)."""
        if isinstance(item, fast.FastTable):
            self.fast_table(item, container)
        elif isinstance(item, Table):
            self.side_by_side(item, container)
        elif isinstance(item, Paragraph):
            self.paragraph(item, container)
        elif isinstance(item, PageBreak):
            container.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        elif isinstance(item, (Spacer, CondPageBreak)):
            pass  # Word's paragraph spacing does this
        elif isinstance(item, Drawing):
            self.add_paragraph(container, WORD_STYLES["note"]).add_run(CHART_LEFT_OUT)
        else:
            raise TypeError(f"No Word equivalent for {type(item).__name__}")

    def paragraph(self, item: Paragraph, container, style: str | None = None) -> WordParagraph:
        """A ReportLab paragraph: its text as parsed, bold where it is bold, line breaks kept;
        ``style``: the Word style, if not the one matching its own."""
        name = item.style.name
        out = self.add_paragraph(container, style or WORD_STYLES.get(name, "Normal"))
        # A label is bold through and through; a title or heading is bold by its Word style.
        bold_all, style_bold = name == "label", name in ("title", "h1", "h2", "h3")
        for frag in item.frags:
            if getattr(frag, "lineBreak", False):
                out.add_run().add_break()
            elif frag.text:
                run = out.add_run(_text(frag.text))
                if bold_all or (frag.bold and not style_bold):
                    run.bold = True
        return out

    def fast_table(self, item: fast.FastTable, container) -> None:
        """The table's rows written as XML: python-docx's cell by cell calls take seconds for
        the few thousand rows a long plan or briefing holds."""
        columns, rows = item.columns, item.source_rows
        width = self._room(container)
        if item.fixed_width is not None:
            width = min(width, Pt(item.fixed_width))
        widths = [Pt(w) for w in fast._widths(columns, width.pt)]
        table = self._table(container, len(columns), "Table Grid")
        for column, w in zip(table.columns, widths):
            column.width = w
        twips = [round(w.pt * 20) for w in widths]
        # The header row is repeated at the top of every page the table runs onto.
        xml = [_row_xml("<w:tblHeader/>", "".join(
            self._cell_xml(column.header, w, fill=column.fill or fast.HEADER_FILL, bold=True, align=column.align)
            for column, w in zip(columns, twips)))]
        rag_columns = {i for i, column in enumerate(columns) if column.rag}
        for row in rows:
            whole = "<w:cantSplit/>" if self._lines(row, widths) <= BREAKABLE_LINES else ""
            if row.kind in fast.SPANNING:
                group = row.kind == "group"
                xml.append(_row_xml(whole, self._cell_xml(row.cells[0], sum(twips), span=len(columns), bold=group,
                                                          fill=fast.GROUP_FILL if group else None)))
                continue
            cells = []
            for i, (text, column, w) in enumerate(zip(row.cells, columns, twips)):
                rag = fast.RAG_COLOURS.get(text) if i in rag_columns and row.kind == "data" else None
                if rag is not None:
                    cells.append(self._cell_xml(text, w, fill=rag[0], bold=rag[1] is colors.white, colour=rag[1],
                                                align=column.align))
                else:
                    cells.append(self._cell_xml(text, w, fill=fast.TOTAL_FILL if row.kind == "total" else None,
                                                bold=row.kind == "total", align=column.align))
            xml.append(_row_xml(whole, "".join(cells)))
        table._tbl.extend(list(parse_xml(f"<w:tbl {nsdecls('w')}>{''.join(xml)}</w:tbl>")))
        self._after_table(container)

    def side_by_side(self, item: Table, container) -> None:
        """A platypus table of paragraphs (label and value): a table without lines."""
        cells = item._cellvalues
        count = max(len(row) for row in cells)
        room = self._room(container)
        given = [Pt(w) if isinstance(w, (int, float)) else None for w in item._colWidths]
        given += [None] * (count - len(given))
        spare = room - sum(w for w in given if w is not None)
        free = sum(w is None for w in given)
        widths = [w if w is not None else Emu(int(spare / free)) for w in given]
        table = self._table(container, count, "Normal Table")
        for column, w in zip(table.columns, widths):
            column.width = w
        for values in cells:
            word_cells = table.add_row().cells
            for cell, value, w in zip(word_cells, values, widths):
                cell.width = w
                first = cell.paragraphs[0]
                for part in value if isinstance(value, (list, tuple)) else [value]:
                    if isinstance(part, str):
                        self.add_paragraph(cell, "Key Facts").add_run(_text(part))
                    elif isinstance(part, Paragraph):
                        self.paragraph(part, cell, "Key Facts")
                    elif part is not None:
                        self.flowable(part, cell)
                if len(cell.paragraphs) > 1 and not first.text:
                    first._p.getparent().remove(first._p)
        self._after_table(container)

    def _table(self, container, columns: int, style: str) -> WordTable:
        table = container.add_table(rows=0, cols=columns)
        table._tbl.tblPr._add_tblStyle().val = self.style_ids[style]
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        table.autofit = False
        margins = OxmlElement("w:tblCellMar")
        for side in ("left", "right"):
            margin = OxmlElement(f"w:{side}")
            margin.set(qn("w:w"), str(int(CELL_PADDING.pt * 20)))
            margin.set(qn("w:type"), "dxa")
            margins.append(margin)
        table._tbl.tblPr.insert_element_before(margins, "w:tblLook", "w:tblCaption", "w:tblDescription",
                                               "w:tblPrChange")
        return table

    @staticmethod
    def _lines(row: fast.Row, widths: list) -> int:
        """About how many lines the row's tallest cell takes."""
        if row.kind in fast.SPANNING:
            widths = [sum(widths)]
        return max((sum(-(-len(line) * AVERAGE_CHARACTER // max(w - 2 * CELL_PADDING, 1)) or 1
                        for line in text.split("\n"))
                    for text, w in zip(row.cells, widths)), default=1)

    def _room(self, container):
        return self.text_width if container is self.document else Emu(container.width or self.text_width)

    @staticmethod
    def _after_table(container) -> None:
        # Two tables one after the other would run together into one.
        container.add_paragraph()

    def _cell_xml(self, text: str, width: int, *, span: int = 1, fill: colors.Color | None = None,
                  bold: bool = False, colour: colors.Color | None = None, align: str = "left") -> str:
        """One table cell ``width`` twips wide, its lines kept apart by line breaks."""
        properties = f'<w:tcW w:w="{width}" w:type="dxa"/>'
        if span > 1:
            properties += f'<w:gridSpan w:val="{span}"/>'
        if fill is not None:
            properties += f'<w:shd w:val="clear" w:color="auto" w:fill="{_hex(fill)}"/>'
        run = ""
        if text:
            look = ("<w:b/>" if bold else "") + (f'<w:color w:val="{_hex(colour)}"/>' if colour is not None else "")
            lines = "<w:br/>".join(f'<w:t xml:space="preserve">{escape(_text(line))}</w:t>' for line in text.split("\n"))
            run = f"<w:r>{f'<w:rPr>{look}</w:rPr>' if look else ''}{lines}</w:r>"
        justify = f'<w:jc w:val="{_JUSTIFY[align]}"/>' if align in _JUSTIFY else ""
        return (f'<w:tc><w:tcPr>{properties}</w:tcPr><w:p><w:pPr><w:pStyle w:val="{self.style_ids["Table Text"]}"/>'
                f"{justify}</w:pPr>{run}</w:p></w:tc>")


def _row_xml(properties: str, cells: str) -> str:
    return f"<w:tr>{f'<w:trPr>{properties}</w:trPr>' if properties else ''}{cells}</w:tr>"


def write_docx(out_path: Path, story: list, furniture: Furniture, page_size: tuple[float, float]) -> None:
    """Write ``story`` as a Word document at ``out_path`` on pages of ``page_size`` (points,
    width and height), ``furniture`` its header, footer and properties (``doc.build_paper``
    calls this for a .docx file)."""
    writer = _Writer(furniture, page_size)
    writer.header_and_footer()
    writer.properties()
    for item in story:
        writer.flowable(item, writer.document)
    try:
        writer.document.save(str(out_path))
    except PermissionError as err:
        raise UserError(f"{out_path} could not be written: it may be open in another program. "
                        "Close it and try again.") from err


# --- reading it back -----------------------------------------------------------------------

def _block_places(container, label: str, counter: list[int]) -> Iterator[tuple[str, str]]:
    """Each paragraph's and each table row's text in ``container``, in order. The places are
    named by number, never by a heading's words, which might be what was found."""
    for block in container.iter_inner_content():
        if isinstance(block, WordParagraph):
            counter[0] += 1
            yield f"{label}paragraph {counter[0]}", block.text
        elif isinstance(block, WordTable):
            counter[1] += 1
            table_number = counter[1]
            for row_number, row in enumerate(block.rows, 1):
                where = f"{label}table {table_number}, row {row_number}"
                seen = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:
                        continue  # a merged cell is listed once per column it spans
                    seen.add(id(cell._tc))
                    for _inner, text in _block_places(cell, "", [0, 0]):
                        yield where, text


def docx_places(path: Path) -> Iterator[tuple[str, str]]:
    """What a Word document shows its reader, as (where, text): the body's paragraphs and
    table rows, every header and footer, and the document's properties."""
    document = Document(str(path))
    core = document.core_properties
    for name in ("title", "subject", "author", "keywords", "comments", "category", "last_modified_by",
                 "identifier", "content_status", "version"):
        yield "document properties", getattr(core, name) or ""
    yield from _block_places(document, "", [0, 0])
    for number, section in enumerate(document.sections, 1):
        for part_name in ("header", "first_page_header", "even_page_header",
                          "footer", "first_page_footer", "even_page_footer"):
            part = getattr(section, part_name)
            if not part.is_linked_to_previous:
                where = part_name.replace("_", " ") + (f" of section {number}" if len(document.sections) > 1 else "")
                yield from _block_places(part, f"{where}, ", [0, 0])
