"""Plans for the engine tests: a small hand-made plan builder and a random-plan generator.

Imported by its full name, ``tests.model.engine.engine_test_plans``: ``tests`` is a package,
so pytest puts the project root on ``sys.path`` and mypy names this module the same way.
"""

from __future__ import annotations

import numpy as np

from gtm_planner.model.defaults import default_categories, empty_inputs
from gtm_planner.model.entities import (
    BudgetLine,
    Category,
    Plan,
    PlanSettings,
    Region,
    Scenario,
    ScenarioInputs,
    Source,
    SourceKind,
)

OTHER_KINDS = (SourceKind.SDR_OUTBOUND, SourceKind.AE_SELF_SOURCED, SourceKind.PARTNER)


def category(key: str) -> Category:
    return next(c for c in default_categories() if c.key == key)


def make_plan(
    *,
    regions: int = 1,
    source_kinds: tuple[SourceKind, ...] = (SourceKind.MARKETING,),
    line_categories: tuple[str, ...] = ("demand_creation",),
    horizon: int = 12,
    start_month: int = 1,
    fiscal_year_start_month: int = 1,
    start_year: int = 2026,
) -> tuple[Plan, ScenarioInputs]:
    """A plan with neutral inputs (``empty_inputs``) that a test then fills in by hand."""
    settings = PlanSettings(
        name="Engine test",
        currency="USD",
        fiscal_year_start_month=fiscal_year_start_month,
        start_year=start_year,
        start_month=start_month,
        horizon_months=horizon,
    )
    lines = [
        BudgetLine(i + 1, f"{key} {i + 1}", key, category(key).function)
        for i, key in enumerate(line_categories)
    ]
    inputs = empty_inputs(regions, len(source_kinds), len(lines), settings.calendar())
    plan = Plan(
        settings=settings,
        regions=[Region(i + 1, f"Region {i + 1}") for i in range(regions)],
        sources=[Source(i + 1, kind.value, kind) for i, kind in enumerate(source_kinds)],
        categories=default_categories(),
        budget_lines=lines,
        scenarios=[Scenario(1, "Base", inputs, is_plan_of_record=True)],
    )
    return plan, inputs


def random_plan(
    rng: np.random.Generator,
    *,
    regions: int | None = None,
    horizon: int | None = None,
    line_categories: tuple[str, ...] | None = None,
    elasticity_one_share: float = 0.3,
) -> tuple[Plan, ScenarioInputs]:
    """A random but valid plan: the dimensions, calendar, funnel, capacity and budget vary."""
    r_count = regions if regions is not None else int(rng.integers(1, 6))
    s_count = int(rng.integers(2, 5))
    marketing = int(rng.integers(0, s_count))
    kinds = tuple(
        SourceKind.MARKETING if s == marketing else OTHER_KINDS[int(rng.integers(0, 3))]
        for s in range(s_count)
    )
    keys = [c.key for c in default_categories()]
    l_count = int(rng.integers(1, 7))
    line_keys = [keys[int(rng.integers(0, len(keys)))] for _ in range(l_count)]
    if rng.random() < 0.85 and "demand_creation" not in line_keys:
        line_keys[int(rng.integers(0, l_count))] = "demand_creation"
    if line_categories is not None:
        line_keys, l_count = list(line_categories), len(line_categories)
    plan, inputs = make_plan(
        regions=r_count,
        source_kinds=kinds,
        line_categories=tuple(line_keys),
        horizon=horizon if horizon is not None else int(rng.integers(1, 37)),
        start_month=int(rng.integers(1, 13)),
        fiscal_year_start_month=int(rng.integers(1, 13)),
        start_year=int(rng.integers(2020, 2031)),
    )
    shape_rs = (r_count, s_count)
    years = inputs.annual_target.shape[1]
    t_count = plan.settings.horizon_months

    inputs.annual_target = rng.uniform(0.0, 8e6, (r_count, years))
    inputs.annual_target[rng.random((r_count, years)) < 0.1] = 0.0
    inputs.seasonality = rng.uniform(0.2, 2.0, (r_count, 12))
    inputs.source_mix = rng.dirichlet(np.ones(s_count), r_count)
    inputs.asp = rng.uniform(5_000.0, 200_000.0, shape_rs)
    inputs.win_rate = rng.uniform(0.05, 0.6, shape_rs)
    inputs.sql_to_opp = rng.uniform(0.2, 0.9, shape_rs)
    inputs.mql_to_sql = rng.uniform(0.1, 0.6, shape_rs)
    inputs.inquiry_to_mql = rng.uniform(0.05, 0.4, shape_rs)
    inputs.sales_cycle_months = rng.integers(0, 10, shape_rs).astype(np.float64)
    inputs.lead_lag_months = rng.integers(0, 5, shape_rs).astype(np.float64)
    inputs.cost_per_inquiry = rng.uniform(20.0, 500.0, r_count)
    elasticity = 1.0 - rng.uniform(0.0, 0.7, r_count)  # in (0.3, 1]
    elasticity[rng.random(r_count) < elasticity_one_share] = 1.0
    inputs.elasticity = elasticity
    inputs.reference_spend = rng.uniform(1_000.0, 100_000.0, r_count)
    inputs.opening_pipeline = rng.uniform(0.0, 5e6, r_count)
    follow_up = rng.uniform(0.3, 1.0, r_count)
    follow_up[rng.random(r_count) < 0.3] = 1.0
    inputs.follow_up_rate = follow_up
    inputs.starting_aes = rng.integers(0, 15, r_count).astype(np.float64)
    hires = rng.integers(0, 3, (r_count, t_count)).astype(np.float64)
    hires[rng.random((r_count, t_count)) < 0.6] = 0.0
    inputs.ae_hires = hires
    inputs.ramp_months = rng.integers(0, 7, r_count).astype(np.float64)
    inputs.annual_quota = rng.uniform(300_000.0, 1_500_000.0, r_count)
    inputs.attainment = rng.uniform(0.5, 1.1, r_count)
    inputs.ae_cost = rng.uniform(150_000.0, 300_000.0, r_count)
    inputs.sdr_count = rng.integers(0, 8, r_count).astype(np.float64)
    inputs.sdr_cost = rng.uniform(80_000.0, 120_000.0, r_count)
    inputs.se_count = rng.integers(0, 5, r_count).astype(np.float64)
    inputs.se_cost = rng.uniform(150_000.0, 220_000.0, r_count)
    budget = rng.uniform(0.0, 150_000.0, (l_count, r_count, t_count))
    budget[rng.random(budget.shape) < 0.2] = 0.0
    inputs.budget = budget
    inputs.gross_margin = float(rng.uniform(0.5, 0.9))
    plan.scenarios[0].inputs = inputs
    return plan, inputs
