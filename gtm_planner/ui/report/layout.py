"""Pagination: a report's blocks become pages of placed pieces, the same for every device.

A heading stays with what follows it; a table is cut between rows and repeats its header row;
a chart row, a paragraph and the sign-off move whole to the next page when they do not fit.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Protocol

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainter

from gtm_planner.model.exchange.report_data import (
    ChartRow,
    Facts,
    Heading,
    PageBreak,
    Paragraph,
    ReportData,
    SignOff,
    Table,
)
from gtm_planner.ui.report.charts import CHART_HEIGHT, draw_chart
from gtm_planner.ui.report.style import (
    BODY,
    BOTTOM,
    FACT_LABEL,
    GAP,
    HEADING,
    INK,
    MARGIN,
    SUBTITLE,
    TITLE,
    TOP,
    WRAP,
    Fonts,
    Paper,
    TextStyle,
    metrics,
    pen,
    text_height,
)
from gtm_planner.ui.report.tables import TableChunk, measure_table, split_table

FACT_LABEL_WIDTH = 80.0
CHART_SPACING = 16.0
SIGN_OFF_FIELDS = ("Name", "Signature", "Date")


class Piece(Protocol):
    @property
    def height(self) -> float: ...

    def draw(self, painter: QPainter, fonts: Fonts, x: float, y: float, width: float) -> None: ...


@dataclass(frozen=True)
class TextPiece:
    text: str
    style: TextStyle
    height: float
    rule: bool = False  # a thin line under a section heading

    def draw(self, painter: QPainter, fonts: Fonts, x: float, y: float, width: float) -> None:
        painter.setFont(fonts.font(self.style))
        painter.setPen(INK)
        painter.drawText(QRectF(x, y, width, self.height), int(WRAP), self.text)
        if self.rule:
            bottom = y + self.height - 1.5
            painter.setPen(pen(INK, 0.6))
            painter.drawLine(QPointF(x, bottom), QPointF(x + width, bottom))


@dataclass(frozen=True)
class FactsPiece:
    pairs: tuple[tuple[str, str], ...]
    row_heights: tuple[float, ...]

    @property
    def height(self) -> float:
        return sum(self.row_heights)

    def draw(self, painter: QPainter, fonts: Fonts, x: float, y: float, width: float) -> None:
        painter.setPen(INK)
        for (label, value), h in zip(self.pairs, self.row_heights, strict=True):
            painter.setFont(fonts.font(FACT_LABEL))
            painter.drawText(QRectF(x, y, FACT_LABEL_WIDTH, h), int(WRAP), label)
            painter.setFont(fonts.font(BODY))
            painter.drawText(
                QRectF(x + FACT_LABEL_WIDTH, y, width - FACT_LABEL_WIDTH, h), int(WRAP), value
            )
            y += h


@dataclass(frozen=True)
class ChartPiece:
    row: ChartRow
    height: float = CHART_HEIGHT

    def draw(self, painter: QPainter, fonts: Fonts, x: float, y: float, width: float) -> None:
        n = len(self.row.charts)
        each = (width - CHART_SPACING * (n - 1)) / n
        for i, chart in enumerate(self.row.charts):
            left = x + i * (each + CHART_SPACING)
            draw_chart(painter, fonts, chart, QRectF(left, y, each, self.height))


@dataclass(frozen=True)
class SignOffPiece:
    roles: tuple[str, ...]

    @property
    def height(self) -> float:
        return metrics(FACT_LABEL).height() + len(SIGN_OFF_FIELDS) * 30.0 + 6

    def draw(self, painter: QPainter, fonts: Fonts, x: float, y: float, width: float) -> None:
        n = len(self.roles)
        each = (width - 30.0 * (n - 1)) / n
        label_height = metrics(FACT_LABEL).height()
        for i, role in enumerate(self.roles):
            left = x + i * (each + 30.0)
            painter.setPen(INK)
            painter.setFont(fonts.font(FACT_LABEL))
            painter.drawText(QRectF(left, y, each, label_height), 0, role)
            painter.setFont(fonts.font(BODY))
            for k, field in enumerate(SIGN_OFF_FIELDS):
                base = y + label_height + (k + 1) * 30.0
                painter.setPen(INK)
                painter.drawText(QPointF(left, base - 2), field)
                painter.setPen(pen(INK, 0.6))
                painter.drawLine(QPointF(left + 55, base), QPointF(left + each, base))


@dataclass(frozen=True)
class Page:
    pieces: tuple[tuple[float, Piece], ...]  # (top, piece)


@dataclass(frozen=True)
class Layout:
    report: ReportData
    paper: Paper
    pages: tuple[Page, ...]

    @property
    def content_width(self) -> float:
        return self.paper.size[0] - 2 * MARGIN


def _text(text: str, style: TextStyle, width: float, rule: bool = False) -> TextPiece:
    extra = 5.0 if rule else 0.0
    return TextPiece(text, style, text_height(style, text, width) + extra, rule)


def _facts(facts: Facts, width: float) -> FactsPiece:
    heights = tuple(
        max(text_height(BODY, value, width - FACT_LABEL_WIDTH), text_height(FACT_LABEL, label,
            FACT_LABEL_WIDTH)) + 2.0
        for label, value in facts.pairs
    )  # fmt: skip
    return FactsPiece(facts.pairs, heights)


class _Paginator:
    def __init__(self, paper: Paper) -> None:
        self.width = paper.size[0] - 2 * MARGIN
        self.bottom = paper.size[1] - BOTTOM
        self.pages: list[list[tuple[float, Piece]]] = [[]]
        self.y = TOP

    @property
    def room(self) -> float:
        return self.bottom - self.y

    def new_page(self) -> None:
        if self.pages[-1]:
            self.pages.append([])
        self.y = TOP

    def place(self, piece: Piece) -> None:
        if piece.height > self.room and self.pages[-1]:
            self.new_page()
        self.pages[-1].append((self.y, piece))
        self.y += piece.height + GAP

    def place_table(self, table: Table) -> None:
        measured = measure_table(table, self.width)
        first = 0
        while first < len(table.rows):
            fitted = split_table(measured, first, self.room)
            if fitted == 0:
                if not self.pages[-1]:  # a single row taller than a page: print it anyway
                    fitted = 1
                else:
                    self.new_page()
                    continue
            self.place(TableChunk(measured, first, first + fitted))
            first += fitted
            if first < len(table.rows):
                self.new_page()


def _first_height(block: object, width: float) -> float:
    """The least room a block needs on a page (a table: its header and first row)."""
    if isinstance(block, Table):
        if not block.rows:
            return 0.0
        measured = measure_table(replace(block, rows=block.rows[:1]), width)
        return measured.header_height + measured.row_heights[0]
    if isinstance(block, ChartRow):
        return CHART_HEIGHT
    if isinstance(block, Paragraph):
        return text_height(BODY, block.text, width)
    if isinstance(block, SignOff):
        return SignOffPiece(block.roles).height
    return 0.0


def layout_report(report: ReportData, paper: Paper) -> Layout:
    """Every page of ``report`` on ``paper``: which piece goes where."""
    p = _Paginator(paper)
    p.place(_text(report.title, TITLE, p.width))
    p.place(_text(report.subtitle, SUBTITLE, p.width))
    blocks = report.blocks
    for i, block in enumerate(blocks):
        if isinstance(block, PageBreak):
            p.new_page()
        elif isinstance(block, Heading):
            piece = _text(block.text, HEADING, p.width, rule=True)
            following = blocks[i + 1] if i + 1 < len(blocks) else None
            after = _first_height(following, p.width) if following is not None else 0.0
            if isinstance(following, Paragraph) and i + 2 < len(blocks):
                after += GAP + _first_height(blocks[i + 2], p.width)
            if piece.height + GAP + after > p.room:
                p.new_page()
            p.place(piece)
        elif isinstance(block, Paragraph):
            p.place(_text(block.text, BODY, p.width))
        elif isinstance(block, Facts):
            p.place(_facts(block, p.width))
        elif isinstance(block, Table):
            p.place_table(block)
        elif isinstance(block, ChartRow):
            p.place(ChartPiece(block))
        else:
            p.place(SignOffPiece(block.roles))
    pages = tuple(Page(tuple(page)) for page in p.pages if page)
    return Layout(report, paper, pages)


def paint_page(painter: QPainter, layout: Layout, index: int) -> None:
    """Draw page ``index`` (0-based); the painter's units must be points from the page corner."""
    fonts = Fonts.for_device(painter.device())
    width, height = layout.paper.size
    painter.fillRect(QRectF(0, 0, width, height), Qt.GlobalColor.white)
    for top, piece in layout.pages[index].pieces:
        piece.draw(painter, fonts, MARGIN, top, layout.content_width)
    _furniture(painter, fonts, layout, index)


def _furniture(painter: QPainter, fonts: Fonts, layout: Layout, index: int) -> None:
    """The running header (from page 2) and the footer with the page number (every page)."""
    from gtm_planner.ui.report.style import FURNITURE

    width, height = layout.paper.size
    right = width - MARGIN
    line = metrics(FURNITURE).height()
    painter.setFont(fonts.font(FURNITURE))
    painter.setPen(pen(INK, 0.4))
    if index > 0:
        top = TOP - 12 - line
        text = f"{layout.report.subtitle} — {layout.report.title}"
        painter.setPen(INK)
        elided = metrics(FURNITURE).elidedText(text, Qt.TextElideMode.ElideRight, right - MARGIN)
        painter.drawText(QRectF(MARGIN, top, right - MARGIN, line), 0, elided)
        painter.setPen(pen(INK, 0.4))
        painter.drawLine(QPointF(MARGIN, top + line + 2), QPointF(right, top + line + 2))
    footer_top = height - BOTTOM + 16
    painter.drawLine(QPointF(MARGIN, footer_top), QPointF(right, footer_top))
    painter.setPen(INK)
    box = QRectF(MARGIN, footer_top + 3, right - MARGIN, line)
    page_text = f"Page {index + 1} of {len(layout.pages)}"
    room = right - MARGIN - metrics(FURNITURE).horizontalAdvance(page_text) - 12
    footer = metrics(FURNITURE).elidedText(
        layout.report.footer, Qt.TextElideMode.ElideMiddle, room
    )
    painter.drawText(box, int(Qt.AlignmentFlag.AlignLeft), footer)
    painter.drawText(box, int(Qt.AlignmentFlag.AlignRight), page_text)
