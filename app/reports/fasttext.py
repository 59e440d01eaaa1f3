"""Measuring, wrapping and writing plain text quickly, for the big tables.

Why not ``Paragraph`` and ``canvas.drawString``: a 10,000-action plan has about 300,000
lines of cell text. A ``Paragraph`` per cell costs ~3 ms and ``drawString`` with an
embedded TrueType font ~30 µs a line (most of it re-mapping every character to its font
subset and escaping it in Python). Here:

- widths are summed from a table of character widths, and a paragraph is wrapped by
  looking up its running width (``accumulate`` + ``bisect``), so the work per line, not per
  word, is done in Python;
- each character's code in the embedded font is worked out once per document and kept in
  a ``str.translate`` table, so encoding a line is one call into C.

ReportLab measures TrueType text as the sum of its characters' advance widths (it does not
kern), so these widths are the same as ``pdfmetrics.stringWidth``'s.
"""

from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate

from reportlab.pdfbase import pdfmetrics

from app.reports.page_text import record

# Wrapped texts are kept per font and size (the same text recurs: an action printed under
# several recommendations, a standard evidence requirement); the cap bounds the memory.
_WRAP_CACHE_LIMIT = 20_000
# Rounding in the running sums must not push a line that fits exactly onto two lines.
_EPSILON = 1e-6


class TextMeasure:
    """Widths and word wrapping in one font at one size."""

    def __init__(self, font_name: str, size: float):
        self.font_name = font_name
        self.size = size
        self._chars: dict[str, float] = {}
        self._wrapped: dict[tuple[str, float], list[str]] = {}

    def _char_widths(self, text: str) -> list[float]:
        try:
            return list(map(self._chars.__getitem__, text))
        except KeyError:
            for char in set(text) - self._chars.keys():
                self._chars[char] = pdfmetrics.stringWidth(char, self.font_name, self.size)
            return list(map(self._chars.__getitem__, text))

    def width(self, text: str) -> float:
        return sum(self._char_widths(text))

    def wrap(self, text: str, max_width: float) -> list[str]:
        """Greedy word wrap; line breaks in the text are kept, over-long words are broken."""
        key = (text, max_width)
        lines = self._wrapped.get(key)
        if lines is None:
            if len(self._wrapped) > _WRAP_CACHE_LIMIT:
                self._wrapped.clear()
            lines = self._wrapped[key] = self._wrap(text, max_width)
        return list(lines)

    def _wrap(self, text: str, max_width: float) -> list[str]:
        lines: list[str] = []
        for paragraph in text.split("\n"):
            words = " ".join(paragraph.split())
            if words:
                lines += self._wrap_paragraph(words, max_width)
            else:
                lines.append("")
        # Blank lines at either end (a trailing newline typed in a cell) only waste space.
        while len(lines) > 1 and not lines[-1]:
            lines.pop()
        while len(lines) > 1 and not lines[0]:
            lines.pop(0)
        return lines

    def _wrap_paragraph(self, text: str, max_width: float) -> list[str]:
        """Wrap text whose words are separated by single spaces."""
        running = list(accumulate(self._char_widths(text)))
        lines = []
        start, used = 0, 0.0  # first character of the line; width of everything before it
        while True:
            end = bisect_right(running, used + max_width + _EPSILON, lo=start)  # [start, end) fits
            if end >= len(text):
                lines.append(text[start:])
                return lines
            space = text.rfind(" ", start, end + 1)
            if space > start:
                lines.append(text[start:space])
                start = space + 1
            else:  # a single word wider than the line (a web address): cut it
                end = max(end, start + 1)
                lines.append(text[start:end])
                start = end
            used = running[start - 1]


_MEASURES: dict[tuple[str, float], TextMeasure] = {}


def measure(font_name: str, size: float) -> TextMeasure:
    """The shared ``TextMeasure`` for a font and size."""
    key = (font_name, size)
    found = _MEASURES.get(key)
    if found is None:
        found = _MEASURES[key] = TextMeasure(font_name, size)
    return found


# In a PDF string these need a backslash; control characters (a stray tab) print as spaces.
_BASE_TABLE = {**{code: " " for code in range(32)}, 127: " ", 40: "\\(", 41: "\\)", 92: "\\\\"}


class GlyphEncoder:
    """Turns text into PDF strings for one embedded TrueType font in one document.

    ReportLab embeds such a font as subsets of up to 256 characters and gives every
    character a subset and a code the first time it is used; with its "ASCII readable"
    setting (which ``fonts.register_fonts`` asks for) printable ASCII keeps its own codes in
    the first subset. The codes of other characters of the first subset are learnt as they
    appear and added to a translation table.
    """

    def __init__(self, canvas, font_name: str):
        self._canvas = canvas
        self._font = pdfmetrics.getFont(font_name)
        self._first_subset = dict(_BASE_TABLE)
        self._other: dict[str, tuple[int, str]] = {}
        self._ops: dict[tuple[int, float], str] = {}

    def select(self, subset: int, size: float) -> str:
        """The operator that selects a subset of the font at a size."""
        op = self._ops.get((subset, size))
        if op is None:
            name = self._font.getSubsetInternalName(subset, self._canvas._doc)
            op = self._ops[(subset, size)] = f"{name} {size:g} Tf"
        return op

    def first_subset(self, text: str) -> str | None:
        """``text`` escaped, if every character is in the first subset and known; else None."""
        if text.isascii() and text.isprintable():
            # Most lines: printable ASCII, whose codes are its own; only three need escaping.
            if "(" in text or ")" in text or "\\" in text:
                text = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            return text
        escaped = text.translate(self._first_subset)
        return escaped if escaped.isascii() else None

    def runs(self, text: str, size: float) -> list[tuple[str, str]]:
        """``text`` as (font selection operator, escaped string) runs, one per subset."""
        runs: list[tuple[str, str]] = []
        current, chunk = None, []
        for char in text:
            subset, escaped = self._learn(char)
            if subset != current:
                if chunk:
                    runs.append((self.select(current, size), "".join(chunk)))
                current, chunk = subset, []
            chunk.append(escaped)
        if chunk:
            runs.append((self.select(current, size), "".join(chunk)))
        return runs

    def _learn(self, char: str) -> tuple[int, str]:
        code = ord(char)
        if code in self._first_subset:
            return 0, self._first_subset[code]
        found = self._other.get(char)
        if found is None:
            ((subset, encoded),) = self._font.splitString(char, self._canvas._doc)
            found = (subset, self._canvas._escape(encoded))
            if subset == 0:
                self._first_subset[code] = found[1]
            else:
                self._other[char] = found
        return found


def encoder(canvas, font_name: str) -> GlyphEncoder:
    """The encoder for ``font_name`` on this canvas's document (made on first use)."""
    encoders = canvas.__dict__.setdefault("_crt_encoders", {})
    found = encoders.get(font_name)
    if found is None:
        found = encoders[font_name] = GlyphEncoder(canvas, font_name)
    return found


class TextBlock:
    """Text for one PDF text object (BT … ET): many cells, one call into the canvas.

    Font and colour are only written when they change, which keeps a page of table text
    to a single string.
    """

    def __init__(self, canvas):
        self._canvas = canvas
        self._ops = ["BT"]
        self._font_op = None

    def colour(self, red: float, green: float, blue: float) -> None:
        self._ops.append(f"{red:g} {green:g} {blue:g} rg")

    def lines(self, font_name: str, size: float, leading: float, x: float, y: float,
              lines: list[str], *, recorded: bool = True) -> None:
        """Lines of text, the first baseline starting at (x, y). ``recorded=False``: the caller
        records the text for the privacy check itself (a table cell broken between pages)."""
        if recorded:
            record(self._canvas, " ".join(lines))  # for the privacy check: what the page prints
        enc = encoder(self._canvas, font_name)
        ops = self._ops
        ops.append(f"1 0 0 1 {x:.2f} {y:.2f} Tm")
        down = f"0 {-leading:g} Td"
        first_op = enc.select(0, size)
        for number, line in enumerate(lines):
            if number:
                ops.append(down)
            if not line:
                continue
            escaped = enc.first_subset(line)
            runs = [(first_op, escaped)] if escaped is not None else enc.runs(line, size)
            for op, text in runs:
                if op != self._font_op:
                    ops.append(op)
                    self._font_op = op
                ops.append(f"({text}) Tj")

    def finish(self) -> None:
        """Write the block to the page."""
        self._ops.append("ET")
        self._canvas.addLiteral(" ".join(self._ops))
