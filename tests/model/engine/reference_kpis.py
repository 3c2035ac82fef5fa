"""The KPIs of SPEC §3.4 computed slowly from the reference engine's outputs.

Each value follows the formula of the KPI catalogue, summed with plain loops over the selected
regions and months. Undefined ratios are NaN. Coverage and the Magic Number use whole fiscal
quarters only: all three months inside the plan and inside the selection (and, for the Magic
Number, a whole prior quarter), so that a quarter cut by the plan's start or end is never
compared with a full one.
"""

from __future__ import annotations

import math

from gtm_planner.model.entities import Plan, ScenarioInputs, SourceKind
from tests.model.engine.reference_engine import FloatArray, plan_months


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator != 0 else math.nan


def reference_kpis(
    plan: Plan,
    inputs: ScenarioInputs,
    outputs: dict[str, FloatArray],
    regions: list[bool] | None = None,
    months: list[bool] | None = None,
) -> dict[str, float]:
    """Every KPI for the selected regions and months, from ``compute_reference`` outputs."""
    calendar = plan_months(plan)
    region_count = len(plan.regions)
    selected_regions = [r for r in range(region_count) if regions is None or regions[r]]
    selected_months = [t for t in range(calendar.horizon) if months is None or months[t]]
    marketing = next(i for i, s in enumerate(plan.sources) if s.kind is SourceKind.MARKETING)

    def total(key: str) -> float:
        values = outputs[key]
        return sum(float(values[r, t]) for r in selected_regions for t in selected_months)

    target = total("reverse.target")
    forecast = total("forward.forecast")
    won = total("forward.won_deals")
    sales = total("sales_spend")
    marketing_spend = total("marketing_spend")
    spend = sales + marketing_spend
    marketing_pipeline = total("forward.marketing_pipeline")
    inquiries = total("forward.inquiries")
    capacity = total("capacity.capacity")

    def whole(q: int) -> bool:
        return len(calendar.quarter_months[q]) == 3

    selected = set(selected_months)
    quarters = [
        q
        for q, q_months in enumerate(calendar.quarter_months)
        if whole(q) and all(t in selected for t in q_months)
    ]

    def per_quarter(key: str, q: int) -> float:
        return sum(float(outputs[key][r, q]) for r in selected_regions)

    def over_quarter(key: str, q: int) -> float:
        values = outputs[key]
        return sum(
            float(values[r, t]) for r in selected_regions for t in calendar.quarter_months[q]
        )

    quarter_target = sum(per_quarter("reverse.quarter_target", q) for q in quarters)
    open_pipeline = sum(per_quarter("forward.open_pipeline", q) for q in quarters)
    required_pipeline = sum(per_quarter("reverse.required_open_pipeline", q) for q in quarters)

    magic_bookings = 0.0
    prior_spend = 0.0
    for q in quarters:
        if q > 0 and whole(q - 1):
            magic_bookings += over_quarter("forward.forecast", q)
            prior_spend += over_quarter("sales_spend", q - 1)
            prior_spend += over_quarter("marketing_spend", q - 1)

    def conversion(r: int) -> float:
        m = marketing
        return (
            float(inputs.inquiry_to_mql[r, m])
            * float(inputs.mql_to_sql[r, m])
            * float(inputs.follow_up_rate[r])
            * float(inputs.sql_to_opp[r, m])
            * float(inputs.win_rate[r, m])
        )

    weights = {
        r: sum(float(outputs["forward.inquiries"][r, t]) for t in selected_months)
        for r in selected_regions
    }
    if sum(weights.values()) > 0:
        end_to_end = sum(conversion(r) * w for r, w in weights.items()) / sum(weights.values())
    elif selected_regions:
        end_to_end = sum(conversion(r) for r in selected_regions) / len(selected_regions)
    else:
        end_to_end = 0.0

    average_deal = _ratio(forecast, won)
    cac = _ratio(spend, won)
    return {
        "bookings_target": target,
        "forecast_bookings": forecast,
        "gap": target - forecast,
        "pipeline_coverage": _ratio(open_pipeline, quarter_target),
        "required_coverage": _ratio(required_pipeline, quarter_target),
        "blended_cac": cac,
        "cac_payback_months": _ratio(cac, average_deal / 12.0 * inputs.gross_margin),
        "marketing_sourced_pipeline": marketing_pipeline,
        "marketing_sourced_share": _ratio(marketing_pipeline, total("forward.pipeline_created")),
        "pipeline_roi": _ratio(marketing_pipeline, marketing_spend),
        "cost_per_opportunity": _ratio(marketing_spend, total("forward.opportunities")),
        "sm_budget": spend,
        "sales_share": _ratio(sales, spend),
        "marketing_share": _ratio(marketing_spend, spend),
        "gtm_efficiency": _ratio(forecast, spend),
        "magic_number": _ratio(magic_bookings, prior_spend),
        "inquiries_per_month": _ratio(inquiries, len(selected_months)),
        "mqls_per_month": _ratio(total("forward.mqls"), len(selected_months)),
        "end_to_end_conversion": end_to_end,
        "cost_of_misalignment": total("forward.forecast_at_full_follow_up") - forecast,
        "capacity_vs_target": _ratio(capacity, target),
        "won_deals": won,
    }
