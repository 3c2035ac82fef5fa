"""What-if overlays: a copy with the drivers moved, refused values named, reset is exact."""

from __future__ import annotations

import time

import numpy as np
import pytest

from gtm_planner.model.commands import run
from gtm_planner.model.demo import build_demo_plan, build_large_plan
from gtm_planner.model.document import PlanDocument
from gtm_planner.model.engine import compute_scenario
from gtm_planner.model.entities import Plan
from gtm_planner.model.whatif import (
    Overlay,
    RegionDrivers,
    SpendMove,
    WhatIf,
    WhatIfError,
    apply_overlay,
    evaluate,
    overlay_problems,
)
from tests.model.solve.plans import make_plan


@pytest.fixture
def demo() -> Plan:
    return build_demo_plan()


def year_spend_by_line(plan: Plan, budget: np.ndarray, year: int) -> np.ndarray:
    """(L, R) spend per line and region in the year."""
    return np.asarray(budget[:, :, plan.calendar().fiscal_year == year].sum(axis=2))


def test_moving_spend_from_one_region_to_another_keeps_the_total(demo: Plan) -> None:
    inputs = demo.scenarios[0].inputs
    overlay = Overlay(fiscal_year=2027).with_move(SpendMove(1, 3, 250_000.0))
    moved = apply_overlay(demo, inputs, overlay)
    assert moved.budget.sum() == pytest.approx(inputs.budget.sum(), rel=1e-14)
    dc = demo.demand_creation_mask()
    before = year_spend_by_line(demo, inputs.budget, 2027)[dc]
    after = year_spend_by_line(demo, moved.budget, 2027)[dc]
    assert after[:, 0].sum() == pytest.approx(before[:, 0].sum() - 250_000.0)
    assert after[:, 2].sum() == pytest.approx(before[:, 2].sum() + 250_000.0)
    np.testing.assert_array_equal(after[:, [1, 3]], before[:, [1, 3]])
    np.testing.assert_array_equal(moved.budget[~dc], inputs.budget[~dc])
    # The giver keeps its split across lines and months: every cell scales the same.
    ratio = moved.budget[dc][:, 0] / inputs.budget[dc][:, 0]
    np.testing.assert_allclose(ratio, 1 - 250_000.0 / before[:, 0].sum())


def test_spend_moved_to_a_region_without_spend_is_spread_flat() -> None:
    plan = make_plan(regions=2)
    inputs = plan.scenarios[0].inputs
    inputs.budget[0, 1] = 0.0
    moved = apply_overlay(plan, inputs, Overlay().with_move(SpendMove(1, 2, 120_000.0)))
    np.testing.assert_allclose(moved.budget[0, 1], 10_000.0)
    np.testing.assert_allclose(moved.budget[0, 0], 30_000.0)


def test_overlay_then_reset_gives_back_the_original_inputs_exactly(demo: Plan) -> None:
    scenario = demo.scenarios[0]
    original = scenario.inputs.copy()
    what_if = WhatIf(demo, scenario)
    overlay = (
        Overlay(fiscal_year=2027)
        .with_drivers(2, RegionDrivers(asp_factor=1.1, win_rate_factor=1.2,
                                       sales_cycle_change_months=1, demand_creation_factor=0.7))
        .with_move(SpendMove(1, 4, 100_000.0))
    )  # fmt: skip
    assert what_if.set_overlay(overlay) == []
    changed = what_if.outcome()
    assert not changed.inputs.equals(original)
    assert changed.result.forward.forecast.sum() != pytest.approx(
        compute_scenario(demo, original).forward.forecast.sum()
    )
    assert scenario.inputs.equals(original)  # the scenario itself never moved
    what_if.reset()
    assert what_if.overlay.empty
    assert what_if.outcome().inputs.equals(original)
    assert scenario.inputs.equals(original)


def test_drivers_scale_every_source_and_the_forecast_follows_by_hand() -> None:
    # Bookings from spend are linear in ASP and win rate: +10% and +20% give ×1.32;
    # cost per inquiry ×1.25 buys 1/1.25 the inquiries.
    plan = make_plan()
    inputs = plan.scenarios[0].inputs
    drivers = RegionDrivers(asp_factor=1.1, win_rate_factor=1.2, cost_per_inquiry_factor=1.25)
    outcome = evaluate(plan, inputs, Overlay().with_drivers(1, drivers))
    assert outcome.inputs.asp[0, 0] == pytest.approx(11_000.0)
    assert outcome.inputs.win_rate[0, 0] == pytest.approx(0.30)
    assert outcome.result.forward.forecast.sum() == pytest.approx(600_000.0 * 1.32 / 1.25)
    kpis = outcome.kpis(plan)
    assert kpis["forecast_bookings"].value == pytest.approx(600_000.0 * 1.32 / 1.25)


def test_a_longer_cycle_and_a_spend_cut_move_the_inputs_they_name(demo: Plan) -> None:
    inputs = demo.scenarios[0].inputs
    overlay = Overlay(fiscal_year=2027).with_drivers(
        3, RegionDrivers(sales_cycle_change_months=2, demand_creation_factor=0.5)
    )
    moved = apply_overlay(demo, inputs, overlay)
    np.testing.assert_array_equal(moved.sales_cycle_months[2], inputs.sales_cycle_months[2] + 2)
    dc = demo.demand_creation_mask()
    np.testing.assert_allclose(moved.budget[dc][:, 2], inputs.budget[dc][:, 2] * 0.5)
    np.testing.assert_array_equal(moved.sales_cycle_months[[0, 1, 3]],
                                  inputs.sales_cycle_months[[0, 1, 3]])  # fmt: skip


@pytest.mark.parametrize(
    ("overlay", "message"),
    [
        (
            Overlay().with_drivers(2, RegionDrivers(win_rate_factor=4.0)),
            "Win rate (EMEA / Partner) would be 112.0%: it must be a percentage above 0%",
        ),
        (
            Overlay().with_drivers(1, RegionDrivers(asp_factor=0.0)),
            "Average deal size (North America): the change must be above −100%",
        ),
        (
            Overlay().with_drivers(1, RegionDrivers(sales_cycle_change_months=40)),
            "Sales cycle (North America / Marketing) would be 43.0 months",
        ),
        (
            Overlay().with_drivers(1, RegionDrivers(demand_creation_factor=-0.5)),
            "Demand-creation spend (North America): the change must be −100% or more",
        ),
        (
            Overlay(fiscal_year=2027).with_move(SpendMove(4, 1, 5_000_000.0)),
            "LATAM has $315.0K of demand-creation spend in FY2027; it cannot give $5.0M",
        ),
        (Overlay().with_move(SpendMove(2, 2, 1.0)), "two different regions"),
        (Overlay().with_move(SpendMove(2, 9, 1.0)), "no region with id 9"),
        (Overlay(fiscal_year=2030), "FY2030 is not in this plan"),
    ],
)
def test_refused_driver_values_are_named_and_the_last_good_overlay_stays(
    demo: Plan, overlay: Overlay, message: str
) -> None:
    problems = overlay_problems(demo, demo.scenarios[0].inputs, overlay)
    assert any(message in p for p in problems), problems
    what_if = WhatIf(demo, demo.scenarios[0])
    good = Overlay().with_drivers(1, RegionDrivers(asp_factor=1.05))
    assert what_if.set_overlay(good) == []
    assert what_if.set_overlay(overlay) == problems
    assert what_if.overlay == good
    with pytest.raises(WhatIfError):
        apply_overlay(demo, demo.scenarios[0].inputs, overlay)


def test_a_win_rate_factor_is_refused_only_for_the_sources_it_pushes_past_100_percent(
    demo: Plan,
) -> None:
    # EMEA: marketing 24% and SDR 20% stay legal at ×4 (96%, 80%); AE 30% and partner 28% do not.
    overlay = Overlay().with_drivers(2, RegionDrivers(win_rate_factor=4.0))
    problems = overlay_problems(demo, demo.scenarios[0].inputs, overlay)
    assert [p.split(" would")[0] for p in problems] == [
        "Win rate (EMEA / AE self-sourced)",
        "Win rate (EMEA / Partner)",
    ]


def test_saving_a_what_if_is_one_undoable_new_scenario(demo: Plan) -> None:
    what_if = WhatIf(demo, demo.scenarios[0])
    what_if.set_overlay(Overlay().with_drivers(2, RegionDrivers(asp_factor=1.2)))
    command = what_if.to_scenario("EMEA price rise")
    document = PlanDocument(demo.copy())
    undo = run(document, command)
    saved = document.plan.scenario("EMEA price rise")
    assert saved.inputs.equals(what_if.outcome().inputs)
    assert saved.inputs.asp[1, 0] == pytest.approx(demo.scenarios[0].inputs.asp[1, 0] * 1.2)
    run(document, undo)
    assert "EMEA price rise" not in [s.name for s in document.plan.scenarios]
    with pytest.raises(WhatIfError, match="already a scenario named"):
        what_if.to_scenario("baseline")


def test_a_slider_tick_on_the_large_plan_is_timed(capsys: pytest.CaptureFixture[str]) -> None:
    plan = build_large_plan()
    inputs = plan.scenarios[0].inputs
    base = Overlay(fiscal_year=2028).with_move(SpendMove(1, 2, 50_000.0))
    evaluate(plan, inputs, base)
    ticks = 30
    started = time.perf_counter()
    for tick in range(ticks):
        overlay = base.with_drivers(5, RegionDrivers(asp_factor=1 + tick / 100))
        outcome = evaluate(plan, inputs, overlay)
        outcome.kpis(plan)
    per_tick = (time.perf_counter() - started) / ticks * 1000
    with capsys.disabled():
        print(f"\nwhat-if tick on the large plan (overlay + engine + KPIs): {per_tick:.1f} ms")
    assert outcome.inputs.asp[4, 0] == pytest.approx(inputs.asp[4, 0] * 1.29)
