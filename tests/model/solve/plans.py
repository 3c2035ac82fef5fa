"""Small hand-made plans for the solve tests, with numbers simple enough to work out by hand.

Imported by its full name, ``tests.model.solve.plans`` (``tests`` is a package).
"""

from __future__ import annotations

import numpy as np

from gtm_planner.model.defaults import default_categories, empty_inputs
from gtm_planner.model.engine import compute_scenario
from gtm_planner.model.entities import (
    BudgetLine,
    Plan,
    PlanSettings,
    Region,
    Scenario,
    ScenarioInputs,
    Source,
    SourceKind,
)
from gtm_planner.model.solve.common import fiscal_year_months

# Per inquiry: 20% → MQL, 50% → SQL, 50% → opportunity, 25% won, at 10,000 = 125 of bookings.
BOOKINGS_PER_INQUIRY = 0.2 * 0.5 * 0.5 * 0.25 * 10_000.0


def make_plan(
    regions: int = 1,
    horizon: int = 12,
    line_categories: tuple[str, ...] = ("demand_creation", "marketing_people"),
) -> Plan:
    """One marketing source (100% of the mix), the funnel above, no lags, e = 1, flat spend
    of 40,000 a month on the first line, ramped capacity far above any bookings."""
    settings = PlanSettings("Solve test", "USD", 1, 2027, 1, horizon)
    lines = []
    for i, key in enumerate(line_categories):
        category = next(c for c in default_categories() if c.key == key)
        lines.append(BudgetLine(i + 1, f"{category.name} {i + 1}", key, category.function))
    inputs = empty_inputs(regions, 1, len(lines), settings.calendar())
    inputs.source_mix[:] = 1.0
    inputs.asp[:] = 10_000.0
    inputs.win_rate[:] = 0.25
    inputs.sql_to_opp[:] = 0.5
    inputs.mql_to_sql[:] = 0.5
    inputs.inquiry_to_mql[:] = 0.2
    inputs.sales_cycle_months[:] = 0.0
    inputs.lead_lag_months[:] = 0.0
    inputs.cost_per_inquiry[:] = 100.0
    inputs.elasticity[:] = 1.0
    inputs.reference_spend[:] = 40_000.0
    inputs.follow_up_rate[:] = 1.0
    inputs.starting_aes[:] = 100.0
    inputs.ramp_months[:] = 0.0
    inputs.annual_quota[:] = 1_000_000.0
    inputs.attainment[:] = 1.0
    inputs.annual_target[:] = 1_200_000.0
    inputs.budget[0] = 40_000.0
    if len(lines) > 1:
        inputs.budget[1] = 10_000.0
    return Plan(
        settings=settings,
        regions=[Region(i + 1, f"Region {i + 1}") for i in range(regions)],
        sources=[Source(1, "Marketing", SourceKind.MARKETING)],
        categories=default_categories(),
        budget_lines=lines,
        scenarios=[Scenario(1, "Base", inputs, is_plan_of_record=True)],
    )


def allocation_plan(capacity_binds: bool = True) -> Plan:
    """Three regions with different returns: elasticities 0.6, 0.8 and 1.0, cycle and lead lag
    of one month each, two demand-creation lines with seasonal spend; the linear region's
    quarterly capacity binds unless ``capacity_binds`` is False."""
    plan = make_plan(3, 12, ("demand_creation", "demand_creation", "marketing_people"))
    inputs = plan.scenarios[0].inputs
    inputs.elasticity[:] = (0.6, 0.8, 1.0)
    inputs.cost_per_inquiry[:] = (80.0, 120.0, 150.0)
    inputs.reference_spend[:] = (30_000.0, 50_000.0, 40_000.0)
    inputs.sales_cycle_months[:] = 1.0
    inputs.lead_lag_months[:] = 1.0
    inputs.opening_pipeline[:] = (200_000.0, 100_000.0, 0.0)
    months = np.arange(12)
    inputs.budget[0] = np.array([30_000.0, 20_000.0, 25_000.0])[:, None] * (1 + months / 12)
    inputs.budget[1] = np.array([10_000.0, 15_000.0, 5_000.0])[:, None] * (1 + (months % 3) / 3)
    inputs.budget[2] = 8_000.0
    if capacity_binds:
        inputs.starting_aes[2] = 0.5  # 500,000 a year for the linear region
    return plan


def year_forecast(plan: Plan, inputs: ScenarioInputs, regions: np.ndarray, year: int) -> float:
    result = compute_scenario(plan, inputs)
    months = fiscal_year_months(plan, year)
    return float(result.forward.forecast[regions][:, months].sum())


def year_target(plan: Plan, inputs: ScenarioInputs, regions: np.ndarray, year: int) -> float:
    result = compute_scenario(plan, inputs)
    months = fiscal_year_months(plan, year)
    return float(result.reverse.target[regions][:, months].sum())
