"""Allocation: as good as a brute-force search, never outside its bounds, explainable."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gtm_planner.model.commands import run
from gtm_planner.model.demo import build_demo_plan
from gtm_planner.model.document import PlanDocument
from gtm_planner.model.engine import compute_scenario
from gtm_planner.model.entities import Plan, ScenarioInputs
from gtm_planner.model.solve import AllocationResult, SolveError, allocate_demand_creation
from tests.model.solve.plans import allocation_plan

YEAR = 2027


def year_spend(plan: Plan, inputs: ScenarioInputs) -> np.ndarray:
    """(R,) demand-creation spend per region in the year, summed straight from the budget."""
    dc = plan.demand_creation_mask()
    months = plan.calendar().fiscal_year == YEAR
    return np.asarray(inputs.budget[dc][:, :, months].sum(axis=(0, 2)))


def bookings_with(plan: Plan, budgets: np.ndarray) -> float:
    """Horizon bookings with each region's year spend scaled to ``budgets`` (shape kept)."""
    inputs = plan.scenarios[0].inputs.copy()
    dc = np.flatnonzero(plan.demand_creation_mask())
    months = np.flatnonzero(plan.calendar().fiscal_year == YEAR)
    scale = budgets / year_spend(plan, inputs)
    block = inputs.budget[np.ix_(dc, np.arange(len(plan.regions)), months)]
    inputs.budget[np.ix_(dc, np.arange(len(plan.regions)), months)] = block * scale[None, :, None]
    return float(compute_scenario(plan, inputs).forward.forecast.sum())


def allocated(result: AllocationResult) -> np.ndarray:
    return np.array([r.allocated for r in result.regions])


@pytest.fixture(scope="module")
def plan() -> Plan:
    return allocation_plan()


def test_allocation_equals_a_brute_force_grid_search_on_three_regions(plan: Plan) -> None:
    total = 1_800_000.0
    result = allocate_demand_creation(plan, plan.scenarios[0], YEAR, total)
    step = total / 90
    best = 0.0
    for i, j in itertools.product(range(91), range(91)):
        if i + j <= 90:
            grid = np.array([i * step, j * step, total - (i + j) * step])
            best = max(best, bookings_with(plan, grid))
    optimum = bookings_with(plan, allocated(result))
    assert optimum == pytest.approx(result.forecast_after, rel=1e-12)
    assert optimum >= best * (1 - 1e-9)  # never worse than any grid point
    assert optimum <= best * 1.001  # and the grid gets within 0.1% of it
    assert allocated(result).sum() == pytest.approx(total, rel=1e-12)


def test_allocation_with_binding_floor_and_ceiling_equals_a_fine_one_dimensional_search(
    plan: Plan,
) -> None:
    total = 1_200_000.0
    floors, ceilings = {3: 300_000.0}, {1: 450_000.0, 3: 300_000.0}
    result = allocate_demand_creation(plan, plan.scenarios[0], YEAR, total, floors, ceilings)
    grid = np.linspace(0.0, 450_000.0, 451)
    searched = [
        bookings_with(plan, np.array([b1, total - 300_000.0 - b1, 300_000.0])) for b1 in grid
    ]
    best = max(searched)
    optimum = bookings_with(plan, allocated(result))
    assert best * (1 - 1e-9) <= optimum <= best * 1.001
    assert result.regions[0].allocated == pytest.approx(grid[int(np.argmax(searched))], abs=2e3)
    assert result.regions[2].allocated == 300_000.0 and result.regions[2].bound == "floor"


def test_at_the_optimum_regions_between_their_bounds_earn_the_same_marginal_return() -> None:
    smooth = allocation_plan(capacity_binds=False)
    result = allocate_demand_creation(smooth, smooth.scenarios[0], YEAR, 1_500_000.0)
    interior = [r for r in result.regions if r.bound == ""]
    assert len(interior) >= 2
    for region in interior:
        assert region.marginal_next_unit == pytest.approx(result.marginal_return, rel=1e-3)
        assert region.marginal_last_unit == pytest.approx(result.marginal_return, rel=1e-3)
    for region in result.regions:
        if region.bound == "floor":
            assert region.marginal_next_unit <= result.marginal_return * (1 + 1e-3)
        if region.bound == "ceiling":
            assert region.marginal_last_unit >= result.marginal_return * (1 - 1e-3)


def test_where_capacity_binds_the_next_unit_returns_less_than_the_last(plan: Plan) -> None:
    result = allocate_demand_creation(plan, plan.scenarios[0], YEAR, 1_800_000.0)
    for region in result.regions:
        if region.bound == "":
            assert region.marginal_next_unit <= result.marginal_return * (1 + 1e-3)
            assert region.marginal_last_unit >= result.marginal_return * (1 - 1e-3)


def test_a_tiny_ceiling_with_huge_marginal_returns_does_not_derail_the_search(
    plan: Plan,
) -> None:
    # Region 2 (e = 0.8) capped at 1e-120 returns ~10^24 per unit there, far above everyone
    # else's returns: a price search started from it once gave up and split the budget evenly.
    total, cap = 51.0, 1e-120
    result = allocate_demand_creation(plan, plan.scenarios[0], YEAR, total, None, {2: cap})
    best = max(
        bookings_with(plan, np.array([b1, cap, total - cap - b1]))
        for b1 in np.linspace(0.0, total, 511)
    )
    assert bookings_with(plan, allocated(result)) >= best * (1 - 1e-9)


def test_the_engine_only_method_agrees_with_the_response_curves(plan: Plan) -> None:
    curves = allocate_demand_creation(plan, plan.scenarios[0], YEAR, 1_500_000.0)
    engine = allocate_demand_creation(plan, plan.scenarios[0], YEAR, 1_500_000.0,
                                      use_engine=True)  # fmt: skip
    assert "checked against it" in curves.method and "finite differences" in engine.method
    assert engine.forecast_after == pytest.approx(curves.forecast_after, rel=1e-7)
    np.testing.assert_allclose(allocated(engine), allocated(curves), rtol=1e-3, atol=50.0)


def test_the_new_scenario_holds_the_allocation_with_each_region_keeping_its_shape(
    plan: Plan,
) -> None:
    original = plan.scenarios[0].inputs.copy()
    result = allocate_demand_creation(plan, plan.scenarios[0], YEAR, 1_000_000.0)
    assert plan.scenarios[0].inputs.equals(original)  # nothing applied
    document = PlanDocument(plan.copy())
    undo = run(document, result.command)
    added = document.plan.scenarios[-1]
    assert added.name == "Allocation FY2027"
    np.testing.assert_allclose(year_spend(plan, added.inputs), allocated(result), rtol=1e-12)
    dc = plan.demand_creation_mask()
    np.testing.assert_array_equal(added.inputs.budget[~dc], original.budget[~dc])
    scale = allocated(result) / year_spend(plan, original)
    np.testing.assert_allclose(
        added.inputs.budget[dc], original.budget[dc] * scale[None, :, None], rtol=1e-12
    )
    assert compute_scenario(plan, added.inputs).forward.forecast.sum() == pytest.approx(
        result.forecast_after
    )
    run(document, undo)
    assert [s.name for s in document.plan.scenarios] == ["Base"]


def test_reallocating_the_demo_budget_never_loses_bookings() -> None:
    demo = build_demo_plan()
    baseline = demo.scenarios[0]
    total = float(year_spend(demo, baseline.inputs).sum())
    result = allocate_demand_creation(demo, baseline, YEAR, total)
    assert result.forecast_after >= result.forecast_before
    assert allocated(result).sum() == pytest.approx(total, rel=1e-12)
    assert result.command.scenario.name == "Allocation FY2027"


@pytest.mark.parametrize(
    ("total", "floors", "ceilings", "message"),
    [
        (-1.0, {}, {}, "0 or more"),
        (math.nan, {}, {}, "0 or more"),
        (100_000.0, {1: 80_000.0, 2: 30_000.0}, {}, "floors add up to"),
        (900_000.0, {}, {1: 100_000.0, 2: 100_000.0, 3: 100_000.0}, "ceilings add up to"),
        (500_000.0, {2: 200_000.0}, {2: 100_000.0}, "floor .* is above the ceiling"),
        (500_000.0, {7: 1.0}, {}, "no region with id 7"),
        (500_000.0, {1: -5.0}, {}, "floor for Region 1 must be"),
    ],
)
def test_infeasible_or_bad_bounds_are_refused_with_a_clear_message(
    plan: Plan, total: float, floors: dict[int, float], ceilings: dict[int, float], message: str
) -> None:
    with pytest.raises(SolveError, match=message):
        allocate_demand_creation(plan, plan.scenarios[0], YEAR, total, floors, ceilings)


def test_increasing_returns_are_refused_rather_than_answered_wrongly() -> None:
    plan = allocation_plan()
    plan.scenarios[0].inputs.elasticity[1] = 1.2
    with pytest.raises(SolveError, match="Region 2 has more than 1"):
        allocate_demand_creation(plan, plan.scenarios[0], YEAR, 1_000_000.0)


# Amounts as a user enters them: whole currency units.
money = st.integers(0, 900_000).map(float)
bound = st.one_of(st.none(), money)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    total=st.integers(0, 2_500_000).map(float),
    lows=st.tuples(bound, bound, bound),
    highs=st.tuples(bound, bound, bound),
)
def test_allocation_never_breaks_floors_ceilings_or_the_total(
    plan: Plan,
    total: float,
    lows: tuple[float | None, ...],
    highs: tuple[float | None, ...],
) -> None:
    floors = {i + 1: v for i, v in enumerate(lows) if v is not None}
    ceilings = {i + 1: v for i, v in enumerate(highs) if v is not None}
    floor = np.array([floors.get(i + 1, 0.0) for i in range(3)])
    ceiling = np.array([ceilings.get(i + 1, math.inf) for i in range(3)])
    slack = 1e-12 * max(total, 1.0)  # the documented tolerance on the sums
    feasible = bool(np.all(floor <= ceiling)) and (
        floor.sum() - slack <= total <= ceiling.sum() + slack
    )
    if not feasible:
        with pytest.raises(SolveError):
            allocate_demand_creation(plan, plan.scenarios[0], YEAR, total, floors, ceilings)
        return
    result = allocate_demand_creation(plan, plan.scenarios[0], YEAR, total, floors, ceilings)
    budgets = allocated(result)
    assert np.all(budgets >= floor) and np.all(budgets <= ceiling)
    assert budgets.sum() == pytest.approx(total, rel=1e-9, abs=1e-6)
    # No feasible transfer of 2% of the total between two regions does better.
    optimum = bookings_with(plan, budgets)
    for give, take in itertools.permutations(range(3), 2):
        amount = min(0.02 * total, budgets[give] - floor[give], ceiling[take] - budgets[take])
        if amount > 1.0:
            moved = budgets.copy()
            moved[give] -= amount
            moved[take] += amount
            assert bookings_with(plan, moved) <= optimum * (1 + 1e-9) + 1e-6
