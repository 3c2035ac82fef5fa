"""Compare: KPI deltas, the inputs that differ, overlaid quarters — all equal to the engine's."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QAbstractItemModel, Qt

from gtm_planner.model.commands import InsertScenario, SetValues
from gtm_planner.model.compare import compare
from gtm_planner.model.document import PlanDocument
from gtm_planner.model.engine import KPI_CATALOGUE, compute_kpis, compute_scenario
from gtm_planner.model.entities import Scenario
from gtm_planner.model.snapshots import clone_scenario
from gtm_planner.ui.answer_tables import HIGHLIGHT, RAW_VALUE_ROLE
from gtm_planner.ui.screens.compare import CompareScreen
from gtm_planner.ui.undo import UndoController

from .conftest import EMEA

BASELINE, PUSH, EFFICIENCY = ("scenario", 1), ("scenario", 2), ("scenario", 3)


def raw(model: QAbstractItemModel, row: int, column: int) -> float:
    value = model.data(model.index(row, column), RAW_VALUE_ROLE)
    assert isinstance(value, float)
    return value


def same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-9)


def engine_kpis(document: PlanDocument, scenario: Scenario) -> dict[str, float]:
    plan = document.plan
    result = compute_scenario(plan, scenario.inputs)
    return {k: v.value for k, v in compute_kpis(plan, scenario.inputs, result).items()}


def test_kpi_deltas_equal_the_engines_differences(
    compare_screen: CompareScreen, demo_document: PlanDocument, check_model: Callable[..., None]
) -> None:
    compare_screen.set_checked([BASELINE, PUSH, EFFICIENCY])
    compare_screen.refresh()
    model = compare_screen.kpi_model
    plan = demo_document.plan
    base = engine_kpis(demo_document, plan.scenarios[0])
    assert model.rowCount() == len(KPI_CATALOGUE)
    assert model.columnCount() == 1 + 1 + 3 + 3
    for item, scenario in ((1, plan.scenarios[1]), (2, plan.scenarios[2])):
        other = engine_kpis(demo_document, scenario)
        for row, definition in enumerate(KPI_CATALOGUE):
            key = definition.key
            assert model.data(model.index(row, 0)) == definition.label
            assert same(raw(model, row, model.column_of(item, "value")), other[key])
            delta = raw(model, row, model.column_of(item, "delta"))
            assert same(delta, other[key] - base[key]), key
            share = raw(model, row, model.column_of(item, "percent"))
            expected = (other[key] - base[key]) / abs(base[key]) if base[key] else math.nan
            assert same(share, expected), key
    check_model(model)
    check_model(compare_screen.differences_model)


def test_a_clone_shows_no_input_differences(
    compare_screen: CompareScreen, demo_document: PlanDocument, undo: UndoController
) -> None:
    plan = demo_document.plan
    clone = clone_scenario(plan, plan.scenarios[0], 99)
    undo.push(InsertScenario("Clone", len(plan.scenarios), clone))
    compare_screen.set_checked([BASELINE, ("scenario", 99)])
    compare_screen.refresh()
    assert compare_screen.differences_model.rowCount() == 0
    assert "no input differs from Baseline" in compare_screen.differences_note.text()
    model = compare_screen.kpi_model
    for row in range(model.rowCount()):
        delta = raw(model, row, model.column_of(1, "delta"))
        assert delta == 0 or math.isnan(delta)


def test_the_inputs_that_differ_are_listed_and_highlighted(
    compare_screen: CompareScreen, demo_document: PlanDocument
) -> None:
    compare_screen.set_checked([BASELINE, PUSH, EFFICIENCY])
    compare_screen.refresh()
    compare_screen.set_inputs_of("Aggressive EMEA push")
    model = compare_screen.differences_model
    plan = demo_document.plan
    a, b = plan.scenarios[0].inputs, plan.scenarios[1].inputs
    differing_cells = sum(
        int((np.asarray(getattr(a, f)) != np.asarray(getattr(b, f))).sum())
        for f in ("annual_target", "follow_up_rate", "ae_hires", "budget")
    )
    assert f"{differing_cells:,} input cells differ" in compare_screen.differences_note.text()
    assert model.rowCount() > 0
    assert model.headerData(2, Qt.Orientation.Horizontal) == "Aggressive\nEMEA push"
    for row in range(model.rowCount()):
        assert model.data(model.index(row, 2), Qt.ItemDataRole.BackgroundRole) == HIGHLIGHT
        assert model.data(model.index(row, 1), Qt.ItemDataRole.BackgroundRole) is None
    budget_rows = [r for r in range(model.rowCount())
                   if str(model.data(model.index(r, 0))).startswith("Budget (")]  # fmt: skip
    shown = sum(raw(model, r, 2) - raw(model, r, 1) for r in budget_rows)
    assert math.isclose(shown, b.budget.sum() - a.budget.sum(), rel_tol=1e-9)


def test_chart_series_equal_the_comparison_and_follow_edits_in_place(
    compare_screen: CompareScreen, demo_document: PlanDocument, undo: UndoController
) -> None:
    plan = demo_document.plan
    compare_screen.set_checked([BASELINE, PUSH, ("snapshot", 1)])
    compare_screen.refresh()
    expected = compare(plan, [*plan.scenarios[:2], plan.snapshots[0]])
    pairs = list(compare_screen.chart.pairs)
    assert len(pairs) == 3
    for (target, forecast), series in zip(pairs, expected.series, strict=True):
        assert series is not None
        np.testing.assert_array_equal(target.getData()[1], series.target)
        np.testing.assert_array_equal(forecast.getData()[1], series.forecast)
        np.testing.assert_array_equal(forecast.getData()[0], np.arange(4))

    undo.push(SetValues("Raise EMEA target", 2, "annual_target", np.array([[EMEA - 1, 0]]),
                        np.array([20_000_000.0])))  # fmt: skip
    compare_screen.refresh()
    assert [tuple(p) for p in compare_screen.chart.pairs] == [tuple(p) for p in pairs]
    changed = compare(plan, [*plan.scenarios[:2], plan.snapshots[0]]).series[1]
    assert changed is not None
    np.testing.assert_array_equal(pairs[1][0].getData()[1], changed.target)


def test_a_snapshot_shows_its_frozen_kpis(
    compare_screen: CompareScreen, demo_document: PlanDocument
) -> None:
    compare_screen.set_checked([BASELINE, ("snapshot", 1)])
    compare_screen.refresh()
    model = compare_screen.kpi_model
    snapshot = demo_document.plan.snapshots[0]
    for row, definition in enumerate(KPI_CATALOGUE):
        assert same(raw(model, row, model.column_of(1, "value")),
                    snapshot.outputs[definition.key])  # fmt: skip


def test_region_and_period_filters_and_the_reference_choice(
    compare_screen: CompareScreen, demo_document: PlanDocument
) -> None:
    plan = demo_document.plan
    compare_screen.set_checked([BASELINE, PUSH])
    compare_screen.region_combo.setCurrentIndex(compare_screen.region_combo.findData(EMEA))
    compare_screen.set_reference(PUSH)
    compare_screen.refresh()
    regions = np.array([r.id == EMEA for r in plan.regions])
    kpis = {}
    for s in plan.scenarios[:2]:
        result = compute_scenario(plan, s.inputs)
        kpis[s.id] = compute_kpis(plan, s.inputs, result, regions)["forecast_bookings"].value
    model = compare_screen.kpi_model
    row = [d.key for d in KPI_CATALOGUE].index("forecast_bookings")
    assert model.headerData(1, Qt.Orientation.Horizontal) == "Aggressive\nEMEA push"
    assert same(raw(model, row, 1), kpis[2])
    assert same(raw(model, row, model.column_of(1, "delta")), kpis[1] - kpis[2])


def test_fewer_than_two_items_ask_for_more(compare_screen: CompareScreen) -> None:
    compare_screen.set_checked([BASELINE])
    compare_screen.refresh()
    assert compare_screen.comparison is None
    assert compare_screen.kpi_model.rowCount() == 0
    assert "two or more" in compare_screen.message.text()
