"""The grid model: Qt's contract, edits through the undo stack, refusals that change nothing."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from gtm_planner.model.commands import Command, SetValues
from gtm_planner.model.demo import build_demo_plan
from gtm_planner.model.document import PlanDocument
from gtm_planner.ui.grid import GridModel, GridSpec, PlanGrid
from gtm_planner.ui.grid.edits import plan_paste
from gtm_planner.ui.grid.model import EDIT_TEXT_ROLE, READ_ONLY_FILL
from gtm_planner.ui.screens.budget import budget_spec
from gtm_planner.ui.screens.capacity import capacity_spec, hires_spec, team_spec
from gtm_planner.ui.screens.funnel import assumptions_spec, needs_spec, response_spec
from gtm_planner.ui.screens.targets import (
    annual_target_spec,
    monthly_target_spec,
    seasonality_spec,
)
from gtm_planner.ui.undo import UndoController

from .helpers import column_of, raw, row_of, shown

CheckModel = Callable[..., None]
EDIT = Qt.ItemDataRole.EditRole
EMEA_ROW = 1
Builder = Callable[[PlanDocument], GridSpec]

BUILDERS: dict[str, Builder] = {
    "annual targets": annual_target_spec,
    "seasonality": seasonality_spec,
    "monthly targets": monthly_target_spec,
    "funnel per region": partial(assumptions_spec, per_source=False),
    "funnel per source": partial(assumptions_spec, per_source=True),
    "marketing response": response_spec,
    "funnel needs": needs_spec,
    "budget, all regions": budget_spec,
    "budget, EMEA only": partial(budget_spec, region_id=2),
    "sales team": team_spec,
    "AE hires": hires_spec,
    "capacity vs target": capacity_spec,
}


@pytest.mark.parametrize("name", BUILDERS)
def test_every_grid_passes_qts_model_tester_through_an_edit_and_a_scenario_switch(
    check_model: CheckModel, demo_document: PlanDocument, undo: UndoController, name: str
) -> None:
    model = GridModel(demo_document, undo, BUILDERS[name])
    check_model(model, force_py=True)
    assert model.rowCount() > 0 and model.columnCount() > 0
    demo_document.current_scenario.inputs.win_rate[1, 0] = 0.3
    demo_document.values_changed.emit(demo_document.current_scenario.id, "win_rate")
    demo_document.inputs_changed(demo_document.current_scenario.id)
    demo_document.set_current_scenario(2)


@pytest.mark.parametrize("name", ["budget, all regions", "funnel per region"])
def test_grids_pass_qts_cpp_model_tester(
    check_model: CheckModel, demo_document: PlanDocument, undo: UndoController, name: str
) -> None:
    check_model(GridModel(demo_document, undo, BUILDERS[name]))


def funnel_model(document: PlanDocument, undo: UndoController, per_source: bool) -> GridModel:
    return GridModel(document, undo, partial(assumptions_spec, per_source=per_source))


def test_a_good_edit_pushes_exactly_one_set_values_named_after_the_cell(
    demo_document: PlanDocument, undo: UndoController
) -> None:
    model = funnel_model(demo_document, undo, per_source=True)
    row, column = row_of(model, "EMEA · Marketing"), column_of(model, "Win rate")
    assert model.setData(model.index(row, column), "30%", EDIT)
    assert undo.stack.count() == 1
    assert undo.stack.text(0) == "Edit Win rate (EMEA / Marketing)"
    assert demo_document.current_scenario.inputs.win_rate[1, 0] == pytest.approx(0.30)
    assert shown(model, row, column) == "30.0%"
    assert model.index(row, column).data(EDIT) == pytest.approx(30.0)  # user units
    undo.stack.undo()
    assert demo_document.current_scenario.inputs.win_rate[1, 0] == pytest.approx(0.24)
    assert shown(model, row, column) == "24.0%"


def test_the_command_on_the_stack_is_a_single_set_values(
    demo_document: PlanDocument, undo: UndoController
) -> None:
    pushed: list[Command] = []
    original = undo.push

    def recording(command: Command) -> None:
        pushed.append(command)
        original(command)

    undo.push = recording  # type: ignore[method-assign]
    model = GridModel(demo_document, undo, annual_target_spec)
    model.setData(model.index(row_of(model, "EMEA"), 0), "15,000,000", EDIT)
    assert len(pushed) == 1 and isinstance(pushed[0], SetValues)
    assert pushed[0].field == "annual_target"
    assert pushed[0].cells.tolist() == [[1, 0]]
    assert pushed[0].values.tolist() == [15_000_000.0]


@pytest.mark.parametrize(
    ("builder", "row_title", "column_title", "typed", "says"),
    [
        (partial(assumptions_spec, per_source=True), "EMEA · Marketing", "Win rate", "150%",
         "Win rate (EMEA / Marketing): '150%' is not a percentage above 0% and at most 100%."),
        (budget_spec, "Paid digital · EMEA", "Mar 2027", "-5",
         "Budget (Paid digital / EMEA / Mar 2027): '-5' is not an amount of 0 or more."),
        (team_spec, "APAC", "Ramp (months)", "2.5",
         "Ramp (APAC): '2.5' is not a whole number of months from 0 to 36."),
    ],
)  # fmt: skip
def test_bad_input_changes_nothing_and_says_what_is_allowed(
    qtbot: QtBot,
    demo_document: PlanDocument,
    undo: UndoController,
    builder: Builder,
    row_title: str,
    column_title: str,
    typed: str,
    says: str,
) -> None:
    before = demo_document.current_scenario.inputs.copy()
    model = GridModel(demo_document, undo, builder)
    row, column = row_of(model, row_title), column_of(model, column_title)
    text_before = shown(model, row, column)
    with qtbot.waitSignal(model.message) as message:
        assert not model.setData(model.index(row, column), typed, EDIT)
    assert message.args is not None
    assert message.args[0].startswith(says)
    assert undo.stack.count() == 0
    assert demo_document.current_scenario.inputs.equals(before)
    assert shown(model, row, column) == text_before


def test_a_per_region_cell_over_differing_sources_shows_their_mix_weighted_average(
    demo_document: PlanDocument, undo: UndoController
) -> None:
    model = funnel_model(demo_document, undo, per_source=False)
    row, column = row_of(model, "EMEA"), column_of(model, "Win rate")
    # EMEA mix 40/25/20/15 over win rates 24/20/30/28%: independent arithmetic.
    expected = 0.40 * 0.24 + 0.25 * 0.20 + 0.20 * 0.30 + 0.15 * 0.28
    assert raw(model, row, column) == pytest.approx(expected)
    assert model.varies(row, column)
    assert model.index(row, column).data(Qt.ItemDataRole.FontRole).italic()
    assert "Sources differ: Marketing 24.0%" in model.index(row, column).data(
        Qt.ItemDataRole.ToolTipRole
    )


def test_typing_into_a_per_region_cell_sets_every_source_of_the_region(
    demo_document: PlanDocument, undo: UndoController
) -> None:
    model = funnel_model(demo_document, undo, per_source=False)
    row, column = row_of(model, "EMEA"), column_of(model, "Win rate")
    assert model.setData(model.index(row, column), "30", EDIT)
    inputs = demo_document.current_scenario.inputs
    assert inputs.win_rate[1].tolist() == pytest.approx([0.3] * 4)
    assert inputs.win_rate[0, 0] == pytest.approx(0.24)  # another region untouched
    assert undo.stack.text(0) == "Edit Win rate (EMEA / all sources)"
    assert not model.varies(row, column)
    undo.stack.undo()
    assert inputs.win_rate[1].tolist() == pytest.approx([0.24, 0.20, 0.30, 0.28])


def test_calculated_and_total_cells_are_grey_or_blue_and_not_editable(
    demo_document: PlanDocument, undo: UndoController
) -> None:
    model = GridModel(demo_document, undo, annual_target_spec)
    emea, total = row_of(model, "EMEA"), row_of(model, "All regions")
    fy, q1 = column_of(model, "FY2027 target"), column_of(model, "FY27 Q1")
    editable = Qt.ItemFlag.ItemIsEditable
    assert model.flags(model.index(emea, fy)) & editable
    assert not model.flags(model.index(emea, q1)) & editable
    assert not model.flags(model.index(total, fy)) & editable
    assert model.index(emea, q1).data(Qt.ItemDataRole.BackgroundRole) == READ_ONLY_FILL
    assert model.index(emea, fy).data(Qt.ItemDataRole.BackgroundRole) is None
    assert shown(model, total, fy) == "$45,000,000"  # 24 + 12 + 6 + 3 million
    assert "Allowed: an amount of 0 or more" in model.index(emea, fy).data(
        Qt.ItemDataRole.ToolTipRole
    )
    assert "= annual target × the quarter's" in model.index(emea, q1).data(
        Qt.ItemDataRole.ToolTipRole
    )
    assert not model.setData(model.index(emea, q1), "1", EDIT)
    assert undo.stack.count() == 0


def test_an_editor_opens_with_the_value_in_user_units(
    demo_document: PlanDocument, undo: UndoController
) -> None:
    model = funnel_model(demo_document, undo, per_source=True)
    index = model.index(row_of(model, "EMEA · Marketing"), column_of(model, "Win rate"))
    assert index.data(EDIT_TEXT_ROLE) == "24%"
    assert index.data(EDIT) == pytest.approx(24.0)


def test_an_edit_repaints_the_edited_column_and_the_calculated_ones(
    qtbot: QtBot, demo_document: PlanDocument, undo: UndoController
) -> None:
    model = GridModel(demo_document, undo, annual_target_spec)
    changed: list[tuple[int, int, int, int]] = []
    model.dataChanged.connect(
        lambda a, b, _roles=None: changed.append((a.row(), a.column(), b.row(), b.column()))
    )
    model.setData(model.index(1, 0), "15000000", EDIT)
    last_row, last_column = model.rowCount() - 1, model.columnCount() - 1
    assert (0, 0, last_row, 0) in changed  # the FY2027 target column, total row included
    assert (0, 1, last_row, last_column) in changed  # the quarters the engine derives


def test_the_model_follows_the_current_scenario(
    demo_document: PlanDocument, undo: UndoController
) -> None:
    model = GridModel(demo_document, undo, annual_target_spec)
    emea = row_of(model, "EMEA")
    assert shown(model, emea, 0) == "$12,000,000"
    demo_document.set_current_scenario(2)  # "Aggressive EMEA push": EMEA target +35%
    assert shown(model, emea, 0) == "$16,200,000"


def test_a_read_only_plan_shows_every_cell_but_edits_none(qtbot: QtBot) -> None:
    document = PlanDocument(build_demo_plan(), read_only=True)
    undo = UndoController(document)
    model = GridModel(document, undo, budget_spec)
    index = model.index(row_of(model, "Paid digital · EMEA"), 0)
    assert not model.flags(index) & Qt.ItemFlag.ItemIsEditable
    with qtbot.waitSignal(model.message) as said:
        assert not model.setData(index, "1000", EDIT)
    assert said.args == ["This plan is open read-only: nothing in it can be changed here."]
    assert undo.stack.count() == 0


def test_a_paste_into_a_read_only_plan_says_so_once(qtbot: QtBot) -> None:
    document = PlanDocument(build_demo_plan(), read_only=True)
    model = GridModel(document, UndoController(document), budget_spec)
    top = row_of(model, "Paid digital · EMEA")
    plan = plan_paste(model, top, 0, [["1", "2", "3"], ["4", "5", "6"]])
    assert plan.problems == ["This plan is open read-only: nothing in it can be changed here"]
    assert plan.edits == []


def test_the_large_budget_grid_evaluates_only_what_is_painted(
    qtbot: QtBot, large_budget_grid: PlanGrid
) -> None:
    model = large_budget_grid.grid_model
    calls = 0
    original = model.value

    def counting(row: int, column: int) -> float:
        nonlocal calls
        calls += 1
        return original(row, column)

    model.value = counting  # type: ignore[method-assign]
    index = model.index(row_of(model, "Paid digital · EMEA 1"), 0)
    assert model.setData(index, "12,345", EDIT)
    large_budget_grid.viewport().repaint()
    cells = model.rowCount() * model.columnCount()
    assert cells > 50_000
    assert calls < 3_000, f"{calls} cells evaluated for one edit of a {cells}-cell grid"
    assert model.document.current_scenario.inputs.budget[7, 1, 0] == 12_345.0


def test_a_recalculation_the_document_announces_reaches_the_derived_cells(
    demo_document: PlanDocument, undo: UndoController
) -> None:
    model = GridModel(demo_document, undo, annual_target_spec)
    emea, q1 = row_of(model, "EMEA"), column_of(model, "FY27 Q1")
    assert shown(model, emea, q1) == "$2,640,000"  # painted once: cached
    demo_document.current_scenario.inputs.annual_target[EMEA_ROW, 0] = 20_000_000.0
    demo_document.inputs_changed(demo_document.current_scenario.id)
    assert shown(model, emea, q1) == "$4,400,000"  # 20M × 22%
