"""The Dashboard's numbers equal the engine's, for every region and period filter.

Expected values are summed here the slow, obvious way (month by month, from the engine's arrays
or straight from the inputs), never with the module under test.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pytest

from gtm_planner.model.dashboard_data import (
    DASHBOARD_TILES,
    FUNNEL_STAGES,
    HEADLINE_TILES,
    WHOLE_PLAN,
    DashboardData,
    Period,
    PeriodKind,
    Selection,
    dashboard_data,
    month_mask,
    period_choices,
    region_mask,
)
from gtm_planner.model.demo import build_demo_plan, build_large_plan
from gtm_planner.model.engine import KPI_BY_KEY, ScenarioResult, compute_kpis, compute_scenario
from gtm_planner.model.entities import Function, Plan, Scenario
from gtm_planner.model.exchange.tables import SUMMARY_KPIS

EMEA = 1
APAC = 2


@pytest.fixture(scope="module")
def plan() -> Plan:
    return build_demo_plan()


@pytest.fixture(scope="module")
def scenario(plan: Plan) -> Scenario:
    return plan.plan_of_record


@pytest.fixture(scope="module")
def result(plan: Plan, scenario: Scenario) -> ScenarioResult:
    return compute_scenario(plan, scenario.inputs)


def data_for(plan: Plan, result: ScenarioResult, selection: Selection) -> DashboardData:
    return dashboard_data(plan, plan.plan_of_record.inputs, result, selection)


def quarter(plan: Plan, label: str) -> Period:
    return next(p for p in period_choices(plan.calendar()) if p.label == label)


def months_of(plan: Plan, selection: Selection) -> list[int]:
    """The plan months in the selection, by reading the calendar month by month."""
    calendar = plan.calendar()
    period = selection.period
    months = []
    for t in range(calendar.horizon_months):
        if period.kind is PeriodKind.PLAN:
            months.append(t)
        elif period.kind is PeriodKind.FISCAL_YEAR:
            if calendar.fiscal_year[t] == calendar.fiscal_years[period.index]:
                months.append(t)
        elif calendar.quarter_labels[calendar.quarter_index[t]] == period.label:
            months.append(t)
    return months


def regions_of(plan: Plan, selection: Selection) -> list[int]:
    return list(range(len(plan.regions))) if selection.regions is None else list(selection.regions)


def by_quarter(plan: Plan, monthly: np.ndarray, selection: Selection) -> dict[str, float]:
    """{quarter label: Σ over the selected regions and months}, in calendar order."""
    calendar = plan.calendar()
    sums: dict[str, float] = defaultdict(float)
    for t in months_of(plan, selection):
        label = calendar.quarter_labels[calendar.quarter_index[t]]
        for r in regions_of(plan, selection):
            sums[label] += float(monthly[r, t])
    return dict(sums)


SELECTIONS = [
    Selection(),
    Selection(period=Period(PeriodKind.FISCAL_YEAR, 0, "FY2027")),
    Selection(regions=(EMEA,)),
    Selection(regions=(EMEA, APAC), period=Period(PeriodKind.QUARTER, 1, "FY27 Q2")),
    Selection(regions=(APAC,), period=Period(PeriodKind.QUARTER, 3, "FY27 Q4")),
]


# --- filters -----------------------------------------------------------------------------------


def test_period_choices_are_the_whole_plan_then_each_fiscal_year_then_each_quarter() -> None:
    demo = [p.label for p in period_choices(build_demo_plan().calendar())]
    assert demo == ["Whole plan", "FY2027", "FY27 Q1", "FY27 Q2", "FY27 Q3", "FY27 Q4"]
    large = period_choices(build_large_plan(regions=2, scenarios=1).calendar())
    assert [p.label for p in large[:4]] == ["Whole plan", "FY2027", "FY2028", "FY2029"]
    assert len(large) == 1 + 3 + 12


def test_month_masks_pick_the_months_of_a_year_and_of_a_quarter() -> None:
    calendar = build_large_plan(regions=2, scenarios=1).calendar()
    year = month_mask(calendar, Period(PeriodKind.FISCAL_YEAR, 1, "FY2028"))
    assert list(np.flatnonzero(year)) == list(range(12, 24))
    q = month_mask(calendar, Period(PeriodKind.QUARTER, 5, "FY28 Q2"))
    assert list(np.flatnonzero(q)) == [15, 16, 17]
    assert month_mask(calendar, WHOLE_PLAN).all()


def test_region_mask_selects_the_given_regions_and_all_for_none() -> None:
    assert region_mask(4, None).tolist() == [True] * 4
    assert region_mask(4, (1, 3)).tolist() == [False, True, False, True]
    assert region_mask(2, (1, 5)).tolist() == [False, True]  # a region since removed


def test_selection_text_names_the_regions_and_period(plan: Plan, result: ScenarioResult) -> None:
    assert data_for(plan, result, Selection()).selection_text == "All regions · Whole plan"
    text = data_for(plan, result, SELECTIONS[3]).selection_text
    assert text == "EMEA + APAC · FY27 Q2"
    three = Selection(regions=(0, 1, 2))
    assert data_for(plan, result, three).selection_text == "3 regions · Whole plan"


# --- tiles -------------------------------------------------------------------------------------


def test_tiles_are_every_summary_kpi_headline_first_with_label_unit_and_formula(
    plan: Plan, result: ScenarioResult
) -> None:
    tiles = data_for(plan, result, Selection()).tiles
    assert [t.key for t in tiles] == list(DASHBOARD_TILES)
    assert sorted(DASHBOARD_TILES) == sorted(SUMMARY_KPIS)
    assert [t.key for t in tiles[: len(HEADLINE_TILES)]][:3] == [
        "bookings_target",
        "forecast_bookings",
        "gap",
    ]
    for tile in tiles:
        definition = KPI_BY_KEY[tile.key]
        assert (tile.label, tile.unit, tile.formula) == (
            definition.label,
            definition.unit,
            definition.formula,
        )
        assert tile.definition == f"{definition.label} = {definition.formula}"


@pytest.mark.parametrize("selection", SELECTIONS, ids=lambda s: str(s.regions) + s.period.label)
def test_tiles_equal_the_engine_kpis_over_the_same_regions_and_months(
    plan: Plan, scenario: Scenario, result: ScenarioResult, selection: Selection
) -> None:
    regions = np.zeros(len(plan.regions), dtype=bool)
    regions[regions_of(plan, selection)] = True
    months = np.zeros(plan.settings.horizon_months, dtype=bool)
    months[months_of(plan, selection)] = True
    expected = compute_kpis(plan, scenario.inputs, result, regions=regions, months=months)
    for tile in data_for(plan, result, selection).tiles:
        assert tile.value == pytest.approx(expected[tile.key].value, nan_ok=True), tile.key


def test_whole_plan_target_tile_is_the_demo_plans_45_million(
    plan: Plan, result: ScenarioResult
) -> None:
    data = data_for(plan, result, Selection())
    assert data.tile("bookings_target").value == pytest.approx(45_000_000)
    assert data.tile("gap").value == pytest.approx(
        data.tile("bookings_target").value - data.tile("forecast_bookings").value
    )


# --- chart series ------------------------------------------------------------------------------


@pytest.mark.parametrize("selection", SELECTIONS, ids=lambda s: str(s.regions) + s.period.label)
def test_target_and_forecast_by_quarter_sum_the_engines_months(
    plan: Plan, result: ScenarioResult, selection: Selection
) -> None:
    data = data_for(plan, result, selection)
    target = by_quarter(plan, result.reverse.target, selection)
    forecast = by_quarter(plan, result.forward.forecast, selection)
    assert data.quarterly.labels == tuple(target)
    assert data.quarterly.target == pytest.approx(list(target.values()))
    assert data.quarterly.forecast == pytest.approx(list(forecast.values()))
    assert data.quarterly.gap == pytest.approx(
        [target[q] - forecast[q] for q in data.quarterly.labels]
    )
    assert sum(target.values()) == pytest.approx(data.tile("bookings_target").value)


@pytest.mark.parametrize("selection", SELECTIONS, ids=lambda s: str(s.regions) + s.period.label)
def test_funnel_totals_are_the_reverse_waterfalls_stages_for_marketing_and_all_sources(
    plan: Plan, result: ScenarioResult, selection: Selection
) -> None:
    data = data_for(plan, result, selection)
    rev = result.reverse
    marketing = plan.marketing_source_index()
    stages = (rev.inquiries, rev.mqls, rev.sqls, rev.opportunities, rev.won)
    for i, stage in enumerate(stages):
        mkt = every = 0.0
        for r in regions_of(plan, selection):
            for t in months_of(plan, selection):
                mkt += float(stage[r, marketing, t])
                every += float(stage[r, :, t].sum())
        assert data.funnel.marketing[i] == pytest.approx(mkt), FUNNEL_STAGES[i]
        assert data.funnel.all_sources[i] == pytest.approx(every), FUNNEL_STAGES[i]
    assert data.funnel.stages == ("Inquiries", "MQLs", "SQLs", "Opportunities", "Won deals")


@pytest.mark.parametrize("selection", SELECTIONS, ids=lambda s: str(s.regions) + s.period.label)
def test_budget_by_quarter_adds_up_the_budget_lines_by_function_and_family(
    plan: Plan, scenario: Scenario, result: ScenarioResult, selection: Selection
) -> None:
    """Straight from the inputs' budget lines: no engine array involved."""
    budget = scenario.inputs.budget
    sales = np.zeros(budget.shape[1:])
    marketing = np.zeros(budget.shape[1:])
    families = [c for c in plan.categories if c.function is Function.MARKETING]
    by_family = {c.key: np.zeros(budget.shape[1:]) for c in families}
    for line, spend in zip(plan.budget_lines, budget, strict=True):
        if line.function is Function.SALES:
            sales += spend
        else:
            marketing += spend
            by_family[line.category] += spend
    data = data_for(plan, result, selection).budget
    assert data.sales == pytest.approx(list(by_quarter(plan, sales, selection).values()))
    assert data.marketing == pytest.approx(list(by_quarter(plan, marketing, selection).values()))
    assert data.family_names == tuple(c.name for c in families)
    for row, family in enumerate(families):
        expected = by_quarter(plan, by_family[family.key], selection)
        assert data.by_family[row] == pytest.approx(list(expected.values())), family.key
    assert data.by_family.sum(axis=0) == pytest.approx(data.marketing)


@pytest.mark.parametrize("selection", SELECTIONS, ids=lambda s: str(s.regions) + s.period.label)
def test_regional_spend_pipeline_and_bookings_per_selected_region(
    plan: Plan, scenario: Scenario, result: ScenarioResult, selection: Selection
) -> None:
    data = data_for(plan, result, selection).regional
    demand_lines = [
        i for i, line in enumerate(plan.budget_lines) if line.category == "demand_creation"
    ]
    months = months_of(plan, selection)
    chosen = regions_of(plan, selection)
    assert data.regions == tuple(plan.regions[r].name for r in chosen)
    for i, r in enumerate(chosen):
        spend = sum(
            float(scenario.inputs.budget[line, r, t]) for line in demand_lines for t in months
        )
        pipeline = sum(float(result.forward.marketing_pipeline[r, t]) for t in months)
        bookings = sum(float(result.forward.marketing_sourced_bookings[r, t]) for t in months)
        assert data.demand_creation_spend[i] == pytest.approx(spend)
        assert data.marketing_pipeline[i] == pytest.approx(pipeline)
        assert data.marketing_bookings[i] == pytest.approx(bookings)


def test_regional_pipeline_sums_to_the_marketing_sourced_pipeline_tile(
    plan: Plan, result: ScenarioResult
) -> None:
    data = data_for(plan, result, SELECTIONS[3])
    assert data.regional.marketing_pipeline.sum() == pytest.approx(
        data.tile("marketing_sourced_pipeline").value
    )
