"""One entry point: a scenario's inputs in, every derived number out. Pure and vectorised."""

from __future__ import annotations

import numpy as np

from gtm_planner.model.engine.capacity import capacity_plan
from gtm_planner.model.engine.forward import forward_forecast
from gtm_planner.model.engine.results import ScenarioResult
from gtm_planner.model.engine.reverse import reverse_waterfall
from gtm_planner.model.engine.targets import monthly_target
from gtm_planner.model.engine.timing import safe_divide
from gtm_planner.model.entities import Plan, ScenarioInputs


def compute_scenario(plan: Plan, inputs: ScenarioInputs) -> ScenarioResult:
    """Run the reverse waterfall, capacity and forward model for one scenario's inputs."""
    calendar = plan.calendar()
    marketing = plan.marketing_source_index()
    target = monthly_target(inputs.annual_target, inputs.seasonality, calendar)
    reverse = reverse_waterfall(inputs, target, marketing, calendar)
    capacity = capacity_plan(inputs)

    budget = inputs.budget
    demand_creation = budget[plan.demand_creation_mask()].sum(axis=0)
    marketing_lines = plan.marketing_line_mask()
    marketing_spend = budget[marketing_lines].sum(axis=0)
    sales_spend = budget[~marketing_lines].sum(axis=0)
    category_of_line = np.array(
        [[line.category == c.key for c in plan.categories] for line in plan.budget_lines],
        dtype=np.float64,
    ).reshape(len(plan.budget_lines), len(plan.categories))
    spend_by_category = np.einsum("lc,lrt->crt", category_of_line, budget)

    forward = forward_forecast(inputs, reverse, capacity, demand_creation, marketing, calendar)
    bookings_by_source = reverse.target_by_source.sum(axis=2)
    deals_by_source = reverse.won.sum(axis=2)
    asp_blended = np.where(
        deals_by_source.sum(axis=1) > 0,
        safe_divide(bookings_by_source.sum(axis=1), deals_by_source.sum(axis=1)),
        (inputs.asp * inputs.source_mix).sum(axis=1),
    )
    return ScenarioResult(
        reverse=reverse,
        forward=forward,
        capacity=capacity,
        sales_spend=sales_spend,
        marketing_spend=marketing_spend,
        spend_by_category=spend_by_category,
        asp_blended=asp_blended,
    )
