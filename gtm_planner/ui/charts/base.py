"""The frame every Dashboard chart shares: a title, a legend, a white pyqtgraph plot.

Plot items are created once, when a chart is built; a refresh only calls ``setOpts`` /
``setData`` on them (STYLE.md: never rebuild a plot per edit). Fonts follow the window's text
size: when the style sheet changes the font, the axes, labels and plot height follow.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QVBoxLayout, QWidget

from gtm_planner.ui.charts.axes import CategoryAxis, MoneyAxis
from gtm_planner.ui.charts.legend import ChartLegend
from gtm_planner.ui.charts.style import (
    AXIS_INK,
    CHART_BACKGROUND,
    GRID_ALPHA,
    SeriesStyle,
)
from gtm_planner.ui.theme import INK

FloatArray = npt.NDArray[np.float64]

TICK_FONT_SCALE = 0.92
PLOT_HEIGHT_IN_LINES = 12  # the plot area, in lines of tick text
HEADROOM = 1.18  # room above the tallest bar for its value label


class PatternBars(pg.BarGraphItem):  # type: ignore[misc]
    """Bars in one series style: a light tint under the hatch so the bar reads as a shape."""

    def __init__(self, style: SeriesStyle, **opts: Any) -> None:
        super().__init__(brush=style.brush(), pen=style.pen(), **opts)
        self.series_style = style
        self._tint = style.tint()

    def paint(self, painter: QPainter, *args: Any) -> None:
        if self.series_style.hatched:
            painter.fillPath(self.shape(), self._tint)
        super().paint(painter, *args)


class LabelPool:
    """Value labels on a plot: reused, shown and hidden; new ones only when more are needed."""

    def __init__(self, plot: pg.PlotItem, anchor: tuple[float, float]) -> None:
        self._plot = plot
        self._anchor = anchor
        self._font = QFont()
        self.items: list[pg.TextItem] = []
        self._shown = 0

    def set_font(self, font: QFont) -> None:
        self._font = QFont(font)
        for item in self.items:
            item.setFont(self._font)

    def show(self, texts: list[str], xs: FloatArray, ys: FloatArray) -> None:
        while len(self.items) < len(texts):
            item = pg.TextItem(color=INK, anchor=self._anchor)
            item.setFont(self._font)
            self._plot.addItem(item, ignoreBounds=True)
            self.items.append(item)
        for item, text, x, y in zip(self.items, texts, xs, ys, strict=False):
            item.setText(text)
            item.setPos(float(x), float(y))
            item.setVisible(True)
        for item in self.items[len(texts) :]:
            item.setVisible(False)
        self._shown = len(texts)

    def widths(self) -> list[float]:
        """The on-screen width of each label now in use, in pixels."""
        return [float(item.boundingRect().width()) for item in self.items[: self._shown]]

    def show_if_room(self, room: float) -> None:
        """All the labels in use if each fits in ``room`` pixels, else none: never a pile-up."""
        fits = all(width <= room for width in self.widths())
        for item in self.items[: self._shown]:
            item.setVisible(fits)

    def visible_texts(self) -> list[str]:
        return [item.toPlainText() for item in self.items if item.isVisible()]


class ChartCard(QFrame):
    """Title, legend and a non-interactive white plot with our own axes."""

    plot_height_in_lines = PLOT_HEIGHT_IN_LINES

    def __init__(
        self,
        title: str,
        left: pg.AxisItem,
        bottom: pg.AxisItem,
        note: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("chartCard")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.title = QLabel(title, self)
        self.title.setObjectName("chartTitle")
        self.title.setWordWrap(True)
        self.legend = ChartLegend(self)
        self.plot_widget = pg.PlotWidget(
            self, background=CHART_BACKGROUND, axisItems={"left": left, "bottom": bottom}
        )
        self.plot_widget.setFrameShape(QFrame.Shape.NoFrame)
        self.plot_widget.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.plot: pg.PlotItem = self.plot_widget.getPlotItem()
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.plot.vb.setDefaultPadding(0.0)
        self.plot.vb.sigResized.connect(self._on_view_resized)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 8)
        layout.setSpacing(6)
        layout.addWidget(self.title)
        layout.addWidget(self.legend)
        layout.addWidget(self.plot_widget, 1)
        self.note = QLabel(note, self)
        self.note.setObjectName("footnote")
        self.note.setWordWrap(True)
        self.note.setVisible(bool(note))
        layout.addWidget(self.note)
        for axis in (left, bottom):
            axis.setPen(AXIS_INK)
            axis.setTextPen(AXIS_INK)
        self.apply_fonts()

    # --- fonts --------------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self.apply_fonts()

    def tick_font(self) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(max(7.0, self.font().pointSizeF() * TICK_FONT_SCALE))
        return font

    def apply_fonts(self) -> None:
        """Size tick text, axis room and plot height from the card's (style sheet) font."""
        font = self.tick_font()
        metrics = QFontMetrics(font)
        for name in ("left", "bottom"):
            self.plot.getAxis(name).setTickFont(font)
        self.fit_axes()
        self.plot_widget.setMinimumHeight(metrics.height() * self.plot_height_in_lines)
        self.fonts_changed(font)

    def fit_axes(self) -> None:
        """Reserve exactly the room the tick labels need, so none is ever cut off."""
        metrics = QFontMetrics(self.tick_font())
        left = self.plot.getAxis("left")
        if isinstance(left, MoneyAxis):
            left.setWidth(metrics.horizontalAdvance(left.widest_label()) + 18)
        elif isinstance(left, CategoryAxis):
            widest = max((metrics.horizontalAdvance(c) for c in left.categories), default=40)
            left.setWidth(widest + 18)
        bottom = self.plot.getAxis("bottom")
        lines = 2 if isinstance(bottom, CategoryAxis) else 1  # long names wrap onto two
        bottom.setHeight(metrics.height() * lines + 14)

    def fonts_changed(self, tick_font: QFont) -> None:
        """For subclasses: value labels follow the tick font."""

    def _on_view_resized(self, _view: object) -> None:
        self.fit_labels()

    def fit_labels(self) -> None:
        """For subclasses: show, hide or make room for value labels at the plot's pixel size."""

    def pixels_per_unit(self) -> float:
        """Horizontal pixels per data unit of the plot area as it is laid out now."""
        low, high = (float(v) for v in self.plot.vb.viewRange()[0])
        return float(self.plot.vb.width()) / max(high - low, 1e-9)

    # --- helpers for subclasses ---------------------------------------------------------------

    def add_bars(self, style: SeriesStyle, legend: str = "") -> PatternBars:
        bars = PatternBars(style, x=np.zeros(0), height=np.zeros(0), width=0.5)
        self.plot.addItem(bars)
        if legend:
            self.legend.add_bars(legend, style)
        return bars

    def show_categories(self, count: int) -> None:
        """Categories 0…count-1 along x, half a bar's room either side."""
        self.plot.setXRange(-0.6, max(count, 1) - 0.4, padding=0.0)

    def show_values_up_to(self, highest: float, headroom: float = HEADROOM) -> None:
        top = highest * headroom if np.isfinite(highest) and highest > 0 else 1.0
        self.plot.setYRange(0.0, top, padding=0.0)

    def grid_lines(self, *, x: bool = False, y: bool = True) -> None:
        self.plot.showGrid(x=x, y=y, alpha=GRID_ALPHA)
        self.plot.getAxis("left").setZValue(-1)


def centred(count: int, offset: float = 0.0) -> FloatArray:
    return np.arange(count, dtype=np.float64) + offset
