"""A slow, obvious reference implementation of the engine, for differential tests.

Written from SPEC.md §3 and the definitions in the engine's docstrings, not from its vectorised
code: plain loops over regions, sources and months, one scalar at a time. NumPy is used only to
hand the results back as arrays. Outputs are keyed by the engine's attribute path
(``"reverse.won"``, ``"forward.forecast"``, ``"capacity.capacity"``, ``"sales_spend"`` …) so a
test can compare every field with one loop.

Conventions the SPEC leaves to the implementation, chosen here on purpose:

* a stage whose rate is 0 needs nothing (ratios with a zero denominator are 0);
* needs dated before plan month 0 are summed per region and source ("needed before plan
  start"); the demand-creation spend they need is priced month by month, like every other
  month's need, then summed;
* "whole quarters" (coverage, Magic Number) are fiscal quarters with all three months inside
  the plan and inside the selection.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from gtm_planner.model.entities import Function, Plan, ScenarioInputs, SourceKind

FloatArray = npt.NDArray[np.float64]
Row = list[float]
Grid = list[list[float]]
Cube = list[list[list[float]]]


def _ratio_or_zero(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator != 0 else 0.0


def _ratio_or_nan(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator != 0 else math.nan


def _grid(rows: int, months: int) -> Grid:
    return [[0.0] * months for _ in range(rows)]


def _cube(regions: int, sources: int, months: int) -> Cube:
    return [[[0.0] * months for _ in range(sources)] for _ in range(regions)]


@dataclass(frozen=True)
class PlanMonths:
    """Where each plan month sits in the fiscal calendar, counted from the plan's start."""

    fiscal_month: list[int]  # 0..11, position inside its fiscal year
    fiscal_year: list[int]  # 0 for the fiscal year of plan month 0, 1 for the next …
    quarter: list[int]  # 0 for the fiscal quarter of plan month 0, 1 for the next …
    quarter_months: list[list[int]]  # the plan months of each quarter, in order

    @property
    def horizon(self) -> int:
        return len(self.fiscal_month)


def plan_months(plan: Plan) -> PlanMonths:
    settings = plan.settings
    # Month 0 is this many months into its fiscal year.
    offset = (settings.start_month - settings.fiscal_year_start_month) % 12
    fiscal_month, fiscal_year, quarter = [], [], []
    quarter_months: list[list[int]] = []
    for t in range(settings.horizon_months):
        months_into_first_year = offset + t
        fiscal_month.append(months_into_first_year % 12)
        fiscal_year.append(months_into_first_year // 12)
        q = months_into_first_year // 3 - offset // 3
        quarter.append(q)
        if q == len(quarter_months):
            quarter_months.append([])
        quarter_months[q].append(t)
    return PlanMonths(fiscal_month, fiscal_year, quarter, quarter_months)


def inquiries_bought(spend: float, cost_per_inquiry: float, s0: float, e: float) -> float:
    """SPEC §3.3: inquiries = (S0 / cpi) × (spend / S0) ** e; with e = 1, spend / cpi."""
    if cost_per_inquiry <= 0:
        return 0.0
    if e == 1.0:
        return spend / cost_per_inquiry
    if s0 <= 0:
        raise ValueError("a reference spend is needed when the elasticity is not 1")
    return float((s0 / cost_per_inquiry) * (spend / s0) ** e)


def spend_needed(inquiries: float, cost_per_inquiry: float, s0: float, e: float) -> float:
    """The spend that buys ``inquiries`` in one month: the response curve solved for spend."""
    if e == 1.0:
        return inquiries * cost_per_inquiry
    if s0 <= 0:
        raise ValueError("a reference spend is needed when the elasticity is not 1")
    return float(s0 * (inquiries * cost_per_inquiry / s0) ** (1.0 / e))


def monthly_target(inputs: ScenarioInputs, months: PlanMonths) -> Grid:
    """B[r, t] = annual target of t's fiscal year × t's seasonality weight ÷ the year's weights."""
    regions = inputs.annual_target.shape[0]
    target = _grid(regions, months.horizon)
    for r in range(regions):
        weight_total = sum(float(w) for w in inputs.seasonality[r])
        for t in range(months.horizon):
            annual = float(inputs.annual_target[r, months.fiscal_year[t]])
            weight = float(inputs.seasonality[r, months.fiscal_month[t]])
            target[r][t] = _ratio_or_zero(annual * weight, weight_total)
    return target


def compute_reference(plan: Plan, inputs: ScenarioInputs) -> dict[str, FloatArray]:
    """Every main output of ``compute_scenario``, keyed by its attribute path."""
    months = plan_months(plan)
    horizon = months.horizon
    regions, sources = inputs.source_mix.shape
    quarters = len(months.quarter_months)
    marketing = next(i for i, s in enumerate(plan.sources) if s.kind is SourceKind.MARKETING)
    out: dict[str, FloatArray] = {}

    def put(key: str, value: object) -> None:
        out[key] = np.array(value, dtype=np.float64)

    all_sources = range(sources)

    def win_rate(r: int, s: int) -> float:
        return float(inputs.win_rate[r, s])

    def cycle(r: int, s: int) -> int:
        return round(float(inputs.sales_cycle_months[r, s]))

    def lead_lag(r: int, s: int) -> int:
        return round(float(inputs.lead_lag_months[r, s]))

    def response(r: int) -> tuple[float, float, float]:
        return (
            float(inputs.cost_per_inquiry[r]),
            float(inputs.reference_spend[r]),
            float(inputs.elasticity[r]),
        )

    # ---- Reverse waterfall (SPEC §3.2) -------------------------------------------------------
    target = monthly_target(inputs, months)
    target_by_source = _cube(regions, sources, horizon)
    won = _cube(regions, sources, horizon)
    opps_by_close = _cube(regions, sources, horizon)  # opportunities needed, by close month
    opportunities = _cube(regions, sources, horizon)  # by creation month
    sqls = _cube(regions, sources, horizon)  # by lead month
    mqls = _cube(regions, sources, horizon)
    inquiries = _cube(regions, sources, horizon)
    opps_before = _grid(regions, sources)
    sqls_before = _grid(regions, sources)
    mqls_before = _grid(regions, sources)
    inquiries_before = _grid(regions, sources)
    marketing_pipeline_before = [0.0] * regions
    # Marketing inquiries needed in each month before plan start: {region: {lead month: n}}
    early_inquiries: list[dict[int, float]] = [{} for _ in range(regions)]
    for r in range(regions):
        for s in range(sources):
            asp = float(inputs.asp[r, s])
            win = float(inputs.win_rate[r, s])
            mql_to_sql = float(inputs.mql_to_sql[r, s])
            if s == marketing:  # the SLA follow-up rate applies to marketing's MQLs only
                mql_to_sql *= float(inputs.follow_up_rate[r])
            for t in range(horizon):
                bookings = target[r][t] * float(inputs.source_mix[r, s])
                deals = _ratio_or_zero(bookings, asp)
                opps = _ratio_or_zero(deals, win)
                n_sqls = _ratio_or_zero(opps, float(inputs.sql_to_opp[r, s]))
                n_mqls = _ratio_or_zero(n_sqls, mql_to_sql)
                n_inquiries = _ratio_or_zero(n_mqls, float(inputs.inquiry_to_mql[r, s]))
                target_by_source[r][s][t] = bookings
                won[r][s][t] = deals
                opps_by_close[r][s][t] = opps
                created = t - cycle(r, s)
                if created >= 0:
                    opportunities[r][s][created] += opps
                else:
                    opps_before[r][s] += opps
                lead = created - lead_lag(r, s)
                if lead >= 0:
                    sqls[r][s][lead] += n_sqls
                    mqls[r][s][lead] += n_mqls
                    inquiries[r][s][lead] += n_inquiries
                else:
                    sqls_before[r][s] += n_sqls
                    mqls_before[r][s] += n_mqls
                    inquiries_before[r][s] += n_inquiries
                    if s == marketing:
                        marketing_pipeline_before[r] += opps * asp
                        early = early_inquiries[r]
                        early[lead] = early.get(lead, 0.0) + n_inquiries

    demand_creation_needed = _grid(regions, horizon)
    demand_creation_before = [0.0] * regions
    for r in range(regions):
        for t in range(horizon):
            demand_creation_needed[r][t] = spend_needed(inquiries[r][marketing][t], *response(r))
        for n_inquiries in early_inquiries[r].values():
            demand_creation_before[r] += spend_needed(n_inquiries, *response(r))

    # Pipeline open at a quarter's first plan month and due to close inside that quarter.
    required_open = _grid(regions, quarters)
    quarter_target = _grid(regions, quarters)
    for r in range(regions):
        for q, q_months in enumerate(months.quarter_months):
            for t in q_months:
                quarter_target[r][q] += target[r][t]
                for s in range(sources):
                    if t - cycle(r, s) < q_months[0]:
                        required_open[r][q] += opps_by_close[r][s][t] * float(inputs.asp[r, s])

    put("reverse.target", target)
    put("reverse.target_by_source", target_by_source)
    put("reverse.won", won)
    put("reverse.opportunities", opportunities)
    put(
        "reverse.pipeline_value",
        [
            [[n * float(inputs.asp[r, s]) for n in opportunities[r][s]] for s in range(sources)]
            for r in range(regions)
        ],
    )
    put("reverse.sqls", sqls)
    put("reverse.mqls", mqls)
    put("reverse.inquiries", inquiries)
    put("reverse.demand_creation_needed", demand_creation_needed)
    put(
        "reverse.required_coverage",
        [[_ratio_or_zero(1.0, float(w)) for w in inputs.win_rate[r]] for r in range(regions)],
    )
    put("reverse.opportunities_before_start", opps_before)
    put(
        "reverse.pipeline_before_start",
        [
            [opps_before[r][s] * float(inputs.asp[r, s]) for s in range(sources)]
            for r in range(regions)
        ],
    )
    put("reverse.sqls_before_start", sqls_before)
    put("reverse.mqls_before_start", mqls_before)
    put("reverse.inquiries_before_start", inquiries_before)
    put("reverse.demand_creation_before_start", demand_creation_before)
    put("reverse.marketing_pipeline_before_start", marketing_pipeline_before)
    put("reverse.required_open_pipeline", required_open)
    put("reverse.quarter_target", quarter_target)

    # ---- Capacity ----------------------------------------------------------------------------
    headcount = _grid(regions, horizon)
    ramped = _grid(regions, horizon)
    capacity = _grid(regions, horizon)
    people_cost = _grid(regions, horizon)
    for r in range(regions):
        ramp = round(float(inputs.ramp_months[r]))
        per_ramped_ae = float(inputs.annual_quota[r]) * float(inputs.attainment[r]) / 12.0
        others = float(inputs.sdr_count[r] * inputs.sdr_cost[r]) + float(
            inputs.se_count[r] * inputs.se_cost[r]
        )
        for t in range(horizon):
            heads = float(inputs.starting_aes[r])
            productive = float(inputs.starting_aes[r])
            for hired_in in range(t + 1):
                hires = float(inputs.ae_hires[r, hired_in])
                months_in = t - hired_in
                heads += hires
                productive += hires * (1.0 if ramp == 0 else min(1.0, months_in / ramp))
            headcount[r][t] = heads
            ramped[r][t] = productive
            capacity[r][t] = productive * per_ramped_ae
            people_cost[r][t] = (heads * float(inputs.ae_cost[r]) + others) / 12.0
    put("capacity.headcount", headcount)
    put("capacity.ramped_aes", ramped)
    put("capacity.capacity", capacity)
    put("capacity.people_cost", people_cost)

    # ---- Spend -------------------------------------------------------------------------------
    sales_spend = _grid(regions, horizon)
    marketing_spend = _grid(regions, horizon)
    demand_creation_spend = _grid(regions, horizon)
    by_category = [_grid(regions, horizon) for _ in plan.categories]
    driving = {c.key for c in plan.categories if c.drives_inquiries}
    for line_index, line in enumerate(plan.budget_lines):
        c = next(i for i, cat in enumerate(plan.categories) if cat.key == line.category)
        for r in range(regions):
            for t in range(horizon):
                amount = float(inputs.budget[line_index, r, t])
                if line.function is Function.MARKETING:
                    marketing_spend[r][t] += amount
                else:
                    sales_spend[r][t] += amount
                if line.category in driving:
                    demand_creation_spend[r][t] += amount
                by_category[c][r][t] += amount
    put("sales_spend", sales_spend)
    put("marketing_spend", marketing_spend)
    put("spend_by_category", by_category)

    blended = [0.0] * regions
    for r in range(regions):
        total_bookings = sum(sum(target_by_source[r][s]) for s in range(sources))
        total_deals = sum(sum(won[r][s]) for s in range(sources))
        if total_deals > 0:
            blended[r] = total_bookings / total_deals
        else:  # no deals: the mix-weighted deal size
            mix_weighted = (inputs.asp[r, s] * inputs.source_mix[r, s] for s in all_sources)
            blended[r] = sum(float(x) for x in mix_weighted)
    put("asp_blended", blended)

    # ---- Forward model (SPEC §3.3) -----------------------------------------------------------
    m = marketing
    f_inquiries = _grid(regions, horizon)
    for r in range(regions):
        for t in range(horizon):
            f_inquiries[r][t] = inquiries_bought(demand_creation_spend[r][t], *response(r))

    def marketing_funnel(follow_up: list[float]) -> tuple[Grid, Grid, Grid, Grid]:
        """MQLs and SQLs by month of spend, opportunities by creation, bookings by close."""
        f_mqls, f_sqls = _grid(regions, horizon), _grid(regions, horizon)
        f_opps, f_bookings = _grid(regions, horizon), _grid(regions, horizon)
        for r in range(regions):
            for t in range(horizon):
                n_mqls = f_inquiries[r][t] * float(inputs.inquiry_to_mql[r, m])
                n_sqls = n_mqls * float(inputs.mql_to_sql[r, m]) * follow_up[r]
                n_opps = n_sqls * float(inputs.sql_to_opp[r, m])
                f_mqls[r][t] = n_mqls
                f_sqls[r][t] = n_sqls
                created = t + lead_lag(r, m)
                if created < horizon:
                    f_opps[r][created] += n_opps
                closed = created + cycle(r, m)
                if closed < horizon:
                    deals = n_opps * float(inputs.win_rate[r, m])
                    f_bookings[r][closed] += deals * float(inputs.asp[r, m])
        return f_mqls, f_sqls, f_opps, f_bookings

    planned_follow_up = [float(x) for x in inputs.follow_up_rate]
    f_mqls, f_sqls, f_opps, from_spend = marketing_funnel(planned_follow_up)
    *_, from_spend_full_follow_up = marketing_funnel([1.0] * regions)

    opening_value = _grid(regions, horizon)  # opening pipeline by close month
    opening_bookings = _grid(regions, horizon)
    other_bookings = _grid(regions, horizon)
    other_won = _grid(regions, horizon)
    for r in range(regions):
        reach = max(lead_lag(r, m) + cycle(r, m), 1)
        for t in range(min(reach, horizon)):
            opening_value[r][t] = float(inputs.opening_pipeline[r]) / reach
            opening_bookings[r][t] = opening_value[r][t] * float(inputs.win_rate[r, m])
        for t in range(horizon):
            for s in range(sources):
                if s != m:
                    other_bookings[r][t] += target_by_source[r][s][t]
                    other_won[r][t] += won[r][s][t]

    def cap(marketing_bookings: Grid) -> tuple[Grid, Grid, Grid]:
        """Uncapped bookings, the forecast after the quarterly cap, and the share kept."""
        uncapped, capped, kept = (
            _grid(regions, horizon),
            _grid(regions, horizon),
            _grid(regions, horizon),
        )
        for r in range(regions):
            for q_months in months.quarter_months:
                for t in q_months:
                    uncapped[r][t] = (
                        marketing_bookings[r][t] + opening_bookings[r][t] + other_bookings[r][t]
                    )
                demand = sum(uncapped[r][t] for t in q_months)
                room = sum(capacity[r][t] for t in q_months)
                share = room / demand if demand > room else 1.0
                for t in q_months:
                    kept[r][t] = share
                    capped[r][t] = uncapped[r][t] * share
        return uncapped, capped, kept

    uncapped, forecast, kept = cap(from_spend)
    _, forecast_full_follow_up, _ = cap(from_spend_full_follow_up)

    marketing_sourced, won_deals = _grid(regions, horizon), _grid(regions, horizon)
    marketing_pipeline, pipeline_created = _grid(regions, horizon), _grid(regions, horizon)
    for r in range(regions):
        asp_m = float(inputs.asp[r, m])
        for t in range(horizon):
            marketing_bookings = from_spend[r][t] + opening_bookings[r][t]
            marketing_sourced[r][t] = marketing_bookings * kept[r][t]
            deals = _ratio_or_zero(marketing_bookings, asp_m) + other_won[r][t]
            won_deals[r][t] = deals * kept[r][t]
            marketing_pipeline[r][t] = f_opps[r][t] * asp_m
            pipeline_created[r][t] = marketing_pipeline[r][t]
            for s in range(sources):
                if s != m:
                    pipeline_created[r][t] += opportunities[r][s][t] * float(inputs.asp[r, s])

    # Start-of-quarter coverage: pipeline open at the quarter's first month, closing inside it.
    open_pipeline = _grid(regions, quarters)
    for r in range(regions):
        for q, q_months in enumerate(months.quarter_months):
            first = q_months[0]
            for t in q_months:
                open_pipeline[r][q] += opening_value[r][t]
                for s in range(sources):
                    if s != m and t - cycle(r, s) < first:
                        value = _ratio_or_zero(target_by_source[r][s][t], win_rate(r, s))
                        open_pipeline[r][q] += value
        for created in range(horizon):
            closed = created + cycle(r, m)
            if closed < horizon:
                q_months = months.quarter_months[months.quarter[closed]]
                if created < q_months[0]:
                    open_pipeline[r][months.quarter[closed]] += marketing_pipeline[r][created]

    put("forward.demand_creation_spend", demand_creation_spend)
    put("forward.inquiries", f_inquiries)
    put("forward.mqls", f_mqls)
    put("forward.sqls", f_sqls)
    put("forward.opportunities", f_opps)
    put("forward.marketing_pipeline", marketing_pipeline)
    put("forward.marketing_bookings_from_spend", from_spend)
    put("forward.opening_pipeline_bookings", opening_bookings)
    put("forward.other_source_bookings", other_bookings)
    put("forward.uncapped_bookings", uncapped)
    put("forward.forecast", forecast)
    put("forward.marketing_sourced_bookings", marketing_sourced)
    put("forward.won_deals", won_deals)
    put("forward.pipeline_created", pipeline_created)
    put("forward.open_pipeline", open_pipeline)
    put("forward.forecast_at_full_follow_up", forecast_full_follow_up)
    return out
