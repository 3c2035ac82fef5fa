"""Shared goals tracked against the plan's own numbers, and the SLA's derived commitments.

A goal names a KPI of the catalogue, a fiscal year and a target value. Its actual value is the
engine's KPI for that scenario over the months of that fiscal year: the very number the
dashboard shows for that year, never a second calculation. Pure Python, no Qt.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from gtm_planner.model.engine.kpis import KPI_BY_KEY, Unit, compute_kpis
from gtm_planner.model.engine.results import ScenarioResult
from gtm_planner.model.entities import Owner, Plan, ScenarioInputs, SharedGoal
from gtm_planner.model.formatting import format_value
from gtm_planner.model.snapshots import unique_name

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

# KPIs where less is better: costs, paybacks and shortfalls. Every other KPI: more is better.
LOWER_IS_BETTER = frozenset(
    {"blended_cac", "cac_payback_months", "cost_per_opportunity", "gap", "cost_of_misalignment"}
)

_SUFFIXES = {"k": 1e3, "m": 1e6, "b": 1e9}
_NUMBER = re.compile(r"^[-+]?(\d+(\.\d*)?|\.\d+)([kmb])?$")


class GoalInputError(ValueError):
    """A value a user typed for a goal or SLA line that cannot be one; the message says why."""


class GoalStatus(StrEnum):
    MET = "met"
    BEHIND = "behind"
    NO_DATA = "no data"  # the fiscal year lies outside the plan, or the KPI is undefined


@dataclass(frozen=True)
class GoalTracking:
    """How one goal stands in one scenario.

    ``shortfall`` is how far the plan is from the target in the KPI's unit, in the goal's
    direction: positive when behind, zero or negative when met (negative = ahead by).
    """

    goal_id: int
    target: float
    actual: float
    lower_is_better: bool
    status: GoalStatus
    shortfall: float


def lower_is_better(metric: str) -> bool:
    return metric in LOWER_IS_BETTER


def metric_unit(metric: str) -> Unit:
    return KPI_BY_KEY[metric].unit


def fiscal_year_months(plan: Plan, fiscal_year: int) -> BoolArray:
    """(T,) True for the plan months of ``fiscal_year`` (all False if the plan misses it)."""
    return np.asarray(plan.calendar().fiscal_year == fiscal_year, dtype=bool)


def fiscal_year_kpis(
    plan: Plan, inputs: ScenarioInputs, result: ScenarioResult, fiscal_year: int
) -> dict[str, float] | None:
    """Every KPI over the months of one fiscal year; None if the plan has no such months."""
    months = fiscal_year_months(plan, fiscal_year)
    if not months.any():
        return None
    kpis = compute_kpis(plan, inputs, result, months=months)
    return {key: kpi.value for key, kpi in kpis.items()}


def judge(goal: SharedGoal, actual: float) -> GoalTracking:
    """Met or behind, and by how much, for an actual value of the goal's KPI."""
    lower = lower_is_better(goal.metric)
    if not math.isfinite(actual):
        return GoalTracking(goal.id, goal.value, actual, lower, GoalStatus.NO_DATA, math.nan)
    shortfall = actual - goal.value if lower else goal.value - actual
    status = GoalStatus.MET if shortfall <= 0 else GoalStatus.BEHIND
    return GoalTracking(goal.id, goal.value, actual, lower, status, shortfall)


def track_goals(
    plan: Plan, inputs: ScenarioInputs, result: ScenarioResult
) -> dict[int, GoalTracking]:
    """Each of the plan's goals against one scenario, by goal id (KPIs computed once per FY)."""
    by_year: dict[int, dict[str, float] | None] = {}
    tracking: dict[int, GoalTracking] = {}
    for goal in plan.goals:
        if goal.fiscal_year not in by_year:
            by_year[goal.fiscal_year] = fiscal_year_kpis(plan, inputs, result, goal.fiscal_year)
        values = by_year[goal.fiscal_year]
        actual = math.nan if values is None else values.get(goal.metric, math.nan)
        tracking[goal.id] = judge(goal, actual)
    return tracking


def plan_value(
    plan: Plan, inputs: ScenarioInputs, result: ScenarioResult, metric: str, fiscal_year: int
) -> float:
    """The scenario's own value of one KPI over one fiscal year (NaN outside the plan)."""
    values = fiscal_year_kpis(plan, inputs, result, fiscal_year)
    return math.nan if values is None else values[metric]


def new_goal(
    plan: Plan, inputs: ScenarioInputs, result: ScenarioResult, goal_id: int
) -> SharedGoal:
    """A goal to start from: joint forecast bookings in the first fiscal year, at plan."""
    year = plan.calendar().fiscal_years[0]
    metric = "forecast_bookings"
    value = suggested_target(plan_value(plan, inputs, result, metric, year), Unit.MONEY)
    name = unique_name("New goal", [g.name for g in plan.goals])
    return SharedGoal(goal_id, name, metric, Owner.JOINT, year, value)


def format_goal_value(value: float, unit: Unit, currency: str) -> str:
    """A goal's target or actual as a tile reads it: $45.0M, 40.0%, 3.00x, 800."""
    return format_value(value, unit, currency, short=True)


def format_shortfall(tracking: GoalTracking, unit: Unit, currency: str) -> str:
    """How far from the target: "$2.1M short", "$1.2M ahead"; percent gaps in points."""
    if tracking.status is GoalStatus.NO_DATA:
        return "–"
    size = abs(tracking.shortfall)
    if unit is Unit.PERCENT:
        amount = f"{size * 100:.1f} pts"
    else:
        amount = format_goal_value(size, unit, currency)
    if tracking.status is GoalStatus.BEHIND:
        return f"{amount} short"
    return "on target" if size == 0 else f"{amount} ahead"


def parse_fiscal_year(text: str, fiscal_years: tuple[int, ...]) -> int:
    """ "FY2027" or "2027", if the plan has that fiscal year."""
    digits = text.strip().upper().removeprefix("FY")
    year = int(digits) if digits.isdigit() else None
    if year is None or year not in fiscal_years:
        years = ", ".join(f"FY{y}" for y in fiscal_years)
        typed = f"“{text}”" if year is None else f"FY{year}"
        raise GoalInputError(f"{typed} is not a fiscal year of this plan ({years})")
    return year


def suggested_target(value: float, unit: Unit) -> float:
    """A round number near ``value`` to start a new goal from (0 when undefined)."""
    if not math.isfinite(value):
        return 0.0
    if unit is Unit.MONEY:
        return float(round(value, -3 if abs(value) >= 100_000 else 0))
    if unit is Unit.PERCENT:
        return round(value, 3)
    if unit in (Unit.RATIO, Unit.MONTHS):
        return round(value, 1)
    return float(round(value))


def parse_number(text: str, *, allow_percent: bool = True) -> float:
    """A plain number as typed: "45,000,000", "$45M", "1.2k", "85%" (→ 0.85)."""
    cleaned = re.sub(r"[\s,$€£¥₹]", "", text.strip()).lower().replace("−", "-")
    percent = cleaned.endswith("%")
    if percent:
        if not allow_percent:
            raise GoalInputError(f"“{text}” is not a number here; leave out the %")
        cleaned = cleaned[:-1]
    cleaned = cleaned.removesuffix("x")
    match = _NUMBER.match(cleaned)
    if not match:
        raise GoalInputError(f"“{text}” is not a number (e.g. 45,000,000, 45M, 3.5 or 40%)")
    number = float(cleaned[:-1] if match.group(3) else cleaned)
    number *= _SUFFIXES.get(match.group(3) or "", 1.0)
    if not math.isfinite(number):
        raise GoalInputError(f"“{text}” is too large a number")
    return number / 100.0 if percent else number


def parse_goal_value(text: str, unit: Unit) -> float:
    """The target value typed for a goal of ``unit``; percent goals are typed in percent.

    "40" and "40%" both mean 40% for a percent goal; money accepts "45M" and separators.
    A goal value is never negative, and a percentage is between 0% and 100%.
    """
    if unit is Unit.PERCENT:
        stripped = text.strip()
        if not stripped.endswith("%"):
            stripped += "%"
        value = parse_number(stripped)
        if not 0.0 <= value <= 1.0:
            raise GoalInputError(f"“{text}” is not a percentage between 0% and 100%")
        return value
    value = parse_number(text, allow_percent=False)
    if value < 0:
        raise GoalInputError(f"“{text}”: a goal's target cannot be negative")
    return value


def goal_edit_text(value: float, unit: Unit) -> str:
    """How a goal value reads in its editor; ``parse_goal_value`` gives it back."""
    if unit is Unit.PERCENT:
        return f"{value * 100:g}%"
    if unit is Unit.MONEY or abs(value) >= 1_000:
        return f"{value:,.0f}" if value == round(value) else f"{value:,.2f}"
    return f"{value:g}"


@dataclass(frozen=True)
class SlaDriverRow:
    """One region's SLA drivers and the SQLs marketing commits (``region`` "All regions" for
    the total row, whose rates are NaN): before plan start, each quarter, and the plan's total.
    """

    region: str
    follow_up_rate: float
    hours_to_first_touch: float
    sqls: tuple[float, ...]


def sla_driver_rows(
    plan: Plan, inputs: ScenarioInputs, result: ScenarioResult
) -> list[SlaDriverRow]:
    """Per region and in total: follow-up rate, hours to first touch, SQLs by quarter."""
    by_quarter, before = sqls_committed_by_quarter(plan, result)
    table = np.column_stack([before, by_quarter, by_quarter.sum(axis=1)])
    rows = [
        SlaDriverRow(region.name, float(inputs.follow_up_rate[r]),
                     float(inputs.hours_to_first_touch[r]), tuple(map(float, table[r])))
        for r, region in enumerate(plan.regions)
    ]  # fmt: skip
    rows.append(SlaDriverRow("All regions", math.nan, math.nan, tuple(map(float, table.sum(0)))))
    return rows


def sqls_committed_by_quarter(plan: Plan, result: ScenarioResult) -> tuple[FloatArray, FloatArray]:
    """SQLs marketing must deliver per region and fiscal quarter, and those due before start.

    From the reverse waterfall's marketing-source SQLs (dated by lead month), summed into the
    plan's fiscal quarters: ``(R, Q)`` and ``(R,)`` for needs that fall before plan start.
    """
    m = plan.marketing_source_index()
    monthly = result.reverse.sqls[:, m, :]
    by_quarter = np.asarray(monthly @ plan.calendar().quarter_matrix(), dtype=np.float64)
    before_start = np.asarray(result.reverse.sqls_before_start[:, m], dtype=np.float64)
    return by_quarter, before_start
