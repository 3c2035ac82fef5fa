"""The Dashboard page: filters, KPI tiles, live charts and the reverse waterfall per region.

What the CRO and CMO project at the offsite. Every number comes from
``model.dashboard_data`` for the current scenario and the chosen regions and fiscal period;
the charts are built once and follow every edit through ``setOpts`` / ``setData``.

A page that is not on screen (another screen is in front) does not redraw on each edit; it
catches up when it is shown again.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from gtm_planner.model.dashboard_data import (
    DashboardData,
    Period,
    Selection,
    dashboard_data,
)
from gtm_planner.model.document import PlanDocument
from gtm_planner.ui.charts.base import ChartCard
from gtm_planner.ui.charts.bookings import TargetForecastChart
from gtm_planner.ui.charts.budget import ProgramFamilyChart, SalesMarketingChart
from gtm_planner.ui.charts.filters import PeriodFilter, RegionFilter
from gtm_planner.ui.charts.funnel import FunnelChart
from gtm_planner.ui.charts.legend import FlowBox
from gtm_planner.ui.charts.regional import RegionalReturnChart
from gtm_planner.ui.document_events import subscribe
from gtm_planner.ui.kpi_panel import DashboardKpiModel, KpiPanel
from gtm_planner.ui.models import KpiTableModel, WaterfallTableModel
from gtm_planner.ui.scenario_switcher import ScenarioSwitcher
from gtm_planner.ui.theme import MUTED, RULE, SURFACE
from gtm_planner.ui.waterfall_panel import WaterfallPanel

LEAVE_PRESENTATION_HINT = "Esc: leave presentation"

# Only what the window's theme does not already style: the chart cards and the header.
PAGE_STYLE = f"""
QFrame#chartCard, QFrame#filterBar {{
    background: {SURFACE}; border: 1px solid {RULE}; border-radius: 6px;
}}
QLabel#chartTitle {{ font-weight: 700; }}
QLabel#presentationHint {{ color: {MUTED}; }}
QComboBox#regionFilter, QComboBox#periodFilter, QComboBox#presentationScenarioSwitcher {{
    min-width: 7em;
}}
"""


class DashboardPage(QScrollArea):
    """Scrolls rather than cut numbers off when the text is made very large."""

    def __init__(
        self,
        kpi_model: KpiTableModel,
        waterfall_model: WaterfallTableModel,
        parent: QWidget | None = None,
        *,
        document: PlanDocument | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("body")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWidgetResizable(True)
        # The window passes the document; until it does, the KPI model knows it.
        self.document: PlanDocument = document if document is not None else kpi_model._document
        self.selection = Selection()
        self.data: DashboardData | None = None
        self._stale = True

        body = QWidget(self)
        body.setObjectName("bodyContents")
        body.setStyleSheet(PAGE_STYLE)
        self.filter_bar = self._build_filter_bar(body)
        self.kpi_tiles = DashboardKpiModel(self)
        self.kpi_panel = KpiPanel(self.kpi_tiles, parent=body)
        self.bookings_chart = TargetForecastChart(body)
        self.funnel_chart = FunnelChart(body)
        self.sales_marketing_chart = SalesMarketingChart(body)
        self.program_family_chart = ProgramFamilyChart(body)
        self.regional_chart = RegionalReturnChart(body)
        self.waterfall_panel = WaterfallPanel(waterfall_model, body)

        charts = QGridLayout()
        charts.setHorizontalSpacing(12)
        charts.setVerticalSpacing(12)
        charts.addWidget(self.bookings_chart, 0, 0, 1, 4)
        charts.addWidget(self.funnel_chart, 0, 4, 1, 3)
        charts.addWidget(self.sales_marketing_chart, 1, 0, 1, 2)
        charts.addWidget(self.program_family_chart, 1, 2, 1, 2)
        charts.addWidget(self.regional_chart, 1, 4, 1, 3)
        for column in range(7):
            charts.setColumnStretch(column, 1)

        layout = QVBoxLayout(body)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(18)
        layout.addWidget(self.filter_bar)
        layout.addWidget(self.kpi_panel)
        layout.addLayout(charts)
        layout.addWidget(self.waterfall_panel, 1)
        self.setWidget(body)
        self.set_presentation(False)

        subscribe(self, self.document.results_changed, self._on_results_changed)
        subscribe(self, self.document.current_scenario_changed, self._on_scenario_changed)
        subscribe(self, self.document.structure_changed, self._on_structure_changed)
        subscribe(self, self.document.scenarios_changed, self.scenario_switcher.reload)
        self._on_structure_changed()

    def _build_filter_bar(self, body: QWidget) -> QFrame:
        bar = QFrame(body)
        bar.setObjectName("filterBar")
        self.scenario_label = QLabel("Scenario:", bar)
        self.scenario_switcher = ScenarioSwitcher(self.document, bar)
        self.scenario_switcher.setObjectName("presentationScenarioSwitcher")
        self.scenario_label.setBuddy(self.scenario_switcher)
        self.region_filter = RegionFilter(bar)
        self.period_filter = PeriodFilter(bar)
        regions_label = QLabel("&Regions:", bar)
        regions_label.setBuddy(self.region_filter)
        period_label = QLabel("&Period:", bar)
        period_label.setBuddy(self.period_filter)
        self.presentation_hint = QLabel(LEAVE_PRESENTATION_HINT, bar)
        self.presentation_hint.setObjectName("presentationHint")
        flow = FlowBox(bar, spacing=16, margins=10)  # wraps onto a second line in large type
        outer = QVBoxLayout(bar)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(flow)
        pairs: tuple[tuple[QLabel, QWidget], ...] = (
            (self.scenario_label, self.scenario_switcher),
            (regions_label, self.region_filter),
            (period_label, self.period_filter),
        )
        self._scenario_field = QWidget(flow)
        for label, field in pairs:
            group = self._scenario_field if field is self.scenario_switcher else QWidget(flow)
            row = QHBoxLayout(group)
            row.setContentsMargins(0, 0, 0, 0)
            row.setSpacing(8)
            label.setParent(group)
            field.setParent(group)
            row.addWidget(label)
            row.addWidget(field)
            flow.add_widget(group)
        flow.add_widget(self.presentation_hint)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        bar.setSizePolicy(policy)
        self.scenario_switcher.scenario_chosen.connect(self.document.set_current_scenario)
        self.region_filter.regions_changed.connect(self._on_regions_chosen)
        self.period_filter.period_changed.connect(self._on_period_chosen)
        return bar

    # --- public API ---------------------------------------------------------------------------

    @property
    def charts(self) -> tuple[ChartCard, ...]:
        return (
            self.bookings_chart,
            self.funnel_chart,
            self.sales_marketing_chart,
            self.program_family_chart,
            self.regional_chart,
        )

    def set_selection(
        self, regions: tuple[int, ...] | None = None, period: Period | None = None
    ) -> None:
        """Filter to these regions (indices; ``None``: all) and this period (default: whole)."""
        self.region_filter.select(regions)
        if period is not None:
            self.period_filter.select(period)
        self._apply_filters()

    def set_presentation(self, on: bool) -> None:
        """The scenario switcher and the way out, in the header, while presenting."""
        self._scenario_field.setVisible(on)
        self.presentation_hint.setVisible(on)
        self.kpi_tiles.set_short_money(on)

    def refresh(self) -> None:
        """Re-read the engine's numbers for the selection and hand them to tiles and charts."""
        document = self.document
        data = dashboard_data(
            document.plan, document.current_scenario.inputs, document.result(), self.selection
        )
        self.data = data
        self._stale = False
        self.kpi_tiles.set_tiles(data.tiles, data.currency)
        self.bookings_chart.show_data(data.quarterly, data.currency)
        self.funnel_chart.show_data(data.funnel)
        self.sales_marketing_chart.show_data(data.budget, data.currency)
        self.program_family_chart.show_data(data.budget, data.currency)
        self.regional_chart.show_data(data.regional, data.currency)
        self.kpi_panel.title.setText(f"Key figures · {data.selection_text}")

    # --- document and filter events -----------------------------------------------------------

    def _refresh_when_seen(self) -> None:
        """Redraw now if the page can be seen, else when it is shown (see ``showEvent``)."""
        behind_another_page = self.isHidden() and self.testAttribute(
            Qt.WidgetAttribute.WA_WState_ExplicitShowHide
        )
        if behind_another_page:
            self._stale = True
        else:
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def _on_results_changed(self, scenario_id: int) -> None:
        if scenario_id == self.document.current_scenario.id:
            self._refresh_when_seen()

    def _on_scenario_changed(self, scenario_id: int) -> None:
        self.scenario_switcher.show_scenario(scenario_id)
        self._refresh_when_seen()

    def _on_structure_changed(self) -> None:
        """Regions, budget lines or settings changed: re-list the filters, then redraw."""
        plan = self.document.plan
        self.region_filter.set_regions([r.name for r in plan.regions])
        self.period_filter.set_calendar(plan.calendar())
        self._apply_filters(refresh=False)
        self._refresh_when_seen()

    def _on_regions_chosen(self, _regions: object) -> None:
        self._apply_filters()

    def _on_period_chosen(self, _period: object) -> None:
        self._apply_filters()

    def _apply_filters(self, *, refresh: bool = True) -> None:
        selection = Selection(self.region_filter.selected(), self.period_filter.period())
        if selection != self.selection:
            self.selection = selection
            if refresh:
                self._refresh_when_seen()
