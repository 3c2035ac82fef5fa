"""Compare scenarios and snapshots side by side (issue 4): KPIs with deltas, the inputs that
differ, and per-quarter target and forecast series for overlaid charts.

The first item is the reference: deltas and input differences are against it. A snapshot
brings its own KPI values (taken when it was made) and its inputs; its series are recomputed
from those inputs when they still fit the plan's dimensions. Input differences are listed the
way a planner reads them: budget and AE hires as fiscal-year totals per line × region (not
360k month cells), everything else cell by cell, capped, with counts per input.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields

import numpy as np
import numpy.typing as npt

from gtm_planner.model.engine import KPI_CATALOGUE, compute_kpis, compute_scenario
from gtm_planner.model.engine.kpis import Unit
from gtm_planner.model.engine.results import ScenarioResult
from gtm_planner.model.entities import Plan, Scenario, ScenarioInputs, Snapshot
from gtm_planner.model.snapshots import shape_problems
from gtm_planner.model.validation import FIELD_RULES, RULE_BY_FIELD, cell_label

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

MONTH_AXIS_BY_FIELD = {"budget": 2, "ae_hires": 1}  # listed as fiscal-year totals


@dataclass(frozen=True)
class KpiRow:
    key: str
    label: str
    unit: Unit
    values: tuple[float, ...]  # one per compared item
    deltas: tuple[float, ...]  # value − first value (0 for the first)
    delta_percents: tuple[float, ...]  # delta ÷ |first value|; NaN where that is 0 or undefined


@dataclass(frozen=True)
class InputDifference:
    field: str
    label: str  # "Budget (Paid digital / EMEA / FY2027)", "Win rate (EMEA / Marketing)"
    old: float  # the first item's value (a fiscal-year total for budget and AE hires)
    new: float
    cells: int  # input cells that differ inside this entry


@dataclass(frozen=True)
class InputDifferences:
    """How one item's inputs differ from the first item's."""

    name: str
    differences: tuple[InputDifference, ...]  # at most the cap
    total: int  # entries before the cap
    cells_by_field: dict[str, int]  # input cells that differ, per input
    dimension_problems: tuple[str, ...]  # set when the inputs cannot be compared cell by cell

    @property
    def truncated(self) -> bool:
        return self.total > len(self.differences)


@dataclass(frozen=True)
class QuarterSeries:
    name: str
    target: FloatArray  # (Q,) bookings target per fiscal quarter
    forecast: FloatArray  # (Q,)


@dataclass(frozen=True)
class Comparison:
    names: tuple[str, ...]
    kinds: tuple[str, ...]  # "scenario" or "snapshot"
    kpi_rows: tuple[KpiRow, ...]
    input_differences: tuple[InputDifferences, ...]  # one per item after the first
    quarter_labels: tuple[str, ...]
    series: tuple[QuarterSeries | None, ...]  # None: a snapshot that no longer fits the plan


def _fits(plan: Plan, inputs: ScenarioInputs) -> bool:
    return not shape_problems(plan, inputs)


def _kpi_values(
    plan: Plan,
    item: Scenario | Snapshot,
    result: ScenarioResult | None,
    regions: BoolArray | None,
    months: BoolArray | None,
) -> dict[str, float]:
    """A snapshot's recorded values for the whole plan; otherwise computed from the inputs."""
    whole_plan = regions is None and months is None
    if (
        isinstance(item, Snapshot)
        and whole_plan
        and (result is None or all(d.key in item.outputs for d in KPI_CATALOGUE))
    ):
        return {d.key: item.outputs.get(d.key, math.nan) for d in KPI_CATALOGUE}
    if result is None:
        return {d.key: math.nan for d in KPI_CATALOGUE}
    kpis = compute_kpis(plan, item.inputs, result, regions, months)
    return {key: kpi.value for key, kpi in kpis.items()}


def _delta_percent(value: float, first: float) -> float:
    if not math.isfinite(first) or first == 0 or not math.isfinite(value):
        return math.nan
    return (value - first) / abs(first)


def _differ(a: np.ndarray, b: np.ndarray) -> BoolArray:
    """Cells whose values differ (two NaNs count as equal)."""
    return np.asarray((a != b) & ~(np.isnan(a) & np.isnan(b)))


def input_differences(
    plan: Plan, name: str, first: ScenarioInputs, other: ScenarioInputs, limit: int = 200
) -> InputDifferences:
    """Every input of ``other`` that differs from ``first``, aggregated and capped at ``limit``."""
    problems = [
        f"{RULE_BY_FIELD[f.name].label if f.name in RULE_BY_FIELD else f.name}: "
        f"{np.shape(getattr(first, f.name))} vs {np.shape(getattr(other, f.name))}"
        for f in fields(ScenarioInputs)
        if np.shape(getattr(first, f.name)) != np.shape(getattr(other, f.name))
    ]
    if problems or not _fits(plan, first):
        problems = problems or shape_problems(plan, first)
        return InputDifferences(name, (), 0, {}, tuple(problems))
    calendar = plan.calendar()
    to_years = calendar.fiscal_year_matrix()
    listed: list[InputDifference] = []
    total = 0
    cells_by_field: dict[str, int] = {}
    for rule in FIELD_RULES:
        a = np.asarray(getattr(first, rule.name), dtype=np.float64)
        b = np.asarray(getattr(other, rule.name), dtype=np.float64)
        differs = _differ(a, b)
        count = int(differs.sum())
        if count == 0:
            continue
        cells_by_field[rule.name] = count
        if rule.name in MONTH_AXIS_BY_FIELD:
            counts = differs.astype(np.float64) @ to_years
            old_totals, new_totals = a @ to_years, b @ to_years
            positions = np.argwhere(counts > 0)
            total += len(positions)
            for pos in positions[: max(limit - len(listed), 0)]:
                idx = tuple(int(i) for i in pos)
                listed.append(InputDifference(
                    rule.name, _year_label(plan, rule.name, idx), float(old_totals[idx]),
                    float(new_totals[idx]), int(counts[idx]),
                ))  # fmt: skip
        else:
            positions = np.argwhere(differs)
            total += len(positions)
            for pos in positions[: max(limit - len(listed), 0)]:
                idx = tuple(int(i) for i in pos)
                listed.append(InputDifference(
                    rule.name, cell_label(plan, rule.name, idx), float(a[idx]), float(b[idx]), 1
                ))  # fmt: skip
    if first.gross_margin != other.gross_margin:
        cells_by_field["gross_margin"] = 1
        total += 1
        if len(listed) < limit:
            listed.append(InputDifference(
                "gross_margin", "Gross margin", first.gross_margin, other.gross_margin, 1
            ))  # fmt: skip
    return InputDifferences(name, tuple(listed), total, cells_by_field, ())


def _year_label(plan: Plan, field: str, index: tuple[int, ...]) -> str:
    year = f"FY{plan.calendar().fiscal_years[index[-1]]}"
    label = RULE_BY_FIELD[field].label
    if field == "budget":
        line, region = index[0], index[1]
        return f"{label} ({plan.budget_lines[line].name} / {plan.regions[region].name} / {year})"
    return f"{label} ({plan.regions[index[0]].name} / {year})"


def compare(
    plan: Plan,
    items: Sequence[Scenario | Snapshot],
    regions: BoolArray | None = None,
    months: BoolArray | None = None,
    *,
    results: Mapping[int, ScenarioResult] | None = None,
    limit: int = 200,
) -> Comparison:
    """Side by side: the first item is the reference. ``results`` (by scenario id) lets a
    caller pass results it already has; the rest are computed."""
    if len(items) < 2:
        raise ValueError("pick at least two scenarios or snapshots to compare")
    calendar = plan.calendar()
    r_sel = np.ones(len(plan.regions), dtype=bool) if regions is None else regions
    computed: list[ScenarioResult | None] = []
    for item in items:
        known = (results or {}).get(item.id) if isinstance(item, Scenario) else None
        if known is not None:
            computed.append(known)
        elif isinstance(item, Scenario) or _fits(plan, item.inputs):
            computed.append(compute_scenario(plan, item.inputs))
        else:
            computed.append(None)
    values = [
        _kpi_values(plan, item, result, regions, months)
        for item, result in zip(items, computed, strict=True)
    ]
    rows = []
    for d in KPI_CATALOGUE:
        row = tuple(v[d.key] for v in values)
        rows.append(KpiRow(
            d.key, d.label, d.unit, row, tuple(v - row[0] for v in row),
            tuple(_delta_percent(v, row[0]) for v in row),
        ))  # fmt: skip
    quarters = calendar.quarter_matrix()
    series = tuple(
        None if result is None else QuarterSeries(
            item.name,
            np.asarray(result.reverse.quarter_target[r_sel].sum(axis=0)),
            np.asarray(result.forward.forecast[r_sel].sum(axis=0) @ quarters),
        )
        for item, result in zip(items, computed, strict=True)
    )  # fmt: skip
    differences = tuple(
        input_differences(plan, item.name, items[0].inputs, item.inputs, limit)
        for item in items[1:]
    )
    return Comparison(
        tuple(item.name for item in items),
        tuple("scenario" if isinstance(item, Scenario) else "snapshot" for item in items),
        tuple(rows), differences, calendar.quarter_labels, series,
    )  # fmt: skip
