"""The inputs goal seek can solve for, each as one number that moves a set of input cells.

A lever's value ``v`` is a weighted sum of its cells, ``v = Σ a_i x_i``: a budget total, the
AE hires of a month, a (mean) win rate. Two ways of moving the cells keep that identity:

- *additive*: ``x_i = c_i + (v − V) s_i`` with shares ``s_i`` (``Σ a_i s_i = 1``). The budget
  uses shares proportional to today's spend, so every cell scales by one factor — the spend
  keeps its shape across lines and months (a flat shape where there is no spend yet).
- *multiplicative*: ``x_i = c_i v / V`` for rates, which keeps the differences between
  regions and sources.

The allowed range comes from the input's validation rule: no cell below its minimum (budget
and AE counts ≥ 0, win rate above 0) or above its maximum (win rate ≤ 100%).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from gtm_planner.model.engine.kpis import Unit
from gtm_planner.model.entities import Plan, ScenarioInputs
from gtm_planner.model.solve.common import (
    BoolArray,
    FloatArray,
    IntArray,
    SolveError,
    SpendBlock,
    replace_field,
)
from gtm_planner.model.validation import RULE_BY_FIELD, Kind

SMALLEST_RATE_SHARE = 1e-6  # a rate lever stops just above 0% (the rule wants "above 0%")


class GoalSeekInput(StrEnum):
    DEMAND_CREATION_BUDGET = "demand_creation_budget"
    MARKETING_WIN_RATE = "marketing_win_rate"
    WIN_RATE_ALL_SOURCES = "win_rate_all_sources"
    AE_HIRES = "ae_hires"  # AEs hired in the fiscal year's first month (they ramp)
    STARTING_AES = "starting_aes"


class Acts(StrEnum):
    """What raising the lever without limit does to bookings."""

    PIPELINE = "pipeline"  # more pipeline: bookings grow until sales capacity caps them
    CAPACITY = "capacity"  # more capacity: bookings grow until pipeline runs out
    BOUNDED = "bounded"  # the lever has a maximum (a rate of 100%)


@dataclass(frozen=True)
class Lever:
    input: GoalSeekInput
    name: str  # "Demand-creation budget"
    unit: Unit
    field: str
    cells: IntArray  # (N, ndim) positions in the input array
    current_cells: FloatArray  # (N,)
    cell_region: IntArray  # (N,) region index of each cell
    region_weight: FloatArray  # (N,) weight of each cell in its region's value
    current: float
    lower: float
    upper: float
    acts: Acts
    method: str  # how the cells move, in words
    _move: Callable[[float], FloatArray]

    def values(self, v: float) -> FloatArray:
        return self._move(v)

    def inputs_at(self, inputs: ScenarioInputs, v: float) -> ScenarioInputs:
        array = np.array(getattr(inputs, self.field), dtype=np.float64)
        array[tuple(self.cells.T)] = self.values(v)
        return replace_field(inputs, self.field, array)

    def region_values(self, v: float) -> dict[int, float]:
        """The lever's value in each region it touches (a region's budget, its win rate)."""
        x = self.values(v) * self.region_weight
        regions = np.unique(self.cell_region)
        return {int(r): float(x[self.cell_region == r].sum()) for r in regions}


def _bounds(field: str) -> tuple[float, float]:
    kind = RULE_BY_FIELD[field].kind
    if kind in (Kind.RATE, Kind.POSITIVE_RATE):
        return 0.0, 1.0
    return 0.0, float("inf")


def _additive(
    cells: FloatArray, shares: FloatArray, weights: FloatArray, field: str
) -> tuple[float, float, float, Callable[[float], FloatArray]]:
    """Current value, lower and upper bound, and the move of an additive lever."""
    current = float((weights * cells).sum())
    shares = shares / float((weights * shares).sum())
    cell_min, cell_max = _bounds(field)
    moving = shares > 0
    lower = current - float(np.min((cells[moving] - cell_min) / shares[moving]))
    upper = (
        float("inf")
        if cell_max == float("inf")
        else current + float(np.min((cell_max - cells[moving]) / shares[moving]))
    )

    def move(v: float) -> FloatArray:
        return np.asarray(cells + (v - current) * shares)

    return current, max(lower, 0.0), upper, move


def _multiplicative(
    cells: FloatArray, weights: FloatArray, field: str
) -> tuple[float, float, float, Callable[[float], FloatArray]]:
    current = float((weights * cells).sum())
    _, cell_max = _bounds(field)
    upper = current * float(np.min(cell_max / cells)) if np.all(cells > 0) else current

    def move(v: float) -> FloatArray:
        return np.asarray(cells * (v / current))

    return current, current * SMALLEST_RATE_SHARE, upper, move


def build_lever(
    plan: Plan,
    inputs: ScenarioInputs,
    what: GoalSeekInput,
    regions: BoolArray,
    months: BoolArray,
) -> Lever:
    """The lever ``what`` over the selected regions and the fiscal year's ``months``."""
    region_idx = np.flatnonzero(regions).astype(np.int64)
    n_regions = len(region_idx)
    marketing = plan.marketing_source_index()
    if what is GoalSeekInput.DEMAND_CREATION_BUDGET:
        block = SpendBlock.of(plan, months)
        cells = block.cells(region_idx)
        current = inputs.budget[tuple(cells.T)].astype(np.float64)
        flat = np.ones_like(current)
        shares = current if current.sum() > 0 else flat
        value, lower, upper, move = _additive(current, shares, flat, "budget")
        return Lever(
            what, "Demand-creation budget", Unit.MONEY, "budget", cells, current,
            cells[:, 1], flat, value, lower, upper, Acts.PIPELINE,
            "every demand-creation line in every month of the year scales by one factor, so "
            "the spend keeps its split across lines, months and regions (a flat split where "
            "there is no spend yet); the value is the year's total",
            move,
        )  # fmt: skip
    if what in (GoalSeekInput.MARKETING_WIN_RATE, GoalSeekInput.WIN_RATE_ALL_SOURCES):
        if what is GoalSeekInput.MARKETING_WIN_RATE:
            sources = np.array([marketing], dtype=np.int64)
            weight = np.ones((n_regions, 1))
        else:
            sources = np.arange(inputs.win_rate.shape[1], dtype=np.int64)
            mix = inputs.source_mix[region_idx]
            sums = mix.sum(axis=1, keepdims=True)
            weight = np.where(sums > 0, mix / np.where(sums > 0, sums, 1.0), 1.0 / len(sources))
        grid = np.stack(np.meshgrid(region_idx, sources, indexing="ij"), axis=-1)
        cells = grid.reshape(-1, 2).astype(np.int64)
        current = inputs.win_rate[tuple(cells.T)].astype(np.float64)
        if np.any(~(current > 0)):
            raise SolveError(
                "Goal seek moves win rates by a factor, so they must be above 0% first; "
                "fix the win rates the plan check reports."
            )
        region_weight = weight.reshape(-1)
        value, lower, upper, move = _multiplicative(current, region_weight / n_regions, "win_rate")
        scope = "the marketing source's" if sources.size == 1 else "every source's"
        return Lever(
            what,
            "Marketing win rate" if sources.size == 1 else "Win rate (all sources, by mix)",
            Unit.PERCENT, "win_rate", cells, current, cells[:, 0], region_weight, value,
            lower, upper, Acts.BOUNDED,
            f"{scope} win rate moves by one factor in "
            + ("the region" if n_regions == 1 else "every region (the value is their mean)")
            + "; the win rate has no fiscal year, so the new rate holds in every month",
            move,
        )  # fmt: skip
    if what is GoalSeekInput.AE_HIRES:
        first_month = int(np.argmax(months))
        cells = np.stack([region_idx, np.full(n_regions, first_month)], axis=1).astype(np.int64)
        current = inputs.ae_hires[tuple(cells.T)].astype(np.float64)
        headcount = inputs.starting_aes + inputs.ae_hires[:, :first_month].sum(axis=1)
        shares = headcount[region_idx].astype(np.float64)
        if shares.sum() <= 0:
            shares = np.ones(n_regions)
        flat = np.ones(n_regions)
        value, lower, upper, move = _additive(current, shares, flat, "ae_hires")
        return Lever(
            what, "AEs hired at the start of the year", Unit.COUNT, "ae_hires", cells, current,
            cells[:, 0], flat, value, lower, upper, Acts.CAPACITY,
            f"AEs hired in {plan.calendar().month_label(first_month)}, the year's first plan "
            "month; they ramp like every hire"
            + ("" if n_regions == 1 else
               "; extra hires are spread in proportion to each region's AEs at that date"),
            move,
        )  # fmt: skip
    cells = region_idx[:, None].astype(np.int64)
    current = inputs.starting_aes[region_idx].astype(np.float64)
    flat = np.ones(n_regions)
    shares = current if current.sum() > 0 else flat
    value, lower, upper, move = _additive(current, shares, flat, "starting_aes")
    return Lever(
        what, "AEs at plan start", Unit.COUNT, "starting_aes", cells, current, region_idx,
        flat, value, lower, upper, Acts.CAPACITY,
        "ramped AEs at plan start; they count in every month of the plan"
        + ("" if n_regions == 1 else ", every region's team scales by one factor"),
        move,
    )  # fmt: skip
