"""Compare: KPI deltas equal the engine's own differences; input differences read like a diff."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

from gtm_planner.model.commands import RemoveRegion, run
from gtm_planner.model.compare import compare, input_differences
from gtm_planner.model.demo import build_demo_plan, build_large_plan
from gtm_planner.model.document import PlanDocument
from gtm_planner.model.engine import KPI_CATALOGUE, compute_kpis, compute_scenario
from gtm_planner.model.entities import Plan
from gtm_planner.model.snapshots import clone_scenario, take_snapshot


@pytest.fixture
def demo() -> Plan:
    return build_demo_plan()


def test_kpi_deltas_equal_the_differences_of_kpis_computed_directly(demo: Plan) -> None:
    comparison = compare(demo, demo.scenarios)
    direct = [
        compute_kpis(demo, s.inputs, compute_scenario(demo, s.inputs)) for s in demo.scenarios
    ]
    assert [row.key for row in comparison.kpi_rows] == [d.key for d in KPI_CATALOGUE]
    for row in comparison.kpi_rows:
        first = direct[0][row.key].value
        for k, kpis in enumerate(direct):
            value = kpis[row.key].value
            if math.isnan(value):
                assert math.isnan(row.values[k])
                continue
            assert row.values[k] == value
            assert row.deltas[k] == pytest.approx(value - first, abs=1e-9)
            if first != 0 and math.isfinite(first):
                assert row.delta_percents[k] == pytest.approx((value - first) / abs(first))
    gap = next(r for r in comparison.kpi_rows if r.key == "gap")
    assert gap.deltas[0] == 0.0 and gap.deltas[1] > 0  # the EMEA push widens the gap


def test_deltas_follow_a_region_and_month_filter(demo: Plan) -> None:
    regions = np.array([False, True, False, False])
    months = np.arange(12) < 6
    comparison = compare(demo, demo.scenarios[:2], regions, months)
    a, b = (
        compute_kpis(demo, s.inputs, compute_scenario(demo, s.inputs), regions, months)
        for s in demo.scenarios[:2]
    )
    forecast = next(r for r in comparison.kpi_rows if r.key == "forecast_bookings")
    assert forecast.deltas[1] == pytest.approx(
        b["forecast_bookings"].value - a["forecast_bookings"].value
    )


def test_a_scenario_compared_with_its_clone_has_no_input_differences(demo: Plan) -> None:
    clone = clone_scenario(demo, demo.scenarios[1], 99)
    comparison = compare(demo, [demo.scenarios[1], clone])
    diff = comparison.input_differences[0]
    assert diff.differences == () and diff.total == 0 and diff.cells_by_field == {}
    assert all(all(d == 0 for d in row.deltas if not math.isnan(d)) for row in comparison.kpi_rows)


def test_a_changed_budget_cell_appears_once_with_its_fiscal_year_totals(demo: Plan) -> None:
    clone = clone_scenario(demo, demo.scenarios[0], 99)
    clone.inputs.budget[7, 1, 4] += 12_345.0  # Paid digital, EMEA, May 2027
    diff = input_differences(demo, clone.name, demo.scenarios[0].inputs, clone.inputs)
    assert diff.total == 1 and diff.cells_by_field == {"budget": 1}
    (entry,) = diff.differences
    assert entry.label == "Budget (Paid digital / EMEA / FY2027)"
    year_total = float(demo.scenarios[0].inputs.budget[7, 1, :].sum())
    assert entry.old == pytest.approx(year_total)
    assert entry.new == pytest.approx(year_total + 12_345.0)
    assert entry.cells == 1


def test_other_inputs_are_listed_cell_by_cell_with_the_grids_labels(demo: Plan) -> None:
    push = demo.scenarios[1]
    diff = compare(demo, [demo.scenarios[0], push]).input_differences[0]
    labels = {d.label: d for d in diff.differences}
    target = labels["Bookings target (EMEA / FY2027)"]
    assert target.old == 12_000_000.0 and target.new == pytest.approx(16_200_000.0)
    assert labels["MQL follow-up rate (SLA) (EMEA)"].new == 0.9
    hires = labels["AE hires (EMEA / FY2027)"]
    assert (hires.old, hires.new, hires.cells) == (4.0, 8.0, 4)
    # three demand-creation lines × EMEA × 12 months of budget: three entries, 36 cells
    assert diff.cells_by_field["budget"] == 36
    assert sum(1 for d in diff.differences if d.field == "budget") == 3


def test_the_list_is_capped_on_the_large_plan_and_the_counts_stay_true() -> None:
    plan = build_large_plan(scenarios=2)
    first, second = plan.scenarios
    diff = compare(plan, [first, second], limit=50).input_differences[0]
    differs = first.inputs.budget != second.inputs.budget
    groups = (differs.astype(float) @ plan.calendar().fiscal_year_matrix()) > 0
    assert diff.total == int(groups.sum()) > 50
    assert len(diff.differences) == 50 and diff.truncated
    assert diff.cells_by_field == {"budget": int(differs.sum())}


def test_quarter_series_are_the_engines_target_and_forecast_per_quarter(demo: Plan) -> None:
    comparison = compare(demo, demo.scenarios)
    q = demo.calendar().quarter_matrix()
    assert comparison.quarter_labels == ("FY27 Q1", "FY27 Q2", "FY27 Q3", "FY27 Q4")
    for scenario, series in zip(demo.scenarios, comparison.series, strict=True):
        result = compute_scenario(demo, scenario.inputs)
        assert series is not None and series.name == scenario.name
        np.testing.assert_allclose(series.target, result.reverse.target.sum(axis=0) @ q)
        np.testing.assert_allclose(series.forecast, result.forward.forecast.sum(axis=0) @ q)


def test_a_snapshot_brings_its_recorded_kpis_and_inputs(demo: Plan) -> None:
    scenario = demo.scenarios[0]
    at = dt.datetime(2027, 1, 5, tzinfo=dt.UTC)
    snapshot = take_snapshot(demo, scenario, compute_scenario(demo, scenario.inputs), 5, "v1", at)
    snapshot.outputs["forecast_bookings"] = 1.0  # what it said then, not recomputed
    scenario.inputs.annual_target[0, 0] += 1_000_000.0  # edited since
    comparison = compare(demo, [snapshot, scenario])
    assert comparison.kinds == ("snapshot", "scenario")
    forecast = next(r for r in comparison.kpi_rows if r.key == "forecast_bookings")
    assert forecast.values[0] == 1.0
    (entry,) = comparison.input_differences[0].differences
    assert entry.label == "Bookings target (North America / FY2027)"
    assert entry.new - entry.old == pytest.approx(1_000_000.0)


def test_a_snapshot_from_before_a_region_was_removed_is_shown_without_series(demo: Plan) -> None:
    snapshot = demo.snapshots[0]
    document = PlanDocument(demo)
    run(document, RemoveRegion("Remove LATAM", 4))
    comparison = compare(demo, [demo.scenarios[0], snapshot])
    assert comparison.series[1] is None
    forecast = next(r for r in comparison.kpi_rows if r.key == "forecast_bookings")
    assert forecast.values[1] == snapshot.outputs["forecast_bookings"]
    problems = comparison.input_differences[0].dimension_problems
    assert problems and comparison.input_differences[0].differences == ()


def test_fewer_than_two_items_is_refused(demo: Plan) -> None:
    with pytest.raises(ValueError, match="at least two"):
        compare(demo, demo.scenarios[:1])
