"""The Dashboard as projected: 1600×1000 and presentation mode at 1920×1080, nothing clipped.

Screenshots go to /tmp/dash_*.png for a person to look at (and a grayscale copy, as a black
and white printer would render it); the assertions check what can be checked by machine.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics, QImage
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from gtm_planner.model.demo import build_large_plan
from gtm_planner.model.document import PlanDocument
from gtm_planner.ui.charts.axes import CategoryAxis, MoneyAxis
from gtm_planner.ui.charts.base import ChartCard
from gtm_planner.ui.dashboard_page import DashboardPage
from gtm_planner.ui.main_window import MainWindow
from gtm_planner.ui.presentation import PresentationMode
from gtm_planner.ui.screenshot import save_screenshot

SHOTS = Path("/tmp")


def grab(widget: QWidget, name: str) -> Path:
    """Save what is on screen now (after scrolling), and its grayscale rendering."""
    QApplication.processEvents()
    path = SHOTS / f"{name}.png"
    image = widget.grab().toImage()
    assert image.save(str(path))
    gray = image.convertToFormat(QImage.Format.Format_Grayscale8)
    assert gray.save(str(SHOTS / f"{name}_gray.png"))
    return path


def show_charts(page: DashboardPage) -> None:
    page.verticalScrollBar().setValue(page.bookings_chart.y() - 8)


def assert_no_label_is_clipped(root: QWidget) -> None:
    for label in root.findChildren(QLabel):
        if label.isVisible() and not label.wordWrap():
            assert label.width() >= label.minimumSizeHint().width(), label.text()


def assert_axes_fit_their_labels(chart: ChartCard) -> None:
    """Money ticks fit beside the plot; every category name is shown when there is room."""
    metrics = QFontMetrics(chart.tick_font())
    left = chart.plot.getAxis("left")
    if isinstance(left, MoneyAxis):
        low, high = chart.plot.vb.viewRange()[1]
        levels = left.tickValues(low, high, left.height())
        strings = left.tickStrings(levels[0][1], 1.0, levels[0][0])
        assert strings, chart.title.text()
        widest = max(metrics.horizontalAdvance(s) for s in strings)
        assert left.width() >= widest + 8, (chart.title.text(), strings)
    bottom = chart.plot.getAxis("bottom")
    if isinstance(bottom, CategoryAxis):
        low, high = chart.plot.vb.viewRange()[0]
        shown = bottom.tickValues(low, high, bottom.width())[0][1]
        assert len(shown) == len(bottom.categories), (chart.title.text(), shown)
        strings = bottom.tickStrings(shown, 1.0, 1.0)
        lines = max(s.count("\n") + 1 for s in strings)
        assert bottom.height() >= lines * metrics.height(), chart.title.text()


def test_dashboard_at_1600_by_1000_fits_the_width_with_nothing_clipped(
    window: MainWindow,
) -> None:
    path = save_screenshot(window, SHOTS / "dash_1600x1000.png")
    assert (QImage(str(path)).width(), QImage(str(path)).height()) == (1600, 1000)
    page = window.dashboard
    grab(window, "dash_1600x1000")
    show_charts(page)
    grab(window, "dash_charts_1600x1000")
    assert not page.horizontalScrollBar().isVisible()  # only ever scrolls down, never across
    assert_no_label_is_clipped(window)
    for chart in page.charts:
        assert chart.isVisible()
        assert chart.plot_widget.height() >= chart.plot_widget.minimumHeight() > 200
        assert_axes_fit_their_labels(chart)
    for card in page.kpi_panel.shown_cards():
        assert card.value.width() >= card.value.sizeHint().width(), card.value.text()


def test_dashboard_of_the_large_plan_thins_forty_region_names_instead_of_overlapping(
    qtbot: QtBot,
) -> None:
    window = MainWindow(PlanDocument(build_large_plan()))
    qtbot.addWidget(window)
    save_screenshot(window, SHOTS / "dash_large_1600x1000.png")
    page = window.dashboard
    show_charts(page)
    grab(window, "dash_large_charts_1600x1000")
    assert not page.horizontalScrollBar().isVisible()
    assert_no_label_is_clipped(window)
    axis = page.regional_chart.plot.getAxis("bottom")
    assert isinstance(axis, CategoryAxis) and len(axis.categories) == 40
    low, high = page.regional_chart.plot.vb.viewRange()[0]
    step, shown = axis.tickValues(low, high, axis.width())[0]
    labels = axis.tickStrings(shown, 1.0, step)
    widest = max(
        QFontMetrics(page.regional_chart.tick_font()).horizontalAdvance(line)
        for label in labels
        for line in label.split("\n")
    )
    pixels_between_labels = step * axis.width() / (high - low)
    assert pixels_between_labels > widest  # neighbours never overlap
    assert page.bookings_chart.plot.getAxis("bottom").categories[-1] == "FY29 Q4"


@pytest.mark.parametrize("grayscale", [False, True], ids=["colour", "grayscale"])
def test_presentation_mode_at_1920_by_1080_shows_big_tiles_and_the_charts(
    qtbot: QtBot, window: MainWindow, grayscale: bool
) -> None:
    mode = PresentationMode(window, window.dashboard, window.navigator, window)
    window.show()
    mode.enter()
    assert window.isFullScreen()
    # The offscreen screen is smaller than a projector: size the window as a 1920×1080 one.
    window.setWindowState(Qt.WindowState.WindowNoState)
    name = "dash_presentation_1920x1080" + ("_bw" if grayscale else "")
    path = save_screenshot(window, SHOTS / f"{name}.png", (1920, 1080))
    if grayscale:
        image = QImage(str(path)).convertToFormat(QImage.Format.Format_Grayscale8)
        assert image.save(str(path))
    page = window.dashboard
    assert (window.width(), window.height()) == (1920, 1080)
    assert not page.horizontalScrollBar().isVisible()
    assert page.kpi_panel.cards_per_row == 5  # the 13 headline figures in three rows
    assert_no_label_is_clipped(window)
    show_charts(page)
    grab(window, name + "_charts")
    for chart in page.charts:
        assert_axes_fit_their_labels(chart)
    mode.leave()
