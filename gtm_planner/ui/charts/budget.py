"""The S&M budget by quarter, stacked: sales vs marketing, and marketing by program family."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QWidget

from gtm_planner.model.dashboard_data import BudgetSplit
from gtm_planner.ui.charts.axes import CategoryAxis, MoneyAxis
from gtm_planner.ui.charts.base import ChartCard, FloatArray, PatternBars, centred
from gtm_planner.ui.charts.style import MARKETING_SPEND, SALES_SPEND, family_style

BAR_WIDTH = 0.6


def stack(series: FloatArray) -> FloatArray:
    """(N, Q) heights → (N, Q) bottoms: each series starts where the ones before it end."""
    bottoms = np.zeros_like(series)
    if len(series) > 1:
        bottoms[1:] = np.cumsum(series[:-1], axis=0)
    return bottoms


class _StackedQuarterChart(ChartCard):
    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, MoneyAxis("left"), CategoryAxis("bottom"), parent=parent)
        self.grid_lines()

    def _show_stack(
        self, bars: list[PatternBars], labels: tuple[str, ...], series: FloatArray, currency: str
    ) -> None:
        axis = self.plot.getAxis("left")
        assert isinstance(axis, MoneyAxis)
        axis.set_currency(currency)
        bottom = self.plot.getAxis("bottom")
        assert isinstance(bottom, CategoryAxis)
        bottom.set_categories(labels)
        x = centred(len(labels))
        for item, heights, starts in zip(bars, series, stack(series), strict=True):
            item.setOpts(x=x, y0=starts, height=heights, width=BAR_WIDTH)
        self.show_categories(len(labels))
        totals = series.sum(axis=0) if series.size else np.zeros(0)
        self.show_values_up_to(float(totals.max(initial=0.0)))


class SalesMarketingChart(_StackedQuarterChart):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("S&M budget by quarter: sales vs marketing", parent)
        self.sales_bars = self.add_bars(SALES_SPEND, "Sales")
        self.marketing_bars = self.add_bars(MARKETING_SPEND, "Marketing")

    def show_data(self, data: BudgetSplit, currency: str) -> None:
        series = np.vstack([data.sales, data.marketing])
        self._show_stack([self.sales_bars, self.marketing_bars], data.labels, series, currency)


class ProgramFamilyChart(_StackedQuarterChart):
    """One stacked series per marketing category; items are added only if categories are."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Marketing budget by quarter and program family", parent)
        self.family_bars: list[PatternBars] = []
        self._names: tuple[str, ...] = ()

    def _match_families(self, names: tuple[str, ...]) -> None:
        """Categories are plan structure: they change rarely, never on a value edit."""
        if names == self._names:
            return
        while len(self.family_bars) > len(names):
            self.plot.removeItem(self.family_bars.pop())
            self.legend.remove_last()
        while len(self.family_bars) < len(names):
            index = len(self.family_bars)
            self.family_bars.append(self.add_bars(family_style(index), names[index]))
        for entry, name in zip(self.legend.entries, names, strict=True):
            entry.label.setText(name)
        self._names = names

    def show_data(self, data: BudgetSplit, currency: str) -> None:
        self._match_families(data.family_names)
        self._show_stack(self.family_bars, data.labels, data.by_family, currency)
