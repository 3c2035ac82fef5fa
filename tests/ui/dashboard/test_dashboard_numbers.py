"""Every tile and every plotted series equals the engine's numbers, read back from the widgets
and the pyqtgraph items themselves, for the whole plan and under region and period filters.
"""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from gtm_planner.model.dashboard_data import HEADLINE_TILES, MORE_TILES, Period, PeriodKind
from gtm_planner.model.document import PlanDocument
from gtm_planner.model.engine import KPI_BY_KEY
from gtm_planner.model.entities import Function
from gtm_planner.model.exchange.tables import SUMMARY_KPIS
from gtm_planner.ui.dashboard_page import DashboardPage
from gtm_planner.ui.main_window import MainWindow
from tests.ui.dashboard.expected import (
    kpi_texts,
    quarter_sums,
    selected_months,
    selected_regions,
)

EMEA, APAC = 1, 2
FY2027 = Period(PeriodKind.FISCAL_YEAR, 0, "FY2027")
Q2 = Period(PeriodKind.QUARTER, 1, "FY27 Q2")
Q4 = Period(PeriodKind.QUARTER, 3, "FY27 Q4")
FILTERS: list[tuple[tuple[int, ...] | None, Period | None]] = [
    (None, None),
    (None, FY2027),
    ((EMEA,), None),
    ((EMEA, APAC), Q2),
    ((APAC,), Q4),
]


def tile_texts(page: DashboardPage) -> dict[str, str]:
    return {key: page.kpi_panel.card(key).value.text() for key in SUMMARY_KPIS}


def plotted(bars: object, key: str) -> list[float]:
    return [float(v) for v in np.atleast_1d(bars.opts[key])]  # type: ignore[attr-defined]


def assert_charts_show_the_engine(
    page: DashboardPage, regions: tuple[int, ...] | None, period: Period | None
) -> None:
    document = page.document
    result = document.result()
    inputs = document.current_scenario.inputs

    # Target vs forecast by quarter: bars, line and the gap between them.
    target = quarter_sums(document, result.reverse.target, regions, period)
    forecast = quarter_sums(document, result.forward.forecast, regions, period)
    chart = page.bookings_chart
    assert chart.plot.getAxis("bottom").categories == tuple(target)
    assert plotted(chart.target_bars, "height") == pytest.approx(list(target.values()))
    x, y = chart.forecast_line.getData()
    assert list(x) == pytest.approx(plotted(chart.target_bars, "x"))
    assert list(y) == pytest.approx(list(forecast.values()))
    gaps = [target[q] - forecast[q] for q in target]
    assert plotted(chart.gap_bars, "height") == pytest.approx([abs(g) for g in gaps])
    lows = [min(target[q], forecast[q]) for q in target]
    assert plotted(chart.gap_bars, "y0") == pytest.approx(lows)

    # The reverse waterfall's stages, marketing and all sources, on a log axis with labels.
    rev = result.reverse
    marketing = document.plan.marketing_source_index()
    months = selected_months(document, period)
    chosen = selected_regions(document, regions)
    stages = (rev.inquiries, rev.mqls, rev.sqls, rev.opportunities, rev.won)
    mkt = [sum(float(s[r, marketing, t]) for r in chosen for t in months) for s in stages]
    every = [sum(float(s[r, :, t].sum()) for r in chosen for t in months) for s in stages]
    funnel = page.funnel_chart

    def log_bar(values: list[float]) -> list[float]:  # a count under one draws no bar
        return [float(np.log10(max(v, 1.0))) for v in values]

    assert plotted(funnel.marketing_bars, "width") == pytest.approx(log_bar(mkt))
    assert plotted(funnel.all_sources_bars, "width") == pytest.approx(log_bar(every))
    labels = [float(t.replace(",", "")) for t in funnel.value_labels.visible_texts()]
    assert labels == pytest.approx([*mkt, *every], abs=0.51)  # whole numbers, as counted
    assert funnel.plot.getAxis("left").categories[::-1] == (
        "Inquiries", "MQLs", "SQLs", "Opportunities", "Won deals",
    )  # fmt: skip

    # Budget by quarter, straight from the budget lines of the inputs.
    sales_monthly = np.zeros(inputs.budget.shape[1:])
    marketing_monthly = np.zeros(inputs.budget.shape[1:])
    family_monthly: dict[str, np.ndarray] = {}
    for line, spend in zip(document.plan.budget_lines, inputs.budget, strict=True):
        if line.function is Function.SALES:
            sales_monthly += spend
        else:
            marketing_monthly += spend
            family_monthly.setdefault(line.category, np.zeros_like(spend))
            family_monthly[line.category] += spend
    split = page.sales_marketing_chart
    sales = list(quarter_sums(document, sales_monthly, regions, period).values())
    assert plotted(split.sales_bars, "height") == pytest.approx(sales)
    assert plotted(split.marketing_bars, "height") == pytest.approx(
        list(quarter_sums(document, marketing_monthly, regions, period).values())
    )
    assert plotted(split.marketing_bars, "y0") == pytest.approx(sales)  # stacked on sales
    families = [c for c in document.plan.categories if c.function is Function.MARKETING]
    family_chart = page.program_family_chart
    assert family_chart.legend.texts() == [c.name for c in families]
    below = np.zeros(len(target))
    for bars, category in zip(family_chart.family_bars, families, strict=True):
        monthly = family_monthly.get(category.key, np.zeros_like(sales_monthly))
        heights = list(quarter_sums(document, monthly, regions, period).values())
        assert plotted(bars, "height") == pytest.approx(heights), category.key
        assert plotted(bars, "y0") == pytest.approx(list(below))
        below += heights

    # Per region: demand-creation spend vs marketing-sourced pipeline and bookings.
    fwd = result.forward
    regional = page.regional_chart
    names = tuple(document.plan.regions[r].name for r in chosen)
    assert regional.plot.getAxis("bottom").categories == names
    dc_lines = [
        i
        for i, line in enumerate(document.plan.budget_lines)
        if line.category == "demand_creation"
    ]
    spend = [sum(float(inputs.budget[dc_lines, r, t].sum()) for t in months) for r in chosen]
    pipeline = [sum(float(fwd.marketing_pipeline[r, t]) for t in months) for r in chosen]
    bookings = [sum(float(fwd.marketing_sourced_bookings[r, t]) for t in months) for r in chosen]
    assert plotted(regional.spend_bars, "height") == pytest.approx(spend)
    assert plotted(regional.pipeline_bars, "height") == pytest.approx(pipeline)
    assert plotted(regional.bookings_bars, "height") == pytest.approx(bookings)


# --- whole plan -------------------------------------------------------------------------------


def test_every_tile_shows_the_engines_kpi_for_the_whole_plan(dashboard: DashboardPage) -> None:
    assert tile_texts(dashboard) == {k: kpi_texts(dashboard.document)[k] for k in SUMMARY_KPIS}
    assert dashboard.kpi_panel.card("bookings_target").value.text() == "$45,000,000"


def test_every_tile_names_its_kpi_and_shows_its_formula_on_hover(
    dashboard: DashboardPage,
) -> None:
    for key in (*HEADLINE_TILES, *MORE_TILES):
        card = dashboard.kpi_panel.card(key)
        assert card.label.text() == KPI_BY_KEY[key].label
        assert card.toolTip() == f"{KPI_BY_KEY[key].label} = {KPI_BY_KEY[key].formula}"


def test_the_magic_number_definition_is_stated_on_the_dashboard(dashboard: DashboardPage) -> None:
    footnote = dashboard.kpi_panel.footnote.text()
    assert "Magic Number = net new bookings in a quarter" in footnote
    assert "prior quarter's S&M spend" in footnote


def test_every_chart_series_equals_the_engine_for_the_whole_plan(dashboard: DashboardPage) -> None:
    assert_charts_show_the_engine(dashboard, None, None)
    assert dashboard.bookings_chart.plot.getAxis("bottom").categories == (
        "FY27 Q1", "FY27 Q2", "FY27 Q3", "FY27 Q4",
    )  # fmt: skip


def test_a_page_given_its_document_explicitly_shows_the_same_numbers(
    standalone: DashboardPage,
) -> None:
    assert tile_texts(standalone) == {k: kpi_texts(standalone.document)[k] for k in SUMMARY_KPIS}
    assert_charts_show_the_engine(standalone, None, None)


def test_gap_labels_say_how_far_each_quarter_is_short(
    qtbot: QtBot, window: MainWindow, dashboard: DashboardPage
) -> None:
    window.show()
    qtbot.waitExposed(window)
    document = dashboard.document
    target = quarter_sums(document, document.result().reverse.target)
    forecast = quarter_sums(document, document.result().forward.forecast)
    labels = dashboard.bookings_chart.gap_labels.visible_texts()
    assert len(labels) == 4
    for text, quarter in zip(labels, target, strict=True):
        word = "short" if target[quarter] > forecast[quarter] else "ahead"
        assert text.startswith(word)


# --- filters ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("regions", "period"), FILTERS, ids=str)
def test_filters_show_the_masked_engine_numbers_in_tiles_and_charts(
    dashboard: DashboardPage, regions: tuple[int, ...] | None, period: Period | None
) -> None:
    dashboard.set_selection(regions, period)
    assert tile_texts(dashboard) == {
        k: kpi_texts(dashboard.document, regions, period)[k] for k in SUMMARY_KPIS
    }
    assert_charts_show_the_engine(dashboard, regions, period)


def test_choosing_a_region_and_a_quarter_in_the_combos_filters_everything(
    dashboard: DashboardPage,
) -> None:
    whole_target = dashboard.kpi_panel.card("bookings_target").value.text()
    dashboard.region_filter.activated.emit(1 + EMEA)  # what Enter on "EMEA" in the list does
    dashboard.period_filter.setCurrentIndex(dashboard.period_filter.findText("FY27 Q2"))
    assert dashboard.selection.regions == (EMEA,)
    assert dashboard.selection.period == Q2
    assert dashboard.region_filter.summary() == "EMEA"
    assert dashboard.kpi_panel.card("bookings_target").value.text() != whole_target
    assert (
        tile_texts(dashboard)["forecast_bookings"]
        == (kpi_texts(dashboard.document, (EMEA,), Q2)["forecast_bookings"])
    )
    assert_charts_show_the_engine(dashboard, (EMEA,), Q2)
    assert dashboard.kpi_panel.title.text() == "Key figures · EMEA · FY27 Q2"


def test_ticking_several_regions_adds_them_up(dashboard: DashboardPage) -> None:
    regions = dashboard.region_filter
    regions.activated.emit(1 + EMEA)
    regions.toggle(APAC)
    assert regions.selected() == (EMEA, APAC)
    assert regions.summary() == "EMEA + APAC"
    checks = [
        regions.model().index(row, 0).data(Qt.ItemDataRole.CheckStateRole)
        for row in range(1, regions.count())
    ]
    assert checks == [Qt.CheckState.Unchecked.value, Qt.CheckState.Checked.value] * 1 + [
        Qt.CheckState.Checked.value,
        Qt.CheckState.Unchecked.value,
    ]
    assert_charts_show_the_engine(dashboard, (EMEA, APAC), None)
    regions.toggle(EMEA)
    regions.toggle(APAC)  # the last region stays: never an empty selection
    assert regions.selected() == (APAC,)
    regions.activated.emit(0)  # "All regions"
    assert regions.selected() is None
    assert_charts_show_the_engine(dashboard, None, None)


def test_period_list_offers_the_plan_its_fiscal_year_and_its_quarters(
    dashboard: DashboardPage,
) -> None:
    combo = dashboard.period_filter
    items = [combo.itemText(i) for i in range(combo.count())]
    assert items == ["Whole plan", "FY2027", "FY27 Q1", "FY27 Q2", "FY27 Q3", "FY27 Q4"]
    region_items = [dashboard.region_filter.itemText(i) for i in range(5)]
    assert region_items == ["All regions", "North America", "EMEA", "APAC", "LATAM"]


def test_the_numbers_follow_the_scenario_chosen(dashboard: DashboardPage) -> None:
    document: PlanDocument = dashboard.document
    dashboard.set_selection((EMEA,), FY2027)
    before = tile_texts(dashboard)["forecast_bookings"]
    document.set_current_scenario(2)  # the aggressive EMEA push
    assert tile_texts(dashboard)["forecast_bookings"] != before
    assert tile_texts(dashboard) == {
        k: kpi_texts(document, (EMEA,), FY2027)[k] for k in SUMMARY_KPIS
    }
    assert_charts_show_the_engine(dashboard, (EMEA,), FY2027)
