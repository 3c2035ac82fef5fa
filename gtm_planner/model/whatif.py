"""What-if: per-region driver changes laid over a copy of a scenario's inputs (issue 4).

An ``Overlay`` is a plain value — the sliders' positions — and never touches the scenario:
``apply_overlay`` works on a copy, so "Reset" is dropping the overlay and "Save as scenario"
is ``WhatIf.to_scenario``, an undoable ``InsertScenario``. Drivers, per region:

- average deal size, win rate and cost per inquiry: factors (1.10 is +10%) on every source's
  value, so the differences between sources stay;
- sales cycle: whole months added to every source's cycle;
- demand-creation spend: a factor on the region's demand-creation lines over the overlay's
  period (a fiscal year, or every month);
- moves: "move X of demand-creation spend from region A to region B" over the same period;
  A gives it up in proportion to its spend (lines × months), B receives it in the shape of its
  own spend (a flat shape if it has none), so the plan's total is unchanged.

Factors apply first, then moves. Every resulting value is checked against the input's
validation rule, with the cell named the way the grids name it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from gtm_planner.model.commands import InsertScenario
from gtm_planner.model.engine import compute_kpis, compute_scenario
from gtm_planner.model.engine.kpis import Kpi, Unit
from gtm_planner.model.engine.results import ScenarioResult
from gtm_planner.model.entities import Plan, Scenario, ScenarioInputs
from gtm_planner.model.formatting import format_value, money_short
from gtm_planner.model.snapshots import scenario_name_problem
from gtm_planner.model.solve.common import (
    BoolArray,
    FloatArray,
    SolveError,
    SpendBlock,
    period_months,
    region_index,
)
from gtm_planner.model.validation import RULE_BY_FIELD, cell_label

_UNITS = {
    "asp": Unit.MONEY,
    "win_rate": Unit.PERCENT,
    "cost_per_inquiry": Unit.MONEY,
    "sales_cycle_months": Unit.MONTHS,
    "budget": Unit.MONEY,
}


class WhatIfError(ValueError):
    """The overlay holds values the inputs' rules refuse; ``problems`` lists each one."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class RegionDrivers:
    asp_factor: float = 1.0
    win_rate_factor: float = 1.0
    cost_per_inquiry_factor: float = 1.0
    sales_cycle_change_months: int = 0
    demand_creation_factor: float = 1.0

    @property
    def neutral(self) -> bool:
        return self == RegionDrivers()


@dataclass(frozen=True)
class SpendMove:
    from_region_id: int
    to_region_id: int
    amount: float


@dataclass(frozen=True)
class Overlay:
    drivers: tuple[tuple[int, RegionDrivers], ...] = ()  # (region id, drivers), by region id
    moves: tuple[SpendMove, ...] = ()
    fiscal_year: int | None = None  # the period spend drivers act on; None: every month

    @property
    def empty(self) -> bool:
        return not self.moves and all(d.neutral for _, d in self.drivers)

    def drivers_for(self, region_id: int) -> RegionDrivers:
        return dict(self.drivers).get(region_id, RegionDrivers())

    def with_drivers(self, region_id: int, drivers: RegionDrivers) -> Overlay:
        """This overlay with one region's drivers replaced (a slider tick)."""
        kept = {k: v for k, v in self.drivers if k != region_id}
        if not drivers.neutral:
            kept[region_id] = drivers
        return replace(self, drivers=tuple(sorted(kept.items())))

    def with_move(self, move: SpendMove) -> Overlay:
        return replace(self, moves=(*self.moves, move))

    def without_moves(self) -> Overlay:
        return replace(self, moves=())


def _apply(
    plan: Plan, inputs: ScenarioInputs, overlay: Overlay
) -> tuple[ScenarioInputs, list[str]]:
    """The overlaid copy and every problem found on the way (factors first, then moves)."""
    new = inputs.copy()
    try:
        months = period_months(plan, overlay.fiscal_year)
    except SolveError as exc:
        return new, [str(exc)]
    block = SpendBlock.of(plan, months)
    spend = block.read(new.budget)  # (Ldc, R, Tp), written back at the end
    touched: dict[str, set[int]] = {}
    problems = _apply_drivers(plan, new, spend, overlay.drivers, touched)
    period = "every month" if overlay.fiscal_year is None else f"FY{overlay.fiscal_year}"
    for move in overlay.moves:
        problems += _apply_move(plan, spend, move, block.empty, period, touched)
    if not block.empty:
        new.budget[block.index(new.budget.shape[1])] = spend
    problems.extend(_rule_problems(plan, new, touched))
    return new, problems


def _apply_drivers(
    plan: Plan,
    new: ScenarioInputs,
    spend: FloatArray,
    drivers: tuple[tuple[int, RegionDrivers], ...],
    touched: dict[str, set[int]],
) -> list[str]:
    problems: list[str] = []
    for region_id, d in drivers:
        try:
            r = region_index(plan, region_id)
        except SolveError as exc:
            problems.append(str(exc))
            continue
        name = plan.regions[r].name
        factors = {"asp": d.asp_factor, "win_rate": d.win_rate_factor,
                   "cost_per_inquiry": d.cost_per_inquiry_factor}  # fmt: skip
        for field, factor in factors.items():
            if math.isfinite(factor) and factor > 0:
                getattr(new, field)[r] *= factor
                touched.setdefault(field, set()).add(r)
            else:
                problems.append(f"{RULE_BY_FIELD[field].label} ({name}): the change must be "
                                f"above −100%, not {_change(factor)}.")  # fmt: skip
        dc = d.demand_creation_factor
        if math.isfinite(dc) and dc >= 0:
            spend[:, r, :] *= dc
        else:
            problems.append(f"Demand-creation spend ({name}): the change must be −100% or more, "
                            f"not {_change(dc)}.")  # fmt: skip
        months_added = float(d.sales_cycle_change_months)
        if months_added.is_integer():
            new.sales_cycle_months[r] += months_added
            touched.setdefault("sales_cycle_months", set()).add(r)
        else:
            problems.append(f"Sales cycle ({name}): the change must be whole months, not "
                            f"{months_added:g}.")  # fmt: skip
    return problems


def _apply_move(
    plan: Plan,
    spend: FloatArray,
    move: SpendMove,
    no_lines: bool,
    period: str,
    touched: dict[str, set[int]],
) -> list[str]:
    """Move spend in place: the giver in proportion to its spend, the taker in its shape."""
    try:
        a = region_index(plan, move.from_region_id)
        b = region_index(plan, move.to_region_id)
    except SolveError as exc:
        return [str(exc)]
    giver, taker = plan.regions[a].name, plan.regions[b].name
    available = float(spend[:, a, :].sum())
    amount = move.amount
    if no_lines:
        return ["This plan has no demand-creation budget line to move spend on."]
    if a == b:
        return [f"A move needs two different regions ({giver} to itself)."]
    if not math.isfinite(amount) or amount < 0:
        return [f"The amount to move from {giver} to {taker} must be 0 or more, not {amount}."]
    if amount > available * (1 + 1e-12):
        currency = plan.settings.currency
        return [
            f"{giver} has {money_short(available, currency)} of demand-creation spend in "
            f"{period}; it cannot give {money_short(amount, currency)} to {taker}."
        ]
    amount = min(amount, available)
    if available > 0:
        spend[:, a, :] *= 1.0 - amount / available
    spend[:, b, :] += amount * SpendBlock.shape_of(spend[:, [b], :])[:, 0, :]
    touched.setdefault("budget", set()).update((a, b))
    return []


def _change(factor: float) -> str:
    return f"{factor - 1:+.0%}" if math.isfinite(factor) else str(factor)


def _rule_problems(plan: Plan, inputs: ScenarioInputs, touched: dict[str, set[int]]) -> list[str]:
    problems: list[str] = []
    currency = plan.settings.currency
    for field, regions in touched.items():
        rule = RULE_BY_FIELD[field]
        values = getattr(inputs, field)
        mask = np.zeros(values.shape, dtype=bool)
        region_axis = 1 if field == "budget" else 0
        index: list[slice | list[int]] = [slice(None)] * values.ndim
        index[region_axis] = sorted(regions)
        mask[tuple(index)] = True
        bad = rule.bad(values) & mask
        for cell in np.argwhere(bad)[:10]:
            idx = tuple(int(i) for i in cell)
            shown = format_value(float(values[idx]), _UNITS[field], currency)
            problems.append(f"{cell_label(plan, field, idx)} would be {shown}: it must be "
                            f"{rule.allowed()}.")  # fmt: skip
    return problems


def overlay_problems(plan: Plan, inputs: ScenarioInputs, overlay: Overlay) -> list[str]:
    """What is wrong with ``overlay`` on these inputs, one message each; empty if nothing."""
    return _apply(plan, inputs, overlay)[1]


def apply_overlay(plan: Plan, inputs: ScenarioInputs, overlay: Overlay) -> ScenarioInputs:
    """A new copy of ``inputs`` with the overlay's changes; ``WhatIfError`` if any is refused."""
    new, problems = _apply(plan, inputs, overlay)
    if problems:
        raise WhatIfError(problems)
    return new


@dataclass(frozen=True)
class WhatIfOutcome:
    inputs: ScenarioInputs
    result: ScenarioResult

    def kpis(
        self, plan: Plan, regions: BoolArray | None = None, months: BoolArray | None = None
    ) -> dict[str, Kpi]:
        return compute_kpis(plan, self.inputs, self.result, regions, months)


def evaluate(plan: Plan, inputs: ScenarioInputs, overlay: Overlay) -> WhatIfOutcome:
    """The overlay's inputs and the engine's outputs for them (for every slider tick)."""
    new = apply_overlay(plan, inputs, overlay)
    return WhatIfOutcome(new, compute_scenario(plan, new))


class WhatIf:
    """The what-if of one scenario: the current overlay and its outcome, computed on demand."""

    def __init__(self, plan: Plan, scenario: Scenario) -> None:
        self.plan = plan
        self.scenario = scenario
        self._overlay = Overlay()
        self._outcome: WhatIfOutcome | None = None

    @property
    def overlay(self) -> Overlay:
        return self._overlay

    def set_overlay(self, overlay: Overlay) -> list[str]:
        """Take ``overlay`` if every value is allowed; else keep the last one, return why."""
        problems = overlay_problems(self.plan, self.scenario.inputs, overlay)
        if not problems:
            self._overlay = overlay
            self._outcome = None
        return problems

    def reset(self) -> None:
        """Drop the overlay: the scenario's own inputs again."""
        self._overlay = Overlay()
        self._outcome = None

    def inputs_changed(self) -> None:
        """The scenario was edited underneath: recompute on the next ``outcome``."""
        self._outcome = None

    def outcome(self) -> WhatIfOutcome:
        if self._outcome is None:
            self._outcome = evaluate(self.plan, self.scenario.inputs, self._overlay)
        return self._outcome

    def to_scenario(self, name: str, scenario_id: int | None = None) -> InsertScenario:
        """The command that keeps this what-if as a new scenario (undoable); not applied."""
        problem = scenario_name_problem(self.plan, name)
        if problem:
            raise WhatIfError([problem])
        new_id = scenario_id
        if new_id is None:
            new_id = max((s.id for s in self.plan.scenarios), default=0) + 1
        scenario = Scenario(
            id=new_id,
            name=name.strip(),
            inputs=self.outcome().inputs.copy(),
            description=f"What-if on “{self.scenario.name}”.",
        )
        return InsertScenario(f"Save what-if as “{scenario.name}”", len(self.plan.scenarios),
                              scenario)  # fmt: skip
