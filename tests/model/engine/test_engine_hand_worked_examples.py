"""Forward model, opening pipeline, capacity ramp and quarterly cap, each worked out by hand.

Every expected number below is computed in the comments, digit by digit, not by the engine.
"""

from __future__ import annotations

import numpy as np

from gtm_planner.model.engine import compute_kpis, compute_scenario
from gtm_planner.model.entities import Plan, ScenarioInputs, SourceKind
from tests.model.engine.engine_test_plans import make_plan


def assert_close(actual: object, expected: object) -> None:
    """Equal to a millionth: of a currency unit, a deal or an AE."""
    np.testing.assert_allclose(np.asarray(actual), np.asarray(expected), rtol=0.0, atol=1e-6)


def forward_example() -> tuple[Plan, ScenarioInputs]:
    """One region, one (marketing) source, no target: what 40,000 of spend in January yields."""
    plan, inputs = make_plan(line_categories=("demand_creation", "reputation"), horizon=6)
    inputs.budget[0, 0, 0] = 40_000.0  # demand creation, month 0 only
    inputs.budget[1, 0, 0] = 10_000.0  # reputation: marketing spend that drives no inquiries
    inputs.reference_spend[:] = 20_000.0  # S0
    inputs.cost_per_inquiry[:] = 100.0
    inputs.elasticity[:] = 0.8
    inputs.inquiry_to_mql[:] = 0.20
    inputs.mql_to_sql[:] = 0.50
    inputs.follow_up_rate[:] = 0.80
    inputs.sql_to_opp[:] = 0.50
    inputs.win_rate[:] = 0.25
    inputs.asp[:] = 30_000.0
    inputs.lead_lag_months[:] = 1.0
    inputs.sales_cycle_months[:] = 2.0
    inputs.starting_aes[:] = 10.0  # 10 × 1,200,000 × 100% ÷ 12 = 1,000,000 a month: no cap
    inputs.annual_quota[:] = 1_200_000.0
    inputs.attainment[:] = 1.0
    return plan, inputs


# Inquiries in month 0 = (S0 / cpi) × (spend / S0) ** e
#   = (20,000 / 100) × (40,000 / 20,000) ** 0.8 = 200 × 2 ** 0.8
#   2 ** 0.8 = e ** (0.8 × ln 2) = e ** (0.8 × 0.6931471805599453) = e ** 0.5545177444479562
#            = 1.7411011265922482
#   inquiries = 200 × 1.7411011265922482 = 348.22022531844965
# MQLs   = 348.22022531844965 × 20%               = 69.64404506368993
# SQLs   = 69.64404506368993 × 50% × 80% follow-up = 27.857618025475972   (month 0)
# Opps   = 27.857618025475972 × 50%               = 13.928809012737986   (month 0 + lag 1 = 1)
# Pipeline = 13.928809012737986 × 30,000           = 417,864.2703821396   (month 1)
# Won    = 13.928809012737986 × 25%               = 3.4822022531844965   (month 1 + cycle 2 = 3)
# Bookings = 3.4822022531844965 × 30,000           = 104,466.0675955349   (month 3)
# At 100% follow-up every stage after MQLs is 1 / 80% = 1.25× larger:
#   bookings = 104,466.0675955349 × 1.25 = 130,582.58449441863; the difference,
#   26,116.516898883726, is the cost of misalignment.
INQUIRIES = 348.22022531844965
MQLS = 69.64404506368993
SQLS = 27.857618025475972
OPPORTUNITIES = 13.928809012737986
PIPELINE = 417_864.2703821396
BOOKINGS = 104_466.0675955349
BOOKINGS_AT_FULL_FOLLOW_UP = 130_582.58449441863


def only_in(month: int, value: float, horizon: int = 6) -> list[float]:
    return [value if t == month else 0.0 for t in range(horizon)]


def test_forward_model_with_diminishing_returns_and_lags_matches_the_hand_calculation() -> None:
    plan, inputs = forward_example()
    forward = compute_scenario(plan, inputs).forward

    assert_close(forward.inquiries[0], only_in(0, INQUIRIES))
    assert_close(forward.mqls[0], only_in(0, MQLS))
    assert_close(forward.sqls[0], only_in(0, SQLS))
    assert_close(forward.opportunities[0], only_in(1, OPPORTUNITIES))
    assert_close(forward.marketing_pipeline[0], only_in(1, PIPELINE))
    assert_close(forward.marketing_bookings_from_spend[0], only_in(3, BOOKINGS))
    assert_close(forward.forecast[0], only_in(3, BOOKINGS))
    # Won deals: 3.4822022531844965 in month 3.
    assert_close(forward.won_deals[0], only_in(3, 3.4822022531844965))
    assert_close(forward.forecast_at_full_follow_up[0], only_in(3, BOOKINGS_AT_FULL_FOLLOW_UP))


def test_forward_example_kpis_match_the_hand_calculation() -> None:
    plan, inputs = forward_example()
    result = compute_scenario(plan, inputs)
    kpis = compute_kpis(plan, inputs, result)

    assert abs(kpis["cost_of_misalignment"].value - 26_116.516898883726) < 1e-6
    # Marketing spend 50,000 (demand creation 40,000 + reputation 10,000).
    assert kpis["marketing_share"].value == 1.0
    assert abs(kpis["pipeline_roi"].value - PIPELINE / 50_000.0) < 1e-12
    # Cost per opportunity = 50,000 ÷ 13.928809012737986 = 3,589.68...
    assert abs(kpis["cost_per_opportunity"].value - 50_000.0 / OPPORTUNITIES) < 1e-9
    # Flow over 6 months: 348.22022531844965 ÷ 6 inquiries a month.
    assert abs(kpis["inquiries_per_month"].value - INQUIRIES / 6) < 1e-9
    # Inquiry → won = 20% × 50% × 80% × 50% × 25% = 1%.
    assert abs(kpis["end_to_end_conversion"].value - 0.01) < 1e-15


def test_opening_pipeline_closes_evenly_over_the_first_lead_lag_plus_cycle_months() -> None:
    plan, inputs = forward_example()
    inputs.budget[:] = 0.0
    inputs.opening_pipeline[:] = 900_000.0
    forward = compute_scenario(plan, inputs).forward

    # Lag 1 + cycle 2 = 3 months: 900,000 ÷ 3 = 300,000 closing in months 0, 1 and 2, at a
    # 25% win rate: 75,000 of bookings in each, and nothing after.
    expected = [75_000.0, 75_000.0, 75_000.0, 0.0, 0.0, 0.0]
    assert_close(forward.opening_pipeline_bookings[0], expected)
    assert_close(forward.marketing_sourced_bookings[0], expected)
    assert_close(forward.forecast[0], expected)
    # 75,000 ÷ 30,000 = 2.5 deals a month.
    assert_close(forward.won_deals[0], [2.5, 2.5, 2.5, 0, 0, 0])
    # Q1 (months 0–2) starts with all 900,000 open and due to close inside it.
    assert abs(float(forward.open_pipeline[0, 0]) - 900_000.0) < 1e-6


def capacity_example() -> tuple[Plan, ScenarioInputs]:
    plan, inputs = make_plan(horizon=8)
    inputs.starting_aes[:] = 3.0
    inputs.ae_hires[0, 0] = 1.0
    inputs.ae_hires[0, 2] = 2.0
    inputs.ramp_months[:] = 4.0
    inputs.annual_quota[:] = 1_200_000.0
    inputs.attainment[:] = 0.75
    inputs.ae_cost[:] = 240_000.0
    inputs.sdr_count[:] = 2.0
    inputs.sdr_cost[:] = 96_000.0
    inputs.se_count[:] = 1.0
    inputs.se_cost[:] = 180_000.0
    return plan, inputs


def test_ae_capacity_ramps_linearly_from_the_month_of_hire() -> None:
    plan, inputs = capacity_example()
    capacity = compute_scenario(plan, inputs).capacity

    # 3 ramped AEs at start; the hire of month 0 is at 0, .25, .5, .75, 1 in months 0–4; the
    # two hires of month 2 at 0, .25, .5, .75, 1 in months 2–6.
    #   month:   0     1      2     3              4            5             6    7
    #   ramped:  3+0   3+.25  3+.5  3+.75+2×.25    3+1+2×.5     3+1+2×.75     6    6
    ramped = [3.0, 3.25, 3.5, 4.25, 5.0, 5.5, 6.0, 6.0]
    assert_close(capacity.ramped_aes[0], ramped)
    assert_close(capacity.headcount[0], [4, 4, 6, 6, 6, 6, 6, 6])
    # Per ramped AE: 1,200,000 × 75% ÷ 12 = 75,000 a month.
    expected = [225_000, 243_750, 262_500, 318_750, 375_000, 412_500, 450_000, 450_000]
    assert_close(capacity.capacity[0], expected)
    # People: heads × 240,000 ÷ 12 = 20,000 each, plus (2 × 96,000 + 180,000) ÷ 12 = 31,000.
    people = [111_000, 111_000, 151_000, 151_000, 151_000, 151_000, 151_000, 151_000]
    assert_close(capacity.people_cost[0], people)


def test_ae_hired_with_no_ramp_is_fully_productive_in_the_month_of_hire() -> None:
    plan, inputs = capacity_example()
    inputs.ramp_months[:] = 0.0
    capacity = compute_scenario(plan, inputs).capacity

    assert_close(capacity.ramped_aes[0], [4, 4, 6, 6, 6, 6, 6, 6])


def cap_example() -> tuple[Plan, ScenarioInputs]:
    """Bookings all from SDR outbound: 50k, 150k, 250k in Q1 and 50k a month in Q2."""
    plan, inputs = make_plan(
        source_kinds=(SourceKind.MARKETING, SourceKind.SDR_OUTBOUND), horizon=6
    )
    inputs.source_mix[:] = [[0.0, 1.0]]
    inputs.asp[:] = 25_000.0
    # Monthly target = 600,000 × weight ÷ 12 (the 12 weights sum to 12).
    inputs.annual_target[:] = 600_000.0
    inputs.seasonality[:] = [[1, 3, 5, 1, 1, 1, 0, 0, 0, 0, 0, 0]]
    inputs.starting_aes[:] = 1.0  # 1 × 1,200,000 × 100% ÷ 12 = 100,000 a month
    inputs.annual_quota[:] = 1_200_000.0
    inputs.attainment[:] = 1.0
    return plan, inputs


def test_quarterly_capacity_cap_scales_every_month_of_an_over_capacity_quarter_alike() -> None:
    plan, inputs = cap_example()
    forward = compute_scenario(plan, inputs).forward

    assert_close(forward.uncapped_bookings[0], [50_000, 150_000, 250_000, 50_000, 50_000, 50_000])
    # Q1 wants 450,000 against a capacity of 3 × 100,000 = 300,000: each month keeps 2/3, so
    # the peak month (166,666.67) may exceed its own month's capacity; the quarter may not.
    # Q2 wants 150,000 ≤ 300,000: untouched.
    expected = [100_000 / 3, 100_000, 500_000 / 3, 50_000, 50_000, 50_000]
    assert_close(forward.forecast[0], expected)
    assert abs(float(forward.forecast[0, :3].sum()) - 300_000.0) < 1e-6
    # Deals (ASP 25,000): 2, 6, 10 in Q1, kept at 2/3; 2 a month in Q2.
    assert_close(forward.won_deals[0], [4 / 3, 4, 20 / 3, 2, 2, 2])
