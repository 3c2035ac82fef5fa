"""Per region: demand-creation spend next to the marketing-sourced pipeline and bookings."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from gtm_planner.model.dashboard_data import RegionalReturn
from gtm_planner.ui.charts.axes import CategoryAxis, MoneyAxis
from gtm_planner.ui.charts.base import ChartCard, centred
from gtm_planner.ui.charts.style import (
    DEMAND_CREATION_SPEND,
    MARKETING_BOOKINGS,
    MARKETING_PIPELINE,
)

GROUP_WIDTH = 0.8  # of one region's slot, shared by its three bars


class RegionalReturnChart(ChartCard):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            "Demand-creation spend vs marketing-sourced results by region",
            MoneyAxis("left"),
            CategoryAxis("bottom"),
            parent=parent,
        )
        self.spend_bars = self.add_bars(DEMAND_CREATION_SPEND, "Demand-creation spend")
        self.pipeline_bars = self.add_bars(MARKETING_PIPELINE, "Marketing-sourced pipeline")
        self.bookings_bars = self.add_bars(MARKETING_BOOKINGS, "Marketing-sourced bookings")
        self.grid_lines()

    def show_data(self, data: RegionalReturn, currency: str) -> None:
        axis = self.plot.getAxis("left")
        assert isinstance(axis, MoneyAxis)
        axis.set_currency(currency)
        bottom = self.plot.getAxis("bottom")
        assert isinstance(bottom, CategoryAxis)
        bottom.set_categories(data.regions)
        count = len(data.regions)
        width = GROUP_WIDTH / 3
        series = (
            (self.spend_bars, data.demand_creation_spend, -width),
            (self.pipeline_bars, data.marketing_pipeline, 0.0),
            (self.bookings_bars, data.marketing_bookings, width),
        )
        for bars, values, offset in series:
            bars.setOpts(x=centred(count, offset), height=values, width=width)
        self.show_categories(count)
        highest = max((float(v.max(initial=0.0)) for _, v, _ in series), default=0.0)
        self.show_values_up_to(highest)
