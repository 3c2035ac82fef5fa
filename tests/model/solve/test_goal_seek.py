"""Goal seek: answers worked out by hand, and every answer fed back through the engine."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pytest

from gtm_planner.model.commands import run
from gtm_planner.model.demo import build_demo_plan, build_large_plan
from gtm_planner.model.document import PlanDocument
from gtm_planner.model.engine import compute_scenario
from gtm_planner.model.entities import Plan, Scenario, ScenarioInputs
from gtm_planner.model.solve import (
    GoalSeekInput,
    GoalSeekResult,
    SolveError,
    Unreachable,
    goal_seek,
)
from gtm_planner.model.validation import validate_inputs
from tests.model.solve.plans import BOOKINGS_PER_INQUIRY, make_plan, year_forecast

THE_THREE = (
    GoalSeekInput.DEMAND_CREATION_BUDGET,
    GoalSeekInput.MARKETING_WIN_RATE,
    GoalSeekInput.AE_HIRES,
)


def applied(plan: Plan, scenario: Scenario, answer: GoalSeekResult) -> ScenarioInputs:
    """The scenario's inputs after running the answer's command on a copy of the plan."""
    assert answer.command is not None
    copy = plan.copy()
    document = PlanDocument(copy)
    run(document, answer.command)
    return document.scenario_by_id(scenario.id).inputs


def selection(plan: Plan, region_id: int | None) -> np.ndarray:
    return np.array([region_id is None or r.id == region_id for r in plan.regions])


def test_demand_creation_budget_that_closes_the_gap_matches_the_hand_calculation() -> None:
    # 480,000 a year buys 4,800 inquiries = 600,000 of bookings (125 each); the 1,200,000
    # target needs twice that: 960,000, kept flat at 80,000 a month on the one line.
    plan = make_plan()
    answer = goal_seek(plan, plan.scenarios[0], GoalSeekInput.DEMAND_CREATION_BUDGET, 2027, 1)
    assert answer.reachable
    assert answer.current_value == pytest.approx(480_000.0)
    assert answer.solved_value == pytest.approx(960_000.0, rel=1e-7)
    assert answer.gap_before == pytest.approx(600_000.0)
    assert abs(answer.gap_after) <= 1e-6 * 1_200_000
    inputs = applied(plan, plan.scenarios[0], answer)
    np.testing.assert_allclose(inputs.budget[0, 0], 80_000.0, rtol=1e-7)
    np.testing.assert_array_equal(inputs.budget[1, 0], 10_000.0)  # not a demand-creation line
    assert year_forecast(plan, inputs, selection(plan, 1), 2027) == pytest.approx(1_200_000.0)


def test_budget_goal_seek_with_diminishing_returns_follows_the_power_law() -> None:
    # With e = 0.5 at a reference spend of 40,000 a month, doubling inquiries takes 4x spend.
    plan = make_plan()
    plan.scenarios[0].inputs.elasticity[:] = 0.5
    answer = goal_seek(plan, plan.scenarios[0], GoalSeekInput.DEMAND_CREATION_BUDGET, 2027)
    assert answer.solved_value == pytest.approx(4 * 480_000.0, rel=1e-6)


def test_win_rate_that_closes_the_gap_matches_the_hand_calculation() -> None:
    # Bookings are linear in the win rate: 600,000 at 25%, so 1,200,000 needs 50%.
    plan = make_plan()
    answer = goal_seek(plan, plan.scenarios[0], GoalSeekInput.MARKETING_WIN_RATE, 2027, 1)
    assert answer.solved_value == pytest.approx(0.5, rel=1e-7)
    assert applied(plan, plan.scenarios[0], answer).win_rate[0, 0] == pytest.approx(0.5)


@pytest.mark.parametrize("what", [GoalSeekInput.AE_HIRES, GoalSeekInput.STARTING_AES])
def test_ae_count_that_closes_the_gap_matches_the_hand_calculation(what: GoalSeekInput) -> None:
    # Pipeline of 2,500,000 (2,000,000 spent); each AE closes 400,000 a year with no ramp,
    # so the 1,200,000 target takes 3 AEs, hired in January or there at plan start.
    plan = make_plan()
    inputs = plan.scenarios[0].inputs
    inputs.budget[0] = 2_000_000.0 / 12
    inputs.starting_aes[:] = 0.0
    inputs.annual_quota[:] = 400_000.0
    answer = goal_seek(plan, plan.scenarios[0], what, 2027, 1)
    assert answer.current_value == 0.0
    assert answer.solved_value == pytest.approx(3.0, rel=1e-7)
    assert answer.unit.value == "count"


def test_more_budget_cannot_beat_the_capacity_cap_and_the_answer_says_so() -> None:
    plan = make_plan()
    inputs = plan.scenarios[0].inputs
    inputs.starting_aes[:] = 1.0
    inputs.annual_quota[:] = 400_000.0  # capacity 400,000 against a 1,200,000 target
    answer = goal_seek(plan, plan.scenarios[0], GoalSeekInput.DEMAND_CREATION_BUDGET, 2027, 1)
    assert answer.unreachable is Unreachable.CAPACITY
    assert answer.solved_value is None and answer.command is None
    assert "$400.0K" in answer.reason and "capacity" in answer.reason
    # 400,000 of bookings needs 320,000 of spend: beyond that, nothing more closes.
    assert answer.closest_value == pytest.approx(320_000.0, rel=1e-6)
    huge = inputs.copy()
    huge.budget[0] *= 1e6
    assert year_forecast(plan, huge, selection(plan, 1), 2027) == pytest.approx(400_000.0)


def test_more_aes_cannot_beat_a_pipeline_shortfall_and_the_answer_says_so() -> None:
    plan = make_plan()
    answer = goal_seek(plan, plan.scenarios[0], GoalSeekInput.AE_HIRES, 2027, 1)
    assert answer.unreachable is Unreachable.PIPELINE
    assert "$600.0K" in answer.reason  # all the pipeline can deliver
    more = plan.scenarios[0].inputs.copy()
    more.ae_hires[0, 0] += 10_000.0
    assert year_forecast(plan, more, selection(plan, 1), 2027) == pytest.approx(600_000.0)


def test_a_forecast_above_target_at_zero_budget_cannot_be_brought_down_by_the_budget() -> None:
    plan = make_plan()
    plan.scenarios[0].inputs.opening_pipeline[:] = 10_000_000.0  # 2,500,000 closes in month 0
    answer = goal_seek(plan, plan.scenarios[0], GoalSeekInput.DEMAND_CREATION_BUDGET, 2027, 1)
    assert answer.unreachable is Unreachable.ABOVE_TARGET
    assert answer.closest_value == 0.0
    zero = plan.scenarios[0].inputs.copy()
    zero.budget[0] = 0.0
    assert year_forecast(plan, zero, selection(plan, 1), 2027) == pytest.approx(2_500_000.0)


def test_a_win_rate_capped_at_100_percent_is_reported_as_the_input_limit() -> None:
    plan = make_plan()
    plan.scenarios[0].inputs.annual_target[:] = 3_000_000.0  # needs 125% at today's spend
    answer = goal_seek(plan, plan.scenarios[0], GoalSeekInput.MARKETING_WIN_RATE, 2027, 1)
    assert answer.unreachable is Unreachable.INPUT_LIMIT
    assert answer.closest_value == 1.0
    assert answer.forecast_after == pytest.approx(2_400_000.0)


def test_a_plan_without_demand_creation_lines_has_no_budget_lever() -> None:
    plan = make_plan(line_categories=("marketing_people",))
    answer = goal_seek(plan, plan.scenarios[0], GoalSeekInput.DEMAND_CREATION_BUDGET, 2027)
    assert answer.unreachable is Unreachable.NO_LEVER
    assert "no demand-creation budget line" in answer.reason


def test_unknown_region_or_year_is_a_clear_error() -> None:
    plan = make_plan()
    with pytest.raises(SolveError, match="FY2031 is not in this plan"):
        goal_seek(plan, plan.scenarios[0], GoalSeekInput.MARKETING_WIN_RATE, 2031)
    with pytest.raises(SolveError, match="no region with id 9"):
        goal_seek(plan, plan.scenarios[0], GoalSeekInput.MARKETING_WIN_RATE, 2027, 9)


@dataclass(frozen=True)
class Case:
    scenario: int
    target_scale: float
    region_id: int | None
    what: GoalSeekInput


def demo_cases() -> list[Case]:
    return [
        Case(s, scale, region, what)
        for s in (0, 1, 2)
        for scale in (1.0, 0.96)
        for region in (None, 1, 2, 3, 4)
        for what in GoalSeekInput
    ]


@pytest.fixture(scope="module")
def demo() -> Plan:
    return build_demo_plan()


def at_value(plan: Plan, inputs: ScenarioInputs, answer: GoalSeekResult, v: float) -> float:
    """The forecast with the answer's input at ``v``, set independently of the solver."""
    trial = inputs.copy()
    regions = selection(plan, None if answer.region == "all regions" else
                        next(r.id for r in plan.regions if r.name == answer.region))  # fmt: skip
    months = plan.calendar().fiscal_year == answer.fiscal_year
    first = int(np.argmax(months))
    dc = plan.demand_creation_mask()
    m = plan.marketing_source_index()
    if answer.input is GoalSeekInput.DEMAND_CREATION_BUDGET:
        block = trial.budget[np.ix_(dc, regions, months)]
        trial.budget[np.ix_(dc, regions, months)] = block * (v / block.sum())
    elif answer.input is GoalSeekInput.MARKETING_WIN_RATE:
        trial.win_rate[regions, m] *= v / answer.current_value
    elif answer.input is GoalSeekInput.WIN_RATE_ALL_SOURCES:
        trial.win_rate[regions] *= v / answer.current_value
    elif answer.input is GoalSeekInput.AE_HIRES:
        # Extra hires go to each region in proportion to its AEs on the year's first day.
        headcount = trial.starting_aes + trial.ae_hires[:, :first].sum(axis=1)
        shares = headcount[regions] / headcount[regions].sum()
        trial.ae_hires[regions, first] += (v - answer.current_value) * shares
    else:
        trial.starting_aes[regions] *= v / answer.current_value
    return year_forecast(plan, trial, regions, answer.fiscal_year)


@pytest.mark.parametrize("case", demo_cases(), ids=str)
def test_every_demo_answer_closes_the_gap_or_its_reason_holds_in_the_engine(
    demo: Plan, case: Case
) -> None:
    plan = demo.copy()
    scenario = plan.scenarios[case.scenario]
    scenario.inputs.annual_target *= case.target_scale
    before = scenario.inputs.copy()
    answer = goal_seek(plan, scenario, case.what, 2027, case.region_id)
    assert scenario.inputs.equals(before), "goal seek must not apply anything"
    regions = selection(plan, case.region_id)
    target = answer.target
    assert answer.forecast_before == pytest.approx(
        year_forecast(plan, before, regions, 2027), rel=1e-12
    )
    if answer.reachable:
        inputs = applied(plan, scenario, answer)
        forecast = year_forecast(plan, inputs, regions, 2027)
        assert abs(forecast - target) <= 1e-4 * target  # within 0.01% of the target
        assert forecast == pytest.approx(answer.forecast_after, rel=1e-9)
        assert validate_inputs(plan, scenario.name, inputs) == []  # inside every rule
        return
    assert answer.command is None and answer.closest_value is not None
    assert answer.forecast_after == pytest.approx(
        at_value(plan, before, answer, answer.closest_value), rel=1e-9
    )
    result = compute_scenario(plan, before)
    if answer.unreachable is Unreachable.ABOVE_TARGET:
        assert at_value(plan, before, answer, answer.closest_value) > target
    elif answer.input is GoalSeekInput.DEMAND_CREATION_BUDGET:
        # Any budget at all — here a million times today's — stops short, at capacity.
        assert answer.unreachable is Unreachable.CAPACITY
        huge = at_value(plan, before, answer, answer.current_value * 1e6)
        assert huge < target
        assert huge == pytest.approx(answer.forecast_after, rel=1e-6)
    elif answer.input in (GoalSeekInput.AE_HIRES, GoalSeekInput.STARTING_AES):
        # Ten thousand more AEs close exactly what the pipeline holds, short of the target.
        assert answer.unreachable is Unreachable.PIPELINE
        months = plan.calendar().fiscal_year == 2027
        pipeline = float(result.forward.uncapped_bookings[regions][:, months].sum())
        many = at_value(plan, before, answer, answer.current_value + 10_000.0)
        assert many < target
        assert many == pytest.approx(pipeline, rel=1e-9)
    else:
        # The highest win rate the rule allows still falls short.
        assert answer.unreachable in (Unreachable.CAPACITY, Unreachable.INPUT_LIMIT)
        assert at_value(plan, before, answer, answer.closest_value) < target
        highest = answer.closest_value / answer.current_value
        cells = before.win_rate[regions]
        if answer.input is GoalSeekInput.MARKETING_WIN_RATE:
            cells = cells[:, plan.marketing_source_index()]
        assert float(cells.max()) * highest == pytest.approx(1.0)


def test_the_demo_story_pipeline_binds_budget_closes_the_gap_and_more_aes_cannot(
    demo: Plan,
) -> None:
    # The sweep above covers answers and each reason; these are the ones a demo tells.
    baseline = demo.scenarios[0]
    for region in (1, 4):  # North America, LATAM
        budget = goal_seek(demo, baseline, GoalSeekInput.DEMAND_CREATION_BUDGET, 2027, region)
        assert budget.reachable and budget.solved_value is not None
        assert budget.solved_value > budget.current_value
        aes = goal_seek(demo, baseline, GoalSeekInput.AE_HIRES, 2027, region)
        assert aes.unreachable is Unreachable.PIPELINE


def test_goal_seek_on_a_later_year_of_the_large_plan_closes_that_year() -> None:
    plan = build_large_plan(regions=8, scenarios=1)
    scenario = plan.scenarios[0]
    scenario.inputs.annual_target *= 0.9
    for region in plan.regions[:4]:
        answer = goal_seek(plan, scenario, GoalSeekInput.MARKETING_WIN_RATE, 2028, region.id)
        if not answer.reachable:
            continue
        inputs = applied(plan, scenario, answer)
        forecast = year_forecast(plan, inputs, selection(plan, region.id), 2028)
        assert abs(forecast - answer.target) <= 1e-4 * answer.target
        # The win rate has no year: FY2029 moves too, and the answer said it would.
        assert "every month" in answer.method
        return
    pytest.fail("no reachable region in the large plan")


def test_the_effect_lists_cac_and_the_kpis_that_move_before_anything_is_applied() -> None:
    plan = make_plan()
    answer = goal_seek(plan, plan.scenarios[0], GoalSeekInput.DEMAND_CREATION_BUDGET, 2027, 1)
    changed = {c.key: c for c in answer.kpi_changes}
    assert "bookings_target" not in changed
    assert changed["forecast_bookings"].after == pytest.approx(1_200_000.0)
    # CAC = (960,000 + 120,000 people line) ÷ 120 deals, from 600,000 ÷ 60 deals.
    assert changed["blended_cac"].before == pytest.approx((480_000 + 120_000) / 60)
    assert changed["blended_cac"].after == pytest.approx((960_000 + 120_000) / 120, rel=1e-6)
    assert math.isclose(BOOKINGS_PER_INQUIRY, 125.0)
