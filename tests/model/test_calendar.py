"""The fiscal calendar: a February-start year is labelled by the year it ends in."""

from __future__ import annotations

import numpy as np
import pytest

from gtm_planner.model.calendar import FiscalCalendar


def test_february_start_fiscal_year_is_labelled_by_the_year_it_ends_in() -> None:
    cal = FiscalCalendar(start_year=2026, start_month=2, horizon_months=14,
                         fiscal_year_start_month=2)  # fmt: skip
    # Feb 2026 .. Jan 2027 is FY2027; Feb 2027 starts FY2028.
    assert cal.fiscal_year.tolist() == [2027] * 12 + [2028] * 2
    assert cal.fiscal_years == (2027, 2028)
    assert cal.month_labels[0] == "Feb 2026"
    assert cal.month_labels[11] == "Jan 2027"
    assert cal.quarter_labels[:5] == ("FY27 Q1", "FY27 Q2", "FY27 Q3", "FY27 Q4", "FY28 Q1")


def test_plan_starting_mid_quarter_has_a_partial_first_quarter() -> None:
    cal = FiscalCalendar(start_year=2027, start_month=2, horizon_months=6,
                         fiscal_year_start_month=1)  # fmt: skip
    assert cal.quarter_index.tolist() == [0, 0, 1, 1, 1, 2]
    assert cal.quarter_is_whole.tolist() == [False, True, False]
    assert cal.quarter_start_month.tolist() == [0, 2, 5]


def test_quarter_and_year_matrices_sum_months() -> None:
    cal = FiscalCalendar(2027, 1, 24, 1)
    monthly = np.arange(24, dtype=float)
    assert (monthly @ cal.quarter_matrix())[0] == 0 + 1 + 2
    assert (monthly @ cal.fiscal_year_matrix()).tolist() == [sum(range(12)), sum(range(12, 24))]


@pytest.mark.parametrize(
    ("start_month", "fy_start", "horizon"), [(0, 1, 12), (13, 1, 12), (1, 0, 12), (1, 1, 0)]
)
def test_impossible_calendars_are_refused(start_month: int, fy_start: int, horizon: int) -> None:
    with pytest.raises(ValueError, match="must be"):
        FiscalCalendar(2027, start_month, horizon, fy_start)
