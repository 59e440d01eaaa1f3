"""Small bar charts painted with QPainter (this PySide6 build has no QtCharts).

Both charts draw horizontal bars, because their categories (agencies, decision outcomes)
are long names that read best written out on the left. Each prints its numbers on the
bars, so no value has to be read off an axis, and keeps a plain-text version of its
values (``text_alternative``) as its tooltip and accessible description for screen
readers. ``StackedBarChart`` tells its series apart by colour *and* by a fill pattern,
shown in a legend with words, so it reads in greyscale and for colour-blind users.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

MARGIN = 6
BAR_GAP = 6
LABEL_GAP = 8
# The share of the width the category names may take before they are cut short.
LABEL_SHARE = 0.42


@dataclass(frozen=True)
class Series:
    """One part of a stacked bar: its name (shown in the legend), colour, fill pattern and
    the colour of numbers written on it."""

    name: str
    colour: str
    pattern: Qt.BrushStyle = Qt.BrushStyle.NoBrush
    text_colour: str = "#ffffff"


def _text_alternative(title: str, lines: Sequence[str]) -> str:
    return "\n".join([title, *lines]) if title else "\n".join(lines)


class _HorizontalBars(QWidget):
    """What both charts share: a title, category names down the left, one bar per row."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._title = ""
        self._categories: list[str] = []
        self._empty_text = "Nothing to show."
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setMouseTracking(True)

    # --- what callers and tests use -------------------------------------------------

    def set_title(self, title: str) -> None:
        """The chart's subject, used in its text alternative (the heading is a label)."""
        self._title = title
        self._update_text()

    def set_empty_text(self, text: str) -> None:
        self._empty_text = text
        self._update_text()

    def text_alternative(self) -> str:
        """The chart's values as lines of text ("Police: 12"), for a screen reader."""
        return _text_alternative(self._title, self._value_lines() or [self._empty_text])

    # --- geometry ---------------------------------------------------------------------

    def _row_height(self) -> int:
        return self.fontMetrics().height() + 10

    def _top(self) -> int:
        return MARGIN

    def sizeHint(self) -> QSize:
        rows = max(len(self._categories), 1)
        return QSize(420, self._top() + rows * (self._row_height() + BAR_GAP) + MARGIN)

    def minimumSizeHint(self) -> QSize:
        hint = self.sizeHint()
        return QSize(260, hint.height())

    def hasHeightForWidth(self) -> bool:
        return False

    def _label_width(self) -> int:
        metrics = self.fontMetrics()
        # A few pixels more than the advance, or eliding cuts a name that fits exactly.
        widest = max((metrics.horizontalAdvance(c) + 4 for c in self._categories), default=0)
        return min(widest, int(self.width() * LABEL_SHARE))

    def _bar_area(self) -> tuple[int, int]:
        """Where bars start and how long the longest may be (room left for its total)."""
        left = MARGIN + self._label_width() + LABEL_GAP
        total_room = self.fontMetrics().horizontalAdvance(f"{self._max_total():,}") + LABEL_GAP + MARGIN
        return left, max(self.width() - left - total_room, 10)

    def _row_rect(self, row: int) -> QRect:
        height = self._row_height()
        return QRect(0, self._top() + row * (height + BAR_GAP), self.width(), height)

    # --- painting ---------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        palette = self.palette()
        text_colour = palette.windowText().color()
        if not self._categories or self._max_total() == 0:
            painter.setPen(palette.placeholderText().color())
            painter.drawText(self.rect().adjusted(MARGIN, self._top(), -MARGIN, -MARGIN),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, self._empty_text)
            self._paint_extras(painter)
            painter.end()
            return
        self._paint_extras(painter)
        metrics = self.fontMetrics()
        label_width = self._label_width()
        left, length = self._bar_area()
        scale = length / self._max_total()
        for row, category in enumerate(self._categories):
            rect = self._row_rect(row)
            painter.setPen(text_colour)
            name = metrics.elidedText(category, Qt.TextElideMode.ElideRight, label_width)
            painter.drawText(QRect(MARGIN, rect.top(), label_width, rect.height()),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, name)
            end = self._paint_bar(painter, row, QRect(left, rect.top() + 2, 0, rect.height() - 4), scale)
            painter.setPen(text_colour)
            total = self._row_total(row)
            painter.drawText(QRect(end + LABEL_GAP // 2, rect.top(), self.width() - end, rect.height()),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, f"{total:,}")
        painter.end()

    def _paint_extras(self, painter: QPainter) -> None:
        """Anything drawn above the bars (a legend)."""

    def _segment_label(self, painter: QPainter, rect: QRect, text: str, fill: str, colour: str) -> None:
        """Write ``text`` in the middle of a bar segment when it fits, on a patch of plain
        colour so that a fill pattern does not run through it."""
        metrics = self.fontMetrics()
        width = metrics.horizontalAdvance(text) + 6
        if width > rect.width() - 2:
            return
        patch = QRect(0, 0, width, metrics.height())
        patch.moveCenter(rect.center())
        painter.fillRect(patch, QColor(fill))
        painter.setPen(QColor(colour))
        painter.drawText(patch, Qt.AlignmentFlag.AlignCenter, text)

    def row_at(self, point: QPoint) -> int | None:
        """The row (category) under ``point``, if any."""
        for row in range(len(self._categories)):
            if self._row_rect(row).contains(point):
                return row
        return None

    def _row_tooltip(self, row: int) -> str:
        return self._value_lines()[row]

    def event(self, event) -> bool:
        if event.type() == event.Type.ToolTip:
            text = self._point_tooltip(event.pos())
            if text:
                QToolTip.showText(event.globalPos(), text, self)
                return True
        return super().event(event)

    def _point_tooltip(self, point: QPoint) -> str | None:
        row = self.row_at(point)
        return None if row is None else self._row_tooltip(row)

    def _update_text(self) -> None:
        text = self.text_alternative()
        self.setToolTip(text)
        self.setAccessibleDescription(text)
        self.updateGeometry()
        self.update()

    # --- for subclasses ---------------------------------------------------------------

    def _max_total(self) -> int:
        raise NotImplementedError

    def _row_total(self, row: int) -> int:
        raise NotImplementedError

    def _paint_bar(self, painter: QPainter, row: int, start: QRect, scale: float) -> int:
        """Paint row ``row``'s bar from ``start.left()``; return where it ends."""
        raise NotImplementedError

    def _value_lines(self) -> list[str]:
        raise NotImplementedError


class BarChart(_HorizontalBars):
    """One bar per category, its value written at its end."""

    def __init__(self, parent: QWidget | None = None, *, colour: str = "#3b6ea8"):
        super().__init__(parent)
        self._values: list[int] = []
        self._colour = colour

    def set_data(self, categories: Sequence[str], values: Sequence[int]) -> None:
        """Show ``values[i]`` against ``categories[i]``."""
        if len(categories) != len(values):
            raise ValueError("one value is needed for each category")
        self._categories = list(categories)
        self._values = [int(v) for v in values]
        self._update_text()

    def values(self) -> dict[str, int]:
        """What is shown: category -> value."""
        return dict(zip(self._categories, self._values))

    def _max_total(self) -> int:
        return max(self._values, default=0)

    def _row_total(self, row: int) -> int:
        return self._values[row]

    def _paint_bar(self, painter: QPainter, row: int, start: QRect, scale: float) -> int:
        width = max(round(self._values[row] * scale), 1 if self._values[row] else 0)
        painter.fillRect(QRect(start.left(), start.top(), width, start.height()), QColor(self._colour))
        return start.left() + width

    def _value_lines(self) -> list[str]:
        return [f"{category}: {value:,}" for category, value in zip(self._categories, self._values)]


class StackedBarChart(_HorizontalBars):
    """One bar per category split into series (e.g. RAG ratings), with a legend above.

    Each segment shows its count when it is wide enough; the bar's total follows it, and
    the legend gives each series' total. Hovering over a segment names it.
    """

    def __init__(self, series: Sequence[Series], parent: QWidget | None = None):
        super().__init__(parent)
        self._series = list(series)
        self._values: list[tuple[int, ...]] = []
        self._has_data = False  # until then the legend gives no totals: they are not known

    def set_data(self, categories: Sequence[str], values: Sequence[Sequence[int]]) -> None:
        """``values[i][j]``: category i's count in series j."""
        if len(categories) != len(values) or any(len(v) != len(self._series) for v in values):
            raise ValueError("one row per category and one count per series are needed")
        self._categories = list(categories)
        self._values = [tuple(int(n) for n in row) for row in values]
        self._has_data = True
        self._update_text()

    def values(self) -> dict[str, dict[str, int]]:
        """What is shown: category -> series name -> count."""
        return {category: {s.name: n for s, n in zip(self._series, row)}
                for category, row in zip(self._categories, self._values)}

    def series_totals(self) -> dict[str, int]:
        return {s.name: sum(row[j] for row in self._values) for j, s in enumerate(self._series)}

    # --- legend -----------------------------------------------------------------------

    def _legend_items(self) -> list[tuple[Series, str]]:
        if not self._has_data:
            return [(s, s.name) for s in self._series]
        totals = self.series_totals()
        return [(s, f"{s.name} ({totals[s.name]:,})") for s in self._series]

    def _legend_rects(self) -> list[tuple[QRect, QRect]]:
        """(swatch, text) rectangles of the legend entries, wrapping onto more lines."""
        metrics = self.fontMetrics()
        line_height = metrics.height() + 6
        swatch = metrics.height()
        x, y = MARGIN, MARGIN
        rects = []
        for _series, text in self._legend_items():
            width = swatch + 4 + metrics.horizontalAdvance(text)
            if x > MARGIN and x + width > self.width() - MARGIN:
                x, y = MARGIN, y + line_height
            rects.append((QRect(x, y + 3, swatch, swatch),
                          QRect(x + swatch + 4, y, metrics.horizontalAdvance(text) + 2, line_height)))
            x += width + 16
        return rects

    def _top(self) -> int:
        rects = self._legend_rects()
        bottom = max((text.bottom() for _swatch, text in rects), default=0)
        return bottom + MARGIN + 4

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        # The legend wraps onto fewer or more lines, so the height wanted changes.
        self.updateGeometry()

    def _paint_extras(self, painter: QPainter) -> None:
        text_colour = self.palette().windowText().color()
        for (series, text), (swatch, text_rect) in zip(self._legend_items(), self._legend_rects()):
            self._fill(painter, swatch, series)
            painter.setPen(QPen(text_colour))
            painter.drawRect(swatch.adjusted(0, 0, -1, -1))
            painter.drawText(text_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)

    # --- bars -------------------------------------------------------------------------

    @staticmethod
    def _fill(painter: QPainter, rect: QRect, series: Series) -> None:
        painter.fillRect(rect, QColor(series.colour))
        if series.pattern != Qt.BrushStyle.NoBrush:
            painter.fillRect(rect, QBrush(QColor(series.text_colour), series.pattern))

    def _max_total(self) -> int:
        return max((sum(row) for row in self._values), default=0)

    def _row_total(self, row: int) -> int:
        return sum(self._values[row])

    def _segments(self, row: int, start: QRect, scale: float) -> list[tuple[int, QRect]]:
        """(series index, rectangle) of each non-empty segment of a row's bar."""
        segments = []
        running = 0
        for j, count in enumerate(self._values[row]):
            if not count:
                continue
            # Edges are placed from running totals, so rounding never adds up to a gap.
            left = start.left() + round(running * scale)
            running += count
            right = start.left() + max(round(running * scale), left - start.left() + 1)
            segments.append((j, QRect(left, start.top(), right - left, start.height())))
        return segments

    def _paint_bar(self, painter: QPainter, row: int, start: QRect, scale: float) -> int:
        end = start.left()
        for j, rect in self._segments(row, start, scale):
            series = self._series[j]
            self._fill(painter, rect, series)
            self._segment_label(painter, rect, f"{self._values[row][j]:,}", series.colour,
                                series.text_colour)
            end = rect.right() + 1
        return end

    def _value_lines(self) -> list[str]:
        if not self._has_data or not self._categories:
            return []  # the empty text says why
        lines = []
        for category, row in zip(self._categories, self._values):
            parts = ", ".join(f"{s.name} {n:,}" for s, n in zip(self._series, row) if n)
            lines.append(f"{category}: {sum(row):,} ({parts})" if parts else f"{category}: 0")
        totals = self.series_totals()
        lines.append("Total: " + ", ".join(f"{name} {n:,}" for name, n in totals.items()))
        return lines

    def segment_at(self, point: QPoint) -> tuple[str, str, int] | None:
        """(category, series, count) of the segment under ``point``, if any."""
        if not self._categories or self._max_total() == 0:
            return None
        left, length = self._bar_area()
        scale = length / self._max_total()
        for row, category in enumerate(self._categories):
            rect = self._row_rect(row)
            if not rect.contains(point):
                continue
            start = QRect(left, rect.top() + 2, 0, rect.height() - 4)
            for j, segment in self._segments(row, start, scale):
                if segment.contains(point):
                    return category, self._series[j].name, self._values[row][j]
        return None

    def _point_tooltip(self, point: QPoint) -> str | None:
        found = self.segment_at(point)
        if found is not None:
            category, series, count = found
            return f"{category}: {count:,} {series}"
        return super()._point_tooltip(point)
