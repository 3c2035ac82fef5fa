"""Tables on paper: measured once, cut between rows (never inside one), header on every page."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainter

from gtm_planner.model.exchange.report_data import Align, Table
from gtm_planner.ui.report.style import (
    CELL,
    CELL_BOLD,
    GREY_LIGHT,
    HEADER_CELL,
    INK,
    WRAP,
    ZEBRA,
    Fonts,
    TextStyle,
    pen,
    text_height,
)

PAD_X = 3.0
PAD_Y = 2.2


@dataclass(frozen=True)
class MeasuredTable:
    table: Table
    column_widths: tuple[float, ...]
    header_height: float
    row_heights: tuple[float, ...]


def _row_height(cells: tuple[str, ...], widths: tuple[float, ...], style: TextStyle) -> float:
    return 2 * PAD_Y + max(
        text_height(style, text, width - 2 * PAD_X)
        for text, width in zip(cells, widths, strict=True)
    )


def measure_table(table: Table, width: float) -> MeasuredTable:
    total = sum(table.widths)
    widths = tuple(width * w / total for w in table.widths)
    rows = tuple(
        _row_height(row, widths, CELL_BOLD if i in table.emphasis else CELL)
        for i, row in enumerate(table.rows)
    )
    return MeasuredTable(table, widths, _row_height(table.header, widths, HEADER_CELL), rows)


@dataclass(frozen=True)
class TableChunk:
    """Rows ``first`` to ``stop`` (exclusive) of a table, with its header row on top."""

    measured: MeasuredTable
    first: int
    stop: int

    @property
    def height(self) -> float:
        return self.measured.header_height + sum(self.measured.row_heights[self.first : self.stop])

    def draw(self, painter: QPainter, fonts: Fonts, x: float, y: float, width: float) -> None:
        m = self.measured
        align = m.table.align
        painter.fillRect(QRectF(x, y, width, m.header_height), GREY_LIGHT)
        _cells(painter, fonts, HEADER_CELL, m.table.header, m.column_widths, align, x, y,
               m.header_height)  # fmt: skip
        top = y + m.header_height
        painter.setPen(pen(INK, 0.8))
        painter.drawLine(QPointF(x, top), QPointF(x + width, top))
        for i in range(self.first, self.stop):
            height = m.row_heights[i]
            emphasised = i in m.table.emphasis
            if (i - self.first) % 2 == 1 and not emphasised:
                painter.fillRect(QRectF(x, top, width, height), ZEBRA)
            if emphasised:
                painter.setPen(pen(INK, 0.5))
                painter.drawLine(QPointF(x, top), QPointF(x + width, top))
            style = CELL_BOLD if emphasised else CELL
            _cells(painter, fonts, style, m.table.rows[i], m.column_widths, align, x, top, height)
            top += height
        painter.setPen(pen(INK, 0.8))
        painter.drawLine(QPointF(x, top), QPointF(x + width, top))


def _cells(
    painter: QPainter,
    fonts: Fonts,
    style: TextStyle,
    cells: tuple[str, ...],
    widths: tuple[float, ...],
    align: tuple[Align, ...],
    x: float,
    y: float,
    height: float,
) -> None:
    painter.setFont(fonts.font(style))
    painter.setPen(INK)
    left = x
    for text, width, a in zip(cells, widths, align, strict=True):
        horizontal = (
            Qt.AlignmentFlag.AlignRight if a is Align.RIGHT else Qt.AlignmentFlag.AlignLeft
        )
        rect = QRectF(left + PAD_X, y + PAD_Y, width - 2 * PAD_X, height - 2 * PAD_Y)
        painter.drawText(rect, int(horizontal | Qt.AlignmentFlag.AlignTop) | int(WRAP), text)
        left += width


def split_table(measured: MeasuredTable, first: int, room: float) -> int:
    """How many rows from ``first`` fit in ``room`` points under the header (0 if none)."""
    used = measured.header_height
    fitted = 0
    for height in measured.row_heights[first:]:
        if used + height > room + 1e-6:
            break
        used += height
        fitted += 1
    return fitted
