"""SPEC §3.2's worked check, to the cent, and the reverse waterfall's dating of needs.

B = 2,000,000 in one quarter, ASP 50,000, win rate 25%, SQL→opp 60%, MQL→SQL 30% (follow-up
100%), inquiry→MQL 15% ⇒ 40 won, 160 opportunities, 266.67 SQLs, 888.89 MQLs, 5,925.93
inquiries, pipeline 8,000,000, required coverage 4.0x. With a 3-month cycle the opportunities
are created in the previous quarter; for the plan's first quarter they are needed before plan
start, and reported, not dropped.
"""

from __future__ import annotations

import numpy as np

from gtm_planner.model.engine import compute_kpis, compute_scenario
from gtm_planner.model.entities import Plan, ScenarioInputs, SourceKind
from tests.model.engine.engine_test_plans import make_plan

Q1 = slice(0, 3)  # a plan starting in January with a January fiscal year
Q2 = slice(3, 6)


def spec_example(
    target_quarter: int,
    lead_lag: int = 0,
    source_kinds: tuple[SourceKind, ...] = (SourceKind.MARKETING,),
) -> tuple[Plan, ScenarioInputs]:
    """The SPEC's funnel, with the 2,000,000 target spread evenly over one fiscal quarter."""
    plan, inputs = make_plan(source_kinds=source_kinds, horizon=12)
    inputs.annual_target[:] = 2_000_000.0
    inputs.seasonality[:] = 0.0
    inputs.seasonality[:, 3 * target_quarter : 3 * target_quarter + 3] = 1.0
    inputs.asp[:] = 50_000.0
    inputs.win_rate[:] = 0.25
    inputs.sql_to_opp[:] = 0.60
    inputs.mql_to_sql[:] = 0.30
    inputs.follow_up_rate[:] = 1.0
    inputs.inquiry_to_mql[:] = 0.15
    inputs.sales_cycle_months[:] = 3.0
    inputs.lead_lag_months[:] = float(lead_lag)
    inputs.cost_per_inquiry[:] = 150.0
    inputs.elasticity[:] = 1.0
    return plan, inputs


def test_spec_worked_example_gives_the_spec_numbers_to_the_cent() -> None:
    plan, inputs = spec_example(target_quarter=1)
    reverse = compute_scenario(plan, inputs).reverse

    assert round(float(reverse.target[0, Q2].sum()), 2) == 2_000_000.00
    assert round(float(reverse.won[0, 0, Q2].sum()), 2) == 40.00
    assert round(float(reverse.opportunities.sum()), 2) == 160.00
    assert round(float(reverse.sqls.sum()), 2) == 266.67
    assert round(float(reverse.mqls.sum()), 2) == 888.89
    assert round(float(reverse.inquiries.sum()), 2) == 5_925.93
    assert round(float(reverse.pipeline_value.sum()), 2) == 8_000_000.00
    assert round(float(reverse.required_coverage[0, 0]), 2) == 4.00
    # By hand: 5,925.925… inquiries × 150 per inquiry.
    assert round(float(reverse.demand_creation_needed.sum()), 2) == 888_888.89


def test_spec_worked_example_opportunities_are_created_in_the_previous_quarter() -> None:
    plan, inputs = spec_example(target_quarter=1)
    reverse = compute_scenario(plan, inputs).reverse

    assert round(float(reverse.opportunities[0, 0, Q1].sum()), 2) == 160.00
    assert round(float(reverse.opportunities[0, 0, Q2].sum()), 2) == 0.00
    # Evenly: 13.33 won a month, 53.33 opportunities a month, each three months earlier.
    np.testing.assert_allclose(reverse.opportunities[0, 0, Q1], [160 / 3] * 3, rtol=1e-12)
    assert round(float(reverse.opportunities_before_start.sum()), 2) == 0.00


def test_spec_worked_example_start_of_quarter_required_coverage_is_four() -> None:
    plan, inputs = spec_example(target_quarter=1)
    result = compute_scenario(plan, inputs)

    # All 8,000,000 is created before the quarter starts, so all of it must be open then.
    assert round(float(result.reverse.required_open_pipeline[0, 1]), 2) == 8_000_000.00
    assert round(float(result.reverse.quarter_target[0, 1]), 2) == 2_000_000.00
    kpis = compute_kpis(plan, inputs, result)
    assert round(kpis["required_coverage"].value, 2) == 4.00


def test_spec_worked_example_in_the_first_quarter_is_needed_before_plan_start() -> None:
    plan, inputs = spec_example(target_quarter=0, lead_lag=1)
    reverse = compute_scenario(plan, inputs).reverse

    assert round(float(reverse.won[0, 0, Q1].sum()), 2) == 40.00
    assert round(float(reverse.opportunities.sum()), 2) == 0.00
    assert round(float(reverse.opportunities_before_start[0, 0]), 2) == 160.00
    assert round(float(reverse.pipeline_before_start[0, 0]), 2) == 8_000_000.00
    assert round(float(reverse.sqls_before_start[0, 0]), 2) == 266.67
    assert round(float(reverse.mqls_before_start[0, 0]), 2) == 888.89
    assert round(float(reverse.inquiries_before_start[0, 0]), 2) == 5_925.93
    assert round(float(reverse.marketing_pipeline_before_start[0]), 2) == 8_000_000.00
    assert round(float(reverse.demand_creation_before_start[0]), 2) == 888_888.89
    assert round(float(reverse.sqls.sum()), 2) == 0.00


def test_spec_worked_example_with_a_lead_lag_dates_leads_one_month_before_opportunities() -> None:
    plan, inputs = spec_example(target_quarter=1, lead_lag=1)
    reverse = compute_scenario(plan, inputs).reverse

    # Opportunities in months 0, 1, 2; their SQLs one month earlier: month -1, 0, 1.
    assert round(float(reverse.sqls_before_start[0, 0]), 2) == 88.89  # 266.67 / 3
    np.testing.assert_allclose(reverse.sqls[0, 0, :2], [800 / 9] * 2, rtol=1e-12)
    assert round(float(reverse.sqls[0, 0, 2:].sum()), 2) == 0.00


def test_follow_up_rate_below_full_raises_only_the_marketing_source_mql_need() -> None:
    plan, inputs = spec_example(
        target_quarter=1, source_kinds=(SourceKind.MARKETING, SourceKind.SDR_OUTBOUND)
    )
    inputs.source_mix[:] = [[0.5, 0.5]]
    inputs.follow_up_rate[:] = 0.5
    reverse = compute_scenario(plan, inputs).reverse

    # Each source: 1,000,000 ⇒ 20 won, 80 opportunities, 133.33 SQLs.
    assert round(float(reverse.sqls[0, 0].sum()), 2) == 133.33
    assert round(float(reverse.sqls[0, 1].sum()), 2) == 133.33
    # Marketing: 133.33 ÷ (30% × 50%) = 888.89; SDR outbound: 133.33 ÷ 30% = 444.44.
    assert round(float(reverse.mqls[0, 0].sum()), 2) == 888.89
    assert round(float(reverse.mqls[0, 1].sum()), 2) == 444.44
    # Inquiries: 888.89 ÷ 15% = 5,925.93 for marketing, 444.44 ÷ 15% = 2,962.96 for SDRs.
    assert round(float(reverse.inquiries[0, 0].sum()), 2) == 5_925.93
    assert round(float(reverse.inquiries[0, 1].sum()), 2) == 2_962.96
