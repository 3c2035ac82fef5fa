"""Goal seek (SPEC §3.5): the value of one input that closes the gap for a region and a year.

The forecast bookings of the selection (one region or all, one fiscal year) rise monotonically
with each lever, so the answer is a bracketed root of ``forecast(v) = target``, found through
the engine itself (``roots.solve_increasing``). Before any search, the most the lever can ever
deliver is worked out, so an answer that does not exist is reported with its reason instead:
sales capacity caps what more pipeline can add; pipeline caps what more AEs can close; a win
rate stops at 100%; months the lever cannot reach in time (lead lag + sales cycle, ramp) do not
move at all. A forecast already above target is solved downwards: the lower value that still
meets it (the spend a region could save). Nothing is applied: the result carries the command
that would.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from gtm_planner.model.commands import SetValues
from gtm_planner.model.engine import compute_kpis, compute_scenario
from gtm_planner.model.engine.kpis import Unit
from gtm_planner.model.engine.results import ScenarioResult
from gtm_planner.model.entities import Plan, Scenario, ScenarioInputs
from gtm_planner.model.formatting import format_value, money_short
from gtm_planner.model.solve.common import (
    BoolArray,
    FloatArray,
    KpiChange,
    SpendBlock,
    fiscal_year_months,
    kpi_changes,
    region_label,
    region_mask,
)
from gtm_planner.model.solve.levers import Acts, GoalSeekInput, Lever, build_lever
from gtm_planner.model.solve.roots import solve_increasing

RELATIVE_TOLERANCE = 1e-8  # |forecast − target| at the answer, relative to the target
MAX_DOUBLINGS = 200


class Unreachable(StrEnum):
    CAPACITY = "capacity"  # sales capacity caps what this input can add
    PIPELINE = "pipeline"  # pipeline, not capacity, limits bookings: more AEs close no more
    INPUT_LIMIT = "input_limit"  # the input reaches its allowed maximum first (100% win rate)
    TIMING = "timing"  # the input cannot reach any month of the year in time
    ABOVE_TARGET = "above_target"  # at the input's minimum the forecast still exceeds target
    NO_LEVER = "no_lever"  # the plan has no such input (no demand-creation line)


@dataclass(frozen=True)
class RegionValue:
    region: str
    current: float
    solved: float


@dataclass(frozen=True)
class GoalSeekResult:
    """The answer, its effect before it is applied, and the command that would apply it."""

    input: GoalSeekInput
    label: str  # "Demand-creation budget (EMEA, FY2027)"
    unit: Unit
    region: str  # a region's name or "all regions"
    fiscal_year: int
    method: str  # how the input's cells move
    current_value: float
    solved_value: float | None  # None when no allowed value closes the gap
    closest_value: float | None  # when unreachable: the allowed value that gets closest
    target: float
    forecast_before: float
    forecast_after: float  # at the solved value (or the closest one)
    unreachable: Unreachable | None
    reason: str  # why not reachable, in words; "" when it is
    per_region: tuple[RegionValue, ...]
    kpi_changes: tuple[KpiChange, ...]  # over the region(s) and year, at the answer
    command: SetValues | None
    evaluations: int  # engine runs it took

    @property
    def reachable(self) -> bool:
        return self.unreachable is None

    @property
    def gap_before(self) -> float:
        return self.target - self.forecast_before

    @property
    def gap_after(self) -> float:
        return self.target - self.forecast_after


@dataclass(frozen=True)
class _Limit:
    """What the lever can deliver if raised without bound, per region and quarter of the year."""

    most: float  # the highest forecast any value reaches
    moving: BoolArray  # (R_sel, Q_year) quarters the lever changes
    moving_total: float  # their limit: capacity (pipeline lever) or pipeline (capacity lever)
    fixed_total: float  # the quarters the lever cannot reach


class _Forecasts:
    """The selection's forecast at lever values, through the engine; results are cached."""

    def __init__(
        self, plan: Plan, inputs: ScenarioInputs, lever: Lever, regions: BoolArray,
        months: BoolArray, base: ScenarioResult,
    ) -> None:  # fmt: skip
        self.plan, self.inputs, self.lever = plan, inputs, lever
        self.regions, self.months = regions, months
        calendar = plan.calendar()
        quarters = np.unique(calendar.quarter_index[months])
        self.quarter_matrix = calendar.quarter_matrix()[:, quarters]
        self._cache: dict[float, tuple[ScenarioInputs, ScenarioResult]] = {
            lever.current: (inputs, base)
        }
        self.evaluations = 0

    def at(self, v: float) -> tuple[ScenarioInputs, ScenarioResult]:
        hit = self._cache.get(v)
        if hit is None:
            trial = self.lever.inputs_at(self.inputs, v)
            hit = (trial, compute_scenario(self.plan, trial))
            self.evaluations += 1
            if len(self._cache) > 8:
                self._cache.pop(next(k for k in self._cache if k != self.lever.current))
            self._cache[v] = hit
        return hit

    def total(self, v: float) -> float:
        return float(self.at(v)[1].forward.forecast[self.regions][:, self.months].sum())

    def quarterly(self, v: float) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Forecast, uncapped bookings and capacity per selected region and year quarter."""
        result = self.at(v)[1]
        q = self.quarter_matrix
        return (
            result.forward.forecast[self.regions] @ q,
            result.forward.uncapped_bookings[self.regions] @ q,
            result.capacity.capacity[self.regions] @ q,
        )


def _limit(fc: _Forecasts) -> _Limit:
    lever = fc.lever
    step = max(abs(lever.current), 1.0 if lever.unit is Unit.COUNT else 1_000.0)
    f_a, u_a, c_a = fc.quarterly(lever.current)
    _, u_b, c_b = fc.quarterly(lever.current + step)
    if lever.acts is Acts.PIPELINE:
        moving = u_b > u_a * (1 + 1e-12) + 1e-9
        limit = np.where(moving, c_a, f_a)
    else:
        moving = c_b > c_a * (1 + 1e-12) + 1e-9
        limit = np.where(moving, u_a, f_a)
    return _Limit(
        float(limit.sum()), moving, float(limit[moving].sum()), float(f_a[~moving].sum())
    )


def _bracket_up(fc: _Forecasts, level: float) -> tuple[float, float] | None:
    """A lever value whose forecast reaches ``level`` (doubling the step), or None."""
    lever = fc.lever
    step = max(abs(lever.current), 1.0 if lever.unit is Unit.COUNT else 1_000.0)
    for _ in range(MAX_DOUBLINGS):
        hi = lever.current + step
        f_hi = fc.total(hi)
        if f_hi >= level:
            return hi, f_hi
        step *= 2.0
    return None


@dataclass(frozen=True)
class _Answer:
    solved: float | None = None
    closest: float | None = None
    unreachable: Unreachable | None = None
    reason: str = ""


@dataclass(frozen=True)
class _Words:
    """What the reasons say: the selection, the year, the target, values in their units."""

    where: str
    fiscal_year: int
    target: float
    lever: Lever
    currency: str

    def money(self, v: float) -> str:
        return money_short(v, self.currency)

    def value(self, v: float) -> str:
        return format_value(v, self.lever.unit, self.currency)

    def short_of(self, most: float) -> str:
        return f"{self.money(self.target - most)} short of the {self.money(self.target)} target"


def _seek_down(fc: _Forecasts, before: float, target: float, tol: float, w: _Words) -> _Answer:
    """The forecast is above target: lower the lever, if its minimum gets low enough."""
    lever = fc.lever
    bottom = fc.total(lever.lower)
    if bottom <= target + tol:
        return _Answer(solve_increasing(
            fc.total, lever.lower, lever.current, target, tol, f_lo=bottom, f_hi=before
        ))  # fmt: skip
    return _Answer(closest=lever.lower, unreachable=Unreachable.ABOVE_TARGET, reason=(
        f"The forecast for {w.where} in FY{w.fiscal_year} is above its {w.money(target)} "
        f"target, and even at {w.value(lever.lower)} it stays at {w.money(bottom)}: the other "
        "inputs already deliver more than the target, so no allowed value of the "
        f"{lever.name.lower()} brings the forecast down to it."
    ))  # fmt: skip


def _seek_up_to_bound(
    fc: _Forecasts, before: float, target: float, tol: float, w: _Words
) -> _Answer:
    """A lever with a maximum (a win rate): solve below it, or say what stops it."""
    lever = fc.lever
    top = fc.total(lever.upper)
    if top >= target - tol:
        return _Answer(solve_increasing(
            fc.total, lever.current, lever.upper, target, tol, f_lo=before, f_hi=top
        ))  # fmt: skip
    _, u_top, c_top = fc.quarterly(lever.upper)
    _, u_now, _ = fc.quarterly(lever.current)
    moving = u_top > u_now * (1 + 1e-12) + 1e-9
    capped = u_top >= c_top * (1 - 1e-12)
    highest = f"{w.value(lever.upper)}, the highest this win rate can go"
    if moving.any() and bool(np.all(capped[moving])):
        return _Answer(closest=lever.upper, unreachable=Unreachable.CAPACITY, reason=(
            f"Sales capacity caps {w.where} in FY{w.fiscal_year}: even at {highest}, every "
            f"quarter it reaches is at capacity, so the forecast stops at {w.money(top)}, "
            f"{w.short_of(top)}. Add AE capacity (hires, quota or attainment)."
        ))  # fmt: skip
    return _Answer(closest=lever.upper, unreachable=Unreachable.INPUT_LIMIT, reason=(
        f"Even at {highest} (a win rate is at most 100%), the forecast for {w.where} in "
        f"FY{w.fiscal_year} reaches only {w.money(top)}, {w.short_of(top)}."
    ))  # fmt: skip


def _seek_up(fc: _Forecasts, before: float, target: float, tol: float, w: _Words) -> _Answer:
    """A lever without a maximum (budget, AEs): what it can ever deliver decides first."""
    lever = fc.lever
    limit = _limit(fc)
    if limit.most >= target - tol:
        bracket = _bracket_up(fc, target - tol)
        if bracket is not None:
            return _Answer(solve_increasing(
                fc.total, lever.current, bracket[0], target, tol, f_lo=before, f_hi=bracket[1]
            ))  # fmt: skip
    closest = _saturation(fc, limit, before, tol)
    unreachable, reason = _limit_reason(limit, w)
    if unreachable is not Unreachable.TIMING:
        reason += (
            f" Beyond {w.value(closest)} the {lever.name.lower()} adds nothing to "
            f"FY{w.fiscal_year} bookings"
            + (f"; today's {w.value(lever.current)} is past that point."
               if closest < lever.current - tol else ".")
        )  # fmt: skip
    return _Answer(closest=closest, unreachable=unreachable, reason=reason)


def _saturation(fc: _Forecasts, limit: _Limit, before: float, tol: float) -> float:
    """The smallest lever value at which the forecast reaches its limit (within tolerance)."""
    lever = fc.lever
    level = limit.most - 2 * tol
    if not limit.moving.any():
        return lever.current
    bottom = fc.total(lever.lower)
    if bottom >= level:
        return lever.lower
    if before >= level:
        return solve_increasing(
            fc.total, lever.lower, lever.current, level, tol, f_lo=bottom, f_hi=before
        )
    bracket = _bracket_up(fc, level)
    if bracket is None:
        return lever.current
    return solve_increasing(
        fc.total, lever.current, bracket[0], level, tol, f_lo=before, f_hi=bracket[1]
    )


def goal_seek(
    plan: Plan,
    scenario: Scenario,
    what: GoalSeekInput,
    fiscal_year: int,
    region_id: int | None = None,
) -> GoalSeekResult:
    """The value of ``what`` that makes the forecast of ``region_id`` (None: all regions) in
    ``fiscal_year`` equal its bookings target; or why no allowed value does."""
    months = fiscal_year_months(plan, fiscal_year)
    regions = region_mask(plan, region_id)
    where = region_label(plan, region_id)
    inputs = scenario.inputs
    base = compute_scenario(plan, inputs)
    target = float(base.reverse.target[regions][:, months].sum())
    before = float(base.forward.forecast[regions][:, months].sum())
    if what is GoalSeekInput.DEMAND_CREATION_BUDGET and SpendBlock.of(plan, months).empty:
        return GoalSeekResult(
            what, f"Demand-creation budget ({where}, FY{fiscal_year})", Unit.MONEY, where,
            fiscal_year, "", 0.0, None, None, target, before, before, Unreachable.NO_LEVER,
            "This plan has no demand-creation budget line, so no budget drives inquiries. "
            "Give a budget category 'drives inquiries' or add a demand-creation line.",
            (), (), None, 0,
        )  # fmt: skip

    lever = build_lever(plan, inputs, what, regions, months)
    fc = _Forecasts(plan, inputs, lever, regions, months, base)
    tol = RELATIVE_TOLERANCE * max(abs(target), 1.0)
    words = _Words(where, fiscal_year, target, lever, plan.settings.currency)
    if abs(before - target) <= tol:
        outcome = _Answer(solved=lever.current)
    elif before > target:
        outcome = _seek_down(fc, before, target, tol, words)
    elif lever.acts is Acts.BOUNDED:
        outcome = _seek_up_to_bound(fc, before, target, tol, words)
    else:
        outcome = _seek_up(fc, before, target, tol, words)
    solved, closest = outcome.solved, outcome.closest
    answer = solved if solved is not None else closest
    at_inputs, at_result = fc.at(answer) if answer is not None else (inputs, base)
    after = float(at_result.forward.forecast[regions][:, months].sum())
    changes = kpi_changes(
        compute_kpis(plan, inputs, base, regions, months),
        compute_kpis(plan, at_inputs, at_result, regions, months),
    )
    shown = answer if answer is not None else lever.current
    now_by_region = lever.region_values(lever.current)
    then_by_region = lever.region_values(shown)
    per_region = tuple(
        RegionValue(plan.regions[r].name, now_by_region[r], then_by_region[r])
        for r in now_by_region
    )
    label = f"{lever.name} ({where}, FY{fiscal_year})"
    command = None
    if solved is not None:
        command = SetValues(
            f"Goal seek: {label} = {words.value(solved)}", scenario.id, lever.field,
            lever.cells.copy(), lever.values(solved),
        )  # fmt: skip
    return GoalSeekResult(
        what, label, lever.unit, where, fiscal_year, lever.method, lever.current, solved,
        closest, target, before, after, outcome.unreachable, outcome.reason, per_region, changes,
        command, fc.evaluations,
    )  # fmt: skip


def _limit_reason(limit: _Limit, w: _Words) -> tuple[Unreachable, str]:
    """Why an unbounded lever cannot close the gap, in words a CRO and a CMO share."""
    short = w.short_of(limit.most)
    fixed = (
        f"; {w.money(limit.fixed_total)} closes in quarters it cannot reach in time"
        if limit.fixed_total > 0 and not limit.moving.all()
        else ""
    )
    name = w.lever.name[0].lower() + w.lever.name[1:]
    if not limit.moving.any():
        delay = (
            "leads need the lead lag plus the sales cycle to close"
            if w.lever.acts is Acts.PIPELINE
            else "new AEs ramp before they close"
        )
        return Unreachable.TIMING, (
            f"No {name} can move bookings in {w.where} within FY{w.fiscal_year} ({delay}): "
            f"the forecast stays at {w.money(limit.most)}, {short}."
        )
    if w.lever.acts is Acts.PIPELINE:
        return Unreachable.CAPACITY, (
            f"Sales capacity caps {w.where} in FY{w.fiscal_year}: in the quarters this spend "
            f"reaches, bookings stop at capacity ({w.money(limit.moving_total)}){fixed}. With "
            f"any {name} the forecast stops at {w.money(limit.most)}, {short}. Add AE "
            "capacity (hires, quota or attainment) first."
        )
    return Unreachable.PIPELINE, (
        f"Pipeline, not sales capacity, limits {w.where} in FY{w.fiscal_year}: with any number "
        f"of AEs, bookings stop at what the pipeline delivers ({w.money(limit.moving_total)}: "
        f"marketing-sourced, opening pipeline and the other sources' planned share){fixed}. "
        f"The forecast can reach {w.money(limit.most)}, {short}. Add demand-creation budget "
        "or improve conversion first."
    )
