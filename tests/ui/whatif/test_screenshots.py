"""What-if, goal seek, allocation and compare at 1600×1000, as projected: nothing clipped.

Screenshots go to /tmp/whatif_*.png for a person to look at; the assertions check what a
machine can: every label fits, tables show their columns, fonts are large enough.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QDockWidget,
    QHeaderView,
    QLabel,
    QTableView,
    QWidget,
)
from pytestqt.qtbot import QtBot

from gtm_planner.model.document import PlanDocument
from gtm_planner.model.solve import GoalSeekInput
from gtm_planner.ui.answer_tables import BoundsModel
from gtm_planner.ui.main_window import MainWindow
from gtm_planner.ui.screens.compare import CompareScreen
from gtm_planner.ui.screenshot import save_screenshot
from gtm_planner.ui.solve_dialogs import AllocationDialog, GoalSeekDialog
from gtm_planner.ui.theme import stylesheet
from gtm_planner.ui.whatif_panel import PREVIEW_TEXT, WhatIfPanel

from .conftest import APAC, EMEA, FY, LATAM

SHOTS = Path("/tmp")


def shoot(widget: QWidget, name: str, styled: bool = True) -> QImage:
    if styled:
        widget.setStyleSheet(stylesheet())
    path = save_screenshot(widget, SHOTS / f"whatif_{name}.png")
    image = QImage(str(path))
    assert (image.width(), image.height()) == (1600, 1000)
    return image


def assert_readable(widget: QWidget) -> None:
    """No label or spin box cut short; tables show every column's contents."""
    for label in widget.findChildren(QLabel):
        if label.isVisible() and not label.wordWrap() and label.text():
            assert label.width() >= label.minimumSizeHint().width(), label.text()
    for spin in widget.findChildren(QAbstractSpinBox):
        if spin.isVisible():
            assert spin.width() >= spin.minimumSizeHint().width(), spin.accessibleName()
    for table in widget.findChildren(QTableView):
        if not table.isVisible():
            continue
        header = table.horizontalHeader()
        for column in range(table.model().columnCount()):
            if header.sectionResizeMode(column) == QHeaderView.ResizeMode.Stretch:
                continue  # this column wraps its text instead (rows grow to fit it)
            assert header.sectionSize(column) >= table.sizeHintForColumn(column), column
        assert table.font().pointSizeF() >= 12  # readable from the back of the room


def test_what_if_panel_docked_beside_the_dashboard(
    qtbot: QtBot, window: MainWindow, demo_document: PlanDocument
) -> None:
    panel = WhatIfPanel(demo_document, window.undo, window)
    dock = QDockWidget("What-if", window)
    dock.setObjectName("whatIfDock")
    dock.setWidget(panel)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    window.resizeDocks([dock], [430], Qt.Orientation.Horizontal)
    panel.region_combo.setCurrentIndex(panel.region_combo.findData(EMEA))
    panel.rows["demand_creation_factor"].spin.setValue(25.0)
    panel.rows["win_rate_factor"].spin.setValue(8.0)
    panel.flush()
    panel.mover.amount.setValue(300_000)
    panel.mover.move_button.click()
    shoot(window, "panel", styled=False)
    assert PREVIEW_TEXT in panel.state_label.text()
    assert_readable(panel)


def test_goal_seek_dialog_with_an_answer(qtbot: QtBot, goal_seek_dialog: GoalSeekDialog) -> None:
    goal_seek_dialog.choose(GoalSeekInput.DEMAND_CREATION_BUDGET, LATAM, FY)
    goal_seek_dialog.solve()
    shoot(goal_seek_dialog, "goal_seek")
    assert_readable(goal_seek_dialog)


def test_goal_seek_dialog_unreachable(qtbot: QtBot, goal_seek_dialog: GoalSeekDialog) -> None:
    goal_seek_dialog.choose(GoalSeekInput.DEMAND_CREATION_BUDGET, EMEA, FY)
    goal_seek_dialog.solve()
    shoot(goal_seek_dialog, "goal_seek_unreachable")
    assert_readable(goal_seek_dialog)


def test_allocation_dialog_with_an_answer(
    qtbot: QtBot, allocation_dialog: AllocationDialog
) -> None:
    bounds = allocation_dialog.bounds_model
    bounds.setData(bounds.index(EMEA - 1, BoundsModel.FLOOR), "1.5M")
    bounds.setData(bounds.index(APAC - 1, BoundsModel.CEILING), "900K")
    allocation_dialog.total_spin.setValue(6_000_000)
    allocation_dialog.allocate()
    shoot(allocation_dialog, "allocation")
    assert_readable(allocation_dialog)


def test_compare_screen(qtbot: QtBot, compare_screen: CompareScreen) -> None:
    compare_screen.set_checked([("scenario", 1), ("scenario", 2), ("scenario", 3)])
    shoot(compare_screen, "compare")
    assert compare_screen.comparison is not None  # shown, so computed
    assert_readable(compare_screen)
    assert not compare_screen.kpi_table.verticalScrollBar().isVisible()  # every KPI in view
