"""The header names the fiscal calendar the way finance does, and follows the plan's edits."""

from __future__ import annotations

from gtm_planner.model.calendar import FiscalCalendar
from gtm_planner.model.commands import SetAttribute
from gtm_planner.model.document import RecordKind
from gtm_planner.ui.main_window import MainWindow
from gtm_planner.ui.plan_header import fiscal_period_text
from gtm_planner.ui.screens.targets import TargetsScreen


def test_one_fiscal_year_starting_in_january() -> None:
    calendar = FiscalCalendar(2027, 1, 12, 1)
    assert fiscal_period_text(calendar) == "FY2027 · Jan 2027 – Dec 2027"


def test_three_year_horizon_names_first_and_last_fiscal_year() -> None:
    calendar = FiscalCalendar(2027, 1, 36, 1)
    assert fiscal_period_text(calendar) == "FY2027–FY2029 · Jan 2027 – Dec 2029"


def test_fiscal_year_not_starting_in_january_says_when_it_starts() -> None:
    # February 2026 – January 2027 is FY2027 (labelled by the year in which it ends).
    calendar = FiscalCalendar(2026, 2, 12, 2)
    assert fiscal_period_text(calendar) == (
        "FY2027 · Feb 2026 – Jan 2027 · fiscal year starts in Feb"
    )


def test_the_header_counts_regions_as_they_are_added_and_undone(window: MainWindow) -> None:
    meta = window.plan_header.meta
    assert meta.text().endswith("· 4 regions")
    targets = window.navigator.page("Targets")
    assert isinstance(targets, TargetsScreen)
    assert targets.add_region("Nordics")
    assert meta.text().endswith("· 5 regions")
    window.undo.stack.undo()
    assert meta.text().endswith("· 4 regions")


def test_the_header_follows_a_renamed_plan_and_scenario(window: MainWindow) -> None:
    document = window.document
    window.undo.push(SetAttribute("Rename", RecordKind.SETTINGS, 0, "name", "Northwind FY28"))
    assert window.plan_header.title.text() == "Northwind FY28"
    scenario = document.current_scenario
    window.undo.push(SetAttribute("Rename", RecordKind.SCENARIO, scenario.id, "name", "Board"))
    assert "Scenario: Board" in window.plan_header.scenario.text()
