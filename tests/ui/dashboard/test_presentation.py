"""Presentation mode: full screen, large type, the Dashboard first, a scenario switcher at hand,
and Esc puts the window back exactly as it was.

The window is wired the way ``main_window.py`` is asked to wire it: a checkable
View › Presentation mode action on F5 whose ``toggled`` drives ``set_active``.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QToolBar
from pytestqt.qtbot import QtBot

from gtm_planner.model.dashboard_data import HEADLINE_TILES, MORE_TILES
from gtm_planner.ui.main_window import MainWindow
from gtm_planner.ui.presentation import PresentationMode, presentation_point_size
from gtm_planner.ui.theme import DEFAULT_POINT_SIZE
from tests.ui.dashboard.conftest import set_win_rate
from tests.ui.dashboard.expected import kpi_texts


@pytest.fixture
def presenting(qtbot: QtBot, window: MainWindow) -> tuple[MainWindow, PresentationMode, QAction]:
    """A shown main window: its own View › Presentation mode action (F5) and mode."""
    mode = window.presentation
    action = window.action_by_id["presentation"]
    assert QKeySequence("F5") in action.shortcuts()
    window.show()
    window.activateWindow()
    qtbot.waitActive(window)
    return window, mode, action


def chrome_visible(window: MainWindow) -> dict[str, bool]:
    toolbar = window.findChild(QToolBar, "scenarioToolbar")
    assert toolbar is not None
    return {
        "menu bar": window.menuBar().isVisible(),
        "toolbar": toolbar.isVisible(),
        "status bar": window.statusBar().isVisible(),
        "screen list": window.navigator.list.isVisible(),
    }


def test_presentation_text_is_1_6_times_the_normal_size() -> None:
    assert presentation_point_size(DEFAULT_POINT_SIZE) == 21
    assert presentation_point_size(23) == 23  # already larger: not made smaller


def test_f5_goes_full_screen_in_large_type_with_the_dashboard_first(
    qtbot: QtBot, presenting: tuple[MainWindow, PresentationMode, QAction]
) -> None:
    window, mode, action = presenting
    window.navigator.show_page("Budget")
    QTest.keyClick(window, Qt.Key.Key_F5)
    assert mode.is_active and action.isChecked()
    assert window.isFullScreen()
    assert window.text_point_size == 21
    assert window.navigator.current_title() == "Dashboard"
    assert chrome_visible(window) == dict.fromkeys(chrome_visible(window), False)
    page = window.dashboard
    assert page.scenario_switcher.isVisible() and page.presentation_hint.isVisible()
    assert "Esc" in page.presentation_hint.text()
    for key in HEADLINE_TILES:
        assert page.kpi_panel.card(key).isVisible(), key
    for key in MORE_TILES:
        assert not page.kpi_panel.card(key).isVisible(), key
    assert page.kpi_panel.card("bookings_target").value.text() == "$45.0M"
    page.kpi_panel.card("bookings_target").value.ensurePolished()
    assert page.kpi_panel.card("bookings_target").value.font().pointSizeF() >= 30
    assert "Magic Number = " in page.kpi_panel.footnote.text()


def test_esc_leaves_and_puts_everything_back(
    qtbot: QtBot, presenting: tuple[MainWindow, PresentationMode, QAction]
) -> None:
    window, mode, action = presenting
    window.set_text_point_size(15)
    window.navigator.show_page("Capacity")
    geometry = window.geometry()
    shown_before = chrome_visible(window)
    actions_before = list(window.actions())
    mode.enter()
    assert len(window.actions()) > len(actions_before)  # the menus' shortcuts, borrowed
    QTest.keyClick(window, Qt.Key.Key_Escape)
    assert not mode.is_active and not action.isChecked()
    assert not window.isFullScreen()
    assert window.text_point_size == 15
    assert window.navigator.current_title() == "Capacity"
    assert chrome_visible(window) == shown_before
    assert window.geometry() == geometry
    assert window.actions() == actions_before
    page = window.dashboard
    assert not page.scenario_switcher.isVisibleTo(page)
    assert not page.presentation_hint.isVisibleTo(page)
    assert page.kpi_panel.card("bookings_target").value.text() == "$45,000,000"
    assert all(page.kpi_panel.card(key).isVisibleTo(page) for key in MORE_TILES)


def test_f5_again_also_leaves(presenting: tuple[MainWindow, PresentationMode, QAction]) -> None:
    window, mode, action = presenting
    QTest.keyClick(window, Qt.Key.Key_F5)
    assert mode.is_active
    QTest.keyClick(window, Qt.Key.Key_F5)
    assert not mode.is_active and not action.isChecked()
    assert window.menuBar().isVisible()


def test_the_big_scenario_switcher_changes_every_number(
    presenting: tuple[MainWindow, PresentationMode, QAction],
) -> None:
    window, mode, _action = presenting
    mode.enter()
    page = window.dashboard
    switcher = page.scenario_switcher
    assert switcher.currentText() == "Baseline ★ plan of record"
    forecast_before = page.kpi_panel.card("forecast_bookings").value.text()
    QTest.keyClick(switcher, Qt.Key.Key_Down)
    assert window.document.current_scenario.name == "Aggressive EMEA push"
    assert page.kpi_panel.card("forecast_bookings").value.text() != forecast_before
    expected = kpi_texts(window.document, short=True)["forecast_bookings"]
    assert page.kpi_panel.card("forecast_bookings").value.text() == expected
    assert window.scenario_switcher.currentText() == "Aggressive EMEA push"  # the toolbar's too
    window.document.set_current_scenario(3)  # chosen elsewhere: the big switcher follows
    assert switcher.currentText() == "Efficiency plan"


def test_menu_shortcuts_still_work_while_the_menu_bar_is_hidden(
    presenting: tuple[MainWindow, PresentationMode, QAction],
) -> None:
    window, mode, _action = presenting
    page = window.dashboard
    before = page.kpi_panel.card("forecast_bookings").value.text()
    set_win_rate(window.undo, 0, 0.34)
    mode.enter()
    assert not window.menuBar().isVisible()
    QTest.keySequence(window, QKeySequence(QKeySequence.StandardKey.Undo))
    mode.leave()
    assert page.kpi_panel.card("forecast_bookings").value.text() == before
