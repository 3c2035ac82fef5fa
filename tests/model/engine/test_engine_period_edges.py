"""Needs that fall before plan start, and quarters cut by the plan's first or last month.

Hand-worked cases where the reference implementation and the engine disagree (see the
differential test); the numbers here come from the SPEC's definitions, not from either.
"""

from __future__ import annotations

import numpy as np

from gtm_planner.model.engine import compute_kpis, compute_scenario
from gtm_planner.model.entities import SourceKind
from tests.model.engine.engine_test_plans import make_plan


def test_demand_creation_needed_before_plan_start_is_priced_month_by_month() -> None:
    """With diminishing returns, two months of leads cost two months of spend, not one lump."""
    plan, inputs = make_plan(horizon=12)
    inputs.annual_target[:] = 750_000.0  # flat: 62,500 a month
    inputs.asp[:] = 10_000.0  # 6.25 won a month
    inputs.win_rate[:] = 0.5  # 12.5 opportunities
    inputs.sql_to_opp[:] = 0.5  # 25 SQLs
    inputs.mql_to_sql[:] = 0.5  # 50 MQLs
    inputs.inquiry_to_mql[:] = 0.5  # 100 inquiries per month of close
    inputs.sales_cycle_months[:] = 2.0
    inputs.lead_lag_months[:] = 0.0
    inputs.cost_per_inquiry[:] = 100.0
    inputs.reference_spend[:] = 10_000.0
    inputs.elasticity[:] = 0.5
    reverse = compute_scenario(plan, inputs).reverse

    # 100 inquiries in a month cost S0 × (100 × 100 / S0) ** (1 / 0.5) = 10,000 × 1 ** 2
    # = 10,000: the run-rate of every in-plan month with leads (months 0–9).
    np.testing.assert_allclose(
        reverse.demand_creation_needed[0], [10_000.0] * 10 + [0.0] * 2, rtol=1e-12
    )
    # The leads for January and February closes are due in November and December, before
    # plan start: 100 inquiries in each, so 10,000 + 10,000 = 20,000. Pricing the 200 as one
    # month's buy, 10,000 × (200 × 100 / 10,000) ** 2 = 40,000, would double the need.
    assert round(float(reverse.inquiries_before_start[0, 0]), 2) == 200.00
    assert round(float(reverse.demand_creation_before_start[0]), 2) == 20_000.00


def test_magic_number_of_a_flat_business_uses_whole_quarters_only() -> None:
    """Bookings of 600,000 a quarter on spend of 300,000 a quarter: a Magic Number of 2.0."""
    # December 2025 to February 2027, fiscal years from January: a one-month first quarter
    # (Dec), four whole quarters, and a two-month last quarter (Jan–Feb 2027).
    plan, inputs = make_plan(
        source_kinds=(SourceKind.MARKETING, SourceKind.SDR_OUTBOUND),
        line_categories=("sales_people",),
        horizon=15,
        start_year=2025,
        start_month=12,
    )
    inputs.source_mix[:] = [[0.0, 1.0]]
    inputs.annual_target[:] = 2_400_000.0  # 200,000 every month of every fiscal year
    inputs.budget[:] = 100_000.0
    inputs.starting_aes[:] = 100.0  # no capacity cap
    kpis = compute_kpis(plan, inputs, compute_scenario(plan, inputs))

    # Whole quarters with a whole prior quarter: Q2, Q3, Q4 of FY2026, each 600,000 of
    # bookings ÷ 300,000 of prior-quarter spend. Counting the cut quarters instead gives
    # (4 × 600,000 + 400,000) ÷ (100,000 + 4 × 300,000) = 2.15.
    assert round(kpis["magic_number"].value, 2) == 2.00


def test_start_of_quarter_coverage_uses_whole_quarters_only() -> None:
    """A one-month cycle: a whole quarter starts with one month of its closes open: 1.33x."""
    # March 2026 to March 2027, fiscal years from January: a one-month first quarter (Mar)
    # and four whole quarters.
    plan, inputs = make_plan(
        source_kinds=(SourceKind.MARKETING, SourceKind.SDR_OUTBOUND),
        horizon=13,
        start_month=3,
    )
    inputs.source_mix[:] = [[0.0, 1.0]]
    inputs.annual_target[:] = 1_200_000.0  # 100,000 a month
    inputs.win_rate[:] = 0.25
    inputs.sales_cycle_months[:] = 1.0
    inputs.starting_aes[:] = 100.0
    result = compute_scenario(plan, inputs)
    kpis = compute_kpis(plan, inputs, result)

    # In a whole quarter only the first month's closes (100,000 ÷ 25% = 400,000 of pipeline)
    # were created before the quarter started: 400,000 ÷ 300,000 = 1.33x. The one-month
    # first quarter is all open at plan start (4.0x) and, if counted, lifts the plan's figure
    # to (5 × 400,000) ÷ (4 × 300,000 + 100,000) = 1.54x.
    np.testing.assert_allclose(result.reverse.required_open_pipeline[0, 1:], [400_000.0] * 4)
    assert round(kpis["required_coverage"].value, 2) == 1.33
    assert round(kpis["pipeline_coverage"].value, 2) == 1.33
