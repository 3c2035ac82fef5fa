"""Each record screen at 1600×1000, as projected at an offsite: nothing clipped, all in view."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QImage
from PySide6.QtWidgets import QLabel, QTableView, QWidget
from pytestqt.qtbot import QtBot

from gtm_planner.model.document import PlanDocument
from gtm_planner.ui.screens.definitions import DefinitionsScreen
from gtm_planner.ui.screens.goals import GoalsScreen
from gtm_planner.ui.screens.scenarios import ScenariosScreen
from gtm_planner.ui.screens.snapshot_view import SnapshotView
from gtm_planner.ui.screenshot import save_screenshot
from gtm_planner.ui.theme import stylesheet

SHOTS = Path("/tmp")


def shoot(widget: QWidget, name: str) -> QImage:
    widget.setStyleSheet(stylesheet())
    path = save_screenshot(widget, SHOTS / f"screen_{name}.png")
    return QImage(str(path))


def assert_readable(widget: QWidget) -> None:
    """No label cut short; every table shows all its rows and its columns' contents."""
    for label in widget.findChildren(QLabel):
        if label.isVisible() and not label.wordWrap():
            assert label.width() >= label.minimumSizeHint().width(), label.text()
    for table in widget.findChildren(QTableView):
        if not table.isVisible():
            continue
        assert not table.verticalScrollBar().isVisible(), table.objectName()
        assert not table.horizontalScrollBar().isVisible(), table.objectName()
        header = table.horizontalHeader()
        for column in range(table.model().columnCount()):
            needed = table.sizeHintForColumn(column)
            assert header.sectionSize(column) >= needed, (table.model(), column)
        assert table.font().pointSizeF() >= 12  # readable from the back of the room


def test_goals_screen_at_1600_by_1000(qtbot: QtBot, goals_screen: GoalsScreen) -> None:
    image = shoot(goals_screen, "goals")
    assert (image.width(), image.height()) == (1600, 1000)
    assert_readable(goals_screen)
    drivers = goals_screen.drivers_table
    assert drivers.geometry().bottom() < 1000  # all three tables in view without scrolling


def test_definitions_screen_at_1600_by_1000(
    qtbot: QtBot, definitions_screen: DefinitionsScreen
) -> None:
    image = shoot(definitions_screen, "definitions")
    assert (image.width(), image.height()) == (1600, 1000)
    assert_readable(definitions_screen)


def test_scenarios_screen_at_1600_by_1000(qtbot: QtBot, scenarios_screen: ScenariosScreen) -> None:
    scenarios_screen.take_snapshot("Board v2")
    image = shoot(scenarios_screen, "scenarios")
    assert (image.width(), image.height()) == (1600, 1000)
    assert_readable(scenarios_screen)


def test_snapshot_view_at_1600_by_1000(qtbot: QtBot, demo_document: PlanDocument) -> None:
    view = SnapshotView(demo_document, demo_document.plan.snapshots[0])
    qtbot.addWidget(view)
    image = shoot(view, "snapshot_view")
    assert (image.width(), image.height()) == (1600, 1000)
    assert_readable(view)
