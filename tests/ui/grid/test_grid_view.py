"""The grid as a spreadsheet: paste from Excel, fill, copy, clear, type, move with the keys."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from gtm_planner.model.document import PlanDocument
from gtm_planner.ui.grid import PlanGrid
from gtm_planner.ui.screens.budget import BudgetScreen
from gtm_planner.ui.screens.funnel import FunnelScreen
from gtm_planner.ui.undo import UndoController

from .helpers import column_of, row_of, shown

PAID_DIGITAL, NORTH_AMERICA, EMEA = 7, 0, 1
CTRL = Qt.KeyboardModifier.ControlModifier
EXCEL_RANGE = (  # 4 regions × 3 months, as Excel copies them (CRLF, thousands separators)
    "10,000\t11,000\t12,000\r\n"
    "20,000\t21,000\t22,000\r\n"
    "$30,000\t31000\t32000\r\n"
    "40,000\t41,000\t$42K\r\n"
)


@pytest.fixture
def budget_screen(qtbot: QtBot, demo_document: PlanDocument, undo: UndoController) -> BudgetScreen:
    screen = BudgetScreen(demo_document, undo)
    qtbot.addWidget(screen)
    screen.resize(1600, 1000)
    screen.show()
    qtbot.waitExposed(screen)
    return screen


@pytest.fixture
def funnel_screen(qtbot: QtBot, demo_document: PlanDocument, undo: UndoController) -> FunnelScreen:
    screen = FunnelScreen(demo_document, undo)
    qtbot.addWidget(screen)
    screen.resize(1600, 1000)
    screen.show()
    qtbot.waitExposed(screen)
    return screen


def go_to(grid: PlanGrid, row_title: str, column_title: str) -> None:
    model = grid.grid_model
    grid.setFocus()
    grid.setCurrentIndex(model.index(row_of(model, row_title), column_of(model, column_title)))


def select(grid: PlanGrid, top: int, left: int, bottom: int, right: int) -> None:
    model = grid.grid_model
    grid.setCurrentIndex(model.index(top, left))
    grid.selectionModel().select(
        QItemSelection(model.index(top, left), model.index(bottom, right)),
        QItemSelectionModel.SelectionFlag.ClearAndSelect,
    )


def test_paste_of_a_4x3_excel_range_into_the_budget_grid_sets_12_cells_in_one_undo_step(
    qtbot: QtBot, budget_screen: BudgetScreen, demo_document: PlanDocument, undo: UndoController
) -> None:
    grid = budget_screen.grid
    budget = demo_document.current_scenario.inputs.budget
    before = budget.copy()
    go_to(grid, "Paid digital · North America", "Jan 2027")
    QGuiApplication.clipboard().setText(EXCEL_RANGE)
    QTest.keyClick(grid, Qt.Key.Key_V, CTRL)
    assert undo.stack.count() == 1
    assert undo.stack.text(0) == "Paste 12 cells"
    expected = [[10_000, 11_000, 12_000], [20_000, 21_000, 22_000],
                [30_000, 31_000, 32_000], [40_000, 41_000, 42_000]]  # fmt: skip
    assert budget[PAID_DIGITAL, :, :3].tolist() == expected
    assert np.array_equal(budget[:, :, 3:], before[:, :, 3:])  # nothing else moved
    model = grid.grid_model
    assert shown(model, row_of(model, "Paid digital · APAC"), 2) == "$32,000"
    assert grid.selectionModel().selectedIndexes().__len__() == 12
    undo.stack.undo()
    assert np.array_equal(budget, before)


def test_paste_containing_text_in_a_money_cell_is_rejected_whole_with_a_message_and_changes_nothing(  # noqa: E501
    qtbot: QtBot, budget_screen: BudgetScreen, demo_document: PlanDocument, undo: UndoController
) -> None:
    grid = budget_screen.grid
    before = demo_document.current_scenario.inputs.copy()
    go_to(grid, "Paid digital · North America", "Jan 2027")
    assert not grid.paste_text(EXCEL_RANGE.replace("21,000", "abc"))
    assert undo.stack.count() == 0
    assert demo_document.current_scenario.inputs.equals(before)
    message = budget_screen.message_bar.text()
    assert message.startswith("Paste refused, nothing changed: ")
    assert "Row 'Paid digital · EMEA', column 'Feb 2027': 'abc' is not an amount of 0 or more" in (
        message
    )
    assert budget_screen.message_bar.isVisible()


def test_a_paste_that_would_hit_a_total_row_or_run_off_the_grid_is_refused(
    budget_screen: BudgetScreen, undo: UndoController
) -> None:
    grid = budget_screen.grid
    go_to(grid, "Paid digital · LATAM", "Jan 2027")  # the next row is a total
    assert not grid.paste_text("1\n2\n")
    assert "is calculated, not typed in" in budget_screen.message_bar.text()
    go_to(grid, "Paid digital · LATAM", "FY2027 total")
    assert not grid.paste_text("1\t2\n")
    assert "the range is 1 rows × 2 columns" in budget_screen.message_bar.text()
    assert undo.stack.count() == 0


def test_one_copied_value_pasted_over_a_block_fills_the_block(
    budget_screen: BudgetScreen, demo_document: PlanDocument, undo: UndoController
) -> None:
    grid = budget_screen.grid
    top = row_of(grid.grid_model, "Paid digital · North America")
    select(grid, top, 0, top + 3, 1)
    assert grid.paste_text("5000\n")
    assert undo.stack.text(0) == "Paste 8 cells"
    budget = demo_document.current_scenario.inputs.budget
    assert budget[PAID_DIGITAL, :, :2].tolist() == [[5000.0, 5000.0]] * 4


def test_fill_down_is_one_undo_step(
    qtbot: QtBot, budget_screen: BudgetScreen, demo_document: PlanDocument, undo: UndoController
) -> None:
    grid = budget_screen.grid
    budget = demo_document.current_scenario.inputs.budget
    before = budget.copy()
    top = row_of(grid.grid_model, "Paid digital · North America")
    select(grid, top, 0, top + 3, 2)
    grid.setFocus()
    QTest.keyClick(grid, Qt.Key.Key_D, CTRL)
    assert undo.stack.count() == 1
    assert undo.stack.text(0) == "Fill down 9 cells"
    for region in (1, 2, 3):
        assert budget[PAID_DIGITAL, region, :3].tolist() == before[PAID_DIGITAL, 0, :3].tolist()
    undo.stack.undo()
    assert np.array_equal(budget, before)


def test_fill_right_copies_the_first_month_across_the_selection(
    budget_screen: BudgetScreen, demo_document: PlanDocument, undo: UndoController
) -> None:
    grid = budget_screen.grid
    row = row_of(grid.grid_model, "Paid digital · EMEA")
    select(grid, row, 0, row, 5)
    assert grid.fill_right()
    budget = demo_document.current_scenario.inputs.budget
    assert budget[PAID_DIGITAL, EMEA, :6].tolist() == [budget[PAID_DIGITAL, EMEA, 0]] * 6
    assert undo.stack.text(0) == "Fill right 5 cells"


def test_copy_puts_the_selection_on_the_clipboard_as_tsv(budget_screen: BudgetScreen) -> None:
    grid = budget_screen.grid
    top = row_of(grid.grid_model, "Paid digital · North America")
    select(grid, top, 0, top + 1, 1)
    budget = budget_screen.document.current_scenario.inputs.budget
    expected = "".join(
        f"{budget[PAID_DIGITAL, r, 0]:.0f}\t{budget[PAID_DIGITAL, r, 1]:.0f}\n" for r in (0, 1)
    )
    assert grid.copy_selection() == expected
    assert QGuiApplication.clipboard().text() == expected


def test_copy_then_paste_elsewhere_moves_the_numbers(
    budget_screen: BudgetScreen, demo_document: PlanDocument
) -> None:
    grid = budget_screen.grid
    row = row_of(grid.grid_model, "Paid digital · EMEA")
    select(grid, row, 0, row, 2)
    grid.copy_selection()
    go_to(grid, "Paid digital · EMEA", "Apr 2027")
    assert grid.paste_text(QGuiApplication.clipboard().text())
    budget = demo_document.current_scenario.inputs.budget
    assert budget[PAID_DIGITAL, EMEA, 3:6].tolist() == budget[PAID_DIGITAL, EMEA, :3].tolist()


def test_delete_clears_to_zero_where_zero_is_allowed_and_names_the_cells_it_left(
    qtbot: QtBot, funnel_screen: FunnelScreen, demo_document: PlanDocument, undo: UndoController
) -> None:
    funnel_screen.show_per_source(True)
    grid = funnel_screen.assumptions_grid
    model = grid.grid_model
    row = row_of(model, "EMEA · Partner")
    mix, win = column_of(model, "Source mix"), column_of(model, "Win rate")
    select(grid, row, mix, row, win)
    grid.setFocus()
    QTest.keyClick(grid, Qt.Key.Key_Delete)
    inputs = demo_document.current_scenario.inputs
    assert inputs.source_mix[EMEA, 3] == 0.0
    assert inputs.win_rate[EMEA, 3] == pytest.approx(0.28)  # a win rate of 0 is not allowed
    assert undo.stack.text(0) == "Clear 1 cell"
    message = funnel_screen.message_bar.text()
    assert "Row 'EMEA · Partner', column 'Average deal size' cannot be 0" in message
    # The mix no longer adds up to 100%: a visible warning, not a refusal.
    assert "Source mix (EMEA): shares add up to 85.00%" in funnel_screen.warning_bar.text()


def test_typing_150_percent_into_a_win_rate_cell_is_refused_and_changes_nothing(
    qtbot: QtBot, funnel_screen: FunnelScreen, demo_document: PlanDocument, undo: UndoController
) -> None:
    grid = funnel_screen.assumptions_grid
    go_to(grid, "EMEA", "Win rate")
    before = demo_document.current_scenario.inputs.copy()
    QTest.keyClick(grid, Qt.Key.Key_1)  # typing opens the editor, as in a spreadsheet
    editor = grid.findChild(QLineEdit)
    assert editor is not None and editor.text() == "1"
    QTest.keyClicks(editor, "50%")
    QTest.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: funnel_screen.message_bar.text() != "")
    assert funnel_screen.message_bar.text().startswith(
        "Win rate (EMEA / all sources): '150%' is not a percentage above 0% and at most 100%"
    )
    assert undo.stack.count() == 0
    assert demo_document.current_scenario.inputs.equals(before)
    assert grid.currentIndex().row() == row_of(grid.grid_model, "EMEA")  # stays to retype


def test_enter_commits_and_moves_down_and_the_next_edit_dismisses_the_message(
    qtbot: QtBot, funnel_screen: FunnelScreen, demo_document: PlanDocument, undo: UndoController
) -> None:
    grid = funnel_screen.assumptions_grid
    funnel_screen.message.emit("an earlier refusal")
    go_to(grid, "EMEA", "Win rate")
    QTest.keyClick(grid, Qt.Key.Key_3)
    editor = grid.findChild(QLineEdit)
    assert editor is not None
    QTest.keyClicks(editor, "0")
    QTest.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: undo.stack.count() == 1)
    assert demo_document.current_scenario.inputs.win_rate[EMEA].tolist() == [0.3] * 4
    qtbot.waitUntil(lambda: grid.currentIndex().row() == row_of(grid.grid_model, "APAC"))
    assert funnel_screen.message_bar.text() == ""


def test_tab_moves_right_and_enter_without_editing_moves_down(funnel_screen: FunnelScreen) -> None:
    grid = funnel_screen.response_grid
    go_to(grid, "EMEA", "Cost per inquiry")
    start = grid.currentIndex()
    QTest.keyClick(grid, Qt.Key.Key_Tab)
    assert (grid.currentIndex().row(), grid.currentIndex().column()) == (
        start.row(),
        start.column() + 1,
    )
    QTest.keyClick(grid, Qt.Key.Key_Return)
    assert grid.currentIndex().row() == start.row() + 1


def test_typing_into_a_calculated_cell_says_it_is_calculated(
    budget_screen: BudgetScreen, undo: UndoController
) -> None:
    grid = budget_screen.grid
    go_to(grid, "Paid digital · EMEA", "FY27 Q1")
    QTest.keyClick(grid, Qt.Key.Key_5)
    assert budget_screen.message_bar.text() == (
        "Row 'Paid digital · EMEA', column 'FY27 Q1' is calculated, not typed in."
    )
    assert grid.findChild(QLineEdit) is None
    assert undo.stack.count() == 0
