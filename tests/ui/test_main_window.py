"""The first window: the chosen scenario's KPIs and reverse waterfall, a switcher, a status bar."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot
from shiboken6 import Shiboken

from gtm_planner.model.demo import build_demo_plan
from gtm_planner.model.document import PlanDocument
from gtm_planner.model.engine import KPI_BY_KEY
from gtm_planner.model.exchange.tables import SUMMARY_KPIS
from gtm_planner.model.formatting import format_value
from gtm_planner.ui.actions import ACTIONS
from gtm_planner.ui.main_window import MainWindow, recalculation_text
from gtm_planner.ui.models import RAW_VALUE_ROLE
from gtm_planner.ui.theme import DEFAULT_POINT_SIZE, MAX_POINT_SIZE


def shown_kpi(window: MainWindow, key: str) -> str:
    return window.kpi_panel.card(key).value.text()


def expected_kpi(document: PlanDocument, key: str, scenario_id: int | None = None) -> str:
    value = document.kpis(scenario_id)[key].value
    return format_value(value, KPI_BY_KEY[key].unit, document.plan.settings.currency)


def choose_next_scenario(window: MainWindow) -> None:
    """What a user does: focus the switcher and press the down arrow."""
    QTest.keyClick(window.scenario_switcher, Qt.Key.Key_Down)


# --- What the window shows --------------------------------------------------------------------


def test_header_names_the_plan_currency_fiscal_calendar_and_scenario(window: MainWindow) -> None:
    header = window.plan_header
    assert header.title.text() == "Northwind Analytics — FY2027 GTM plan"
    assert header.meta.text().startswith("USD · FY2027 · Jan 2027 – Dec 2027")
    assert "Baseline" in header.scenario.text()
    assert "Board-approved growth of 28%" in header.scenario.text()


def test_every_kpi_card_shows_the_engines_value_in_its_unit(window: MainWindow) -> None:
    document = window.document
    for key in SUMMARY_KPIS:
        card = window.kpi_panel.card(key)
        assert card.label.text() == KPI_BY_KEY[key].label
        assert card.value.text() == expected_kpi(document, key)
    assert shown_kpi(window, "bookings_target") == "$45,000,000"


def test_hovering_a_kpi_card_shows_its_formula(window: MainWindow) -> None:
    for key in SUMMARY_KPIS:
        assert KPI_BY_KEY[key].formula in window.kpi_panel.card(key).toolTip()


def test_magic_number_definition_is_stated_on_screen(window: MainWindow) -> None:
    footnote = window.kpi_panel.footnote.text()
    assert "Magic Number" in footnote and "prior quarter's S&M spend" in footnote


def test_waterfall_table_shows_each_region_and_a_total(window: MainWindow) -> None:
    model = window.waterfall_panel.table.model()
    labels = [
        model.headerData(row, Qt.Orientation.Vertical, Qt.ItemDataRole.DisplayRole)
        for row in range(model.rowCount())
    ]
    assert labels == ["North America", "EMEA", "APAC", "LATAM", "Total"]


def test_scenario_switcher_lists_every_scenario_with_the_plan_of_record_marked(
    window: MainWindow,
) -> None:
    switcher = window.scenario_switcher
    items = [switcher.itemText(i) for i in range(switcher.count())]
    assert items == ["Baseline ★ plan of record", "Aggressive EMEA push", "Efficiency plan"]
    assert switcher.currentText() == "Baseline ★ plan of record"


# --- Switching scenario -----------------------------------------------------------------------


def test_switching_scenario_in_toolbar_updates_every_kpi(window: MainWindow) -> None:
    document = window.document
    baseline_forecast = shown_kpi(window, "forecast_bookings")
    choose_next_scenario(window)
    assert document.current_scenario.name == "Aggressive EMEA push"
    forecast = shown_kpi(window, "forecast_bookings")
    assert forecast == expected_kpi(document, "forecast_bookings", 2)
    assert forecast != baseline_forecast
    for key in SUMMARY_KPIS:
        assert shown_kpi(window, key) == expected_kpi(document, key, 2), key


def test_switching_scenario_in_toolbar_updates_the_waterfall(window: MainWindow) -> None:
    choose_next_scenario(window)
    choose_next_scenario(window)
    document = window.document
    assert document.current_scenario.name == "Efficiency plan"
    model = window.waterfall_model
    expected = document.result(3).reverse.demand_creation_needed.sum(axis=1)
    column = model.column_of("demand_creation")
    for row, value in enumerate(expected):
        assert model.data(model.index(row, column), RAW_VALUE_ROLE) == pytest.approx(value)


def test_switching_scenario_updates_the_header_and_window_title(window: MainWindow) -> None:
    choose_next_scenario(window)
    assert "Aggressive EMEA push" in window.plan_header.scenario.text()
    assert "EMEA target +35%" in window.plan_header.scenario.text()
    assert "Aggressive EMEA push" in window.windowTitle()


def test_a_scenario_chosen_elsewhere_moves_the_switcher(window: MainWindow) -> None:
    window.document.set_current_scenario(3)
    assert window.scenario_switcher.currentText() == "Efficiency plan"
    assert shown_kpi(window, "forecast_bookings") == expected_kpi(
        window.document, "forecast_bookings", 3
    )


# --- Status bar -------------------------------------------------------------------------------


def test_status_bar_says_unsaved_demo_and_recalculation_time(window: MainWindow) -> None:
    status = window.status_text()
    assert "Unsaved demo plan" in status
    assert "Read-only" not in status
    assert "Recalculated in " in status and status.endswith(" ms")


def test_read_only_document_shows_read_only_in_status_bar(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "northwind.gtmplan"
    document = PlanDocument(build_demo_plan(), path=path, read_only=True)
    window = MainWindow(document)
    qtbot.addWidget(window)
    status = window.status_text()
    assert str(path) in status
    assert "Read-only" in status
    assert "[read-only]" in window.windowTitle() and "northwind.gtmplan" in window.windowTitle()
    # Nothing on any screen offers a change: not even adding a region or a budget line.
    for page in ("Targets", "Budget"):
        screen = window.navigator.page(page)
        for button in (screen.add_button, screen.rename_button, screen.remove_button):  # type: ignore[attr-defined]
            assert not button.isEnabled(), (page, button.text())


def test_recalculation_time_reads_in_milliseconds() -> None:
    assert recalculation_text(0.0006) == "Recalculated in 0.6 ms"
    assert recalculation_text(0.0153) == "Recalculated in 15 ms"


def test_edit_to_current_scenario_shows_the_new_recalculation_time(window: MainWindow) -> None:
    document = window.document
    window.recalc_label.setText("stale")
    document.inputs_changed(document.current_scenario.id)  # the models recompute it
    assert window.recalc_label.text() == recalculation_text(document.last_recalc_seconds)


# --- Menus, actions, text size ----------------------------------------------------------------


def test_every_action_of_the_table_is_in_a_menu(window: MainWindow) -> None:
    in_menus = {
        action.objectName()
        for menu in window.menuBar().findChildren(QMenu)
        for action in menu.actions()
    }
    assert {f"action_{spec.id}" for spec in ACTIONS} <= in_menus
    titles = [action.text() for action in window.menuBar().actions()]
    assert titles == ["&File", "&Edit", "&View", "&Tools", "&Help"]


def test_quit_has_the_standard_shortcut_and_closes_the_window(
    qtbot: QtBot, window: MainWindow
) -> None:
    quit_action = window.action_by_id["quit"]
    assert QKeySequence("Ctrl+Q") in quit_action.shortcuts()
    window.show()
    qtbot.waitExposed(window)
    quit_action.trigger()
    assert not window.isVisible()


def test_larger_text_makes_the_kpis_larger_and_stops_at_the_maximum(window: MainWindow) -> None:
    card = window.kpi_panel.card("forecast_bookings")
    card.value.ensurePolished()
    before = card.value.font().pointSizeF()
    window.action_by_id["zoom_in"].trigger()
    card.value.ensurePolished()
    assert window.text_point_size == DEFAULT_POINT_SIZE + 1
    assert card.value.font().pointSizeF() > before
    window.set_text_point_size(MAX_POINT_SIZE + 5)
    assert window.text_point_size == MAX_POINT_SIZE
    assert not window.action_by_id["zoom_in"].isEnabled()
    window.action_by_id["zoom_reset"].trigger()
    assert window.text_point_size == DEFAULT_POINT_SIZE
    assert window.action_by_id["zoom_in"].isEnabled()


def test_about_text_names_the_product_and_its_purpose() -> None:
    text = MainWindow.about_text()
    assert "GTM Planner" in text and "CRO" in text and "CMO" in text


# --- Lifetime ---------------------------------------------------------------------------------


def test_document_outlives_a_closed_window_without_errors(demo_document: PlanDocument) -> None:
    window = MainWindow(demo_document)
    Shiboken.delete(window)
    # Every subscriber went with the window: these would raise on a deleted Qt object.
    demo_document.set_current_scenario(2)
    demo_document.inputs_changed(2)
    assert demo_document.current_scenario.id == 2


def test_the_toolbar_switcher_follows_scenarios_added_and_deleted_elsewhere(
    qtbot: QtBot, window: MainWindow
) -> None:
    from gtm_planner.model.commands import InsertScenario, RemoveScenario
    from gtm_planner.model.entities import Scenario

    document = window.document
    base = document.scenario_by_id(1)
    clone = Scenario(9, "Baseline copy", base.inputs.copy())
    window.undo.push(InsertScenario("Clone", 3, clone))
    switcher = window.scenario_switcher
    assert [switcher.itemData(i) for i in range(switcher.count())] == [1, 2, 3, 9]
    window.undo.push(RemoveScenario("Delete", 3))
    assert [switcher.itemData(i) for i in range(switcher.count())] == [1, 2, 9]
    switcher.setCurrentIndex(2)  # no stale entry to choose: no KeyError
    assert document.current_scenario.id == 9


def test_undoing_save_as_scenario_goes_back_to_the_scenario_shown_before(
    window: MainWindow,
) -> None:
    from gtm_planner.model.commands import InsertScenario
    from gtm_planner.model.entities import Scenario

    document = window.document
    new = Scenario(9, "What-if", document.scenario_by_id(1).inputs.copy())
    window.undo.push(InsertScenario("Save what-if as scenario", 3, new))
    document.set_current_scenario(9)
    window.undo.stack.undo()
    assert document.current_scenario.id == 1
