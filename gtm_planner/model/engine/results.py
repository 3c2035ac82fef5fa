"""What the engine returns: plain frozen dataclasses of NumPy arrays.

Shapes: ``R`` regions, ``S`` sources, ``L`` budget lines, ``T`` plan months, ``Q`` fiscal
quarters touched by the horizon. Funnel stages of the reverse waterfall are dated the way the
SPEC dates them: won deals and bookings by close month, opportunities and pipeline by creation
month, SQLs/MQLs/inquiries and the demand-creation budget by lead month.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class ReverseWaterfall:
    """What we need (SPEC §3.2)."""

    target: FloatArray  # (R, T) bookings target by close month
    target_by_source: FloatArray  # (R, S, T)
    won: FloatArray  # (R, S, T) deals to win, by close month
    opportunities: FloatArray  # (R, S, T) by creation month (close - cycle)
    pipeline_value: FloatArray  # (R, S, T) by creation month
    sqls: FloatArray  # (R, S, T) by lead month (creation - lead lag)
    mqls: FloatArray  # (R, S, T)
    inquiries: FloatArray  # (R, S, T)
    demand_creation_needed: FloatArray  # (R, T) marketing program spend, by lead month
    required_coverage: FloatArray  # (R, S) pipeline ÷ bookings = 1 / win rate
    # Needs that fall before plan start, per region and source (never dropped)
    opportunities_before_start: FloatArray  # (R, S)
    pipeline_before_start: FloatArray  # (R, S)
    sqls_before_start: FloatArray  # (R, S)
    mqls_before_start: FloatArray  # (R, S)
    inquiries_before_start: FloatArray  # (R, S)
    demand_creation_before_start: FloatArray  # (R,)
    # Marketing-sourced pipeline whose leads predate the plan, vs the opening pipeline
    marketing_pipeline_before_start: FloatArray  # (R,)
    # Start-of-quarter coverage the plan needs: pipeline open at the quarter's start that is
    # due to close in it, per region (numerator) and the quarter's target (denominator)
    required_open_pipeline: FloatArray  # (R, Q)
    quarter_target: FloatArray  # (R, Q)


@dataclass(frozen=True)
class CapacityPlan:
    """Sales capacity (SPEC §3.1, §3.3): ramped AEs × quota / 12 × attainment."""

    headcount: FloatArray  # (R, T) AEs on payroll (ramping or ramped)
    ramped_aes: FloatArray  # (R, T) full-productivity equivalents
    capacity: FloatArray  # (R, T) bookings the team can close
    people_cost: FloatArray  # (R, T) AEs, SDRs and SEs at fully loaded cost


@dataclass(frozen=True)
class ForwardForecast:
    """What this budget yields (SPEC §3.3)."""

    demand_creation_spend: FloatArray  # (R, T)
    inquiries: FloatArray  # (R, T) marketing-sourced, by month of spend
    mqls: FloatArray  # (R, T)
    sqls: FloatArray  # (R, T) after the SLA follow-up rate
    opportunities: FloatArray  # (R, T) marketing-sourced, by creation month
    marketing_pipeline: FloatArray  # (R, T) marketing-sourced pipeline created
    marketing_bookings_from_spend: FloatArray  # (R, T) by close month, before capacity
    opening_pipeline_bookings: FloatArray  # (R, T) from the pipeline open at plan start
    other_source_bookings: FloatArray  # (R, T) planned share of the other sources
    uncapped_bookings: FloatArray  # (R, T)
    forecast: FloatArray  # (R, T) bookings after the capacity cap
    marketing_sourced_bookings: FloatArray  # (R, T) after the capacity cap
    won_deals: FloatArray  # (R, T) all sources, after the capacity cap
    pipeline_created: FloatArray  # (R, T) all sources, by creation month
    open_pipeline: FloatArray  # (R, Q) open at quarter start, due to close in that quarter
    forecast_at_full_follow_up: FloatArray  # (R, T) the same plan with 100% MQL follow-up


@dataclass(frozen=True)
class ScenarioResult:
    reverse: ReverseWaterfall
    forward: ForwardForecast
    capacity: CapacityPlan
    sales_spend: FloatArray  # (R, T)
    marketing_spend: FloatArray  # (R, T)
    spend_by_category: FloatArray  # (C, R, T) in the plan's category order
    asp_blended: FloatArray  # (R,) bookings-weighted average deal size

    @property
    def total_spend(self) -> FloatArray:
        return np.asarray(self.sales_spend + self.marketing_spend)
