"""The Qt table models show the engine's numbers for the current scenario, and follow it."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from pytestqt.qtbot import QtBot

from gtm_planner.model.document import PlanDocument
from gtm_planner.model.engine import KPI_BY_KEY
from gtm_planner.model.exchange.tables import SUMMARY_KPIS, WATERFALL_COLUMNS
from gtm_planner.ui.models import (
    KPI_KEY_ROLE,
    KPI_LABEL_COLUMN,
    KPI_VALUE_COLUMN,
    RAW_VALUE_ROLE,
    KpiTableModel,
    WaterfallTableModel,
    wrap_header,
)

CheckModel = Callable[..., None]  # the ``check_model`` fixture: qtmodeltester.check, typed
DISPLAY = Qt.ItemDataRole.DisplayRole
TOOLTIP = Qt.ItemDataRole.ToolTipRole


def same_number(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b


# --- Qt's own model contract ------------------------------------------------------------------


def test_kpi_model_passes_qt_model_tester_while_scenario_switches(
    check_model: CheckModel, demo_document: PlanDocument
) -> None:
    model = KpiTableModel(demo_document)
    check_model(model, force_py=True)
    demo_document.set_current_scenario(2)
    demo_document.inputs_changed(2)


def test_waterfall_model_passes_qt_model_tester_while_scenario_switches(
    check_model: CheckModel, demo_document: PlanDocument
) -> None:
    model = WaterfallTableModel(demo_document)
    check_model(model, force_py=True)
    demo_document.set_current_scenario(3)
    demo_document.inputs_changed(3)


@pytest.mark.parametrize("model_class", [KpiTableModel, WaterfallTableModel])
def test_models_pass_qts_cpp_model_tester(
    check_model: CheckModel,
    demo_document: PlanDocument,
    model_class: type[KpiTableModel | WaterfallTableModel],
) -> None:
    check_model(model_class(demo_document))


# --- KPI summary ------------------------------------------------------------------------------


def test_kpi_model_values_equal_the_documents_kpis_for_every_kpi(
    demo_document: PlanDocument,
) -> None:
    model = KpiTableModel(demo_document)
    kpis = demo_document.kpis()
    assert model.rowCount() == len(SUMMARY_KPIS)
    for row in range(model.rowCount()):
        key = model.data(model.index(row, KPI_LABEL_COLUMN), KPI_KEY_ROLE)
        shown = model.data(model.index(row, KPI_VALUE_COLUMN), RAW_VALUE_ROLE)
        assert isinstance(shown, float)
        assert same_number(shown, kpis[key].value), key


def test_kpi_values_read_in_their_unit(demo_document: PlanDocument) -> None:
    model = KpiTableModel(demo_document)
    kpis = demo_document.kpis()

    def shown(key: str) -> str:
        return str(model.data(model.index(model.row_of(key), KPI_VALUE_COLUMN), DISPLAY))

    target = kpis["bookings_target"].value
    assert shown("bookings_target") == f"${target:,.0f}"
    assert shown("marketing_sourced_share") == f"{kpis['marketing_sourced_share'].value:.1%}"
    assert shown("pipeline_coverage") == f"{kpis['pipeline_coverage'].value:.2f}x"
    assert shown("cac_payback_months") == f"{kpis['cac_payback_months'].value:.1f} months"


def test_every_kpi_shows_its_formula_on_hover(demo_document: PlanDocument) -> None:
    model = KpiTableModel(demo_document)
    for row, key in enumerate(SUMMARY_KPIS):
        for column in (KPI_LABEL_COLUMN, KPI_VALUE_COLUMN):
            tooltip = str(model.data(model.index(row, column), TOOLTIP))
            assert KPI_BY_KEY[key].formula in tooltip


def test_kpi_values_are_right_aligned_and_bold(demo_document: PlanDocument) -> None:
    model = KpiTableModel(demo_document)
    index = model.index(0, KPI_VALUE_COLUMN)
    alignment = model.data(index, Qt.ItemDataRole.TextAlignmentRole)
    assert alignment & Qt.AlignmentFlag.AlignRight
    font = model.data(index, Qt.ItemDataRole.FontRole)
    assert isinstance(font, QFont) and font.bold()


# --- Reverse waterfall ------------------------------------------------------------------------


def test_waterfall_per_region_target_equals_the_engines_reverse_target(
    demo_document: PlanDocument,
) -> None:
    model = WaterfallTableModel(demo_document)
    column = model.column_of("target")
    expected = demo_document.result().reverse.target.sum(axis=1)
    regions = demo_document.plan.regions
    assert model.rowCount() == len(regions) + 1
    for row, region in enumerate(regions):
        assert model.headerData(row, Qt.Orientation.Vertical, DISPLAY) == region.name
        shown = model.data(model.index(row, column), RAW_VALUE_ROLE)
        assert shown == pytest.approx(expected[row], rel=1e-12)
    total = model.data(model.index(len(regions), column), RAW_VALUE_ROLE)
    assert total == pytest.approx(45_000_000.0)  # the demo plan's four annual targets


def test_waterfall_total_row_is_bold_and_sums_the_regions(demo_document: PlanDocument) -> None:
    model = WaterfallTableModel(demo_document)
    total_row = model.rowCount() - 1
    assert model.headerData(total_row, Qt.Orientation.Vertical, DISPLAY) == "Total"
    header_font = model.headerData(total_row, Qt.Orientation.Vertical, Qt.ItemDataRole.FontRole)
    assert isinstance(header_font, QFont) and header_font.bold()
    for key in ("target", "won", "opportunities", "inquiries", "demand_creation"):
        column = model.column_of(key)
        cell = model.index(total_row, column)
        cell_font = model.data(cell, Qt.ItemDataRole.FontRole)
        assert isinstance(cell_font, QFont) and cell_font.bold()
        regions = [
            model.data(model.index(row, column), RAW_VALUE_ROLE) for row in range(total_row)
        ]
        assert model.data(cell, RAW_VALUE_ROLE) == pytest.approx(sum(regions))
    first_region = model.data(model.index(0, 0), Qt.ItemDataRole.FontRole)
    assert first_region is None


def test_waterfall_money_reads_short_with_the_exact_amount_and_formula_on_hover(
    demo_document: PlanDocument,
) -> None:
    model = WaterfallTableModel(demo_document)
    cell = model.index(0, model.column_of("target"))  # North America: $24,000,000
    assert model.data(cell, DISPLAY) == "$24.0M"
    tooltip = str(model.data(cell, TOOLTIP))
    assert "North America" in tooltip and "$24,000,000" in tooltip
    assert "seasonality" in tooltip
    coverage = model.index(0, model.column_of("coverage"))
    assert str(model.data(coverage, DISPLAY)).endswith("x")


def test_waterfall_headers_wrap_to_at_most_three_lines_and_explain_themselves(
    demo_document: PlanDocument,
) -> None:
    model = WaterfallTableModel(demo_document)
    for column in range(model.columnCount()):
        header = str(model.headerData(column, Qt.Orientation.Horizontal, DISPLAY))
        assert 1 <= len(header.splitlines()) <= 3
        full_header = WATERFALL_COLUMNS[column].header
        assert "".join(header.split()) == "".join(full_header.split())
        tooltip = str(model.headerData(column, Qt.Orientation.Horizontal, TOOLTIP))
        assert tooltip.startswith(f"{full_header} = ")


def test_wrap_header_never_breaks_a_word() -> None:
    assert wrap_header("Opportunities") == "Opportunities"
    wrapped = wrap_header("Marketing pipeline needed before start")
    assert wrapped.replace("\n", " ") == "Marketing pipeline needed before start"
    assert len(wrapped.splitlines()) <= 3


# --- Following the document -------------------------------------------------------------------


def test_models_follow_the_current_scenario(qtbot: QtBot, demo_document: PlanDocument) -> None:
    kpi_model = KpiTableModel(demo_document)
    waterfall_model = WaterfallTableModel(demo_document)
    emea_push = demo_document.scenario_by_id(2)
    expected_emea = emea_push.inputs.annual_target[1].sum()
    with (
        qtbot.waitSignal(kpi_model.dataChanged, timeout=1000),
        qtbot.waitSignal(waterfall_model.dataChanged, timeout=1000),
    ):
        demo_document.set_current_scenario(emea_push.id)
    forecast = demo_document.kpis(emea_push.id)["forecast_bookings"].value
    assert kpi_model.value("forecast_bookings") == forecast
    emea_target = waterfall_model.index(1, waterfall_model.column_of("target"))
    assert waterfall_model.data(emea_target, RAW_VALUE_ROLE) == pytest.approx(expected_emea)


def test_models_repaint_after_an_edit_to_the_current_scenario(
    qtbot: QtBot, demo_document: PlanDocument
) -> None:
    model = WaterfallTableModel(demo_document)
    scenario = demo_document.current_scenario
    target = model.index(0, model.column_of("target"))
    before = model.data(target, RAW_VALUE_ROLE)
    scenario.inputs.annual_target = scenario.inputs.annual_target * 2.0
    with qtbot.waitSignal(model.dataChanged, timeout=1000):
        demo_document.inputs_changed(scenario.id)
    assert model.data(target, RAW_VALUE_ROLE) == pytest.approx(2.0 * before)


def test_an_edit_to_another_scenario_leaves_the_shown_numbers_alone(
    qtbot: QtBot, demo_document: PlanDocument
) -> None:
    model = KpiTableModel(demo_document)
    before = model.value("bookings_target")
    other = demo_document.scenario_by_id(3)
    other.inputs.annual_target = other.inputs.annual_target * 2.0
    with qtbot.assertNotEmitted(model.dataChanged):
        demo_document.inputs_changed(other.id)
    assert model.value("bookings_target") == before
    assert np.isfinite(before)
