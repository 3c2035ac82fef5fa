"""The window at 1600×1000, as projected at an offsite: nothing clipped, big tables scroll."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QImage
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from gtm_planner.model.demo import build_large_plan
from gtm_planner.model.document import PlanDocument
from gtm_planner.ui.main_window import MainWindow
from gtm_planner.ui.screenshot import save_screenshot
from gtm_planner.ui.theme import MAX_POINT_SIZE
from gtm_planner.ui.waterfall_panel import WaterfallTable


def assert_no_label_is_clipped(window: MainWindow) -> None:
    for label in window.findChildren(QLabel):
        if label.isVisible() and not label.wordWrap():
            assert label.width() >= label.minimumSizeHint().width(), label.text()


def assert_no_column_is_narrower_than_its_contents(table: WaterfallTable) -> None:
    header = table.horizontalHeader()
    for column in range(table.model().columnCount()):
        needed = max(table.sizeHintForColumn(column), header.sectionSizeHint(column))
        assert header.sectionSize(column) >= needed, column


def test_screenshot_of_the_first_window_is_1600_by_1000(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    path = save_screenshot(window, tmp_path / "first_window.png")
    image = QImage(str(path))
    assert (image.width(), image.height()) == (1600, 1000)
    assert window.isVisible()


def test_demo_plan_at_1600_by_1000_fits_without_clipping_or_scrolling(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    save_screenshot(window, tmp_path / "demo.png")
    table = window.waterfall_panel.table
    assert_no_label_is_clipped(window)
    assert_no_column_is_narrower_than_its_contents(table)
    assert not table.horizontalScrollBar().isVisible()
    assert not table.verticalScrollBar().isVisible()  # the Total row is in view
    for card in window.kpi_panel.findChildren(QLabel, "kpiValue"):
        assert card.font().pointSizeF() >= 18  # readable from the back of the room


def test_large_plan_waterfall_scrolls_instead_of_squashing(qtbot: QtBot, tmp_path: Path) -> None:
    document = PlanDocument(build_large_plan())
    window = MainWindow(document)
    qtbot.addWidget(window)
    save_screenshot(window, tmp_path / "large.png")
    table = window.waterfall_panel.table
    assert table.model().rowCount() == 41
    assert table.verticalScrollBar().isVisible()
    row_height = table.verticalHeader().sectionSize(0)
    assert row_height >= table.fontMetrics().height() + 4
    assert_no_column_is_narrower_than_its_contents(table)
    assert_no_label_is_clipped(window)


def test_largest_text_reflows_the_kpi_cards_instead_of_cutting_numbers_off(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    window.set_text_point_size(MAX_POINT_SIZE)
    save_screenshot(window, tmp_path / "largest_text.png")
    assert window.kpi_panel.cards_per_row < 5
    for value in window.kpi_panel.findChildren(QLabel, "kpiValue"):
        assert value.width() >= value.sizeHint().width(), value.text()
        assert value.height() >= value.sizeHint().height(), value.text()
