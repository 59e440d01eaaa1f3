"""What every paper shares: page furniture, styles, headings with bookmarks, and the build.

Page furniture: the protective marking at the top and foot of every page, the partnership's
name (and logo, when one is set), the paper's title, the date it was generated, and
"Page N of M". M is not known until the end, so each page draws a reference to a PDF
form that is filled in once when the document is saved: one build, not two.

The build keeps the text each page prints (``page_text``), so the privacy check reads
the paper as it was printed.

A paper asked for as a ``.docx`` file is the same story written as a Word document instead
(``docx_render``): the papers build their story once, whatever the format.

A heading can carry an ``anchor``, and ``draw_page_of`` prints the page that heading falls
on: like "of M", the number is a form filled in when the document is saved, so a contents
page gets its page numbers from the same single build.
"""

from __future__ import annotations

import datetime as dt
import gc
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A3, A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph, Spacer

from app.errors import UserError
from app.reports import WORD_SUFFIX
from app.reports.fasttext import TextBlock, measure
from app.reports.fonts import BOLD, REGULAR, register_fonts
from app.reports.page_text import PageTextCanvas
from app.settings import OfficeSettings

MARGIN = 9 * mm
HEADER_HEIGHT = 16 * mm
FOOTER_HEIGHT = 11 * mm
PAGE_TOTAL_FORM = "crtPageTotal"
FURNITURE_FORM = "crtFurniture"
ANCHOR_FORM = "crtPageOf_{}"
PROGRAM = "Case Review Tracker"
PAPER_SIZES = {"A4": A4, "A3": A3}

register_fonts()

# Body text at 10 points or more, tables at 9 (app.reports.table), page furniture at 8: the
# smallest sizes a board paper is readable at, for every reader.
STYLES = {
    "title": ParagraphStyle("title", fontName=BOLD, fontSize=16, leading=20, spaceAfter=4),
    "subtitle": ParagraphStyle("subtitle", fontName=REGULAR, fontSize=10.5, leading=14,
                               textColor=colors.HexColor("#333333"), spaceAfter=8),
    "h1": ParagraphStyle("h1", fontName=BOLD, fontSize=14, leading=17, spaceBefore=10, spaceAfter=5,
                         keepWithNext=1, textColor=colors.HexColor("#1F3A5F")),
    "h2": ParagraphStyle("h2", fontName=BOLD, fontSize=12, leading=15, spaceBefore=8, spaceAfter=4,
                         keepWithNext=1),
    "h3": ParagraphStyle("h3", fontName=BOLD, fontSize=10.5, leading=13, spaceBefore=6, spaceAfter=3,
                         keepWithNext=1),
    "body": ParagraphStyle("body", fontName=REGULAR, fontSize=10, leading=13, spaceAfter=4,
                           alignment=TA_LEFT),
    "note": ParagraphStyle("note", fontName=REGULAR, fontSize=10, leading=13, spaceAfter=4,
                           textColor=colors.HexColor("#404040")),
    "bullet": ParagraphStyle("bullet", fontName=REGULAR, fontSize=10, leading=13, leftIndent=14,
                             bulletIndent=4, spaceAfter=2),
    "label": ParagraphStyle("label", fontName=BOLD, fontSize=10, leading=13),
}


@dataclass(frozen=True)
class ReportResult:
    """A paper that was written: where, how many pages, its title, and the text printed on
    each page (for the privacy check)."""

    path: Path
    pages: int
    title: str
    page_texts: tuple[str, ...] = field(default=(), repr=False, compare=False)
    # Details the paper prints on purpose, which the privacy check lets through (the panel
    # report's officers' work telephone numbers and e-mail addresses).
    allowed_details: tuple[str, ...] = field(default=(), repr=False, compare=False)

    @property
    def is_word(self) -> bool:
        return self.path.suffix.lower() == WORD_SUFFIX

    def written(self) -> str:
        """What was written, as the user is told: "Title: 3 pages written to FILE". A Word
        document has no pages until a word processor lays it out, so it is named as one."""
        if self.is_word:
            return f"{self.title}: Word document written to {self.path}"
        return f"{self.title}: {self.pages} page{'s' if self.pages != 1 else ''} written to {self.path}"


def para(text: str | None, style: str = "body", *, bold_prefix: str | None = None) -> Paragraph:
    """A paragraph of text the user typed: markup characters escaped, line breaks kept."""
    body = escape(text or "").replace("\n", "<br/>")
    if bold_prefix:
        body = f"<b>{escape(bold_prefix)}</b> {body}"
    return Paragraph(body, STYLES[style])


def bullet(text: str) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), STYLES["bullet"], bulletText="\u2022")


def nothing_to_show(sentence: str) -> Paragraph:
    """An empty section says so in words rather than vanishing."""
    return para(sentence, "note")


class Heading(Paragraph):
    """A heading that also becomes an entry in the PDF's outline (bookmarks). With an
    ``anchor``, ``draw_page_of(canvas, anchor)`` prints the page it falls on."""

    def __init__(self, text: str, level: int = 0, *, anchor: str | None = None):
        super().__init__(escape(text), STYLES[f"h{level + 1}"])
        self.outline_text = text
        self.outline_level = level
        self.anchor = anchor


def draw_page_of(canvas: Canvas, anchor: str) -> None:
    """Draw, at the canvas's origin, the number of the page the heading with ``anchor`` falls
    on (regular type, 10 points), filled in when the document is saved."""
    canvas.referenced_anchors.add(anchor)
    canvas.doForm(ANCHOR_FORM.format(anchor))


def spacer(height_mm: float = 3) -> Spacer:
    return Spacer(1, height_mm * mm)


class _PaperCanvas(PageTextCanvas):
    """A canvas that writes the total page count, and the page each anchored heading fell
    on, into their forms when saved."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.anchor_pages: dict[str, int] = {}
        self.referenced_anchors: set[str] = set()

    def save(self):
        # Platypus has normally shown the last page already, leaving the counter one past
        # it; a page still open would be shown by ``Canvas.save`` and counts too.
        total = self.getPageNumber() - (0 if self._code else 1)
        self.recording = False  # the count is part of every page's "Page N of M", not a page
        self._number_form(PAGE_TOTAL_FORM, str(total), 8)
        for anchor in self.referenced_anchors:
            self._number_form(ANCHOR_FORM.format(anchor), str(self.anchor_pages.get(anchor, "\u2013")), 10)
        self.page_total = total
        super().save()

    def _number_form(self, name: str, text: str, size: float) -> None:
        self.beginForm(name)
        self.setFont(REGULAR, size)
        self.setFillColor(colors.black)
        self.drawString(0, 0, text)
        self.endForm()


class _PaperDoc(BaseDocTemplate):
    """One frame per page inside the furniture; headings become outline entries."""

    def __init__(self, path: Path, *, title: str, settings: OfficeSettings, wide: bool,
                 generated: dt.datetime, paper: str = "A4"):
        size = PAPER_SIZES[paper]
        pagesize = landscape(size) if wide else size
        super().__init__(
            str(path), pagesize=pagesize, title=title, author=settings.partnership_name,
            subject=settings.protective_marking, creator=PROGRAM,
            # A reader's window shows the paper's title (not the file's name), and reads it as
            # British English aloud.
            displayDocTitle=True, lang="en-GB",
            # Otherwise every page starts by selecting Helvetica, a font that is not embedded.
            initialFontName=REGULAR, initialFontSize=9,
            leftMargin=MARGIN, rightMargin=MARGIN,
            topMargin=MARGIN + HEADER_HEIGHT, bottomMargin=MARGIN + FOOTER_HEIGHT,
        )
        self.paper_title = title
        self.settings = settings
        self.generated = generated
        self.logo = _load_logo(settings.logo_path)
        self._bookmarks = 0
        self._furniture_drawn = False
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        self.addPageTemplates([PageTemplate("paper", [frame], onPage=self._furniture)])

    def afterFlowable(self, flowable):
        if isinstance(flowable, Heading):
            if flowable.anchor is not None:
                self.canv.anchor_pages[flowable.anchor] = self.page
            if not self._bookmarks:
                self.canv.showOutline()  # the headings open beside the paper in a reader
            self._bookmarks += 1
            key = f"s{self._bookmarks}"
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(flowable.outline_text, key, level=flowable.outline_level,
                                      closed=flowable.outline_level > 0)

    def _furniture(self, canvas: Canvas, doc) -> None:
        """Draw the page furniture: the same form on every page, then the page number."""
        if not self._furniture_drawn:
            canvas.beginForm(FURNITURE_FORM)
            self._draw_static_furniture(canvas)
            canvas.endForm()
            self._furniture_drawn = True
        width, _ = doc.pagesize
        canvas.doForm(FURNITURE_FORM)
        # "Page N of " is right-aligned as if M had one digit more than N; the form holds M.
        # Written as raw operators: this runs on every one of thousands of pages.
        label = f"Page {doc.page} of "
        label_width = measure(REGULAR, 8).width(label)
        x = width - MARGIN - label_width - measure(REGULAR, 8).width("9" * (len(str(doc.page)) + 1))
        y = MARGIN + 5 * mm
        block = TextBlock(canvas)
        block.colour(0, 0, 0)
        block.lines(REGULAR, 8, 10, x, y, [label])
        block.finish()
        canvas.addLiteral(f"q 1 0 0 1 {x + label_width:.2f} {y:.2f} cm")
        canvas.doForm(PAGE_TOTAL_FORM)
        canvas.addLiteral("Q")

    def _draw_static_furniture(self, canvas: Canvas) -> None:
        """Everything but the page number: drawn once, shown on every page as a form."""
        width, height = self.pagesize
        marking = self.settings.protective_marking
        canvas.setFillColor(colors.black)
        canvas.setFont(BOLD, 10)
        canvas.drawCentredString(width / 2, height - MARGIN + 1 * mm, marking)
        # Logo and partnership name on the left, the paper's title on the right.
        band_top = height - MARGIN - 3 * mm
        x = MARGIN
        if self.logo is not None:
            logo_h = 11 * mm
            image_w, image_h = self.logo.getSize()
            logo_w = logo_h * image_w / image_h
            canvas.drawImage(self.logo, x, band_top - logo_h, logo_w, logo_h, mask="auto")
            x += logo_w + 3 * mm
        name = self.settings.partnership_name
        canvas.setFont(BOLD, 11)
        canvas.drawString(x, band_top - 5 * mm, name)
        room = width - MARGIN - (x + canvas.stringWidth(name, BOLD, 11) + 8 * mm)
        size, title = _fit(self.paper_title, room)
        canvas.setFont(REGULAR, size)
        canvas.drawRightString(width - MARGIN, band_top - 5 * mm, title)
        canvas.setStrokeColor(colors.HexColor("#1F3A5F"))
        canvas.setLineWidth(0.8)
        rule_y = height - MARGIN - HEADER_HEIGHT + 4 * mm
        canvas.line(MARGIN, rule_y, width - MARGIN, rule_y)
        canvas.line(MARGIN, MARGIN + FOOTER_HEIGHT - 2 * mm, width - MARGIN, MARGIN + FOOTER_HEIGHT - 2 * mm)
        canvas.setFont(REGULAR, 8)
        canvas.drawString(MARGIN, MARGIN + 5 * mm, generated_text(self.settings, self.generated))
        canvas.setFont(BOLD, 10)
        canvas.drawCentredString(width / 2, MARGIN + 0.5 * mm, marking)


def generated_text(settings: OfficeSettings, generated: dt.datetime) -> str:
    """The foot of every page: "Generated 23/11/2026 at 09:30"."""
    return f"Generated {settings.format_date(generated)} at {generated:%H:%M}"


def _fit(text: str, room: float) -> tuple[float, str]:
    """A font size (10 down to 8) at which ``text`` fits ``room``, shortened with "…" if it
    still does not."""
    for size in (10, 9, 8):
        if stringWidth(text, REGULAR, size) <= room:
            return size, text
    while text and stringWidth(text + "\u2026", REGULAR, 8) > room:
        text = text[:-1]
    return 8, text.rstrip() + "\u2026"


def _load_logo(logo_path: str) -> ImageReader | None:
    if not logo_path:
        return None
    path = Path(logo_path)
    if not path.is_file():
        raise UserError(f"The logo file {path} set in the settings cannot be found. "
                        "Choose another logo or clear the setting.")
    try:
        return ImageReader(str(path))
    except Exception as err:  # Pillow raises many kinds for a file that is not an image
        raise UserError(f"The logo file {path} could not be read as a picture ({err}).") from err


# ReportLab would otherwise ASCII-encode every compressed page, in pure Python: a quarter of
# the time of a long paper, for a file nobody reads as text.
rl_config.useA85 = 0


def build_paper(out_path: Path, settings: OfficeSettings, title: str, story: list, *,
                wide: bool = False, generated: dt.datetime | None = None, paper: str = "A4") -> ReportResult:
    """Lay out ``story`` on ``paper`` (A4 or A3; landscape when ``wide``) with the page furniture,
    write the PDF; or, when ``out_path`` ends in .docx, write the same story as a Word document."""
    out_path = Path(out_path)
    if not out_path.parent.is_dir():
        raise UserError(f"The folder {out_path.parent} does not exist. Choose another place to save the paper.")
    generated = generated or dt.datetime.now()
    if out_path.suffix.lower() == WORD_SUFFIX:
        from app.reports.docx_render import Furniture, write_docx  # python-docx loads only when asked for

        _load_logo(settings.logo_path)  # refused as the PDF refuses it
        size = PAPER_SIZES[paper]
        write_docx(out_path, story, Furniture(title, settings.partnership_name, settings.protective_marking,
                                              generated, generated_text(settings, generated), settings.logo_path,
                                              PROGRAM), landscape(size) if wide else size)
        return ReportResult(out_path, 0, title)
    doc = _PaperDoc(out_path, title=title, settings=settings, wide=wide, generated=generated, paper=paper)
    # A long paper allocates millions of small objects, none in cycles that need collecting
    # now; the cycle collector's repeated scans of them cost a fifth of the time.
    collecting = gc.isenabled()
    gc.disable()
    try:
        doc.build(story, canvasmaker=_PaperCanvas)
    except PermissionError as err:
        raise UserError(f"{out_path} could not be written: it may be open in another program. "
                        "Close it and try again.") from err
    finally:
        if collecting:
            gc.enable()
    pages = doc.canv.page_total
    return ReportResult(out_path, pages, title, doc.canv.page_texts(pages))
