"""Goals & SLA: goals tracked against the engine's own numbers, every edit undoable."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QComboBox, QLineEdit, QStyleOptionViewItem
from pytestqt.qtbot import QtBot

from gtm_planner.model.commands import SetValues
from gtm_planner.model.demo import build_demo_plan, build_large_plan
from gtm_planner.model.document import PlanDocument
from gtm_planner.model.engine import KPI_BY_KEY, Unit, compute_kpis
from gtm_planner.model.entities import Owner, SharedGoal
from gtm_planner.model.goals import format_goal_value
from gtm_planner.ui.screens.goals import (
    GoalsScreen,
    GoalsTableModel,
    SlaDriversModel,
    SlaTableModel,
)
from gtm_planner.ui.screens.records import OWNER_ROLE
from gtm_planner.ui.undo import UndoController

CheckModel = Callable[..., None]
G = GoalsTableModel
DISPLAY = Qt.ItemDataRole.DisplayRole


def text(model: GoalsTableModel | SlaTableModel | SlaDriversModel, row: int, column: int) -> str:
    return str(model.data(model.index(row, column), DISPLAY))


# --- Qt's model contract ---------------------------------------------------------------------


def test_goals_model_passes_the_model_tester_while_goals_change(
    check_model: CheckModel, goals_screen: GoalsScreen, demo_document: PlanDocument
) -> None:
    model = goals_screen.goals_model
    check_model(model)
    goals_screen.add_goal()
    model.setData(model.index(6, G.TARGET), "50M")
    goals_screen.goals_table.select_row(0)
    goals_screen.remove_selected_goal()
    demo_document.set_current_scenario(2)
    goals_screen.undo.stack.undo()


def test_sla_model_passes_the_model_tester_while_lines_change(
    check_model: CheckModel, goals_screen: GoalsScreen
) -> None:
    model = goals_screen.sla_model
    check_model(model)
    goals_screen.add_sla_line()
    model.setData(model.index(4, SlaTableModel.VALUE), "3")
    goals_screen.undo.stack.undo()
    goals_screen.undo.stack.undo()


def test_sla_drivers_model_passes_the_model_tester_while_scenario_switches(
    check_model: CheckModel, goals_screen: GoalsScreen, demo_document: PlanDocument
) -> None:
    check_model(goals_screen.drivers_model)
    demo_document.set_current_scenario(3)
    demo_document.inputs_changed(3)


# --- goals -----------------------------------------------------------------------------------


def test_goal_shows_the_engines_kpi_for_its_fiscal_year(
    goals_screen: GoalsScreen, demo_document: PlanDocument
) -> None:
    plan = demo_document.plan
    months = plan.calendar().fiscal_year == 2027
    for scenario_id in (1, 2):
        demo_document.set_current_scenario(scenario_id)
        inputs = demo_document.current_scenario.inputs
        kpis = compute_kpis(plan, inputs, demo_document.result(), months=months)
        for row, goal in enumerate(plan.goals):
            value = kpis[goal.metric].value
            assert goals_screen.goals_model.tracking(goal.id).actual == value
            shown = format_goal_value(value, KPI_BY_KEY[goal.metric].unit, "USD")
            assert text(goals_screen.goals_model, row, G.PLAN) == shown
        assert text(goals_screen.goals_model, 0, G.PLAN) == (
            f"${kpis['forecast_bookings'].value / 1e6:,.1f}M"
        )


def test_goal_status_follows_an_edit_of_the_scenario(
    goals_screen: GoalsScreen, demo_document: PlanDocument, undo: UndoController
) -> None:
    model = goals_screen.goals_model
    actual = model.tracking(1).actual  # New-business bookings (forecast)
    model.setData(model.index(0, G.TARGET), f"{actual * 0.99:.0f}")
    assert text(model, 0, G.STATUS) == "Met"
    budget = demo_document.current_scenario.inputs.budget
    demand_creation = demo_document.plan.demand_creation_mask()
    cells = np.argwhere(np.broadcast_to(demand_creation[:, None, None], budget.shape))
    undo.push(SetValues("No programs", 1, "budget", cells, np.zeros(len(cells))))
    assert model.tracking(1).actual < actual * 0.99
    assert text(model, 0, G.STATUS) == "Behind"
    assert model.data(model.index(0, G.STATUS), Qt.ItemDataRole.ForegroundRole) == QColor(
        "#9a3412"
    )
    assert text(model, 0, G.GAP).endswith(" short")


def test_cac_goal_reads_met_when_the_plans_cac_is_lower(goals_screen: GoalsScreen) -> None:
    model = goals_screen.goals_model
    row = next(i for i, g in enumerate(model.records()) if g.metric == "blended_cac")
    actual = model.tracking(model.record_at(row).id).actual
    model.setData(model.index(row, G.TARGET), f"{actual * 1.1:.0f}")
    assert text(model, row, G.STATUS) == "Met"
    assert text(model, row, G.GAP).endswith(" ahead")
    model.setData(model.index(row, G.TARGET), f"{actual * 0.9:.0f}")
    assert text(model, row, G.STATUS) == "Behind"


def test_add_edit_remove_a_goal_and_undo_each_step(
    goals_screen: GoalsScreen, demo_document: PlanDocument, undo: UndoController
) -> None:
    goals = demo_document.plan.goals
    goal_id = goals_screen.add_goal()
    assert [g.id for g in goals][-1] == goal_id and len(goals) == 7
    assert undo.stack.undoText() == "Add goal ‘New goal’"
    model = goals_screen.goals_model
    assert model.setData(model.index(6, G.NAME), "Partner deal registrations")
    assert model.setData(model.index(6, G.OWNER), Owner.CRO.value)
    assert model.setData(model.index(6, G.TARGET), "$52.5M")
    assert goals[6].value == 52_500_000 and goals[6].owner is Owner.CRO
    assert text(model, 6, G.TARGET) == "$52.5M"
    assert undo.stack.undoText() == "Change target of goal ‘Partner deal registrations’"
    goals_screen.goals_table.select_row(6)
    assert goals_screen.remove_selected_goal()
    assert len(goals) == 6
    undo.stack.undo()  # the removal
    assert goals[6].name == "Partner deal registrations" and goals[6].value == 52_500_000
    undo.stack.undo()  # the target
    assert goals[6].value != 52_500_000
    for _ in range(3):
        undo.stack.undo()
    assert len(goals) == 6 and model.rowCount() == 6


def test_a_goal_value_that_is_not_a_number_is_refused_with_a_message(
    goals_screen: GoalsScreen, demo_document: PlanDocument, undo: UndoController
) -> None:
    model = goals_screen.goals_model
    before = demo_document.plan.goals[0].value
    assert not model.setData(model.index(0, G.TARGET), "a lot")
    assert demo_document.plan.goals[0].value == before
    assert undo.stack.count() == 0
    assert not goals_screen.message.isHidden()
    assert "“a lot” is not a number" in goals_screen.message.text()
    assert "New-business bookings" in goals_screen.message.text()


def test_a_percent_goal_is_typed_in_percent(goals_screen: GoalsScreen) -> None:
    model = goals_screen.goals_model
    row = next(i for i, g in enumerate(model.records()) if g.metric == "marketing_sourced_share")
    assert model.data(model.index(row, G.TARGET), Qt.ItemDataRole.EditRole) == "40%"
    assert model.setData(model.index(row, G.TARGET), "45")
    assert model.record_at(row).value == pytest.approx(0.45)
    assert text(model, row, G.TARGET) == "45.0%"
    assert not model.setData(model.index(row, G.TARGET), "140")
    assert "between 0% and 100%" in goals_screen.message.text()


def test_a_fiscal_year_outside_the_plan_is_refused(goals_screen: GoalsScreen) -> None:
    model = goals_screen.goals_model
    assert not model.setData(model.index(0, G.YEAR), 2031)
    assert "FY2031" in goals_screen.message.text() and "FY2027" in goals_screen.message.text()


def test_changing_the_metric_to_another_unit_restarts_the_target_from_the_plan(
    goals_screen: GoalsScreen, undo: UndoController
) -> None:
    model = goals_screen.goals_model
    assert model.setData(model.index(0, G.METRIC), "marketing_sourced_share")
    goal = model.record_at(0)
    assert goal.metric == "marketing_sourced_share"
    assert goal.value == pytest.approx(model.tracking(goal.id).actual, abs=0.0005)
    undo.stack.undo()  # one step undoes both
    assert (goal.metric, goal.value) == ("forecast_bookings", 45_000_000)


def test_owner_reads_cro_cmo_joint_and_carries_the_owner_for_the_chip(
    goals_screen: GoalsScreen,
) -> None:
    model = goals_screen.goals_model
    owners = [text(model, row, G.OWNER) for row in range(model.rowCount())]
    assert owners == ["Joint", "CMO", "CRO", "Joint", "CRO", "CMO"]
    assert model.data(model.index(0, G.OWNER), OWNER_ROLE) == "joint"
    assert not model.setData(model.index(0, G.OWNER), "CFO")


# --- SLA -------------------------------------------------------------------------------------


def test_add_edit_remove_an_sla_line_and_undo(
    goals_screen: GoalsScreen, demo_document: PlanDocument, undo: UndoController
) -> None:
    sla = demo_document.plan.sla
    goals_screen.add_sla_line()
    model = goals_screen.sla_model
    assert model.setData(model.index(4, SlaTableModel.NAME), "Lead recycling")
    assert model.setData(model.index(4, SlaTableModel.VALUE), "90%")
    assert model.setData(model.index(4, SlaTableModel.UNIT), "share of rejected MQLs")
    assert (sla[4].name, sla[4].value, sla[4].unit) == (
        "Lead recycling",
        0.9,
        "share of rejected MQLs",
    )
    assert not model.setData(model.index(4, SlaTableModel.VALUE), "soon")
    assert not model.setData(model.index(4, SlaTableModel.NAME), "  ")
    assert sla[4].value == 0.9
    goals_screen.sla_table.select_row(4)
    goals_screen.remove_selected_sla_line()
    assert len(sla) == 4
    undo.stack.undo()
    assert sla[4].name == "Lead recycling"


def test_sla_drivers_show_each_regions_follow_up_and_sqls_by_quarter(
    goals_screen: GoalsScreen, demo_document: PlanDocument
) -> None:
    model = goals_screen.drivers_model
    plan, result = demo_document.plan, demo_document.result()
    m = plan.marketing_source_index()
    assert model.rowCount() == len(plan.regions) + 1
    assert text(model, 0, 0) == "North America" and text(model, 0, 1) == "85%"
    assert text(model, 2, 2) == "36 h"
    sqls = result.reverse.sqls[:, m, :]
    q1 = model.sqls(0)[1]  # North America, first quarter: months 0, 1, 2
    assert q1 == pytest.approx(sqls[0, 0] + sqls[0, 1] + sqls[0, 2])
    total_row = model.sqls(model.rowCount() - 1)
    assert total_row[-1] == pytest.approx(float(sqls.sum()))
    assert text(model, model.rowCount() - 1, 0) == "All regions"


def test_owner_and_metric_are_picked_from_a_list_in_the_cell(
    goals_screen: GoalsScreen, demo_document: PlanDocument, undo: UndoController
) -> None:
    table, model = goals_screen.goals_table, goals_screen.goals_model
    picks: list[tuple[int, str, Callable[[], bool]]] = [
        (G.OWNER, "CMO", lambda: demo_document.plan.goals[0].owner is Owner.CMO),
        (G.METRIC, "Won deals", lambda: demo_document.plan.goals[0].metric == "won_deals"),
    ]
    for column, pick, check in picks:
        index = model.index(0, column)
        delegate = table.itemDelegateForIndex(index)
        editor = delegate.createEditor(table.viewport(), QStyleOptionViewItem(), index)
        assert isinstance(editor, QComboBox)
        delegate.setEditorData(editor, index)
        editor.setCurrentIndex(editor.findText(pick))
        delegate.setModelData(editor, model, index)
        assert check()
        editor.deleteLater()
    assert undo.stack.count() == 2


def test_typing_a_target_into_the_cell_and_pressing_enter_stores_it(
    qtbot: QtBot, goals_screen: GoalsScreen, demo_document: PlanDocument
) -> None:
    goals_screen.show()
    qtbot.waitExposed(goals_screen)
    table = goals_screen.goals_table
    index = goals_screen.goals_model.index(0, G.TARGET)
    table.setCurrentIndex(index)
    table.edit(index)
    editor = table.focusWidget()
    assert isinstance(editor, QLineEdit)
    assert editor.text() == "45,000,000"
    editor.setText("$48.5M")
    QTest.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: demo_document.plan.goals[0].value == 48_500_000)  # commit is queued
    assert goals_screen.undo.stack.undoText() == "Change target of goal ‘New-business bookings’"


def test_a_read_only_plan_offers_no_edits(qtbot: QtBot) -> None:
    document = PlanDocument(build_demo_plan(), read_only=True)
    screen = GoalsScreen(document, UndoController(document))
    qtbot.addWidget(screen)
    model = screen.goals_model
    assert not model.flags(model.index(0, G.TARGET)) & Qt.ItemFlag.ItemIsEditable
    assert not any(button.isEnabled() for button in screen.buttons.values())
    assert not model.setData(model.index(0, G.TARGET), "50M")
    assert "read-only" in screen.message.text()
    assert document.plan.goals[0].value == 45_000_000


def test_a_goal_for_the_second_fiscal_year_shows_that_years_number_only(qtbot: QtBot) -> None:
    plan = build_large_plan(regions=4, months=24, lines=12, scenarios=1)
    plan.goals = [SharedGoal(1, "FY28 bookings", "forecast_bookings", Owner.JOINT, 2028, 1e6)]
    document = PlanDocument(plan)
    screen = GoalsScreen(document, UndoController(document))
    qtbot.addWidget(screen)
    inputs, result = plan.scenarios[0].inputs, document.result()
    fy2028 = compute_kpis(plan, inputs, result, months=plan.calendar().fiscal_year == 2028)
    whole_plan = compute_kpis(plan, inputs, result)["forecast_bookings"].value
    actual = screen.goals_model.tracking(1).actual
    assert actual == fy2028["forecast_bookings"].value
    assert actual < 0.75 * whole_plan  # one year of two, not the horizon
    assert text(screen.goals_model, 0, G.PLAN) == format_goal_value(actual, Unit.MONEY, "USD")
