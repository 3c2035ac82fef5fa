"""The KPIs of SPEC §3.4, each with the formula a user sees on hover and in print.

KPIs are computed over a selection: a subset of regions and a subset of plan months (a fiscal
year, a quarter, the whole horizon). Undefined ratios (nothing spent, nothing won) are NaN and
shown as "–", never as a misleading zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from gtm_planner.model.engine.results import ScenarioResult
from gtm_planner.model.entities import Plan, ScenarioInputs

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


class Unit(StrEnum):
    MONEY = "money"
    PERCENT = "percent"
    RATIO = "ratio"  # shown as 4.0x
    MONTHS = "months"
    COUNT = "count"


@dataclass(frozen=True)
class KpiDefinition:
    key: str
    label: str
    unit: Unit
    formula: str


@dataclass(frozen=True)
class Kpi:
    definition: KpiDefinition
    value: float

    @property
    def key(self) -> str:
        return self.definition.key


def _d(key: str, label: str, unit: Unit, formula: str) -> KpiDefinition:
    return KpiDefinition(key, label, unit, formula)


KPI_CATALOGUE: tuple[KpiDefinition, ...] = (
    _d("bookings_target", "Bookings target", Unit.MONEY,
       "Σ annual target × seasonality weight over the selected months"),
    _d("forecast_bookings", "Forecast bookings", Unit.MONEY,
       "marketing-sourced (from demand-creation spend and opening pipeline) + other sources' "
       "planned share, capped by sales capacity"),
    _d("gap", "Gap to target", Unit.MONEY, "bookings target − forecast bookings"),
    _d("pipeline_coverage", "Start-of-quarter coverage", Unit.RATIO,
       "pipeline open at each quarter's start and due to close in it ÷ that quarter's target "
       "(whole fiscal quarters in the selection, summed)"),
    _d("required_coverage", "Required coverage", Unit.RATIO,
       "the same ratio for the pipeline the target needs; = 1 ÷ win rate when the sales cycle "
       "is a quarter or longer"),
    _d("blended_cac", "Blended CAC", Unit.MONEY, "sales & marketing spend ÷ won deals"),
    _d("cac_payback_months", "CAC payback", Unit.MONTHS,
       "blended CAC ÷ (average deal size ÷ 12 × gross margin)"),
    _d("marketing_sourced_pipeline", "Marketing-sourced pipeline", Unit.MONEY,
       "opportunities created from demand-creation spend × average deal size"),
    _d("marketing_sourced_share", "Marketing-sourced share", Unit.PERCENT,
       "marketing-sourced pipeline ÷ all pipeline created (sourced only, never influenced)"),
    _d("pipeline_roi", "Pipeline ROI", Unit.RATIO,
       "marketing-sourced pipeline ÷ marketing spend"),
    _d("cost_per_opportunity", "Cost per opportunity", Unit.MONEY,
       "marketing spend ÷ marketing-sourced opportunities"),
    _d("sm_budget", "S&M budget", Unit.MONEY, "Σ every budget line (sales + marketing)"),
    _d("sales_share", "Sales share of budget", Unit.PERCENT, "sales spend ÷ S&M budget"),
    _d("marketing_share", "Marketing share of budget", Unit.PERCENT,
       "marketing spend ÷ S&M budget"),
    _d("gtm_efficiency", "GTM efficiency", Unit.RATIO, "forecast new bookings ÷ S&M spend"),
    _d("magic_number", "Magic Number", Unit.RATIO,
       "net new bookings in a quarter ÷ the prior quarter's S&M spend (whole fiscal "
       "quarters in the selection whose prior quarter is whole in the plan, summed)"),
    _d("inquiries_per_month", "Flow: inquiries / month", Unit.COUNT,
       "marketing-sourced inquiries from demand-creation spend ÷ months"),
    _d("mqls_per_month", "Flow: MQLs / month", Unit.COUNT, "inquiries × inquiry→MQL ÷ months"),
    _d("end_to_end_conversion", "Inquiry → won", Unit.PERCENT,
       "inquiry→MQL × MQL→SQL × follow-up rate × SQL→opp × win rate (marketing source, "
       "weighted by inquiries)"),
    _d("cost_of_misalignment", "Cost of misalignment", Unit.MONEY,
       "forecast at 100% MQL follow-up − forecast at the SLA's planned follow-up rate"),
    _d("capacity_vs_target", "Capacity vs target", Unit.PERCENT,
       "ramped AEs × quota ÷ 12 × attainment, summed, ÷ bookings target"),
    _d("won_deals", "Won deals", Unit.COUNT, "forecast deals won, all sources"),
)  # fmt: skip

KPI_BY_KEY = {d.key: d for d in KPI_CATALOGUE}


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator != 0 else float("nan")


def compute_kpis(
    plan: Plan,
    inputs: ScenarioInputs,
    result: ScenarioResult,
    regions: BoolArray | None = None,
    months: BoolArray | None = None,
) -> dict[str, Kpi]:
    """Every KPI of the catalogue for the selected regions and months."""
    calendar = plan.calendar()
    r_sel = np.ones(len(plan.regions), dtype=bool) if regions is None else regions
    t_sel = np.ones(calendar.horizon_months, dtype=bool) if months is None else months
    fwd, rev = result.forward, result.reverse

    def total(a: FloatArray) -> float:
        return float(a[r_sel][:, t_sel].sum())

    target = total(rev.target)
    forecast = total(fwd.forecast)
    won = total(fwd.won_deals)
    sales = total(result.sales_spend)
    marketing = total(result.marketing_spend)
    spend = sales + marketing
    mkt_pipeline = total(fwd.marketing_pipeline)
    all_pipeline = total(fwd.pipeline_created)
    m = plan.marketing_source_index()
    month_count = int(t_sel.sum())
    inquiries = total(fwd.inquiries)
    mqls = total(fwd.mqls)
    capacity = total(result.capacity.capacity)

    # Whole fiscal quarters inside the selection count for coverage and Magic Number.
    q_of_t = calendar.quarter_index
    quarter_selected = np.bincount(
        q_of_t, weights=t_sel.astype(float), minlength=calendar.quarter_count
    )
    quarters = (quarter_selected == 3) & calendar.quarter_is_whole
    quarter_target = float(rev.quarter_target[r_sel][:, quarters].sum())
    open_pipeline = float(fwd.open_pipeline[r_sel][:, quarters].sum())
    required_pipeline = float(rev.required_open_pipeline[r_sel][:, quarters].sum())
    q_matrix = calendar.quarter_matrix()
    bookings_q = fwd.forecast[r_sel].sum(axis=0) @ q_matrix
    spend_q = result.total_spend[r_sel].sum(axis=0) @ q_matrix
    with_prior = quarters & np.roll(calendar.quarter_is_whole, 1)
    with_prior[0] = False
    magic = _ratio(
        float(bookings_q[with_prior].sum()), float(spend_q[np.roll(with_prior, -1)].sum())
    )

    asp = _ratio(forecast, won)
    cac = _ratio(spend, won)
    weights = fwd.inquiries[r_sel][:, t_sel].sum(axis=1)
    conversion_by_region = (
        inputs.inquiry_to_mql[r_sel, m]
        * inputs.mql_to_sql[r_sel, m]
        * inputs.follow_up_rate[r_sel]
        * inputs.sql_to_opp[r_sel, m]
        * inputs.win_rate[r_sel, m]
    )
    if weights.sum() > 0:
        end_to_end = float((conversion_by_region * weights).sum() / weights.sum())
    else:
        end_to_end = float(conversion_by_region.mean()) if conversion_by_region.size else 0.0
    mkt_opps = total(fwd.opportunities)

    values = {
        "bookings_target": target,
        "forecast_bookings": forecast,
        "gap": target - forecast,
        "pipeline_coverage": _ratio(open_pipeline, quarter_target),
        "required_coverage": _ratio(required_pipeline, quarter_target),
        "blended_cac": cac,
        "cac_payback_months": _ratio(cac, asp / 12.0 * inputs.gross_margin),
        "marketing_sourced_pipeline": mkt_pipeline,
        "marketing_sourced_share": _ratio(mkt_pipeline, all_pipeline),
        "pipeline_roi": _ratio(mkt_pipeline, marketing),
        "cost_per_opportunity": _ratio(marketing, mkt_opps),
        "sm_budget": spend,
        "sales_share": _ratio(sales, spend),
        "marketing_share": _ratio(marketing, spend),
        "gtm_efficiency": _ratio(forecast, spend),
        "magic_number": magic,
        "inquiries_per_month": _ratio(inquiries, month_count),
        "mqls_per_month": _ratio(mqls, month_count),
        "end_to_end_conversion": end_to_end,
        "cost_of_misalignment": total(fwd.forecast_at_full_follow_up) - forecast,
        "capacity_vs_target": _ratio(capacity, target),
        "won_deals": won,
    }
    return {key: Kpi(KPI_BY_KEY[key], value) for key, value in values.items()}


def program_family_mix(
    plan: Plan, result: ScenarioResult, regions: BoolArray | None = None
) -> dict[str, float]:
    """Share of marketing spend per marketing category (program families and people)."""
    r_sel = np.ones(len(plan.regions), dtype=bool) if regions is None else regions
    by_category = result.spend_by_category[:, r_sel, :].sum(axis=(1, 2))
    marketing = {
        c.key: float(v)
        for c, v in zip(plan.categories, by_category, strict=True)
        if c.function.value == "marketing"
    }
    total = sum(marketing.values())
    return {k: (v / total if total else float("nan")) for k, v in marketing.items()}
