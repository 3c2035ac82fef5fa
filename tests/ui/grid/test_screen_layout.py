"""The screens at 1600×1000, as projected at an offsite: nothing clipped, numbers readable."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QFontMetrics, QImage
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from gtm_planner.model.demo import build_large_plan
from gtm_planner.model.document import PlanDocument
from gtm_planner.ui.grid import GridScreen, PlanGrid
from gtm_planner.ui.screens.budget import BudgetScreen
from gtm_planner.ui.screens.capacity import CapacityScreen
from gtm_planner.ui.screens.funnel import FunnelScreen
from gtm_planner.ui.screens.targets import TargetsScreen
from gtm_planner.ui.screenshot import save_screenshot
from gtm_planner.ui.theme import DEFAULT_POINT_SIZE, stylesheet
from gtm_planner.ui.undo import UndoController

SCREENS: dict[str, type[GridScreen]] = {
    "targets": TargetsScreen,
    "funnel": FunnelScreen,
    "budget": BudgetScreen,
    "capacity": CapacityScreen,
}


def shoot(qtbot: QtBot, screen: GridScreen, path: Path) -> QImage:
    qtbot.addWidget(screen)
    screen.setStyleSheet(stylesheet(DEFAULT_POINT_SIZE))  # as the main window styles it
    return QImage(str(save_screenshot(screen, path)))


def assert_nothing_is_clipped(screen: GridScreen) -> None:
    for label in screen.findChildren(QLabel):
        if label.isVisible() and not label.wordWrap():
            assert label.width() >= label.minimumSizeHint().width(), label.text()
    for grid in screen.grids:
        assert_grid_shows_whole_numbers(grid)


def assert_grid_shows_whole_numbers(grid: PlanGrid) -> None:
    """Every visible cell's text, every header and every row label fits its column."""
    model, header = grid.grid_model, grid.horizontalHeader()
    metrics = QFontMetrics(grid.font())
    bold_font = grid.font()
    bold_font.setBold(True)
    bold = QFontMetrics(bold_font)
    last_row = grid.rowAt(grid.viewport().height() - 1)
    rows = range(0, (model.rowCount() if last_row < 0 else last_row + 1))
    for column in range(model.columnCount()):
        assert header.sectionSize(column) >= header.sectionSizeHint(column), column
        for row in rows:
            text = str(model.index(row, column).data())
            width = (bold if model.row_spec(row).is_total else metrics).horizontalAdvance(text)
            assert header.sectionSize(column) >= width + 8, (row, column, text)
    labels = grid.verticalHeader()
    for row in rows:
        needed = bold.horizontalAdvance(model.row_spec(row).label)
        assert labels.width() >= needed, model.row_spec(row).label
    assert grid.height() >= grid.minimumSizeHint().height()


@pytest.mark.parametrize("name", SCREENS)
def test_each_screen_at_1600_by_1000_shows_every_number_whole(
    qtbot: QtBot, demo_document: PlanDocument, undo: UndoController, tmp_path: Path, name: str
) -> None:
    screen = SCREENS[name](demo_document, undo)
    image = shoot(qtbot, screen, tmp_path / f"screen_{name}.png")
    assert (image.width(), image.height()) == (1600, 1000)
    assert_nothing_is_clipped(screen)
    for grid in screen.grids:  # every grid shows at least a few rows: none squashed away
        rows_in_view = grid.viewport().height() // grid.verticalHeader().defaultSectionSize()
        assert rows_in_view >= min(3, grid.grid_model.rowCount()), grid.objectName()


def test_the_targets_and_capacity_inputs_fit_the_width_without_scrolling(
    qtbot: QtBot, demo_document: PlanDocument, undo: UndoController, tmp_path: Path
) -> None:
    for name in ("targets", "capacity"):
        screen = SCREENS[name](demo_document, undo)
        shoot(qtbot, screen, tmp_path / f"{name}.png")
        assert not screen.grids[0].horizontalScrollBar().isVisible(), name
        assert not screen.grids[0].verticalScrollBar().isVisible(), name


def test_the_large_plans_budget_screen_scrolls_but_clips_nothing(
    qtbot: QtBot, tmp_path: Path
) -> None:
    document = PlanDocument(build_large_plan())
    screen = BudgetScreen(document, UndoController(document))
    shoot(qtbot, screen, tmp_path / "screen_budget_large.png")
    assert screen.grid.grid_model.rowCount() == 2 + 7 + 25 + 25 * 40 + 1
    assert screen.grid.verticalScrollBar().isVisible()
    assert_nothing_is_clipped(screen)


def test_larger_text_widens_the_columns(
    qtbot: QtBot, demo_document: PlanDocument, undo: UndoController, tmp_path: Path
) -> None:
    screen = TargetsScreen(demo_document, undo)
    shoot(qtbot, screen, tmp_path / "normal.png")
    normal = screen.annual_grid.horizontalHeader().sectionSize(0)
    screen.setStyleSheet(stylesheet(20))
    qtbot.waitUntil(lambda: screen.annual_grid.horizontalHeader().sectionSize(0) > normal)
    qtbot.waitUntil(  # the layout settles on the new row heights
        lambda: all(g.height() >= g.minimumSizeHint().height() for g in screen.grids)
    )
    assert_nothing_is_clipped(screen)
