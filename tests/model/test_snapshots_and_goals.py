"""Snapshots stay frozen and restore only into a plan of the same shape; goals track the plan."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

from gtm_planner.model.commands import RemoveBudgetLine, RemoveRegion, run
from gtm_planner.model.demo import build_demo_plan, build_large_plan
from gtm_planner.model.document import PlanDocument
from gtm_planner.model.engine import Unit, compute_kpis, compute_scenario
from gtm_planner.model.entities import Owner, Plan, SharedGoal
from gtm_planner.model.goals import (
    GoalInputError,
    GoalStatus,
    fiscal_year_months,
    goal_edit_text,
    judge,
    parse_goal_value,
    parse_number,
    sqls_committed_by_quarter,
    track_goals,
)
from gtm_planner.model.snapshots import (
    SnapshotMismatchError,
    clone_scenario,
    fits_plan,
    input_totals,
    restore_scenario,
    scenario_name_problem,
    shape_problems,
    take_snapshot,
    unique_name,
)

AT = dt.datetime(2027, 3, 1, 10, 0, tzinfo=dt.UTC)


def two_year_plan() -> Plan:
    """Four regions over 24 months (FY2027 and FY2028, January start), one scenario."""
    return build_large_plan(regions=4, months=24, lines=12, scenarios=1)


def goal(metric: str, value: float, fiscal_year: int = 2027) -> SharedGoal:
    return SharedGoal(99, "Goal", metric, Owner.JOINT, fiscal_year, value)


# --- goals -------------------------------------------------------------------------------------


def test_bookings_goal_for_the_second_fiscal_year_tracks_that_years_target_only() -> None:
    plan = two_year_plan()
    inputs = plan.scenarios[0].inputs
    fy2028_target = float(inputs.annual_target[:, 1].sum())  # the input, summed by hand
    plan.goals = [goal("bookings_target", fy2028_target, 2028)]
    tracking = track_goals(plan, inputs, compute_scenario(plan, inputs))[99]
    assert tracking.actual == pytest.approx(fy2028_target, rel=1e-12)
    assert tracking.status is GoalStatus.MET
    assert tracking.shortfall == pytest.approx(0.0, abs=1e-6)


def test_goal_actual_is_the_engines_kpi_over_that_fiscal_years_months() -> None:
    plan = two_year_plan()
    inputs = plan.scenarios[0].inputs
    result = compute_scenario(plan, inputs)
    plan.goals = [goal("forecast_bookings", 1.0, 2028), goal("blended_cac", 1.0, 2027)]
    plan.goals[1].id = 7
    months = plan.calendar().fiscal_year == 2028
    expected = compute_kpis(plan, inputs, result, months=months)["forecast_bookings"].value
    whole_horizon = compute_kpis(plan, inputs, result)["forecast_bookings"].value
    tracking = track_goals(plan, inputs, result)
    assert tracking[99].actual == expected
    assert tracking[99].actual != pytest.approx(whole_horizon)
    first_year = plan.calendar().fiscal_year == 2027
    assert (
        tracking[7].actual
        == compute_kpis(plan, inputs, result, months=first_year)["blended_cac"].value
    )


def test_fiscal_year_months_follow_a_february_fiscal_year_start() -> None:
    plan = build_demo_plan()
    plan.settings.fiscal_year_start_month = 2  # Jan 2027 belongs to FY2027, Feb on to FY2028
    months = fiscal_year_months(plan, 2028)
    assert months.tolist() == [False] + [True] * 11


def test_higher_is_better_goal_is_behind_by_the_difference() -> None:
    tracking = judge(goal("forecast_bookings", 50_000_000), 45_000_000)
    assert tracking.status is GoalStatus.BEHIND
    assert tracking.shortfall == 5_000_000


def test_cac_goal_is_met_when_the_plans_cac_is_below_it() -> None:
    met = judge(goal("blended_cac", 60_000), 46_000)
    behind = judge(goal("blended_cac", 40_000), 46_000)
    assert met.lower_is_better and met.status is GoalStatus.MET
    assert met.shortfall == -14_000  # ahead by 14,000
    assert behind.status is GoalStatus.BEHIND and behind.shortfall == 6_000


def test_goal_for_a_year_outside_the_plan_has_no_data_rather_than_a_zero() -> None:
    plan = build_demo_plan()
    plan.goals = [goal("forecast_bookings", 1.0, 2031)]
    inputs = plan.scenarios[0].inputs
    tracking = track_goals(plan, inputs, compute_scenario(plan, inputs))[99]
    assert tracking.status is GoalStatus.NO_DATA
    assert math.isnan(tracking.actual)


@pytest.mark.parametrize(
    ("text", "unit", "expected"),
    [
        ("40", Unit.PERCENT, 0.40),
        ("40%", Unit.PERCENT, 0.40),
        ("12.5 %", Unit.PERCENT, 0.125),
        ("45,000,000", Unit.MONEY, 45_000_000),
        ("$45M", Unit.MONEY, 45_000_000),
        ("60k", Unit.MONEY, 60_000),
        ("3.5x", Unit.RATIO, 3.5),
        ("800", Unit.COUNT, 800),
    ],
)
def test_goal_values_are_read_as_a_planner_types_them(
    text: str, unit: Unit, expected: float
) -> None:
    assert parse_goal_value(text, unit) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("lots", Unit.MONEY),
        ("", Unit.COUNT),
        ("-5", Unit.MONEY),
        ("150", Unit.PERCENT),
        ("40%", Unit.MONEY),
        ("1e999", Unit.MONEY),
    ],
)
def test_values_that_cannot_be_a_goal_are_refused_with_a_reason(text: str, unit: Unit) -> None:
    with pytest.raises(GoalInputError, match=r"\S"):
        parse_goal_value(text, unit)


@pytest.mark.parametrize("unit", list(Unit))
def test_the_editor_text_of_a_goal_value_reads_back_as_the_same_value(unit: Unit) -> None:
    value = 0.375 if unit is Unit.PERCENT else 45_250_000.0
    assert parse_goal_value(goal_edit_text(value, unit), unit) == pytest.approx(value)


def test_sla_value_accepts_percent_as_a_share() -> None:
    assert parse_number("85%") == pytest.approx(0.85)


def test_sqls_marketing_commits_are_the_reverse_waterfalls_sqls_summed_by_quarter() -> None:
    plan = build_demo_plan()
    inputs = plan.scenarios[0].inputs
    result = compute_scenario(plan, inputs)
    by_quarter, before = sqls_committed_by_quarter(plan, result)
    m = plan.marketing_source_index()
    quarter_of = plan.calendar().quarter_index
    for r in range(len(plan.regions)):
        for q in range(by_quarter.shape[1]):
            months = [t for t in range(len(quarter_of)) if quarter_of[t] == q]
            assert by_quarter[r, q] == pytest.approx(
                sum(result.reverse.sqls[r, m, t] for t in months)
            )
        assert before[r] == result.reverse.sqls_before_start[r, m]
    assert by_quarter.shape == (4, 4)


# --- snapshots ---------------------------------------------------------------------------------


def test_snapshot_holds_every_kpi_of_the_scenario_when_taken() -> None:
    plan = build_demo_plan()
    scenario = plan.scenarios[0]
    result = compute_scenario(plan, scenario.inputs)
    snapshot = take_snapshot(plan, scenario, result, 5, "  Board v2 ", AT)
    kpis = compute_kpis(plan, scenario.inputs, result)
    assert snapshot.outputs == {k: v.value for k, v in kpis.items()}
    assert (snapshot.id, snapshot.name, snapshot.scenario_name) == (5, "Board v2", "Baseline")
    assert snapshot.created_at == AT


def test_later_edits_to_the_scenario_do_not_reach_the_snapshot() -> None:
    plan = build_demo_plan()
    scenario = plan.scenarios[0]
    snapshot = take_snapshot(plan, scenario, compute_scenario(plan, scenario.inputs), 5, "v2")
    frozen_budget = float(snapshot.inputs.budget.sum())
    scenario.inputs.budget *= 2.0
    scenario.inputs.asp[0, 0] = 1.0
    assert float(snapshot.inputs.budget.sum()) == frozen_budget
    assert snapshot.inputs.asp[0, 0] == 60_000


def test_restored_scenario_has_the_snapshots_inputs_under_a_new_name() -> None:
    plan = build_demo_plan()
    snapshot = plan.snapshots[0]
    restored = restore_scenario(plan, snapshot, 4)
    assert restored.inputs.equals(snapshot.inputs)
    assert restored.inputs.budget is not snapshot.inputs.budget
    assert (restored.id, restored.name) == (4, "Board pre-read v1 (restored)")
    assert not restored.is_plan_of_record
    plan.scenarios.append(restored)
    assert restore_scenario(plan, snapshot, 5).name == "Board pre-read v1 (restored) 2"


def test_snapshot_from_before_a_region_was_removed_is_refused_naming_the_regions() -> None:
    document = PlanDocument(build_demo_plan())
    snapshot = document.plan.snapshots[0]
    run(document, RemoveRegion("Remove LATAM", 4))
    assert not fits_plan(document.plan, snapshot)
    with pytest.raises(SnapshotMismatchError, match="3 regions; the snapshot has 4"):
        restore_scenario(document.plan, snapshot, 9)


def test_snapshot_from_before_a_budget_line_was_removed_no_longer_fits() -> None:
    document = PlanDocument(build_demo_plan())
    run(document, RemoveBudgetLine("Remove line", 1))
    problems = shape_problems(document.plan, document.plan.snapshots[0].inputs)
    assert problems == ["the plan now has 11 budget lines; the snapshot has 12"]


def test_snapshot_with_fewer_months_than_the_plan_no_longer_fits() -> None:
    plan = build_demo_plan()
    snapshot = plan.snapshots[0]
    snapshot.inputs.budget = snapshot.inputs.budget[:, :, :6]
    assert "the plan now has 12 plan months; the snapshot has 6" in shape_problems(
        plan, snapshot.inputs
    )


def test_snapshot_of_the_plan_as_it_is_fits() -> None:
    plan = build_demo_plan()
    assert fits_plan(plan, plan.snapshots[0])


def test_input_totals_add_up_the_snapshots_own_arrays() -> None:
    plan = build_demo_plan()
    totals = {t.label: t.value for t in input_totals(plan.snapshots[0].inputs)}
    assert totals["Bookings target, all years"] == 45_000_000  # 24M + 12M + 6M + 3M
    assert totals["S&M budget (all lines)"] == float(plan.snapshots[0].inputs.budget.sum())
    assert totals["AEs at plan start"] == 36 + 21 + 12 + 8


# --- scenario names ----------------------------------------------------------------------------


def test_clone_is_named_copy_and_made_unique() -> None:
    plan = build_demo_plan()
    first = clone_scenario(plan, plan.scenarios[0], 4)
    assert first.name == "Baseline copy" and first.inputs.equals(plan.scenarios[0].inputs)
    assert first.inputs.asp is not plan.scenarios[0].inputs.asp
    assert not first.is_plan_of_record
    plan.scenarios.append(first)
    assert clone_scenario(plan, plan.scenarios[0], 5).name == "Baseline copy 2"


def test_unique_name_ignores_case() -> None:
    assert unique_name("Plan", ["plan", "PLAN 2"]) == "Plan 3"


@pytest.mark.parametrize("name", ["", "   ", "baseline", " Efficiency plan "])
def test_scenario_names_must_be_non_empty_and_unused(name: str) -> None:
    assert scenario_name_problem(build_demo_plan(), name) is not None


def test_a_scenario_may_keep_its_own_name() -> None:
    plan = build_demo_plan()
    assert scenario_name_problem(plan, "Baseline", scenario_id=1) is None
    assert scenario_name_problem(plan, "Board case", scenario_id=1) is None


def test_shapes_are_checked_on_every_input_array() -> None:
    plan = build_demo_plan()
    inputs = plan.scenarios[0].inputs.copy()
    inputs.seasonality = np.ones((4, 11))
    assert shape_problems(plan, inputs) == ["seasonality is (4, 11), the plan needs (4, 12)"]
