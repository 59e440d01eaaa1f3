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
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt, RGBColor
from docx.table import Table as WordTable
from docx.text.paragraph import Paragraph as WordParagraph
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.platypus import CondPageBreak, PageBreak, Paragraph, Spacer, Table

from app.errors import UserError
from app.reports import table as fast
from app.reports.doc import PAPER_SIZES, PROGRAM, ReportResult, generated_text, _load_logo
from app.settings import OfficeSettings

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


def _text(text: str) -> str:
    return _NOT_IN_XML.sub("", text)


def _hex(colour: colors.Color) -> str:
    return colour.hexval()[2:].upper()


def _shade(cell, colour: colors.Color) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), _hex(colour))
    # Word reads a cell's properties in the schema's order.
    cell._tc.get_or_add_tcPr().insert_element_before(
        shading, "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark")


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

    def __init__(self, settings: OfficeSettings, title: str, *, wide: bool, paper: str):
        self.document = Document()
        self.settings = settings
        self.title = title
        section = self.document.sections[0]
        short, long = (Pt(size) for size in PAPER_SIZES[paper])
        section.orientation = WD_ORIENT.LANDSCAPE if wide else WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = (long, short) if wide else (short, long)
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

    def furniture(self, generated: dt.datetime) -> None:
        section = self.document.sections[0]
        marking = self.settings.protective_marking
        header = section.header
        top = header.paragraphs[0]
        top.alignment = WD_ALIGN_PARAGRAPH.CENTER
        top.add_run(marking).bold = True
        band = self.add_paragraph(header, "Header")
        _rule(band, "bottom")
        band.paragraph_format.tab_stops.add_tab_stop(self.text_width, WD_TAB_ALIGNMENT.RIGHT)
        logo = _load_logo(self.settings.logo_path)  # the PDF's own check of the file
        if logo is not None:
            try:
                band.add_run().add_picture(self.settings.logo_path, height=Mm(11))
            except Exception as err:  # python-docx reads fewer kinds of picture than ReportLab
                raise UserError(f"The logo file {self.settings.logo_path} cannot be put in a Word document "
                                f"({err}). Choose a PNG or JPEG logo in the settings.") from err
            band.add_run(" ")
        name = band.add_run(self.settings.partnership_name)
        name.bold = True
        name.font.size = Pt(11)
        band.add_run("\t" + self.title).font.size = Pt(10)
        footer = section.footer
        foot = footer.paragraphs[0]
        _rule(foot, "top")
        foot.paragraph_format.tab_stops.add_tab_stop(self.text_width, WD_TAB_ALIGNMENT.RIGHT)
        foot.add_run(generated_text(self.settings, generated) + "\tPage ")
        _field(foot, "PAGE", "1")
        foot.add_run(" of ")
        _field(foot, "NUMPAGES", "1")
        for run in foot.runs:
            run.font.size = Pt(8)
        bottom = self.add_paragraph(footer, "Footer")
        bottom.alignment = WD_ALIGN_PARAGRAPH.CENTER
        bottom.add_run(marking).bold = True

    def properties(self, generated: dt.datetime) -> None:
        """The title, author and subject as the PDF's; nothing of python-docx's own."""
        core = self.document.core_properties
        core.title = self.title
        core.author = self.settings.partnership_name
        core.subject = self.settings.protective_marking
        core.last_modified_by = self.settings.partnership_name
        core.comments = f"Written by {PROGRAM}"
        core.language = "en-GB"
        core.created = core.modified = generated
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
        columns, rows = item.columns, item.source_rows
        width = self._room(container)
        if item.fixed_width is not None:
            width = min(width, Pt(item.fixed_width))
        widths = [Pt(w) for w in fast._widths(columns, width.pt)]
        table = self._table(container, len(columns), "Table Grid")
        for column, w in zip(table.columns, widths):
            column.width = w
        header = table.add_row()
        # Repeated at the top of every page the table runs onto.
        header._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
        for cell, column, w in zip(header.cells, columns, widths):
            cell.width = w
            self._cell_text(cell, column.header, bold=True, align=column.align)
            _shade(cell, column.fill or fast.HEADER_FILL)
        rag_columns = {i for i, column in enumerate(columns) if column.rag}
        for row in rows:
            word_row = table.add_row()
            if self._lines(row, widths) <= BREAKABLE_LINES:
                word_row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
            cells = word_row.cells
            for cell, w in zip(cells, widths):
                cell.width = w
            if row.kind in fast.SPANNING:
                whole = cells[0].merge(cells[-1])
                self._cell_text(whole, row.cells[0], bold=row.kind == "group")
                if row.kind == "group":
                    _shade(whole, fast.GROUP_FILL)
                continue
            for i, (cell, text, column) in enumerate(zip(cells, row.cells, columns)):
                rag = fast.RAG_COLOURS.get(text) if i in rag_columns and row.kind == "data" else None
                self._cell_text(cell, text, bold=row.kind == "total" or (rag is not None and rag[1] is colors.white),
                                align=column.align, colour=rag[1] if rag else None)
                if rag is not None:
                    _shade(cell, rag[0])
                elif row.kind == "total":
                    _shade(cell, fast.TOTAL_FILL)
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

    def _cell_text(self, cell, text: str, *, bold: bool = False, align: str = "left",
                   colour: colors.Color | None = None) -> None:
        paragraph = cell.paragraphs[0]
        paragraph._p.style = self.style_ids["Table Text"]
        paragraph.alignment = {"right": WD_ALIGN_PARAGRAPH.RIGHT, "centre": WD_ALIGN_PARAGRAPH.CENTER}.get(
            align, WD_ALIGN_PARAGRAPH.LEFT)
        for n, line in enumerate(text.split("\n")):
            run = paragraph.add_run()
            if n:
                run.add_break()
            run.add_text(_text(line))
            if bold:
                run.bold = True
            if colour is not None:
                run.font.color.rgb = RGBColor.from_string(_hex(colour))


def write_docx(out_path: Path, settings: OfficeSettings, title: str, story: list, *, wide: bool,
               generated: dt.datetime, paper: str = "A4") -> ReportResult:
    """Write ``story`` as a Word document at ``out_path``, with the page furniture as its
    header and footer (``build_paper`` calls this for a .docx file)."""
    writer = _Writer(settings, title, wide=wide, paper=paper)
    writer.furniture(generated)
    writer.properties(generated)
    for item in story:
        writer.flowable(item, writer.document)
    try:
        writer.document.save(str(out_path))
    except PermissionError as err:
        raise UserError(f"{out_path} could not be written: it may be open in another program. "
                        "Close it and try again.") from err
    return ReportResult(Path(out_path), 0, title)


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
