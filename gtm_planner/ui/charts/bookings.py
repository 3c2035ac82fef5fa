"""Target vs forecast bookings by quarter: target bars, the forecast a line, the gap hatched."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QWidget

from gtm_planner.model.dashboard_data import QuarterlyBookings
from gtm_planner.model.formatting import money_short
from gtm_planner.ui.charts.axes import CategoryAxis, MoneyAxis
from gtm_planner.ui.charts.base import ChartCard, LabelPool, centred
from gtm_planner.ui.charts.style import (
    FORECAST_COLOR,
    FORECAST_SYMBOL,
    GAP,
    TARGET,
    forecast_pen,
)

TARGET_WIDTH = 0.62
GAP_WIDTH = 0.26
LABEL_HEADROOM = 1.3  # two lines of gap label above the tallest bar
LABEL_GAP_PX = 6


def gap_text(gap: float, currency: str) -> str:
    """ "short / $307.0K" when the forecast misses the target, "ahead / …" when it beats it."""
    if abs(gap) < 0.5:
        return "on\ntarget"
    word = "short" if gap > 0 else "ahead"
    return f"{word}\n{money_short(abs(gap), currency)}"


class TargetForecastChart(ChartCard):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            "Target vs forecast bookings by quarter",
            MoneyAxis("left"),
            CategoryAxis("bottom"),
            parent=parent,
        )
        self.target_bars = self.add_bars(TARGET, "Bookings target (bars)")
        self.gap_bars = self.add_bars(GAP, "Gap to target (hatched)")
        self.forecast_line = pg.PlotDataItem(
            x=np.zeros(0),
            y=np.zeros(0),
            pen=forecast_pen(),
            symbol=FORECAST_SYMBOL,
            symbolSize=11,
            symbolBrush=FORECAST_COLOR,
            symbolPen=pg.mkPen("#ffffff", width=1.5),
            antialias=True,
        )
        self.plot.addItem(self.forecast_line)
        self.legend.add_line("Forecast bookings (line)", FORECAST_COLOR)
        self.gap_labels = LabelPool(self.plot, anchor=(0.5, 1.0))
        self.grid_lines()
        self.apply_fonts()

    def fonts_changed(self, tick_font: QFont) -> None:
        if hasattr(self, "gap_labels"):
            bold = QFont(tick_font)
            bold.setBold(True)
            self.gap_labels.set_font(bold)

    def show_data(self, data: QuarterlyBookings, currency: str) -> None:
        count = len(data.labels)
        x = centred(count)
        axis = self.plot.getAxis("left")
        assert isinstance(axis, MoneyAxis)
        axis.set_currency(currency)
        bottom = self.plot.getAxis("bottom")
        assert isinstance(bottom, CategoryAxis)
        bottom.set_categories(data.labels)
        self.target_bars.setOpts(x=x, height=data.target, width=TARGET_WIDTH)
        low = np.minimum(data.target, data.forecast)
        self.gap_bars.setOpts(x=x, y0=low, height=np.abs(data.gap), width=GAP_WIDTH)
        self.forecast_line.setData(x=x, y=data.forecast)
        top = np.maximum(data.target, data.forecast)
        self.gap_labels.show([gap_text(float(g), currency) for g in data.gap], x, top)
        self.show_categories(count)
        self.show_values_up_to(float(top.max()) if count else 0.0, headroom=LABEL_HEADROOM)
        self.fit_labels()

    def fit_labels(self) -> None:
        """Gap labels only when each fits above its own quarter (the hatching still shows)."""
        if hasattr(self, "gap_labels"):  # not while the card is being built
            self.gap_labels.show_if_room(self.pixels_per_unit() - LABEL_GAP_PX)
