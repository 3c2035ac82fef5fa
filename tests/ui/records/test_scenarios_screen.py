"""Scenarios: clone, rename, delete, plan of record and snapshots, each one undo step."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import Qt

from gtm_planner.model.commands import RemoveRegion, SetValues
from gtm_planner.model.document import PlanDocument
from gtm_planner.ui.screens.scenarios import (
    ONE_SCENARIO_LEFT,
    PLAN_OF_RECORD,
    ScenariosScreen,
    ScenariosTableModel,
)
from gtm_planner.ui.undo import UndoController

CheckModel = Callable[..., None]
S = ScenariosTableModel


def cell(screen: ScenariosScreen, row: int, column: int) -> str:
    model = screen.scenarios_model
    return str(model.data(model.index(row, column), Qt.ItemDataRole.DisplayRole))


def select(screen: ScenariosScreen, name: str) -> None:
    scenario = screen.document.plan.scenario(name)
    screen.select_scenario(scenario.id)
    assert screen.selected_scenario() is scenario


def double_budget(document: PlanDocument, undo: UndoController, scenario_id: int) -> None:
    budget = document.scenario_by_id(scenario_id).inputs.budget
    cells = np.argwhere(np.ones_like(budget, dtype=bool))
    undo.push(SetValues("Double budget", scenario_id, "budget", cells, budget.ravel() * 2))


# --- Qt's model contract ---------------------------------------------------------------------


def test_scenarios_model_passes_the_model_tester_while_scenarios_change(
    check_model: CheckModel, scenarios_screen: ScenariosScreen, undo: UndoController
) -> None:
    check_model(scenarios_screen.scenarios_model)
    scenarios_screen.clone_selected()
    scenarios_screen.rename_selected("Board case")
    double_budget(scenarios_screen.document, undo, 1)
    scenarios_screen.delete_selected()
    undo.stack.undo()


def test_snapshots_model_passes_the_model_tester_while_snapshots_change(
    check_model: CheckModel, scenarios_screen: ScenariosScreen, undo: UndoController
) -> None:
    check_model(scenarios_screen.snapshots_model)
    scenarios_screen.take_snapshot("Board v2")
    undo.push(RemoveRegion("Remove LATAM", 4))
    undo.stack.undo()
    undo.stack.undo()


# --- scenarios -------------------------------------------------------------------------------


def test_clone_adds_an_equal_copy_after_it_and_undo_removes_it(
    scenarios_screen: ScenariosScreen, demo_document: PlanDocument, undo: UndoController
) -> None:
    scenarios = demo_document.plan.scenarios
    new_id = scenarios_screen.clone_selected()  # the scenario on screen: Baseline
    assert [s.name for s in scenarios] == [
        "Baseline",
        "Baseline copy",
        "Aggressive EMEA push",
        "Efficiency plan",
    ]
    clone = demo_document.scenario_by_id(new_id or -1)
    assert clone.inputs.equals(scenarios[0].inputs) and not clone.is_plan_of_record
    assert clone.inputs.budget is not scenarios[0].inputs.budget
    assert undo.stack.undoText() == "Clone scenario ‘Baseline’"
    assert scenarios_screen.selected_scenario() is clone
    assert cell(scenarios_screen, 1, S.FORECAST) == cell(scenarios_screen, 0, S.FORECAST)
    undo.stack.undo()
    assert [s.name for s in scenarios] == ["Baseline", "Aggressive EMEA push", "Efficiency plan"]
    assert scenarios_screen.scenarios_model.rowCount() == 3


def test_rename_to_another_scenarios_name_is_refused_with_a_message(
    scenarios_screen: ScenariosScreen, demo_document: PlanDocument, undo: UndoController
) -> None:
    select(scenarios_screen, "Efficiency plan")
    assert not scenarios_screen.rename_selected("baseline")
    assert "already a scenario named “Baseline”" in scenarios_screen.message.text()
    assert not scenarios_screen.rename_selected("   ")
    assert scenarios_screen.message.text() == "A scenario needs a name."
    assert demo_document.plan.scenarios[2].name == "Efficiency plan"
    assert undo.stack.count() == 0
    assert scenarios_screen.rename_selected("Lean plan")
    assert undo.stack.undoText() == "Rename scenario ‘Efficiency plan’ to ‘Lean plan’"
    undo.stack.undo()
    assert demo_document.plan.scenarios[2].name == "Efficiency plan"


def test_rename_asks_for_the_name_when_none_is_given(scenarios_screen: ScenariosScreen) -> None:
    asked: list[str] = []

    def answer(_parent: object, _title: str, _prompt: str, suggestion: str) -> str:
        asked.append(suggestion)
        return "Board case"

    scenarios_screen.ask_text = answer
    assert scenarios_screen.rename_selected()
    assert asked == ["Baseline"]
    assert cell(scenarios_screen, 0, S.NAME) == "Board case"


def test_the_last_scenario_cannot_be_deleted_and_the_button_says_why(
    scenarios_screen: ScenariosScreen, demo_document: PlanDocument, undo: UndoController
) -> None:
    button = scenarios_screen.buttons["delete"]
    for name in ("Aggressive EMEA push", "Efficiency plan"):
        select(scenarios_screen, name)
        assert button.isEnabled()
        assert scenarios_screen.delete_selected()
    assert undo.stack.undoText() == "Delete scenario ‘Efficiency plan’"
    assert [s.name for s in demo_document.plan.scenarios] == ["Baseline"]
    assert not button.isEnabled()
    assert button.toolTip() == ONE_SCENARIO_LEFT
    assert not scenarios_screen.delete_selected()
    assert ONE_SCENARIO_LEFT in scenarios_screen.message.text()
    assert len(demo_document.plan.scenarios) == 1


def test_delete_asks_first_and_no_means_nothing_changes(
    scenarios_screen: ScenariosScreen, demo_document: PlanDocument
) -> None:
    questions: list[str] = []

    def say_no(_parent: object, _title: str, question: str) -> bool:
        questions.append(question)
        return False

    scenarios_screen.confirm = say_no
    select(scenarios_screen, "Efficiency plan")
    assert not scenarios_screen.delete_selected()
    assert len(demo_document.plan.scenarios) == 3
    assert questions and "Efficiency plan" in questions[0]


def test_mark_plan_of_record_moves_the_star(
    scenarios_screen: ScenariosScreen, demo_document: PlanDocument, undo: UndoController
) -> None:
    assert [cell(scenarios_screen, r, S.PLAN_OF_RECORD) for r in range(3)] == [
        PLAN_OF_RECORD,
        "",
        "",
    ]
    select(scenarios_screen, "Aggressive EMEA push")
    assert scenarios_screen.mark_selected_plan_of_record()
    assert [cell(scenarios_screen, r, S.PLAN_OF_RECORD) for r in range(3)] == [
        "",
        PLAN_OF_RECORD,
        "",
    ]
    assert demo_document.plan.plan_of_record.name == "Aggressive EMEA push"
    assert undo.stack.undoText() == "Mark ‘Aggressive EMEA push’ plan of record"
    assert not scenarios_screen.buttons["plan_of_record"].isEnabled()
    undo.stack.undo()
    assert demo_document.plan.plan_of_record.name == "Baseline"


def test_deleting_the_plan_of_record_and_undoing_puts_the_star_back(
    scenarios_screen: ScenariosScreen, demo_document: PlanDocument, undo: UndoController
) -> None:
    assert scenarios_screen.delete_selected()  # Baseline, the plan of record
    assert demo_document.plan.plan_of_record.name == "Aggressive EMEA push"
    undo.stack.undo()
    assert [s.is_plan_of_record for s in demo_document.plan.scenarios] == [True, False, False]


def test_switch_to_shows_the_selected_scenario_on_screen(
    scenarios_screen: ScenariosScreen, demo_document: PlanDocument
) -> None:
    select(scenarios_screen, "Efficiency plan")
    assert scenarios_screen.buttons["switch"].isEnabled()
    scenarios_screen.switch_to_selected()
    assert demo_document.current_scenario.name == "Efficiency plan"
    assert not scenarios_screen.buttons["switch"].isEnabled()
    model = scenarios_screen.scenarios_model
    assert model.data(model.index(2, S.NAME), Qt.ItemDataRole.FontRole).bold()


# --- snapshots -------------------------------------------------------------------------------


def test_snapshot_does_not_follow_later_edits_of_its_scenario(
    scenarios_screen: ScenariosScreen, demo_document: PlanDocument, undo: UndoController
) -> None:
    before_kpis = {k: v.value for k, v in demo_document.kpis(1).items()}
    before_inputs = demo_document.scenario_by_id(1).inputs.copy()
    snapshot_id = scenarios_screen.take_snapshot("Board v2")
    assert undo.stack.undoText() == "Take snapshot ‘Board v2’"
    double_budget(demo_document, undo, 1)
    snapshot = next(s for s in demo_document.plan.snapshots if s.id == snapshot_id)
    assert snapshot.outputs == before_kpis
    assert snapshot.inputs.equals(before_inputs)
    assert demo_document.kpis(1)["sm_budget"].value == 2 * before_kpis["sm_budget"]
    assert (snapshot.name, snapshot.scenario_name) == ("Board v2", "Baseline")


def test_snapshot_name_must_be_new_and_non_empty(
    scenarios_screen: ScenariosScreen, demo_document: PlanDocument
) -> None:
    assert scenarios_screen.take_snapshot("board PRE-READ v1") is None
    assert scenarios_screen.take_snapshot(" ") is None
    assert len(demo_document.plan.snapshots) == 1
    assert "A snapshot needs a name." in scenarios_screen.message.text()


def test_restore_gives_a_new_scenario_with_the_snapshots_inputs(
    scenarios_screen: ScenariosScreen, demo_document: PlanDocument, undo: UndoController
) -> None:
    scenarios_screen.take_snapshot("Board v2")
    double_budget(demo_document, undo, 1)
    new_id = scenarios_screen.restore_selected_snapshot()
    restored = demo_document.scenario_by_id(new_id or -1)
    snapshot = demo_document.plan.snapshots[-1]
    assert restored.name == "Board v2 (restored)"
    assert restored.inputs.equals(snapshot.inputs)
    assert not restored.inputs.equals(demo_document.scenario_by_id(1).inputs)
    assert undo.stack.undoText() == "Restore snapshot ‘Board v2’ as a new scenario"
    undo.stack.undo()
    assert [s.name for s in demo_document.plan.scenarios][-1] == "Efficiency plan"


def test_restore_is_refused_once_the_plans_regions_changed(
    scenarios_screen: ScenariosScreen, demo_document: PlanDocument, undo: UndoController
) -> None:
    undo.push(RemoveRegion("Remove LATAM", 4))
    scenarios_screen.snapshots_table.select_row(0)
    assert scenarios_screen.buttons["restore"].toolTip().startswith("Cannot be restored: ")
    count = undo.stack.count()
    assert scenarios_screen.restore_selected_snapshot() is None
    assert undo.stack.count() == count and len(demo_document.plan.scenarios) == 3
    message = scenarios_screen.message.text()
    assert "cannot be restored" in message and "3 regions; the snapshot has 4" in message
    model = scenarios_screen.snapshots_model
    assert model.data(model.index(0, 3), Qt.ItemDataRole.DisplayRole) == "No: the plan changed"


def test_open_read_only_shows_the_selected_snapshot(scenarios_screen: ScenariosScreen) -> None:
    assert not scenarios_screen.buttons["open"].isEnabled()
    scenarios_screen.snapshots_table.select_row(0)
    assert scenarios_screen.buttons["open"].isEnabled()
    view = scenarios_screen.open_selected_snapshot()
    assert view is not None and view.isVisible()
    assert view.snapshot.name == "Board pre-read v1"
    view.close()
