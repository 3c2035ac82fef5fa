"""Properties of the engine that hold for every plan (SPEC §3.6), checked with hypothesis.

Hypothesis draws the knobs a property is about (elasticity, follow-up, lags, horizon, scale)
and a seed for the rest of a random, valid plan.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from gtm_planner.model.engine import compute_kpis, compute_scenario
from gtm_planner.model.entities import Plan, ScenarioInputs
from tests.model.engine.engine_test_plans import random_plan

PROPERTY_SETTINGS = settings(max_examples=60, deadline=None, database=None)

seeds = st.integers(min_value=0, max_value=2**32 - 1)
elasticities = st.one_of(st.just(1.0), st.floats(min_value=0.3, max_value=1.0, exclude_min=True))
follow_ups = st.one_of(st.just(1.0), st.floats(min_value=0.2, max_value=1.0))


@st.composite
def random_plans(draw: st.DrawFn) -> tuple[Plan, ScenarioInputs]:
    return random_plan(np.random.default_rng(draw(seeds)))


@st.composite
def plans_fed_their_own_reverse_needs(
    draw: st.DrawFn, flat_target: bool
) -> tuple[Plan, ScenarioInputs]:
    """A plan whose demand-creation budget and opening pipeline are what its reverse needs.

    One demand-creation line carries the whole need; a reputation line and a sales line carry
    spend that must not drive inquiries. Capacity is ample, so nothing is capped.
    """
    rng = np.random.default_rng(draw(seeds))
    regions = draw(st.integers(min_value=1, max_value=4))
    lags = draw(st.lists(st.integers(0, 4), min_size=regions, max_size=regions))
    cycles = draw(st.lists(st.integers(0, 9), min_size=regions, max_size=regions))
    reach = max(1, *(lag + cycle for lag, cycle in zip(lags, cycles, strict=True)))
    # The opening pipeline the reverse asks for covers closes inside the horizon only, so
    # the flat case needs the whole opening window inside the horizon.
    horizon = draw(st.integers(min_value=reach if flat_target else 1, max_value=36))
    plan, inputs = random_plan(
        rng,
        regions=regions,
        horizon=horizon,
        line_categories=("demand_creation", "reputation", "sales_tools_travel"),
    )
    m = plan.marketing_source_index()
    inputs.lead_lag_months[:, m] = lags
    inputs.sales_cycle_months[:, m] = cycles
    inputs.elasticity = np.array(draw(st.lists(elasticities, min_size=regions, max_size=regions)))
    inputs.follow_up_rate = np.array(
        draw(st.lists(follow_ups, min_size=regions, max_size=regions))
    )
    if flat_target:
        inputs.seasonality[:] = 1.0
        inputs.annual_target[:] = inputs.annual_target[:, :1]  # the same every fiscal year
    inputs.starting_aes[:] = 1e6
    reverse = compute_scenario(plan, inputs).reverse
    inputs.budget[0] = reverse.demand_creation_needed
    inputs.opening_pipeline = reverse.marketing_pipeline_before_start.copy()
    return plan, inputs


@PROPERTY_SETTINGS
@given(plans_fed_their_own_reverse_needs(flat_target=True))
def test_forward_model_fed_the_reverse_needs_returns_the_target(
    plan_and_inputs: tuple[Plan, ScenarioInputs],
) -> None:
    plan, inputs = plan_and_inputs
    result = compute_scenario(plan, inputs)

    np.testing.assert_allclose(result.forward.forecast, result.reverse.target, rtol=1e-9)
    np.testing.assert_allclose(result.forward.uncapped_bookings, result.reverse.target, rtol=1e-9)


@PROPERTY_SETTINGS
@given(plans_fed_their_own_reverse_needs(flat_target=False))
def test_forward_model_fed_the_reverse_needs_returns_any_seasonal_target_once_spend_reaches(
    plan_and_inputs: tuple[Plan, ScenarioInputs],
) -> None:
    """Outside the opening window, every month's forecast is its target, whatever the season."""
    plan, inputs = plan_and_inputs
    result = compute_scenario(plan, inputs)
    m = plan.marketing_source_index()

    for r in range(len(plan.regions)):
        reach = int(inputs.lead_lag_months[r, m] + inputs.sales_cycle_months[r, m])
        np.testing.assert_allclose(
            result.forward.forecast[r, reach:], result.reverse.target[r, reach:], rtol=1e-9
        )
        marketing_target = result.reverse.target_by_source[r, m, reach:]
        np.testing.assert_allclose(
            result.forward.marketing_sourced_bookings[r, reach:], marketing_target, rtol=1e-9
        )


@PROPERTY_SETTINGS
@given(random_plans())
def test_budget_and_target_splits_add_up_to_their_totals(
    plan_and_inputs: tuple[Plan, ScenarioInputs],
) -> None:
    plan, inputs = plan_and_inputs
    result = compute_scenario(plan, inputs)
    budget_total = inputs.budget.sum(axis=0)

    np.testing.assert_allclose(result.sales_spend + result.marketing_spend, budget_total)
    np.testing.assert_allclose(result.spend_by_category.sum(axis=0), budget_total)
    np.testing.assert_allclose(
        result.reverse.target_by_source.sum(axis=1), result.reverse.target, rtol=1e-12
    )
    kpis = compute_kpis(plan, inputs, result)
    if budget_total.sum() > 0:
        shares = kpis["sales_share"].value + kpis["marketing_share"].value
        assert abs(shares - 1.0) < 1e-12
    calendar = plan.calendar()
    for year in range(len(calendar.fiscal_years)):
        in_year = calendar.fiscal_year_index == year
        if in_year.sum() == 12:
            np.testing.assert_allclose(
                result.reverse.target[:, in_year].sum(axis=1),
                inputs.annual_target[:, year],
                rtol=1e-12,
            )


NEEDS = (
    "won",
    "opportunities",
    "pipeline_value",
    "sqls",
    "mqls",
    "inquiries",
    "opportunities_before_start",
    "pipeline_before_start",
    "sqls_before_start",
    "mqls_before_start",
    "inquiries_before_start",
    "marketing_pipeline_before_start",
    "required_open_pipeline",
    "quarter_target",
    "target",
    "target_by_source",
)


@PROPERTY_SETTINGS
@given(random_plans(), st.lists(elasticities, min_size=5, max_size=5))
def test_doubling_the_target_doubles_every_need_and_the_budget_need_by_two_to_one_over_e(
    plan_and_inputs: tuple[Plan, ScenarioInputs], elasticity: list[float]
) -> None:
    plan, inputs = plan_and_inputs
    inputs.elasticity = np.array(elasticity[: len(plan.regions)])
    doubled = inputs.copy()
    doubled.annual_target = 2.0 * inputs.annual_target
    once = compute_scenario(plan, inputs).reverse
    twice = compute_scenario(plan, doubled).reverse

    for name in NEEDS:
        np.testing.assert_allclose(
            getattr(twice, name), 2.0 * getattr(once, name), rtol=1e-12, err_msg=name
        )
    # Spend buys inquiries ∝ spend ** e, so twice the inquiries cost 2 ** (1 / e) the spend
    # (exactly 2 when e = 1).
    factor = 2.0 ** (1.0 / inputs.elasticity)
    np.testing.assert_allclose(
        twice.demand_creation_needed, factor[:, None] * once.demand_creation_needed, rtol=1e-9
    )
    np.testing.assert_allclose(
        twice.demand_creation_before_start, factor * once.demand_creation_before_start, rtol=1e-9
    )


@PROPERTY_SETTINGS
@given(random_plans(), st.floats(min_value=0.0, max_value=2.0))
def test_capacity_cap_never_lets_a_quarter_exceed_capacity_or_adds_bookings(
    plan_and_inputs: tuple[Plan, ScenarioInputs], team_scale: float
) -> None:
    plan, inputs = plan_and_inputs
    inputs.starting_aes = np.round(inputs.starting_aes * team_scale)
    inputs.ae_hires = np.round(inputs.ae_hires * team_scale)
    result = compute_scenario(plan, inputs)
    quarters = plan.calendar().quarter_matrix()
    capacity_q = result.capacity.capacity @ quarters
    forward = result.forward

    for forecast, uncapped in (
        (forward.forecast, forward.uncapped_bookings),
        (forward.forecast_at_full_follow_up, None),
    ):
        forecast_q = forecast @ quarters
        assert np.all(forecast_q <= capacity_q * (1 + 1e-12) + 1e-6)
        if uncapped is not None:
            assert np.all(forecast <= uncapped * (1 + 1e-12) + 1e-9)
            # The cap keeps all of a quarter that fits and exactly the capacity of one that
            # does not.
            np.testing.assert_allclose(
                forecast_q, np.minimum(uncapped @ quarters, capacity_q), rtol=1e-12, atol=1e-6
            )
    assert np.all(forward.marketing_sourced_bookings <= forward.forecast * (1 + 1e-12) + 1e-9)
