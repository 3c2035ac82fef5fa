"""The what-if panel: the dashboard follows the sliders, nothing is saved until asked."""

from __future__ import annotations

import math

import numpy as np
from pytestqt.qtbot import QtBot

from gtm_planner.model.commands import RemoveScenario, SetValues
from gtm_planner.model.document import PlanDocument
from gtm_planner.model.engine import compute_kpis, compute_scenario
from gtm_planner.ui.undo import UndoController
from gtm_planner.ui.whatif_panel import PREVIEW_TEXT, WhatIfPanel

from .conftest import EMEA, FY, LATAM, NORTH_AMERICA, demand_creation_totals


def choose_region(panel: WhatIfPanel, region_id: int) -> None:
    panel.region_combo.setCurrentIndex(panel.region_combo.findData(region_id))


def forecast(document: PlanDocument) -> float:
    return document.kpis()["forecast_bookings"].value


def wait_for_preview(qtbot: QtBot, document: PlanDocument) -> None:
    sid = document.current_scenario.id
    qtbot.waitUntil(lambda: document.what_if(sid) is not None, timeout=2000)


def test_dragging_a_slider_changes_the_forecast_and_saves_nothing(
    qtbot: QtBot, panel: WhatIfPanel, demo_document: PlanDocument, undo: UndoController
) -> None:
    scenario = demo_document.current_scenario
    saved = scenario.inputs.copy()
    before = forecast(demo_document)
    choose_region(panel, EMEA)
    panel.rows["demand_creation_factor"].slider.setValue(20)  # as a drag does, tick by tick
    wait_for_preview(qtbot, demo_document)

    # Independently: EMEA's FY demand-creation cells × 1.2, through the engine.
    expected_inputs = saved.copy()
    lines = demo_document.plan.demand_creation_mask()
    expected_inputs.budget[np.ix_(lines, np.array([EMEA - 1]), np.arange(12))] *= 1.2
    expected = compute_kpis(
        demo_document.plan, expected_inputs, compute_scenario(demo_document.plan, expected_inputs)
    )["forecast_bookings"].value
    assert forecast(demo_document) > before
    assert math.isclose(forecast(demo_document), expected, rel_tol=1e-12)
    assert scenario.inputs.equals(saved)  # the plan's own inputs are untouched
    assert demo_document.dirty_scenarios == set()
    assert undo.stack.count() == 0
    assert PREVIEW_TEXT in panel.state_label.text()
    assert panel.save_button.isEnabled() and panel.reset_button.isEnabled()


def test_ticks_before_the_event_loop_runs_are_computed_once(
    qtbot: QtBot, panel: WhatIfPanel, demo_document: PlanDocument
) -> None:
    previews: list[int] = []
    demo_document.what_if_changed.connect(previews.append)
    choose_region(panel, EMEA)
    for value in range(1, 31):  # a fast drag: 30 ticks between two paints
        panel.rows["asp_factor"].slider.setValue(value)
    wait_for_preview(qtbot, demo_document)
    shown = demo_document.shown_inputs(demo_document.current_scenario.id)
    saved = demo_document.current_scenario.inputs
    assert previews == [demo_document.current_scenario.id]  # one computation, the last tick
    np.testing.assert_allclose(shown.asp[EMEA - 1], saved.asp[EMEA - 1] * 1.30, rtol=1e-12)
    assert panel.rows["asp_factor"].spin.value() == 30


def test_save_as_scenario_keeps_the_overlay_and_undo_removes_it(
    qtbot: QtBot, panel: WhatIfPanel, demo_document: PlanDocument, undo: UndoController
) -> None:
    base = demo_document.current_scenario
    saved = base.inputs.copy()
    choose_region(panel, LATAM)
    panel.rows["win_rate_factor"].spin.setValue(10.0)
    panel.flush()
    previewed = demo_document.shown_inputs(base.id)
    asked: list[str] = []

    def ask(_parent: object, _title: str, prompt: str, suggestion: str) -> str | None:
        asked.append(prompt)
        return "Baseline" if len(asked) == 1 else "LATAM win rate +10%"

    panel.ask_name = ask
    count = len(demo_document.plan.scenarios)
    assert panel.save_as_scenario()
    assert "already a scenario named" in asked[1]  # a duplicate name is asked again
    new = demo_document.plan.scenario("LATAM win rate +10%")
    assert len(demo_document.plan.scenarios) == count + 1
    np.testing.assert_allclose(new.inputs.win_rate[LATAM - 1], saved.win_rate[LATAM - 1] * 1.1)
    assert new.inputs.equals(previewed)
    assert base.inputs.equals(saved)
    assert demo_document.what_if(base.id) is None  # the preview is gone…
    assert demo_document.current_scenario.id == new.id  # …and the numbers stay on screen
    assert undo.stack.count() == 1

    undo.stack.undo()
    assert len(demo_document.plan.scenarios) == count
    assert all(s.name != "LATAM win rate +10%" for s in demo_document.plan.scenarios)
    assert base.inputs.equals(saved)


def test_reset_restores_the_numbers_exactly(
    qtbot: QtBot, panel: WhatIfPanel, demo_document: PlanDocument
) -> None:
    before = {k: v.value for k, v in demo_document.kpis().items()}
    choose_region(panel, EMEA)
    panel.rows["asp_factor"].slider.setValue(25)
    panel.rows["cost_per_inquiry_factor"].spin.setValue(-12.5)
    panel.rows["sales_cycle_change_months"].spin.setValue(-1)
    panel.flush()
    panel.mover.amount.setValue(100_000)
    panel.mover.move_button.click()
    assert forecast(demo_document) != before["forecast_bookings"]

    panel.reset_button.click()
    after = {k: v.value for k, v in demo_document.kpis().items()}
    assert after.keys() == before.keys()
    for key, value in before.items():
        assert after[key] == value or (math.isnan(after[key]) and math.isnan(value)), key
    assert demo_document.what_if(demo_document.current_scenario.id) is None
    assert [row.value() for row in panel.rows.values()] == [0.0] * 5
    assert panel.mover.moves.count() == 0
    assert PREVIEW_TEXT not in panel.state_label.text()


def test_a_move_keeps_the_total_and_shifts_the_amount(
    panel: WhatIfPanel, demo_document: PlanDocument
) -> None:
    saved = demo_document.current_scenario.inputs
    before = demand_creation_totals(demo_document, saved)
    panel.mover.giver.setCurrentIndex(panel.mover.giver.findData(NORTH_AMERICA))
    panel.mover.taker.setCurrentIndex(panel.mover.taker.findData(EMEA))
    panel.mover.amount.setValue(250_000)
    panel.mover.move_button.click()

    after = demand_creation_totals(demo_document, demo_document.shown_inputs(1))
    assert math.isclose(after.sum(), before.sum(), rel_tol=1e-12)
    assert math.isclose(after[NORTH_AMERICA - 1], before[NORTH_AMERICA - 1] - 250_000)
    assert math.isclose(after[EMEA - 1], before[EMEA - 1] + 250_000)
    np.testing.assert_array_equal(after[2:], before[2:])
    assert panel.mover.moves.count() == 1
    assert f"FY{FY}" in panel.mover.available.text()


def test_moving_more_than_a_region_has_is_refused_and_changes_nothing(
    panel: WhatIfPanel, demo_document: PlanDocument
) -> None:
    panel.mover.giver.setCurrentIndex(panel.mover.giver.findData(LATAM))
    panel.mover.amount.setValue(1e11)
    panel.mover.move_button.click()
    assert panel.message.isVisible()
    assert "cannot give" in panel.message.text()
    assert demo_document.what_if(demo_document.current_scenario.id) is None
    assert panel.mover.moves.count() == 0


def test_a_refused_value_keeps_the_last_accepted_what_if(
    panel: WhatIfPanel, demo_document: PlanDocument
) -> None:
    choose_region(panel, EMEA)
    panel.rows["asp_factor"].spin.setValue(10.0)
    panel.flush()
    accepted = forecast(demo_document)
    panel.rows["sales_cycle_change_months"].spin.setValue(-12)  # a cycle of −8 months
    panel.flush()
    assert panel.message.isVisible()
    assert "Sales cycle" in panel.message.text()
    assert panel.rows["sales_cycle_change_months"].value() == 0  # the control goes back
    assert panel.rows["asp_factor"].value() == 10.0
    assert forecast(demo_document) == accepted


def test_switching_scenario_or_closing_the_panel_drops_the_preview(
    qtbot: QtBot, panel: WhatIfPanel, demo_document: PlanDocument
) -> None:
    baseline = demo_document.current_scenario.id
    panel.rows["asp_factor"].spin.setValue(5.0)
    panel.flush()
    demo_document.set_current_scenario(2)
    assert demo_document.what_if(baseline) is None
    assert "dropped" in panel.message.text()
    assert "Aggressive EMEA push" in panel.state_label.text()

    panel.rows["asp_factor"].spin.setValue(5.0)
    panel.flush()
    assert demo_document.what_if(2) is not None
    panel.hide()
    panel.show()  # floated or re-docked: hidden for a moment only
    qtbot.wait(10)
    assert demo_document.what_if(2) is not None
    panel.hide()  # the dock closed
    qtbot.waitUntil(lambda: demo_document.what_if(2) is None, timeout=2000)
    assert PREVIEW_TEXT not in panel.state_label.text()


def test_an_edit_of_the_scenario_stays_under_the_preview(
    qtbot: QtBot, panel: WhatIfPanel, demo_document: PlanDocument, undo: UndoController
) -> None:
    scenario = demo_document.current_scenario
    choose_region(panel, EMEA)
    panel.rows["asp_factor"].spin.setValue(10.0)
    panel.flush()
    undo.push(SetValues("Edit win rate", scenario.id, "win_rate", np.array([[0, 0]]),
                        np.array([0.5])))  # fmt: skip
    qtbot.waitUntil(lambda: demo_document.shown_inputs(scenario.id).win_rate[0, 0] == 0.5)
    shown = demo_document.shown_inputs(scenario.id)
    np.testing.assert_allclose(shown.asp[EMEA - 1], scenario.inputs.asp[EMEA - 1] * 1.1)
    assert PREVIEW_TEXT in panel.state_label.text()


def test_deleting_the_scenario_under_a_preview_leaves_no_stale_preview(
    panel: WhatIfPanel, demo_document: PlanDocument, undo: UndoController
) -> None:
    demo_document.set_current_scenario(3)
    panel.rows["asp_factor"].spin.setValue(15.0)
    panel.flush()
    undo.push(RemoveScenario("Delete scenario", 3))
    assert demo_document.current_scenario.id != 3
    assert demo_document.what_if(3) is None
    undo.stack.undo()  # the scenario comes back with its own numbers, not the old preview
    restored = demo_document.scenario_by_id(3)
    assert demo_document.shown_inputs(3) is restored.inputs


def test_dragging_a_slider_moves_the_dashboards_forecast_tile_and_chart(
    qtbot: QtBot, demo_document: PlanDocument
) -> None:
    from gtm_planner.ui.main_window import MainWindow

    window = MainWindow(demo_document)
    qtbot.addWidget(window)
    window.show()
    dashboard = window.dashboard
    line = dashboard.bookings_chart.forecast_line
    assert dashboard.data is not None
    tile_before = dashboard.data.tile("forecast_bookings").value
    chart_before = np.array(line.getData()[1], dtype=float)
    panel = window.what_if_panel
    window.action_by_id["what_if"].setChecked(True)
    choose_region(panel, EMEA)
    panel.rows["win_rate_factor"].slider.setValue(15)  # +15% win rate, as a drag does
    wait_for_preview(qtbot, demo_document)
    qtbot.waitUntil(lambda: dashboard.data is not None and dashboard.data.tile(
        "forecast_bookings").value != tile_before)  # fmt: skip
    assert dashboard.data is not None
    shown = dashboard.data.tile("forecast_bookings").value
    assert shown == forecast(demo_document) > tile_before
    chart_after = np.array(line.getData()[1], dtype=float)
    assert dashboard.bookings_chart.forecast_line is line  # updated, not rebuilt
    assert math.isclose(chart_after.sum(), shown, rel_tol=1e-12)
    assert not np.array_equal(chart_after, chart_before)


def test_a_reload_of_the_same_shape_keeps_the_preview_and_one_of_another_drops_it(
    qtbot: QtBot, panel: WhatIfPanel, demo_document: PlanDocument
) -> None:
    """Team mode reloads the plan when someone adds a scenario: the what-if goes on; when
    someone adds a region its positions mean something else, and it is dropped, saying why."""
    scenario_id = demo_document.current_scenario.id
    choose_region(panel, EMEA)
    panel.rows["asp_factor"].spin.setValue(10.0)
    panel.flush()
    stored = demo_document.plan.copy()
    clone = stored.plan_of_record.__class__(
        99, "Someone's clone", stored.scenarios[0].inputs.copy()
    )
    stored.scenarios.append(clone)
    stored.scenarios[0].inputs.win_rate[0, 0] = 0.45  # and a value of theirs came in
    demo_document.replace_plan(stored)
    panel.flush()
    shown = demo_document.shown_inputs(scenario_id)
    base = demo_document.scenario_by_id(scenario_id).inputs
    np.testing.assert_allclose(shown.asp[EMEA - 1], base.asp[EMEA - 1] * 1.1)
    assert shown.win_rate[0, 0] == 0.45  # over the plan as it is now
    assert PREVIEW_TEXT in panel.state_label.text() and "dropped" not in panel.message.text()

    elsewhere = PlanDocument(demo_document.plan.copy())  # another client adds a region
    nordics = demo_document.plan.regions[0].__class__(77, "Nordics")
    elsewhere.insert_region(len(elsewhere.plan.regions), nordics, {})
    grown = elsewhere.plan
    demo_document.replace_plan(grown)
    assert demo_document.what_if(scenario_id) is None
    assert "regions or budget lines changed" in panel.message.text()
