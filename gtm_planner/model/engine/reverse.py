"""The reverse waterfall: from the bookings target back to the funnel it takes (SPEC §3.2)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from gtm_planner.model.calendar import FiscalCalendar
from gtm_planner.model.engine.response import spend_for_inquiries
from gtm_planner.model.engine.results import ReverseWaterfall
from gtm_planner.model.engine.timing import safe_divide, shift_earlier
from gtm_planner.model.entities import ScenarioInputs

FloatArray = npt.NDArray[np.float64]


def open_at_quarter_start(
    value_by_close_month: FloatArray, cycle: FloatArray, calendar: FiscalCalendar
) -> FloatArray:
    """Pipeline due to close in each quarter whose opportunity exists at the quarter's start.

    ``value_by_close_month`` is (R, S, T) and ``cycle`` (R, S); returns (R, Q).
    """
    months = np.arange(calendar.horizon_months)
    quarter_start = calendar.quarter_start_month[calendar.quarter_index]  # (T,)
    created = months[None, None, :] - np.rint(cycle)[..., None]
    open_at_start = created < quarter_start[None, None, :]
    per_month = np.where(open_at_start, value_by_close_month, 0.0).sum(axis=1)  # (R, T)
    return np.asarray(per_month @ calendar.quarter_matrix())


def reverse_waterfall(
    inputs: ScenarioInputs,
    target: FloatArray,
    marketing: int,
    calendar: FiscalCalendar,
) -> ReverseWaterfall:
    """Work back from ``target`` (R, T) to won deals, opportunities, leads and spend."""
    mix = inputs.source_mix
    target_by_source = target[:, None, :] * mix[:, :, None]
    won = safe_divide(target_by_source, inputs.asp[:, :, None])
    opps_by_close = safe_divide(won, inputs.win_rate[:, :, None])

    # The SLA follow-up rate scales marketing's MQL -> SQL; other sources convert as planned.
    follow_up = np.ones_like(mix)
    follow_up[:, marketing] = inputs.follow_up_rate
    effective_mql_to_sql = inputs.mql_to_sql * follow_up

    sqls_by_close = safe_divide(opps_by_close, inputs.sql_to_opp[:, :, None])
    mqls_by_close = safe_divide(sqls_by_close, effective_mql_to_sql[:, :, None])
    inquiries_by_close = safe_divide(mqls_by_close, inputs.inquiry_to_mql[:, :, None])

    cycle = inputs.sales_cycle_months
    lead_to_close = cycle + inputs.lead_lag_months
    opportunities, opps_before = shift_earlier(opps_by_close, cycle)
    sqls, sqls_before = shift_earlier(sqls_by_close, lead_to_close)
    mqls, mqls_before = shift_earlier(mqls_by_close, lead_to_close)
    inquiries, inquiries_before = shift_earlier(inquiries_by_close, lead_to_close)
    asp = inputs.asp[:, :, None]

    def spend(inq: FloatArray) -> FloatArray:
        return spend_for_inquiries(
            inq, inputs.cost_per_inquiry, inputs.reference_spend, inputs.elasticity
        )

    # Each pre-start lead month is bought on its own (diminishing returns act per month):
    # the close months before lead-to-close map one-to-one onto the pre-start lead months.
    months = np.arange(calendar.horizon_months)
    pre_start = months[None, :] < np.rint(lead_to_close[:, marketing])[:, None]
    inquiries_before_by_lead_month = np.where(pre_start, inquiries_by_close[:, marketing, :], 0.0)

    value_by_close = opps_by_close * asp
    _, marketing_value_before = shift_earlier(
        value_by_close[:, marketing, :], lead_to_close[:, marketing]
    )
    return ReverseWaterfall(
        target=target,
        target_by_source=target_by_source,
        won=won,
        opportunities=opportunities,
        pipeline_value=opportunities * asp,
        sqls=sqls,
        mqls=mqls,
        inquiries=inquiries,
        demand_creation_needed=spend(inquiries[:, marketing, :]),
        required_coverage=safe_divide(np.ones_like(inputs.win_rate), inputs.win_rate),
        opportunities_before_start=opps_before,
        pipeline_before_start=opps_before * inputs.asp,
        sqls_before_start=sqls_before,
        mqls_before_start=mqls_before,
        inquiries_before_start=inquiries_before,
        demand_creation_before_start=spend(inquiries_before_by_lead_month).sum(axis=1),
        marketing_pipeline_before_start=marketing_value_before,
        required_open_pipeline=open_at_quarter_start(value_by_close, cycle, calendar),
        quarter_target=target @ calendar.quarter_matrix(),
    )
