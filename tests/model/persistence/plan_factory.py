"""Random plans for persistence tests, and a strict field-by-field comparison of two plans.

Ids are sparse and shuffled (so array position is never the id), floats include values that
are easy to lose on the way to a database and back, texts include quotes and non-ASCII.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import fields, is_dataclass
from typing import Any

import numpy as np

from gtm_planner.model.calendar import FiscalCalendar
from gtm_planner.model.defaults import empty_inputs
from gtm_planner.model.entities import (
    ARRAY_FIELDS,
    BudgetLine,
    Category,
    ChangeLogEntry,
    Definition,
    FloatArray,
    Function,
    Owner,
    Plan,
    PlanSettings,
    Region,
    Scenario,
    ScenarioInputs,
    SharedGoal,
    SlaLine,
    Snapshot,
    Source,
    SourceKind,
)

AWKWARD_FLOATS = (
    0.1 + 0.2,
    1e-300,
    5e-324,  # the smallest subnormal
    123456789.123456789,
    1.7976931348623157e308,
    -2.5e-17,
    1 / 3,
    2.0**53 + 2,
    -0.0,
    math.pi * 1e15,
)
NON_FINITE = (math.inf, -math.inf, math.nan)
TEXTS = ("EMEA", "Nordics «Ø»", 'O\'Brien "quoted"', "日本", "tab\there", "new\nline", "")


def _ids(rng: np.random.Generator, count: int) -> list[int]:
    return [int(i) for i in rng.choice(np.arange(1, 100_000), size=count, replace=False)]


def _values(rng: np.random.Generator, shape: tuple[int, ...], *, special: bool) -> FloatArray:
    """Random magnitudes, with awkward values (and, if ``special``, inf/NaN) sprinkled in."""
    values = rng.lognormal(mean=8.0, sigma=3.0, size=shape) * rng.choice([1.0, 0.001], size=shape)
    flat = values.reshape(-1)
    if flat.size:
        pool = AWKWARD_FLOATS + (NON_FINITE if special else ())
        picks = rng.choice(flat.size, size=min(flat.size, len(pool)), replace=False)
        flat[picks] = np.array(pool[: len(picks)])
    return np.asarray(values, dtype=np.float64)


def random_inputs(
    rng: np.random.Generator,
    regions: int,
    sources: int,
    lines: int,
    calendar: FiscalCalendar,
    *,
    budget_density: float = 0.6,
) -> ScenarioInputs:
    months = calendar.horizon_months
    # Shapes from the neutral inputs the app itself starts from, not from the code under test.
    neutral = empty_inputs(regions, sources, lines, calendar)
    shapes = {name: getattr(neutral, name).shape for name in ARRAY_FIELDS}
    arrays: dict[str, Any] = {
        name: _values(rng, shapes[name], special=name in ("elasticity", "budget"))
        for name in ARRAY_FIELDS
    }
    arrays["budget"][rng.random(arrays["budget"].shape) >= budget_density] = 0.0
    arrays["ae_hires"] = np.where(
        rng.random((regions, months)) < 0.2, rng.integers(1, 5, (regions, months)), 0
    ).astype(np.float64)
    if arrays["ae_hires"].size:
        arrays["ae_hires"].flat[0] = 0.1 + 0.2
    return ScenarioInputs(**arrays, gross_margin=float(rng.choice(AWKWARD_FLOATS[:7])))


def random_plan(
    seed: int,
    *,
    regions: int = 4,
    sources: int = 4,
    lines: int = 6,
    scenarios: int = 3,
    horizon: int | None = None,
    budget_density: float = 0.6,
    snapshots: int = 2,
    log_entries: int = 6,
) -> Plan:
    rng = np.random.default_rng(seed)

    def text(prefix: str, i: int) -> str:
        return f"{prefix} {i} {TEXTS[int(rng.integers(len(TEXTS)))]}"

    settings = PlanSettings(
        name=text("Plan", seed),
        currency=str(rng.choice(["USD", "EUR", "JPY"])),
        fiscal_year_start_month=int(rng.integers(1, 13)),
        start_year=int(rng.integers(2024, 2030)),
        start_month=int(rng.integers(1, 13)),
        horizon_months=horizon if horizon is not None else int(rng.integers(13, 40)),
    )
    calendar = settings.calendar()
    kinds = list(SourceKind)
    category_list = [
        Category(f"cat_{i}", text("Category", i), Function(kinds_f), bool(i % 2))
        for i, kinds_f in enumerate(["sales", "marketing", "marketing"])
    ]
    line_ids = _ids(rng, lines)
    budget_lines = []
    for i, line_id in enumerate(line_ids):
        category = category_list[i % len(category_list)]
        budget_lines.append(BudgetLine(line_id, text("Line", i), category.key, category.function))

    def inputs() -> ScenarioInputs:
        return random_inputs(rng, regions, sources, lines, calendar, budget_density=budget_density)

    scenario_list = [
        Scenario(sid, f"Scenario {i} {TEXTS[i % len(TEXTS)]}", inputs(), i == 1, text("Why", i))
        for i, sid in enumerate(_ids(rng, scenarios))
    ]
    owners = list(Owner)
    utc_plus_2 = dt.timezone(dt.timedelta(hours=2))
    return Plan(
        settings=settings,
        regions=[Region(rid, text("Region", i)) for i, rid in enumerate(_ids(rng, regions))],
        sources=[
            Source(sid, text("Source", i), kinds[i % len(kinds)])
            for i, sid in enumerate(_ids(rng, sources))
        ],
        categories=category_list,
        budget_lines=budget_lines,
        scenarios=scenario_list,
        goals=[
            SharedGoal(
                gid, text("Goal", i), "bookings", owners[i % 3], 2027 + i, AWKWARD_FLOATS[i]
            )
            for i, gid in enumerate(_ids(rng, 3))
        ],
        sla=[
            SlaLine(lid, text("SLA", i), text("We commit", i), owners[i % 3], 0.1 + 0.2 * i, "h")
            for i, lid in enumerate(_ids(rng, 2))
        ],
        definitions=[
            Definition(did, text("Term", i), text("Means", i), owners[i % 3])
            for i, did in enumerate(_ids(rng, 3))
        ],
        snapshots=[
            Snapshot(
                snap_id,
                text("Snapshot", i),
                scenario_list[0].name,
                dt.datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=utc_plus_2 if i % 2 else None),
                inputs(),
                {"bookings": 0.1 + 0.2, "cac": 1e-300, "nothing": math.nan, "all": math.inf},
            )
            for i, snap_id in enumerate(_ids(rng, snapshots))
        ],
        change_log=[
            ChangeLogEntry(
                i + 1,
                dt.datetime(2026, 3, 1, 12, 0, i, 123, tzinfo=dt.UTC if i % 2 else None),
                text("user", i),
                scenario_list[i % scenarios].name if scenarios else "",
                text("budget cell", i),
                repr(0.1 + 0.2),
                text("new", i),
            )
            for i in range(log_entries)
        ],
    )


def large_plan(seed: int = 7) -> Plan:
    """SPEC §8's large plan: 40 regions, 36 months, 25 lines, 10 scenarios, every cell set."""
    return random_plan(
        seed, regions=40, sources=4, lines=25, scenarios=10, horizon=36, budget_density=1.0
    )


def plan_differences(expected: Any, actual: Any, where: str = "plan") -> list[str]:
    """Every difference between two plans (or parts), as readable paths; empty when equal.

    Strict: types must match (an enum must not come back as a str, a bool as an int; only an
    int given for a float field may come back as that float), arrays
    must match in shape, dtype and every value (NaN equals NaN), aware times in their offset.
    """
    if type(expected) is int and type(actual) is float:  # an int where a float is declared
        return [] if expected == actual else [f"{where}: {expected!r} != {actual!r}"]
    if type(expected) is not type(actual):
        return [f"{where}: type {type(expected).__name__} != {type(actual).__name__}"]
    if isinstance(expected, np.ndarray):
        if expected.shape != actual.shape or expected.dtype != actual.dtype:
            return [f"{where}: {expected.dtype}{expected.shape} != {actual.dtype}{actual.shape}"]
        if not np.array_equal(expected, actual, equal_nan=True):
            bad = np.argwhere(~((expected == actual) | (np.isnan(expected) & np.isnan(actual))))
            i = tuple(bad[0])
            return [f"{where}{list(i)}: {expected[i]!r} != {actual[i]!r} ({len(bad)} cells)"]
        return []
    if is_dataclass(expected):
        return [
            diff
            for f in fields(expected)
            for diff in plan_differences(
                getattr(expected, f.name), getattr(actual, f.name), f"{where}.{f.name}"
            )
        ]
    if isinstance(expected, list):
        if len(expected) != len(actual):
            return [f"{where}: {len(expected)} items != {len(actual)}"]
        return [
            d
            for i, (e, a) in enumerate(zip(expected, actual, strict=True))
            for d in plan_differences(e, a, f"{where}[{i}]")
        ]
    if isinstance(expected, dict):
        if list(expected) != list(actual):
            return [f"{where}: keys {list(expected)} != {list(actual)}"]
        return [
            d
            for k in expected
            for d in plan_differences(expected[k], actual[k], f"{where}[{k!r}]")
        ]
    if isinstance(expected, float):
        same = expected == actual or (math.isnan(expected) and math.isnan(actual))
        return [] if same else [f"{where}: {expected!r} != {actual!r}"]
    if isinstance(expected, dt.datetime):
        same = expected == actual and expected.utcoffset() == actual.utcoffset()
        return [] if same else [f"{where}: {expected.isoformat()} != {actual.isoformat()}"]
    return [] if expected == actual else [f"{where}: {expected!r} != {actual!r}"]


def _region_axis(field_name: str) -> int:
    return 1 if field_name == "budget" else 0  # budget is (L, R, T); every other array (R, …)


def reorder_regions(plan: Plan, order: list[int]) -> None:
    """Put the regions in ``order`` (old positions), moving every scenario's arrays along."""
    plan.regions = [plan.regions[i] for i in order]
    for scenario in plan.scenarios:
        for name in ARRAY_FIELDS:
            array = getattr(scenario.inputs, name)
            setattr(scenario.inputs, name, np.take(array, order, axis=_region_axis(name)))


def add_region_copying(plan: Plan, region: Region, model: int, factor: float) -> None:
    """Append ``region`` with the inputs of the region at ``model``, scaled by ``factor``."""
    plan.regions.append(region)
    for scenario in plan.scenarios:
        for name in ARRAY_FIELDS:
            array = getattr(scenario.inputs, name)
            axis = _region_axis(name)
            extra = np.take(array, [model], axis=axis) * factor
            setattr(scenario.inputs, name, np.concatenate([array, extra], axis=axis))


def remove_budget_line(plan: Plan, index: int) -> None:
    del plan.budget_lines[index]
    for scenario in plan.scenarios:
        scenario.inputs.budget = np.delete(scenario.inputs.budget, index, axis=0)
