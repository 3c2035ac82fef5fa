"""Input rules: what is refused, and the words that say where and what is allowed."""

from __future__ import annotations

import numpy as np

from gtm_planner.model.demo import build_demo_plan
from gtm_planner.model.validation import validate_plan


def test_the_demo_plan_is_valid() -> None:
    assert validate_plan(build_demo_plan()) == []


def test_a_win_rate_over_100_percent_is_named_with_region_and_source() -> None:
    plan = build_demo_plan()
    plan.scenarios[1].inputs.win_rate[1, 0] = 1.5
    problems = validate_plan(plan)
    assert len(problems) == 1
    text = str(problems[0])
    assert "Aggressive EMEA push" in text
    assert "Win rate (EMEA / Marketing)" in text
    assert "above 0% and at most 100%" in text


def test_negative_money_and_nan_are_refused() -> None:
    plan = build_demo_plan()
    plan.scenarios[0].inputs.budget[0, 2, 3] = -5.0
    plan.scenarios[0].inputs.asp[0, 0] = np.nan
    words = " | ".join(str(p) for p in validate_plan(plan))
    assert "Budget (Account executives / APAC / Apr 2027)" in words
    assert "-5.0 is not an amount of 0 or more" in words
    assert "Average deal size (North America / Marketing)" in words


def test_a_source_mix_that_does_not_add_up_is_refused() -> None:
    plan = build_demo_plan()
    plan.scenarios[0].inputs.source_mix[3] = [0.5, 0.5, 0.5, 0.0]
    problems = validate_plan(plan)
    assert any("LATAM" in str(p) and "150.00%" in str(p) for p in problems)


def test_a_fractional_sales_cycle_is_refused() -> None:
    plan = build_demo_plan()
    plan.scenarios[0].inputs.sales_cycle_months[0, 1] = 2.5
    assert "whole number of months" in str(validate_plan(plan)[0])
