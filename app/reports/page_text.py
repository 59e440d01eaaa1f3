"""The text a paper puts on each page, kept as it is drawn, for the privacy check.

Every string a paper prints reaches the page by one of two roads: ReportLab's text object
(paragraphs, headings, bullets and the page furniture: ``canvas.beginText`` … ``drawText``)
or the fast tables' ``fasttext.TextBlock``. Both hand their text to ``record`` on the way,
so the check reads what was printed, page by page, and no builder can print past it.

The pieces of one text object or one table cell are joined with spaces (a number wrapped
onto two lines reads whole); pieces are kept apart by ``PIECE_BREAK``, which no pattern of
the check matches across, so two neighbouring cells never run into one false finding.
"""

from __future__ import annotations

from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject

PIECE_BREAK = "\n\x00\n"


def record(canvas, text: str) -> None:
    """Note ``text`` as printed on the canvas's current page (if the canvas keeps page text)."""
    if text and getattr(canvas, "recording", False):
        canvas.page_pieces.setdefault(canvas.getPageNumber(), []).append(text)


class _RecordingTextObject(PDFTextObject):
    """A text object that remembers the strings it was given."""

    def __init__(self, canvas, x=0, y=0, direction=None):
        super().__init__(canvas, x, y, direction=direction)
        self.printed: list[str] = []

    # ReportLab's one internal step that every textOut, textLine and paragraph line takes.
    def _formatText(self, text):  # noqa: N802 (ReportLab's name)
        self.printed.append(text)
        return super()._formatText(text)


class PageTextCanvas(Canvas):
    """A canvas that keeps the text drawn on each page while ``recording``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.page_pieces: dict[int, list[str]] = {}
        self.recording = True

    def beginText(self, x=0, y=0, direction=None):  # noqa: N802 (ReportLab's name)
        return _RecordingTextObject(self, x, y, direction=direction)

    def drawText(self, aTextObject):  # noqa: N802, N803 (ReportLab's names)
        super().drawText(aTextObject)
        record(self, " ".join(getattr(aTextObject, "printed", ())))

    def page_texts(self, pages: int) -> tuple[str, ...]:
        """The text of pages 1 to ``pages``, one string each."""
        return tuple(PIECE_BREAK.join(self.page_pieces.get(number, ())) for number in range(1, pages + 1))
