"""A fast table flowable for rows of plain text.

Platypus's ``Table`` of ``Paragraph`` cells is correct but slow (about 60 pages a second).
This table wraps plain text with cached word widths, draws straight onto the canvas, and
still does what a board paper needs: the header row repeated on every page, rows kept
whole where they fit, a very tall row broken between pages (its rest marked "continued")
rather than overflowing, a "group" row (a review, an agency) spanning the columns and
repeated as "(continued)" when its rows run onto the next page, "note" rows spanning the
columns in plain text, and RAG cells filled with their colour as well as carrying the word.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from reportlab.lib import colors
from reportlab.platypus import Flowable

from app.reports.fasttext import TextBlock, measure
from app.reports.page_text import record
from app.reports.fonts import CONDENSED as REGULAR
from app.reports.fonts import CONDENSED_BOLD as BOLD

FONT_SIZE = 9  # the smallest a table prints at (readable on paper, and accessible)
LEADING = 10.1
PAD = 2.0
HEADER_FILL = colors.HexColor("#D5DEE8")
GROUP_FILL = colors.HexColor("#EEF2F6")
TOTAL_FILL = colors.HexColor("#F4F4F4")
GRID = colors.HexColor("#8C99A6")
# Fill and text colour for each RAG rating; "Blue" means complete.
RAG_COLOURS = {
    "Red": (colors.HexColor("#C62828"), colors.white),
    "Amber": (colors.HexColor("#FFB300"), colors.black),
    "Green": (colors.HexColor("#2E7D32"), colors.white),
    "Blue": (colors.HexColor("#1565C0"), colors.white),
}
# A row taller than this many lines may be broken between pages; shorter rows move whole.
BREAKABLE_LINES = 8
# ...and only when at least this many of its lines fit on the page it starts on.
MIN_LINES_BEFORE_BREAK = 3
CONTINUED = " (continued)"


@dataclass(frozen=True)
class Column:
    """One column: its header, its share of the table width and how its cells look."""

    header: str
    weight: float
    align: str = "left"  # left | right | centre
    rag: bool = False  # the cell holds a RAG rating and is filled with its colour
    fill: colors.Color | None = None  # header cell colour, if not the usual one
    min_width: float = 0.0  # points: never narrower (a reference or a date kept on one line)


@dataclass(frozen=True)
class Row:
    """A row of cell texts. A ``group`` row has one bold text spanning every column, and is
    repeated as "(continued)" above its rows on a new page; a ``note`` row spans every column
    in plain text (what a group is about); a ``total`` row is printed in bold."""

    cells: Sequence[str]
    kind: str = "data"  # data | group | note | total


SPANNING = ("group", "note")


def group_row(text: str) -> Row:
    return Row((text,), kind="group")


def note_row(text: str) -> Row:
    return Row((text,), kind="note")


@dataclass(eq=False)
class _LaidRow:
    """A row wrapped to the column widths: its lines per cell and its height."""

    row: Row
    lines: list[list[str]]
    height: float
    group: _LaidRow | None = None  # the group row a data row belongs to
    continued: _LaidRow | None = field(default=None, repr=False)  # cache, group rows only
    # A row broken between pages: on the part before the break, each cell's first line after
    # it, so the privacy check reads a number broken across the page break whole, as a reader
    # does (a number wholly on that line is then also read on the next page).
    carried: list[list[str]] | None = field(default=None, repr=False)

    @property
    def line_count(self) -> int:
        return max((len(cell) for cell in self.lines), default=1)

    def split_at(self, count: int) -> tuple[_LaidRow, _LaidRow]:
        """The first ``count`` lines of every cell, and the rest."""
        head = [cell[:count] for cell in self.lines]
        tail = [cell[count:] for cell in self.lines]
        # Short cells (a date, a status) are printed again beside the rest of the text, and
        # the first cell says the row carries on from the page before.
        tail = [rest if rest or not whole else whole for rest, whole in zip(tail, self.lines)]
        if tail:
            tail[0] = [*tail[0], CONTINUED.strip()]
        carried = [cell[count:count + 1] for cell in self.lines]
        return (_LaidRow(self.row, head, _height(head), self.group, carried=carried),
                _LaidRow(self.row, tail, _height(tail), self.group))


def _rgb(colour: colors.Color) -> str:
    """A colour as PDF operands; tables write raw operators because they draw thousands of pages."""
    return f"{colour.red:.3f} {colour.green:.3f} {colour.blue:.3f}"


def _widths(columns: Sequence[Column], width: float) -> list[float]:
    """Each column's share of ``width`` by its weight, but never below its minimum: a column
    held at its minimum leaves the rest to be shared by the others' weights."""
    fixed: dict[int, float] = {}
    while True:
        free = [i for i in range(len(columns)) if i not in fixed]
        room = width - sum(fixed.values())
        total = sum(columns[i].weight for i in free) or 1.0
        short = {i: columns[i].min_width for i in free if room * columns[i].weight / total < columns[i].min_width}
        if not short:
            return [fixed.get(i, room * c.weight / total) for i, c in enumerate(columns)]
        fixed.update(short)


def _height(lines: list[list[str]]) -> float:
    return 2 * PAD + max((len(cell) for cell in lines), default=1) * LEADING


class _Layout:
    """Every row of one table wrapped to one width; shared by the table's page fragments."""

    def __init__(self, columns: Sequence[Column], rows: Sequence[Row], width: float):
        self.width = width
        self.widths = _widths(columns, width)
        self.xs = [0.0]
        for w in self.widths:
            self.xs.append(self.xs[-1] + w)
        self.regular = measure(REGULAR, FONT_SIZE)
        self.bold = measure(BOLD, FONT_SIZE)
        self.header = _LaidRow(Row([c.header for c in columns], "header"), [], 0)
        self.header.lines = self._wrap_cells(self.header.row.cells, self.bold)
        self.header.height = _height(self.header.lines)
        self.rows: list[_LaidRow] = []
        group = None
        for row in rows:
            laid = self.lay(row)
            if row.kind == "group":
                group = laid
            else:
                laid.group = group
            self.rows.append(laid)
        self.body_height = sum(r.height for r in self.rows)

    def _wrap_cells(self, cells: Sequence[str], metric) -> list[list[str]]:
        out = []
        for text, width in zip(cells, self.widths):
            room = width - 2 * PAD
            # Most cells (a date, an agency) are short and fit: skip the word splitting.
            if len(text) < 40 and "\n" not in text and metric.width(text) <= room:
                out.append([text] if text else [])
            else:
                out.append(metric.wrap(text, room))
        return out

    def lay(self, row: Row) -> _LaidRow:
        if row.kind in SPANNING:
            metric = self.bold if row.kind == "group" else self.regular
            lines = [metric.wrap(row.cells[0], self.width - 2 * PAD)]
        else:
            lines = self._wrap_cells(row.cells, self.bold if row.kind == "total" else self.regular)
        return _LaidRow(row, lines, _height(lines))

    def continued(self, group: _LaidRow) -> _LaidRow:
        if group.continued is None:
            group.continued = self.lay(group_row(group.row.cells[0] + CONTINUED))
        return group.continued


class FastTable(Flowable):
    """A table of plain-text rows that splits across pages with its header repeated."""

    def __init__(self, columns: Sequence[Column], rows: Sequence[Row], *, width: float | None = None):
        """``width``: in points; by default the table fills the width it is given."""
        super().__init__()
        if not rows:
            raise ValueError("A table needs at least one row; say in words that a section is empty.")
        self.fixed_width = width
        self.columns = list(columns)
        self.source_rows = list(rows)
        self._layout: _Layout | None = None
        # A page fragment is the explicit rows in ``_prefix`` then layout rows [_start, _stop).
        self._whole = True
        self._prefix: list[_LaidRow] = []
        self._start = 0
        self._stop = 0
        self._body_height = 0.0

    # --- fragments ---------------------------------------------------------------------

    def _ensure_layout(self, width: float) -> _Layout:
        if self.fixed_width is not None:
            width = min(width, self.fixed_width)
        # A fragment keeps the layout it was cut from: the rows it holds depend on it.
        if self._layout is None or (self._whole and abs(self._layout.width - width) > 0.01):
            self._layout = _Layout(self.columns, self.source_rows, width)
            self._prefix, self._start, self._stop = [], 0, len(self._layout.rows)
            self._body_height = self._layout.body_height
        return self._layout

    def _fragment(self, prefix: list[_LaidRow], start: int, stop: int, body_height: float) -> FastTable:
        part = FastTable.__new__(FastTable)
        Flowable.__init__(part)
        part.columns, part.source_rows, part._layout = self.columns, self.source_rows, self._layout
        part.fixed_width = self.fixed_width
        part._whole = False
        part._prefix, part._start, part._stop = prefix, start, stop
        part._body_height = body_height
        return part

    def _items(self) -> Iterator[_LaidRow]:
        yield from self._prefix
        rows = self._layout.rows
        for index in range(self._start, self._stop):
            yield rows[index]

    def _rest_after(self, consumed: int) -> tuple[list[_LaidRow], int]:
        """The fragment left after the first ``consumed`` items, as (prefix, start)."""
        if consumed < len(self._prefix):
            return list(self._prefix[consumed:]), self._start
        return [], self._start + consumed - len(self._prefix)

    # --- the Flowable protocol -----------------------------------------------------------

    def wrap(self, avail_width, avail_height):
        layout = self._ensure_layout(avail_width)
        self.width = layout.width
        self.height = layout.header.height + self._body_height
        return self.width, self.height

    def split(self, avail_width, avail_height):
        layout = self._ensure_layout(avail_width)
        room = avail_height - layout.header.height
        page: list[_LaidRow] = []
        used = 0.0
        blocked = None
        for item in self._items():
            if used + item.height > room:
                blocked = item
                break
            page.append(item)
            used += item.height
        if blocked is None:
            return [self]
        consumed = len(page)
        head = tail = None
        if blocked.line_count > BREAKABLE_LINES:
            fit = int((room - used - 2 * PAD) // LEADING)
            if fit >= MIN_LINES_BEFORE_BREAK:
                head, tail = blocked.split_at(fit)
        if head is None:
            # A group row, or what it is about, is never left alone at the foot of a page.
            while page and page[-1].row.kind in SPANNING:
                used -= page.pop().height
                consumed -= 1
        if not page and head is None:
            return []
        rest_height = self._body_height - used
        prefix, start = self._rest_after(consumed + (head is not None))
        if head is not None:
            page.append(head)
            prefix.insert(0, tail)
            rest_height += tail.height - blocked.height
        # Rows that carry on a group from this page are headed by "(continued)" on the next.
        first_rest = prefix[0] if prefix else layout.rows[start]
        if first_rest.row.kind != "group" and first_rest.group is not None:
            continued = layout.continued(first_rest.group)
            prefix.insert(0, continued)
            rest_height += continued.height
        return [self._fragment(page, 0, 0, sum(r.height for r in page)),
                self._fragment(prefix, start, self._stop, rest_height)]

    def draw(self):
        canvas = self.canv
        layout = self._layout
        items = [layout.header, *self._items()]
        tops, top = [], self.height
        for item in items:
            tops.append(top)
            top -= item.height
        canvas.saveState()
        self._draw_fills(canvas, items, tops)
        self._draw_text(canvas, items, tops)
        self._draw_grid(canvas, items, tops)
        canvas.restoreState()

    # --- drawing -----------------------------------------------------------------------

    def _rag_columns(self) -> list[int]:
        return [i for i, c in enumerate(self.columns) if c.rag]

    def _draw_fills(self, canvas, items, tops):
        """Backgrounds, gathered by colour so each colour is set once per page."""
        layout = self._layout
        xs, widths = layout.xs, layout.widths
        rag_columns = self._rag_columns()
        by_colour: dict = {}

        def fill(colour, x, y, w, h):
            by_colour.setdefault(colour, []).append(f"{x:.2f} {y:.2f} {w:.2f} {h:.2f} re")

        for item, top in zip(items, tops):
            kind, bottom = item.row.kind, top - item.height
            if kind == "header":
                fill(HEADER_FILL, 0, bottom, layout.width, item.height)
                for i, column in enumerate(self.columns):
                    if column.fill is not None:
                        fill(column.fill, xs[i], bottom, widths[i], item.height)
            elif kind in ("group", "total"):
                fill(GROUP_FILL if kind == "group" else TOTAL_FILL, 0, bottom, layout.width, item.height)
            elif kind == "data":
                for i in rag_columns:
                    colour = RAG_COLOURS.get(item.row.cells[i])
                    if colour:
                        fill(colour[0], xs[i], bottom, widths[i], item.height)
        canvas.addLiteral(" ".join(f"{_rgb(colour)} rg {' '.join(rects)} f" for colour, rects in by_colour.items()))

    def _draw_text(self, canvas, items, tops):
        rag_columns = set(self._rag_columns())
        block = TextBlock(canvas)
        block.colour(0, 0, 0)
        white_cells = []
        for item, top in zip(items, tops):
            baseline = top - PAD - FONT_SIZE
            kind = item.row.kind
            if kind in SPANNING:
                block.lines(BOLD if kind == "group" else REGULAR, FONT_SIZE, LEADING, PAD, baseline, item.lines[0])
                continue
            font = REGULAR if kind == "data" else BOLD
            for i, lines in enumerate(item.lines):
                if not lines:
                    continue
                if kind == "data" and i in rag_columns:
                    colour = RAG_COLOURS.get(item.row.cells[i])
                    if colour and colour[1] is colors.white:
                        white_cells.append((i, lines, baseline, item.carried is None))
                        continue
                self._cell_text(block, font, i, lines, baseline, item.carried is None)
        if white_cells:
            block.colour(1, 1, 1)
            for i, lines, baseline, recorded in white_cells:
                self._cell_text(block, BOLD, i, lines, baseline, recorded)
        block.finish()
        for item in items:  # a cell broken between pages: its lines here and the first one after
            for lines, carried in zip(item.lines, item.carried or ()):
                record(canvas, " ".join(lines + carried))

    def _cell_text(self, block: TextBlock, font, column, lines, baseline, recorded: bool = True):
        layout = self._layout
        align = self.columns[column].align
        left = layout.xs[column] + PAD
        if align == "left":
            block.lines(font, FONT_SIZE, LEADING, left, baseline, lines, recorded=recorded)
            return
        metric = measure(font, FONT_SIZE)
        room = layout.widths[column] - 2 * PAD
        for n, line in enumerate(lines):
            spare = room - metric.width(line)
            x = left + (spare if align == "right" else spare / 2)
            block.lines(font, FONT_SIZE, LEADING, x, baseline - n * LEADING, [line], recorded=recorded)

    def _draw_grid(self, canvas, items, tops):
        """Row rules, the outer box, and column rules through runs of non-group rows."""
        width = self._layout.width
        bottom = tops[-1] - items[-1].height
        segments = [(0, y, width, y) for y in [*tops, bottom]]
        segments += [(0, tops[0], 0, bottom), (width, tops[0], width, bottom)]
        run_top = None
        for item, top in zip([*items, None], [*tops, bottom]):
            spanning = item is None or item.row.kind in SPANNING
            if spanning and run_top is not None:
                segments += [(x, run_top, x, top) for x in self._layout.xs[1:-1]]
                run_top = None
            elif not spanning and run_top is None:
                run_top = top
        lines = " ".join(f"{x0:.2f} {y0:.2f} m {x1:.2f} {y1:.2f} l" for x0, y0, x1, y1 in segments)
        canvas.addLiteral(f"{_rgb(GRID)} RG 0.4 w {lines} S")
