"""The embedded fonts every paper uses: DejaVu Sans for the text, DejaVu Sans Condensed for
the tables (the same letters, narrower, so a long plan fits on fewer pages at 9 points).

DejaVu Sans is shipped in ``resources/fonts`` (its licence allows it, see the licence file
there) rather than taken from the system, because Windows has no copy of it and the
standard PDF fonts cannot print every character the office types (Polish, Romanian,
Greek or Cyrillic names as well as en dashes, curly quotes and the pound sign).
"""

from __future__ import annotations

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from app.resources import resource

FONT_DIR = resource("fonts")
REGULAR = "CRT-Sans"
BOLD = "CRT-Sans-Bold"
CONDENSED = "CRT-Sans-Condensed"
CONDENSED_BOLD = "CRT-Sans-Condensed-Bold"
_FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf",
          CONDENSED: "DejaVuSansCondensed.ttf", CONDENSED_BOLD: "DejaVuSansCondensed-Bold.ttf"}


def register_fonts() -> None:
    """Register the faces with ReportLab (once per process)."""
    registered = set(pdfmetrics.getRegisteredFontNames())
    for name, filename in _FILES.items():
        if name not in registered:
            # ASCII keeps its own codes in the embedded subsets: fasttext relies on it.
            pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / filename), asciiReadable=True))
    # Lets <b> in a Paragraph pick the bold face.
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    addMapping(REGULAR, 0, 1, REGULAR)
    addMapping(REGULAR, 1, 1, BOLD)
