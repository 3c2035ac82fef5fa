"""Charts follow every edit live: setData/setOpts on the plot items made when they were built."""

from __future__ import annotations

import numpy as np
import pytest
from pytestqt.qtbot import QtBot

from gtm_planner.model.commands import RemoveRegion, SetAttribute, SetValues
from gtm_planner.model.document import RecordKind
from gtm_planner.ui.charts.axes import MoneyAxis
from gtm_planner.ui.dashboard_page import DashboardPage
from gtm_planner.ui.main_window import MainWindow
from tests.ui.dashboard.conftest import set_win_rate
from tests.ui.dashboard.expected import kpi_texts, quarter_sums
from tests.ui.dashboard.test_dashboard_numbers import assert_charts_show_the_engine

NORTH_AMERICA, EMEA = 0, 1


def plot_items(page: DashboardPage) -> list[list[int]]:
    """The identity of every item of every chart's plot, in order.

    Callers keep the items alive (the charts hold them), so an equal list means the very same
    objects: nothing was rebuilt.
    """
    return [[id(item) for item in chart.plot.items] for chart in page.charts]


def forecast_points(page: DashboardPage) -> list[float]:
    return [float(v) for v in page.bookings_chart.forecast_line.getData()[1]]


def test_an_edit_changes_the_forecast_tile_and_the_charts_without_new_plot_items(
    window: MainWindow,
) -> None:
    page = window.dashboard
    items = plot_items(page)
    bars = (page.bookings_chart.target_bars, page.funnel_chart.marketing_bars)
    line = page.bookings_chart.forecast_line
    tile_before = page.kpi_panel.card("forecast_bookings").value.text()
    forecast_before = forecast_points(page)
    funnel_before = list(page.funnel_chart.marketing_bars.opts["width"])

    set_win_rate(window.undo, NORTH_AMERICA, 0.32)

    document = window.document
    assert (
        page.kpi_panel.card("forecast_bookings").value.text()
        == (kpi_texts(document)["forecast_bookings"])
    )
    assert page.kpi_panel.card("forecast_bookings").value.text() != tile_before
    assert forecast_points(page) != pytest.approx(forecast_before)
    assert list(page.funnel_chart.marketing_bars.opts["width"]) != pytest.approx(funnel_before)
    assert_charts_show_the_engine(page, None, None)
    assert plot_items(page) == items  # same objects, same order: nothing rebuilt
    assert (page.bookings_chart.target_bars, page.funnel_chart.marketing_bars) == bars
    assert page.bookings_chart.forecast_line is line


def test_undo_puts_the_tile_and_the_forecast_line_back(window: MainWindow) -> None:
    page = window.dashboard
    tile_before = page.kpi_panel.card("forecast_bookings").value.text()
    forecast_before = forecast_points(page)
    set_win_rate(window.undo, EMEA, 0.12)
    assert forecast_points(page) != pytest.approx(forecast_before)
    window.undo.stack.undo()
    assert page.kpi_panel.card("forecast_bookings").value.text() == tile_before
    assert forecast_points(page) == pytest.approx(forecast_before)


def test_a_budget_edit_moves_the_budget_and_regional_charts(window: MainWindow) -> None:
    page, document = window.dashboard, window.document
    plan = document.plan
    line = next(i for i, b in enumerate(plan.budget_lines) if b.category == "demand_creation")
    items = plot_items(page)
    spend_before = list(page.regional_chart.spend_bars.opts["height"])
    window.undo.push(
        SetValues(
            "Edit budget",
            document.current_scenario.id,
            "budget",
            np.array([[line, EMEA, month] for month in range(3)]),
            np.array([400_000.0, 400_000.0, 400_000.0]),
        )
    )
    spend_after = list(page.regional_chart.spend_bars.opts["height"])
    assert spend_after[EMEA] != pytest.approx(spend_before[EMEA])
    assert spend_after[NORTH_AMERICA] == pytest.approx(spend_before[NORTH_AMERICA])
    marketing = quarter_sums(document, document.result().marketing_spend)
    assert list(page.sales_marketing_chart.marketing_bars.opts["height"]) == pytest.approx(
        list(marketing.values())
    )
    assert plot_items(page) == items


def test_a_filtered_dashboard_stays_filtered_through_an_edit(window: MainWindow) -> None:
    page = window.dashboard
    page.set_selection((EMEA,), None)
    set_win_rate(window.undo, EMEA, 0.30)
    assert page.selection.regions == (EMEA,)
    assert (
        page.kpi_panel.card("forecast_bookings").value.text()
        == (kpi_texts(window.document, (EMEA,))["forecast_bookings"])
    )
    assert_charts_show_the_engine(page, (EMEA,), None)


def test_a_dashboard_behind_another_screen_catches_up_when_shown(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.show()
    qtbot.waitExposed(window)
    page = window.dashboard
    window.navigator.show_page("Budget")
    stale = page.kpi_panel.card("forecast_bookings").value.text()
    set_win_rate(window.undo, NORTH_AMERICA, 0.33)
    assert page.kpi_panel.card("forecast_bookings").value.text() == stale  # not redrawn unseen
    window.navigator.show_page("Dashboard")
    assert (
        page.kpi_panel.card("forecast_bookings").value.text()
        == (kpi_texts(window.document)["forecast_bookings"])
    )
    assert_charts_show_the_engine(page, None, None)


def test_removing_a_region_relists_the_filter_and_redraws(window: MainWindow) -> None:
    page = window.dashboard
    page.set_selection((EMEA,), None)
    items = plot_items(page)
    latam = window.document.plan.regions[3]
    window.undo.push(RemoveRegion("Remove LATAM", latam.id))
    combo = page.region_filter
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "All regions", "North America", "EMEA", "APAC",
    ]  # fmt: skip
    assert page.selection.regions is None  # the region list changed: back to all of them
    assert page.regional_chart.plot.getAxis("bottom").categories == (
        "North America", "EMEA", "APAC",
    )  # fmt: skip
    assert_charts_show_the_engine(page, None, None)
    assert plot_items(page) == items


def test_changing_the_plan_currency_relabels_every_money_axis(window: MainWindow) -> None:
    page = window.dashboard
    window.undo.push(SetAttribute("Currency", RecordKind.SETTINGS, 0, "currency", "EUR"))
    for chart in (page.bookings_chart, page.sales_marketing_chart, page.regional_chart):
        axis = chart.plot.getAxis("left")
        assert isinstance(axis, MoneyAxis)
        assert axis.tickStrings([2.5e6, 500e3], 1.0, 1.0) == ["€2.5M", "€500.0K"]
    assert page.kpi_panel.card("bookings_target").value.text() == "€45,000,000"
