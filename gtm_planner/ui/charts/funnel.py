"""The reverse waterfall as horizontal bars: inquiries at the top, won deals at the bottom.

Counts run from tens to hundreds of thousands, so the bars are on a log scale (a won-deal bar
is visible next to the inquiries) and each bar carries its exact value.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QWidget

from gtm_planner.model.dashboard_data import Funnel
from gtm_planner.model.formatting import count
from gtm_planner.ui.charts.axes import CategoryAxis, LogCountAxis
from gtm_planner.ui.charts.base import ChartCard, FloatArray, LabelPool
from gtm_planner.ui.charts.style import ALL_SOURCES, MARKETING_SOURCE

BAR_HEIGHT = 0.4
LABEL_ROOM = 0.3  # in powers of ten, right of the longest bar, at the least
LABEL_PAD_PX = 12


def log_length(values: FloatArray) -> FloatArray:
    """Bar length on the log axis: log10 of the count; under one is no bar."""
    return np.asarray(np.log10(np.maximum(values, 1.0)))


class FunnelChart(ChartCard):
    plot_height_in_lines = 14  # ten bars, each as tall as its value label

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            "What the target needs: inquiries → won",
            CategoryAxis("left"),
            LogCountAxis("bottom"),
            note="Log scale. Each stage is counted in the month it happens: leads when they come "
            "in, opportunities when created, deals when won.",
            parent=parent,
        )
        self.marketing_bars = self.add_bars(MARKETING_SOURCE, "Marketing-sourced")
        self.all_sources_bars = self.add_bars(ALL_SOURCES, "All sources")
        self.value_labels = LabelPool(self.plot, anchor=(0.0, 0.5))
        self.grid_lines(x=True, y=False)
        self.apply_fonts()

    def fonts_changed(self, tick_font: QFont) -> None:
        if hasattr(self, "value_labels"):
            self.value_labels.set_font(tick_font)

    def show_data(self, data: Funnel) -> None:
        stages = len(data.stages)
        row = np.arange(stages, dtype=np.float64)[::-1]  # the first stage on top
        left = self.plot.getAxis("left")
        assert isinstance(left, CategoryAxis)
        left.set_categories(data.stages[::-1])
        self.fit_axes()
        upper, lower = row + BAR_HEIGHT / 2, row - BAR_HEIGHT / 2
        marketing, every = log_length(data.marketing), log_length(data.all_sources)
        self.marketing_bars.setOpts(x0=0.0, width=marketing, y=upper, height=BAR_HEIGHT)
        self.all_sources_bars.setOpts(x0=0.0, width=every, y=lower, height=BAR_HEIGHT)
        texts = [count(float(v)) for v in (*data.marketing, *data.all_sources)]
        self.value_labels.show(
            texts, np.concatenate([marketing, every]) + 0.02, np.concatenate([upper, lower])
        )
        self._lengths = np.concatenate([marketing, every])
        self.plot.setYRange(-0.6, stages - 0.4, padding=0.0)
        self.fit_labels()

    def fit_labels(self) -> None:
        """Stretch the axis so the value right of every bar ends inside the plot."""
        lengths = getattr(self, "_lengths", np.zeros(0))
        longest = float(lengths.max(initial=0.0))
        right = max(longest + LABEL_ROOM, 1.0)
        plot_width = float(self.plot.vb.width())
        for length, label in zip(lengths, self.value_labels.widths(), strict=False):
            room = plot_width - label - LABEL_PAD_PX
            if room > 0:
                right = max(right, float(length) * plot_width / room)
        self.plot.setXRange(0.0, right, padding=0.0)
