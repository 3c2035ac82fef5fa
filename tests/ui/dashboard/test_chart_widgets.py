"""The pieces: the tiles' item model, axes in the plan currency, legends, black-and-white print."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import numpy as np
import pytest
from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from gtm_planner.model.dashboard_data import DASHBOARD_TILES, Selection, dashboard_data
from gtm_planner.model.document import PlanDocument
from gtm_planner.ui.charts.axes import CategoryAxis, LogCountAxis, MoneyAxis, count_short
from gtm_planner.ui.charts.base import ChartCard, PatternBars
from gtm_planner.ui.charts.legend import Swatch
from gtm_planner.ui.dashboard_page import DashboardPage
from gtm_planner.ui.kpi_panel import DashboardKpiModel
from gtm_planner.ui.models import KPI_KEY_ROLE, RAW_VALUE_ROLE


def tiles_of(document: PlanDocument) -> DashboardKpiModel:
    model = DashboardKpiModel()
    data = dashboard_data(
        document.plan, document.current_scenario.inputs, document.result(), Selection()
    )
    model.set_tiles(data.tiles, data.currency)
    return model


# --- the tiles' model ---------------------------------------------------------------------------


def test_tile_model_passes_the_qt_model_tester_while_it_changes(
    check_model: Callable[..., None], demo_document: PlanDocument
) -> None:
    model = tiles_of(demo_document)
    check_model(model)
    data = dashboard_data(
        demo_document.plan,
        demo_document.current_scenario.inputs,
        demo_document.result(),
        Selection(regions=(1,)),
    )
    model.set_tiles(data.tiles, data.currency)  # same rows: dataChanged
    model.set_tiles(data.tiles[:3], data.currency)  # fewer rows: a reset
    model.set_short_money(True)
    check_model(model)


def test_tile_model_rows_carry_label_value_formula_key_and_raw_value(
    demo_document: PlanDocument,
) -> None:
    model = tiles_of(demo_document)
    assert model.rowCount() == len(DASHBOARD_TILES) and model.columnCount() == 2
    row = model.row_of("bookings_target")
    assert model.index(row, 0).data() == "Bookings target"
    assert model.index(row, 1).data() == "$45,000,000"
    assert model.index(row, 1).data(RAW_VALUE_ROLE) == pytest.approx(45_000_000)
    assert model.index(row, 0).data(KPI_KEY_ROLE) == "bookings_target"
    assert model.index(row, 1).data(Qt.ItemDataRole.ToolTipRole).startswith("Bookings target = ")
    model.set_short_money(True)
    assert model.index(row, 1).data() == "$45.0M"
    assert "$45,000,000" in model.index(row, 1).data(Qt.ItemDataRole.ToolTipRole)


def test_the_dashboards_own_models_pass_the_model_tester(
    check_model: Callable[..., None], dashboard: DashboardPage
) -> None:
    models: list[QAbstractItemModel] = [dashboard.kpi_tiles, dashboard.region_filter.model()]
    for model in models:
        check_model(model)
    dashboard.set_selection((1,), None)  # the testers keep checking as the models change
    dashboard.region_filter.toggle(2)
    for model in models:
        check_model(model)


# --- axes ---------------------------------------------------------------------------------------


def test_money_axis_reads_in_the_plan_currency_with_k_and_m_suffixes() -> None:
    axis = MoneyAxis("left", currency="USD")
    assert axis.tickStrings([0.0, 500_000.0, 2_500_000.0, 1.2e9], 1.0, 1.0) == [
        "$0", "$500.0K", "$2.5M", "$1.2B",
    ]  # fmt: skip
    axis.set_currency("GBP")
    assert axis.tickStrings([7_500_000.0], 1.0, 1.0) == ["£7.5M"]


def test_log_count_axis_labels_whole_powers_of_ten() -> None:
    axis = LogCountAxis("bottom")
    levels = axis.tickValues(0.0, 5.3, 400.0)
    assert levels == [(1.0, [0.0, 1.0, 2.0, 3.0, 4.0, 5.0])]
    assert axis.tickStrings(levels[0][1], 1.0, 1.0) == ["1", "10", "100", "1K", "10K", "100K"]
    assert count_short(1_500_000) == "1.5M"


def test_category_axis_wraps_long_names_and_thins_only_when_even_that_overlaps(
    qtbot: QtBot,
) -> None:
    axis = CategoryAxis("bottom")
    axis.set_categories(["North America", "EMEA", "APAC", "LATAM"])
    roomy = axis.tickValues(-0.5, 3.5, 1200.0)
    assert roomy[0][1] == [0.0, 1.0, 2.0, 3.0]
    assert axis.tickStrings([0.0], 1.0, 1.0) == ["North America"]
    axis.tickValues(-0.5, 3.5, 330.0)
    assert axis.tickStrings([0.0, 1.0], 1.0, 1.0) == ["North\nAmerica", "EMEA"]
    crowded = axis.tickValues(-0.5, 39.5, 400.0)
    assert crowded[0][0] > 1.0 and len(crowded[0][1]) < 40  # every k-th name, none overlapping


# --- legends and black-and-white print ----------------------------------------------------------


def chart_series(page: DashboardPage) -> list[tuple[ChartCard, list[PatternBars]]]:
    return [
        (page.bookings_chart, [page.bookings_chart.target_bars, page.bookings_chart.gap_bars]),
        (
            page.funnel_chart,
            [page.funnel_chart.marketing_bars, page.funnel_chart.all_sources_bars],
        ),
        (
            page.sales_marketing_chart,
            [page.sales_marketing_chart.sales_bars, page.sales_marketing_chart.marketing_bars],
        ),
        (page.program_family_chart, page.program_family_chart.family_bars),
        (
            page.regional_chart,
            [
                page.regional_chart.spend_bars,
                page.regional_chart.pipeline_bars,
                page.regional_chart.bookings_bars,
            ],
        ),
    ]


def test_every_chart_has_a_legend_naming_each_series(dashboard: DashboardPage) -> None:
    assert dashboard.bookings_chart.legend.texts() == [
        "Bookings target (bars)", "Gap to target (hatched)", "Forecast bookings (line)",
    ]  # fmt: skip
    assert dashboard.funnel_chart.legend.texts() == ["Marketing-sourced", "All sources"]
    assert dashboard.sales_marketing_chart.legend.texts() == ["Sales", "Marketing"]
    assert dashboard.regional_chart.legend.texts() == [
        "Demand-creation spend", "Marketing-sourced pipeline", "Marketing-sourced bookings",
    ]  # fmt: skip
    for chart, bars in chart_series(dashboard):
        swatches = [e.swatch.series_style for e in chart.legend.entries[: len(bars)]]
        assert swatches == [b.series_style for b in bars]  # the legend draws what is plotted


def grey_signature(swatch: Swatch) -> tuple[float, float]:
    """Mean and spread of the swatch's grey levels, as a black-and-white printer sees it."""
    swatch.resize(64, 28)
    image = swatch.grab().toImage().convertToFormat(QImage.Format.Format_Grayscale8)
    inner = image.copy(6, 6, image.width() - 12, image.height() - 12)
    pixels = np.frombuffer(inner.constBits(), dtype=np.uint8, count=inner.sizeInBytes())
    rows = pixels.reshape(inner.height(), inner.bytesPerLine())[:, : inner.width()]
    return float(rows.mean()), float(rows.std())


def test_series_of_a_chart_stay_apart_in_black_and_white(
    qtbot: QtBot, dashboard: DashboardPage
) -> None:
    """Every pair differs in grey level, or in texture (solid vs hatched, or the hatching)."""
    for chart, bars in chart_series(dashboard):
        entries = chart.legend.entries[: len(bars)]
        signatures = [grey_signature(e.swatch) for e in entries]
        patterns = [b.series_style.pattern for b in bars]
        assert len(set(patterns)) == len(patterns), chart.title.text()
        for (mean_a, spread_a), (mean_b, spread_b) in itertools.combinations(signatures, 2):
            assert abs(mean_a - mean_b) >= 20 or abs(spread_a - spread_b) >= 15, (
                chart.title.text(),
                signatures,
            )
    target = grey_signature(dashboard.bookings_chart.legend.entries[0].swatch)
    forecast = grey_signature(dashboard.bookings_chart.legend.entries[2].swatch)
    assert forecast != target  # a dark line with markers over light solid bars
