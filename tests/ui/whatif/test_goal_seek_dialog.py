"""Goal seek: the answer and its effect are shown first; Apply is one undo step."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QAbstractItemModel

from gtm_planner.model.document import PlanDocument
from gtm_planner.model.engine import compute_scenario
from gtm_planner.model.formatting import money
from gtm_planner.model.solve import GoalSeekInput, goal_seek
from gtm_planner.ui.answer_tables import RAW_VALUE_ROLE
from gtm_planner.ui.solve_dialogs import GoalSeekDialog
from gtm_planner.ui.undo import UndoController

from .conftest import EMEA, FY, LATAM

BUDGET = GoalSeekInput.DEMAND_CREATION_BUDGET


def raw(model: QAbstractItemModel, row: int, column: int) -> object:
    return model.data(model.index(row, column), RAW_VALUE_ROLE)


def test_solving_shows_goal_seeks_answer_and_applies_nothing(
    goal_seek_dialog: GoalSeekDialog, demo_document: PlanDocument, undo: UndoController,
    check_model: Callable[..., None],
) -> None:  # fmt: skip
    scenario = demo_document.current_scenario
    saved = scenario.inputs.copy()
    goal_seek_dialog.choose(BUDGET, LATAM, FY)
    goal_seek_dialog.solve_button.click()

    expected = goal_seek(demo_document.plan, scenario, BUDGET, FY, LATAM)
    assert expected.reachable and expected.solved_value is not None
    assert money(expected.solved_value, "USD") in goal_seek_dialog.headline.text()
    assert money(expected.current_value, "USD") in goal_seek_dialog.headline.text()
    effect = goal_seek_dialog.effect_model
    assert raw(effect, 1, 1) == expected.forecast_before
    assert raw(effect, 1, 2) == expected.forecast_after
    assert raw(effect, 2, 1) == expected.gap_before
    assert raw(effect, 2, 2) == expected.gap_after
    regions = goal_seek_dialog.region_model
    assert regions.rowCount() == len(expected.per_region) == 1
    assert raw(regions, 0, 2) == expected.per_region[0].solved
    kpis = goal_seek_dialog.kpi_model
    assert kpis.rowCount() == len(expected.kpi_changes) > 0
    for row, change in enumerate(expected.kpi_changes):
        assert kpis.data(kpis.index(row, 0)) == change.label
        assert raw(kpis, row, 2) == change.after
    for model in (effect, regions, kpis):
        check_model(model)
    assert scenario.inputs.equals(saved)  # nothing applied yet
    assert undo.stack.count() == 0
    assert goal_seek_dialog.apply_button.isEnabled()


def test_apply_closes_the_gap_within_a_hundredth_of_a_percent_and_undo_restores(
    goal_seek_dialog: GoalSeekDialog, demo_document: PlanDocument, undo: UndoController
) -> None:
    scenario = demo_document.current_scenario
    saved = scenario.inputs.copy()
    goal_seek_dialog.choose(BUDGET, LATAM, FY)
    goal_seek_dialog.solve()
    goal_seek_dialog.apply_button.click()
    assert undo.stack.count() == 1
    assert not goal_seek_dialog.apply_button.isEnabled()  # the answer cannot go in twice

    # Fed back through the engine: LATAM's FY forecast now meets its target.
    result = compute_scenario(demo_document.plan, scenario.inputs)
    target = result.reverse.target[LATAM - 1].sum()
    forecast = result.forward.forecast[LATAM - 1].sum()
    assert abs(forecast - target) <= 1e-4 * target
    lines = demo_document.plan.demand_creation_mask()
    assert scenario.inputs.budget[lines, LATAM - 1].sum() > saved.budget[lines, LATAM - 1].sum()

    undo.stack.undo()
    assert scenario.inputs.equals(saved)


def test_an_unreachable_case_shows_the_reason_and_apply_is_disabled(
    goal_seek_dialog: GoalSeekDialog, demo_document: PlanDocument, undo: UndoController
) -> None:
    scenario = demo_document.current_scenario
    saved = scenario.inputs.copy()
    goal_seek_dialog.choose(GoalSeekInput.AE_HIRES, EMEA, FY)  # EMEA is short of pipeline
    goal_seek_dialog.solve()
    expected = goal_seek(demo_document.plan, scenario, GoalSeekInput.AE_HIRES, FY, EMEA)
    assert not expected.reachable
    assert goal_seek_dialog.message.isVisible()
    assert expected.reason in goal_seek_dialog.message.text()
    assert "no allowed value closes the gap" in goal_seek_dialog.headline.text()
    assert not goal_seek_dialog.apply_button.isEnabled()
    assert not goal_seek_dialog.apply()
    assert scenario.inputs.equals(saved)
    assert undo.stack.count() == 0


def test_changing_a_choice_clears_the_answer(goal_seek_dialog: GoalSeekDialog) -> None:
    goal_seek_dialog.choose(BUDGET, LATAM, FY)
    goal_seek_dialog.solve()
    assert goal_seek_dialog.apply_button.isEnabled()
    goal_seek_dialog.choose(GoalSeekInput.MARKETING_WIN_RATE, LATAM, FY)
    assert goal_seek_dialog.answer is None
    assert not goal_seek_dialog.apply_button.isEnabled()
    assert goal_seek_dialog.effect_model.rowCount() == 0


def test_all_regions_and_every_input_answer_or_explain(
    goal_seek_dialog: GoalSeekDialog, demo_document: PlanDocument
) -> None:
    for what in GoalSeekInput:
        goal_seek_dialog.choose(what, None, FY)
        result = goal_seek_dialog.solve()
        assert result is not None
        expected = goal_seek(demo_document.plan, demo_document.current_scenario, what, FY)
        assert result.reachable == expected.reachable
        assert goal_seek_dialog.apply_button.isEnabled() == expected.reachable
        assert goal_seek_dialog.region_model.rowCount() == len(expected.per_region)
        assert goal_seek_dialog.message.isVisible() != expected.reachable


def test_a_read_only_plan_shows_the_answer_but_cannot_apply_it(
    goal_seek_dialog: GoalSeekDialog, demo_document: PlanDocument
) -> None:
    demo_document.read_only = True
    goal_seek_dialog.choose(BUDGET, LATAM, FY)
    goal_seek_dialog.solve()
    assert goal_seek_dialog.effect_model.rowCount() == 3
    assert not goal_seek_dialog.apply_button.isEnabled()
    assert "read-only" in goal_seek_dialog.message.text()
    assert np.isfinite(float(str(raw(goal_seek_dialog.effect_model, 1, 2))))
