"""The header names the fiscal calendar the way finance does."""

from __future__ import annotations

from gtm_planner.model.calendar import FiscalCalendar
from gtm_planner.ui.plan_header import fiscal_period_text


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
