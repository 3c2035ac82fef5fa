"""The forward model: what this demand-creation budget yields (SPEC §3.3).

Marketing-sourced bookings follow the spend through the funnel: inquiries in the month of
spend, SQLs the same month (after the SLA follow-up rate), opportunities ``lead lag`` months
later, won deals ``sales cycle`` months after that. The opening pipeline — marketing-sourced
pipeline and leads in flight at plan start — closes at the win rate, evenly over the first
``lead lag + cycle`` months (the months no in-plan spend can reach). The other sources deliver
their planned share of the target. Sales capacity caps what can close, quarter by quarter:
when a fiscal quarter's bookings exceed its capacity (Σ ramped AEs × quota / 12 ×
attainment over the quarter's months), every month and source of that quarter is scaled down
by the same factor, so a seasonal peak month is not cut against a flat monthly quota.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from gtm_planner.model.calendar import FiscalCalendar
from gtm_planner.model.engine.response import inquiries_from_spend
from gtm_planner.model.engine.results import CapacityPlan, ForwardForecast, ReverseWaterfall
from gtm_planner.model.engine.reverse import open_at_quarter_start
from gtm_planner.model.engine.timing import safe_divide, shift_later
from gtm_planner.model.entities import ScenarioInputs

FloatArray = npt.NDArray[np.float64]


def _marketing_bookings(
    inquiries: FloatArray, inputs: ScenarioInputs, marketing: int, follow_up: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    m = marketing
    mqls = inquiries * inputs.inquiry_to_mql[:, m, None]
    sqls = mqls * (inputs.mql_to_sql[:, m] * follow_up)[:, None]
    opportunities = shift_later(sqls * inputs.sql_to_opp[:, m, None], inputs.lead_lag_months[:, m])
    won = shift_later(opportunities * inputs.win_rate[:, m, None], inputs.sales_cycle_months[:, m])
    asp = inputs.asp[:, m, None]
    return mqls, sqls, opportunities, opportunities * asp, won * asp


def forward_forecast(
    inputs: ScenarioInputs,
    reverse: ReverseWaterfall,
    capacity: CapacityPlan,
    demand_creation_spend: FloatArray,
    marketing: int,
    calendar: FiscalCalendar,
) -> ForwardForecast:
    m = marketing
    horizon = calendar.horizon_months
    inquiries = inquiries_from_spend(
        demand_creation_spend, inputs.cost_per_inquiry, inputs.reference_spend, inputs.elasticity
    )
    mqls, sqls, opportunities, pipeline, bookings = _marketing_bookings(
        inquiries, inputs, m, inputs.follow_up_rate
    )
    *_, bookings_full_follow_up = _marketing_bookings(
        inquiries, inputs, m, np.ones_like(inputs.follow_up_rate)
    )

    # Opening pipeline closes evenly over the months in-plan spend cannot reach yet.
    reach = np.maximum(
        np.rint(inputs.lead_lag_months[:, m] + inputs.sales_cycle_months[:, m]), 1.0
    )
    in_window = np.arange(horizon)[None, :] < reach[:, None]
    opening_value_by_close = np.where(in_window, (inputs.opening_pipeline / reach)[:, None], 0.0)
    opening_bookings = opening_value_by_close * inputs.win_rate[:, m, None]

    other = np.ones(inputs.source_mix.shape[1], dtype=bool)
    other[m] = False
    other_bookings = reverse.target_by_source[:, other, :].sum(axis=1)
    other_won = reverse.won[:, other, :].sum(axis=1)

    quarters = calendar.quarter_matrix()
    capacity_by_quarter = capacity.capacity @ quarters

    def capped(marketing_bookings: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Uncapped bookings and the share of them each month keeps under the cap."""
        uncapped = marketing_bookings + opening_bookings + other_bookings
        demand_by_quarter = uncapped @ quarters
        kept_by_quarter = np.where(
            demand_by_quarter > capacity_by_quarter,
            safe_divide(capacity_by_quarter, demand_by_quarter),
            1.0,
        )
        return uncapped, kept_by_quarter[:, calendar.quarter_index]

    uncapped, kept = capped(bookings)
    forecast = uncapped * kept
    uncapped_full, kept_full = capped(bookings_full_follow_up)
    forecast_full_follow_up = uncapped_full * kept_full
    marketing_sourced = (bookings + opening_bookings) * kept
    asp_m = inputs.asp[:, m, None]
    won_deals = (safe_divide(bookings + opening_bookings, asp_m) + other_won) * kept

    other_pipeline_created = reverse.pipeline_value[:, other, :].sum(axis=1)

    # Pipeline by close month, for start-of-quarter coverage (uncapped: it is pipeline).
    value_by_close = safe_divide(reverse.target_by_source, inputs.win_rate[:, :, None])
    value_by_close[:, m, :] = shift_later(pipeline, inputs.sales_cycle_months[:, m])
    open_pipeline = open_at_quarter_start(value_by_close, inputs.sales_cycle_months, calendar)
    open_pipeline += opening_value_by_close @ calendar.quarter_matrix()

    return ForwardForecast(
        demand_creation_spend=demand_creation_spend,
        inquiries=inquiries,
        mqls=mqls,
        sqls=sqls,
        opportunities=opportunities,
        marketing_pipeline=pipeline,
        marketing_bookings_from_spend=bookings,
        opening_pipeline_bookings=opening_bookings,
        other_source_bookings=other_bookings,
        uncapped_bookings=uncapped,
        forecast=forecast,
        marketing_sourced_bookings=marketing_sourced,
        won_deals=won_deals,
        pipeline_created=pipeline + other_pipeline_created,
        open_pipeline=open_pipeline,
        forecast_at_full_follow_up=forecast_full_follow_up,
    )
