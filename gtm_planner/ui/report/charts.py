"""Charts as vectors: bars told apart by fill pattern, lines by dash and marker, never by colour.

Hatching is drawn as clipped lines rather than Qt's pixel pattern brushes, so it prints at the
same spacing on every device.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainter, QPainterPath, QPolygonF

from gtm_planner.model.exchange.report_data import Chart, ChartSeries, SeriesKind
from gtm_planner.model.formatting import money_short
from gtm_planner.ui.report.style import (
    CHART_TEXT,
    CHART_TITLE,
    GREY_DARK,
    GREY_LIGHT,
    GREY_MID,
    INK,
    Fonts,
    metrics,
    pen,
    text_width,
)

CHART_HEIGHT = 190.0
AXIS_WIDTH = 40.0
DASHES = (Qt.PenStyle.SolidLine, Qt.PenStyle.DashLine, Qt.PenStyle.DotLine)


def nice_ticks(top: float, count: int = 5) -> list[float]:
    """0 and round steps (1, 2, 2.5, 5 × 10^k) up to at least ``top``."""
    if not math.isfinite(top) or top <= 0:
        return [0.0, 1.0]
    raw = top / (count - 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    ticks = [0.0]
    while ticks[-1] < top - 1e-9:
        ticks.append(ticks[-1] + step)
    return ticks


def fill_bar(painter: QPainter, rect: QRectF, style: int) -> None:
    """Style 0 solid dark; 1 white with diagonal hatch; 2 light grey with cross-hatch."""
    if rect.height() <= 0 or rect.width() <= 0:
        return
    if style % 3 == 0:
        painter.fillRect(rect, GREY_DARK)
    else:
        painter.fillRect(rect, Qt.GlobalColor.white if style % 3 == 1 else GREY_LIGHT)
        painter.save()
        painter.setClipRect(rect, Qt.ClipOperation.IntersectClip)
        painter.setPen(pen(INK, 0.45))
        spacing = 3.2
        span = rect.width() + rect.height()
        steps = int(span / spacing) + 2
        for i in range(steps):
            offset = i * spacing
            painter.drawLine(
                QPointF(rect.left() + offset, rect.bottom()),
                QPointF(rect.left() + offset - rect.height(), rect.top()),
            )
            if style % 3 == 2:
                painter.drawLine(
                    QPointF(rect.left() + offset - rect.height(), rect.bottom()),
                    QPointF(rect.left() + offset, rect.top()),
                )
        painter.restore()
    painter.setPen(pen(INK, 0.5))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRect(rect)


def draw_marker(painter: QPainter, center: QPointF, style: int, size: float = 2.6) -> None:
    painter.setPen(pen(INK, 0.8))
    if style % 3 == 0:
        painter.setBrush(INK)
        painter.drawEllipse(center, size, size)
    elif style % 3 == 1:
        painter.setBrush(Qt.GlobalColor.white)
        painter.drawRect(QRectF(center.x() - size, center.y() - size, 2 * size, 2 * size))
    else:
        painter.setBrush(Qt.GlobalColor.white)
        painter.drawPolygon(QPolygonF([
            QPointF(center.x(), center.y() - size * 1.2),
            QPointF(center.x() + size * 1.1, center.y() + size * 0.8),
            QPointF(center.x() - size * 1.1, center.y() + size * 0.8),
        ]))  # fmt: skip
    painter.setBrush(Qt.BrushStyle.NoBrush)


def _legend_height(chart: Chart, width: float) -> float:
    line = metrics(CHART_TEXT).height() + 3
    x, rows = 0.0, 1
    for series in chart.series:
        item = 16 + text_width(CHART_TEXT, series.name) + 10
        if x + item > width and x > 0:
            rows, x = rows + 1, 0.0
        x += item
    return rows * line


def draw_chart(painter: QPainter, fonts: Fonts, chart: Chart, rect: QRectF) -> None:
    painter.save()
    painter.setPen(INK)
    painter.setFont(fonts.font(CHART_TITLE))
    title_height = metrics(CHART_TITLE).height() + 4
    painter.drawText(
        QRectF(rect.left(), rect.top(), rect.width(), title_height),
        int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop), chart.title,
    )  # fmt: skip
    legend_height = _legend_height(chart, rect.width())
    label_height = 2 * metrics(CHART_TEXT).height() + 4
    plot = QRectF(
        rect.left() + AXIS_WIDTH, rect.top() + title_height + 4,
        rect.width() - AXIS_WIDTH - 4,
        rect.height() - title_height - 4 - label_height - legend_height - 4,
    )  # fmt: skip
    bars = [s for s in chart.series if s.kind is SeriesKind.BAR]
    lines = [s for s in chart.series if s.kind is SeriesKind.LINE]
    n = len(chart.categories)
    if chart.stacked:
        tops = [sum(max(s.values[k], 0.0) for s in bars) for k in range(n)]
    else:
        tops = [max((s.values[k] for s in bars), default=0.0) for k in range(n)]
    top = max([*tops, *(v for s in lines for v in s.values if math.isfinite(v)), 0.0])
    ticks = nice_ticks(top)
    scale = plot.height() / ticks[-1]

    def y_of(value: float) -> float:
        return plot.bottom() - max(value, 0.0) * scale

    painter.setFont(fonts.font(CHART_TEXT))
    text_h = metrics(CHART_TEXT).height()
    for tick in ticks:
        y = y_of(tick)
        painter.setPen(pen(GREY_MID, 0.35, Qt.PenStyle.DotLine if tick else Qt.PenStyle.SolidLine))
        painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        painter.setPen(INK)
        painter.drawText(
            QRectF(rect.left(), y - text_h / 2, AXIS_WIDTH - 4, text_h),
            int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
            money_short(tick, chart.currency),
        )  # fmt: skip
    slot = plot.width() / max(n, 1)
    _draw_bars(painter, bars, plot, slot, y_of, chart.stacked)
    _draw_lines(painter, lines, plot, slot, y_of)
    painter.setPen(pen(INK, 0.8))
    painter.drawLine(QPointF(plot.left(), plot.bottom()), QPointF(plot.right(), plot.bottom()))
    _draw_category_labels(painter, chart.categories, plot, slot, text_h)
    _draw_legend(painter, chart, QRectF(rect.left() + AXIS_WIDTH, rect.bottom() - legend_height,
                                        rect.width() - AXIS_WIDTH, legend_height))  # fmt: skip
    painter.restore()


def _draw_bars(painter: QPainter, bars: list[ChartSeries], plot: QRectF, slot: float,
               y_of: Callable[[float], float], stacked: bool) -> None:  # fmt: skip
    if not bars:
        return
    group = min(slot * 0.72, 30.0 * len(bars))
    width = group if stacked else group / len(bars)
    for k in range(len(bars[0].values)):
        left = plot.left() + k * slot + (slot - group) / 2
        base = 0.0
        for i, series in enumerate(bars):
            value = max(series.values[k], 0.0) if math.isfinite(series.values[k]) else 0.0
            if stacked:
                rect = QRectF(left, y_of(base + value), width, y_of(base) - y_of(base + value))
                base += value
            else:
                rect = QRectF(left + i * width, y_of(value), width, plot.bottom() - y_of(value))
            fill_bar(painter, rect, series.style)


def _draw_lines(painter: QPainter, lines: list[ChartSeries], plot: QRectF, slot: float,
                y_of: Callable[[float], float]) -> None:  # fmt: skip
    for series in lines:
        points = [
            QPointF(plot.left() + (k + 0.5) * slot, y_of(v))
            for k, v in enumerate(series.values)
            if math.isfinite(v)
        ]
        path = QPainterPath()
        for i, point in enumerate(points):
            path.moveTo(point) if i == 0 else path.lineTo(point)
        painter.setPen(pen(INK, 1.4, DASHES[series.style % 3]))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)
        for point in points:
            draw_marker(painter, point, series.style)


def _draw_category_labels(painter: QPainter, categories: tuple[str, ...], plot: QRectF,
                          slot: float, text_h: float) -> None:  # fmt: skip
    """Quarter labels as two lines ("Q1" over "FY27"), the year only where it changes."""
    painter.setPen(INK)
    widest = max((text_width(CHART_TEXT, c.split(" ")[-1]) for c in categories), default=0.0)
    every = max(1, math.ceil((widest + 4) / max(slot, 1e-6)))
    previous_year = ""
    for k, label in enumerate(categories):
        year, _, part = label.rpartition(" ")
        centre = plot.left() + (k + 0.5) * slot
        box = QRectF(centre - slot * every / 2, plot.bottom() + 2, slot * every, text_h)
        if k % every == 0:
            painter.drawText(box, int(Qt.AlignmentFlag.AlignCenter), part or label)
        if year and year != previous_year:
            year_box = QRectF(centre - 20, plot.bottom() + 2 + text_h, 40, text_h)
            painter.drawText(year_box, int(Qt.AlignmentFlag.AlignCenter), year)
            previous_year = year


def _draw_legend(painter: QPainter, chart: Chart, rect: QRectF) -> None:
    line = metrics(CHART_TEXT).height() + 3
    x, y = rect.left(), rect.top()
    for series in chart.series:
        item = 16 + text_width(CHART_TEXT, series.name) + 10
        if x + item > rect.right() and x > rect.left():
            x, y = rect.left(), y + line
        middle = y + line / 2
        if series.kind is SeriesKind.BAR:
            fill_bar(painter, QRectF(x, middle - 3.5, 12, 7), series.style)
        else:
            painter.setPen(pen(INK, 1.4, DASHES[series.style % 3]))
            painter.drawLine(QPointF(x, middle), QPointF(x + 12, middle))
            draw_marker(painter, QPointF(x + 6, middle), series.style, 2.0)
        painter.setPen(INK)
        painter.drawText(
            QRectF(x + 15, y, item - 15, line),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), series.name,
        )  # fmt: skip
        x += item
