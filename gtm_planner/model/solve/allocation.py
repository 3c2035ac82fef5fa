"""Allocation (SPEC §3.5): spread a year's demand-creation budget across regions.

Maximise forecast bookings over the plan's horizon (the year's spend also closes deals in
later years the plan covers) subject to ``Σ B_r = total`` and ``floor_r ≤ B_r ≤ ceiling_r``.
Each region keeps the shape of its spend (lines × months), so a region's budget is one
number ``B_r``. Bookings are concave in ``B_r`` when returns do not increase (elasticity ≤ 1):
a power ``B ** e`` through a linear funnel, capped per quarter by sales capacity. The optimum
then equalises the marginal bookings per currency unit ``λ`` across regions not at a bound
(KKT): for a price ``λ`` each region takes the most budget whose next unit still returns
``λ``, and ``λ`` is bisected until the regions take exactly the total. Where a region's return
is flat over a range (elasticity 1), the last part of the budget is shared among the regions
at that same return, which changes nothing in the bookings.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from gtm_planner.model.commands import InsertScenario
from gtm_planner.model.engine import compute_scenario
from gtm_planner.model.entities import Plan, Scenario, ScenarioInputs
from gtm_planner.model.formatting import money_short
from gtm_planner.model.snapshots import unique_name
from gtm_planner.model.solve.common import (
    FloatArray,
    SolveError,
    SpendBlock,
    fiscal_year_months,
    region_index,
)
from gtm_planner.model.solve.response import CurveResponse, EngineResponse, Response


@dataclass(frozen=True)
class RegionAllocation:
    region_id: int
    region: str
    floor: float
    ceiling: float  # inf when none
    before: float  # the region's demand-creation budget for the year today
    allocated: float
    bound: str  # "floor", "ceiling", or "" when the optimum lies between them
    # Bookings per currency unit at the allocation, measured through the engine: what the
    # next unit would buy and what the last one bought. Between the bounds, the next unit
    # buys no more than ``marginal_return`` and the last bought no less (equal where the
    # curve is smooth; apart where a quarter reaches sales capacity).
    marginal_next_unit: float
    marginal_last_unit: float
    bookings_before: float  # the region's forecast bookings over the horizon
    bookings_after: float


@dataclass(frozen=True)
class AllocationResult:
    fiscal_year: int
    total_budget: float
    regions: tuple[RegionAllocation, ...]
    marginal_return: float  # λ: bookings per currency unit where no bound binds
    forecast_before: float  # all regions, over the horizon (what is maximised)
    forecast_after: float
    year_forecast_before: float  # all regions, the fiscal year only
    year_forecast_after: float
    method: str
    inputs: ScenarioInputs  # the new scenario's inputs
    command: InsertScenario


@dataclass(frozen=True)
class _Precision:
    budget: float  # relative width at which a region's budget is settled
    price: float  # relative width at which λ is settled
    iterations: int


_CURVE = _Precision(1e-13, 1e-12, 200)
_ENGINE = _Precision(1e-8, 1e-8, 60)


def _bounds(
    plan: Plan,
    total: float,
    floors: Mapping[int, float] | None,
    ceilings: Mapping[int, float] | None,
) -> tuple[FloatArray, FloatArray]:
    currency = plan.settings.currency
    if not math.isfinite(total) or total < 0:
        raise SolveError(f"The budget to allocate must be an amount of 0 or more, not {total}.")
    floor = np.zeros(len(plan.regions))
    ceiling = np.full(len(plan.regions), math.inf)
    for given, into, what in ((floors, floor, "floor"), (ceilings, ceiling, "ceiling")):
        for region_id, amount in (given or {}).items():
            r = region_index(plan, region_id)
            if math.isnan(amount) or amount < 0 or (what == "floor" and math.isinf(amount)):
                raise SolveError(
                    f"The {what} for {plan.regions[r].name} must be an amount of 0 or more, "
                    f"not {amount}."
                )
            into[r] = amount
    crossed = np.flatnonzero(floor > ceiling)
    if crossed.size:
        i = int(crossed[0])
        raise SolveError(
            f"{plan.regions[i].name}: the floor {money_short(floor[i], currency)} is above the "
            f"ceiling {money_short(ceiling[i], currency)}."
        )
    slack = 1e-12 * max(total, 1.0)
    if floor.sum() > total + slack:
        raise SolveError(
            f"The floors add up to {money_short(floor.sum(), currency)}, more than the "
            f"{money_short(total, currency)} to allocate: lower some floors or raise the budget."
        )
    if ceiling.sum() < total - slack:
        raise SolveError(
            f"The ceilings add up to {money_short(ceiling.sum(), currency)}, less than the "
            f"{money_short(total, currency)} to allocate: raise some ceilings or lower the "
            "budget."
        )
    return floor, ceiling


def _demand(
    response: Response, price: float, floor: FloatArray, ceiling: FloatArray, p: _Precision
) -> FloatArray:
    """Per region, the most budget whose next currency unit still returns ``price``."""
    take_all = response.marginal(ceiling) >= price
    take_none = response.marginal(floor) < price
    active = ~take_all & ~take_none
    lo, hi = floor.copy(), ceiling.copy()
    settled = p.budget * max(float(ceiling.max(initial=0.0)), 1.0)
    for _ in range(p.iterations):
        if not active.any() or float((hi - lo)[active].max()) <= settled:
            break
        mid = np.where(active, (lo + hi) / 2.0, lo)
        ok = response.marginal(mid) >= price
        lo = np.where(active & ok, mid, lo)
        hi = np.where(active & ~ok, mid, hi)
    return np.asarray(np.where(take_all, ceiling, np.where(take_none, floor, lo)))


def _price_bracket(
    response: Response, floor: FloatArray, ceiling: FloatArray, total: float, p: _Precision
) -> tuple[float, FloatArray, float, FloatArray]:
    """Prices ``λ_lo < λ_hi`` whose demands take at least and at most ``total``.

    Starts from the best marginal return at an even split and widens by steps. ``λ_lo`` is 0
    when even a vanishing price leaves budget over: the rest returns nothing anywhere.
    """
    room = ceiling - floor
    even = floor + (total - floor.sum()) * room / room.sum()
    returns = response.marginal(even)
    usable = returns[np.isfinite(returns) & (returns > 0)]
    price = float(usable.max()) if usable.size else 1.0
    demand = _demand(response, price, floor, ceiling, p)
    if demand.sum() >= total:
        price_lo, big = price, demand
        for _ in range(500):  # every region falls towards its floor as λ grows
            price_hi = price_lo * 4.0
            small = _demand(response, price_hi, floor, ceiling, p)
            if small.sum() <= total:
                break
            price_lo, big = price_hi, small
        return price_lo, big, price_hi, small
    price_hi, small = price, demand
    for _ in range(100):
        price_lo = price_hi / 1e3
        big = _demand(response, price_lo, floor, ceiling, p)
        if big.sum() >= total:
            return price_lo, big, price_hi, small
        price_hi, small = price_lo, big
    return 0.0, ceiling.copy(), price_hi, small


def _water_fill(
    response: Response, floor: FloatArray, ceiling: FloatArray, total: float, p: _Precision
) -> tuple[FloatArray, float]:
    """The allocation and its marginal return ``λ`` (``ceiling`` finite, bounds feasible)."""
    if total >= ceiling.sum():
        return ceiling.copy(), float("nan")
    if total <= floor.sum():
        return floor.copy(), float("nan")
    price_lo, big, price_hi, small = _price_bracket(response, floor, ceiling, total, p)
    if price_lo > 0:
        for _ in range(p.iterations):
            if big.sum() - small.sum() <= p.price * total or price_hi <= price_lo * (1 + p.price):
                break
            mid = math.sqrt(price_lo * price_hi)
            trial = _demand(response, mid, floor, ceiling, p)
            if trial.sum() >= total:
                price_lo, big = mid, trial
            else:
                price_hi, small = mid, trial
    room = np.maximum(big - small, 0.0)
    need = total - small.sum()
    budget = small + (room * (need / room.sum()) if room.sum() > 0 else 0.0)
    budget = np.clip(budget, floor, ceiling)
    for _ in range(4):  # settle rounding so the total holds to the last cent
        residual = total - budget.sum()
        if abs(residual) <= 1e-12 * max(total, 1.0):
            break
        slack = ceiling - budget if residual > 0 else budget - floor
        if slack.sum() <= 0:
            break
        budget = np.clip(budget + residual * slack / slack.sum(), floor, ceiling)
    return budget, math.sqrt(price_lo * price_hi) if price_lo > 0 else 0.0


def allocate_demand_creation(
    plan: Plan,
    scenario: Scenario,
    fiscal_year: int,
    total_budget: float,
    floors: Mapping[int, float] | None = None,
    ceilings: Mapping[int, float] | None = None,
    *,
    use_engine: bool = False,
) -> AllocationResult:
    """Spread ``total_budget`` of ``fiscal_year`` across regions (floors and ceilings by
    region id) to maximise forecast bookings; offered as a new scenario, never applied.

    Bounds that cannot all hold raise ``SolveError`` (floors and ceilings may miss the total
    by 1e-12 of it, for rounding). ``use_engine`` skips the response curves (for checking).
    ``marginal_return`` is NaN when every region sits at a bound (the total equals the sum
    of the floors or of the ceilings).
    """
    months = fiscal_year_months(plan, fiscal_year)
    block = SpendBlock.of(plan, months)
    if block.empty:
        raise SolveError(
            "This plan has no demand-creation budget line to allocate; add one, or give a "
            "budget category 'drives inquiries'."
        )
    floor, ceiling = _bounds(plan, total_budget, floors, ceilings)
    inputs = scenario.inputs
    increasing = [plan.regions[int(r)].name for r in np.flatnonzero(inputs.elasticity > 1.0)]
    if increasing:
        raise SolveError(
            "Allocation assumes each extra currency unit buys no more than the one before "
            f"(response elasticity at most 1); {', '.join(increasing)} "
            f"{'has' if len(increasing) == 1 else 'have'} more than 1."
        )
    effective_ceiling = np.minimum(ceiling, total_budget - (floor.sum() - floor))
    effective_ceiling = np.maximum(effective_ceiling, floor)
    engine = EngineResponse(plan, inputs, months)
    before = block.totals(inputs.budget)
    regions = len(plan.regions)
    probe = np.where(before > 0, before, max(total_budget / regions, 1.0))
    method = "through the engine (finite differences)"
    budget: FloatArray | None = None
    price = float("nan")
    if not use_engine:
        curve = CurveResponse(engine, probe)
        if curve.checked([0.37 * probe + 0.21 * total_budget / regions]):
            budget, price = _water_fill(curve, floor, effective_ceiling, total_budget, _CURVE)
            if curve.checked([budget]):
                method = "response curves read off the engine and checked against it"
            else:
                budget = None
    if budget is None:
        budget, price = _water_fill(engine, floor, effective_ceiling, total_budget, _ENGINE)

    new_inputs = engine.inputs_at(budget).copy()
    result_before = compute_scenario(plan, inputs)
    result_after = compute_scenario(plan, new_inputs)
    step = np.maximum(budget * 1e-6, 1e-2)
    down = np.minimum(step, budget)
    at_budget = engine.bookings(budget)
    next_unit = (engine.bookings(budget + step) - at_budget) / step
    with np.errstate(divide="ignore", invalid="ignore"):
        last_unit = np.where(
            down > 0,
            (at_budget - engine.bookings(budget - down)) / np.where(down > 0, down, 1),
            np.nan,  # nothing spent: no last unit
        )
    at = 1e-9 * max(total_budget, 1.0)
    per_region = tuple(
        RegionAllocation(
            region.id, region.name, float(floor[r]), float(ceiling[r]), float(before[r]),
            float(budget[r]),
            "floor" if budget[r] <= floor[r] + at
            else "ceiling" if budget[r] >= effective_ceiling[r] - at else "",
            float(next_unit[r]),
            float(last_unit[r]),
            float(result_before.forward.forecast[r].sum()),
            float(result_after.forward.forecast[r].sum()),
        )
        for r, region in enumerate(plan.regions)
    )  # fmt: skip
    name = unique_name(f"Allocation FY{fiscal_year}", [s.name for s in plan.scenarios])
    currency = plan.settings.currency
    new_scenario = Scenario(
        id=max((s.id for s in plan.scenarios), default=0) + 1,
        name=name,
        inputs=new_inputs,
        description=(
            f"{money_short(total_budget, currency)} of FY{fiscal_year} demand-creation budget "
            f"spread across regions to maximise forecast bookings, from “{scenario.name}”."
        ),
    )
    return AllocationResult(
        fiscal_year, total_budget, per_region, price,
        float(result_before.forward.forecast.sum()), float(result_after.forward.forecast.sum()),
        float(result_before.forward.forecast[:, months].sum()),
        float(result_after.forward.forecast[:, months].sum()),
        method, new_inputs,
        InsertScenario(f"Add scenario “{name}”", len(plan.scenarios), new_scenario),
    )  # fmt: skip
