"""The fiscal calendar: plan months, fiscal quarters and fiscal years.

Plan months are numbered ``0 .. horizon-1`` from the plan's first period. A fiscal year is
labelled by the calendar year in which it ends (a year starting February 2026 is FY2027), the
convention most finance teams use.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

MONTH_ABBREVIATIONS = (
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
)  # fmt: skip


def _frozen(array: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Calendars are shared between plans with the same settings: their tables are read-only."""
    array.flags.writeable = False
    return array


@dataclass(frozen=True)
class FiscalCalendar:
    """Maps plan months to calendar months, fiscal months, quarters and fiscal years."""

    start_year: int
    start_month: int  # 1..12, the calendar month of plan month 0
    horizon_months: int
    fiscal_year_start_month: int  # 1..12

    def __post_init__(self) -> None:
        if not 1 <= self.start_month <= 12:
            raise ValueError(f"first month must be 1..12, got {self.start_month}")
        if not 1 <= self.fiscal_year_start_month <= 12:
            raise ValueError(
                f"fiscal-year start month must be 1..12, got {self.fiscal_year_start_month}"
            )
        if not 1 <= self.horizon_months <= 120:
            raise ValueError(f"horizon must be 1..120 months, got {self.horizon_months}")

    @cached_property
    def calendar_month(self) -> npt.NDArray[np.int64]:
        """Calendar month (1..12) of each plan month."""
        t = np.arange(self.horizon_months)
        return _frozen(((self.start_month - 1 + t) % 12 + 1).astype(np.int64))

    @cached_property
    def calendar_year(self) -> npt.NDArray[np.int64]:
        t = np.arange(self.horizon_months)
        return _frozen((self.start_year + (self.start_month - 1 + t) // 12).astype(np.int64))

    @cached_property
    def fiscal_month(self) -> npt.NDArray[np.int64]:
        """Position 0..11 of each plan month inside its fiscal year."""
        return _frozen(
            ((self.calendar_month - self.fiscal_year_start_month) % 12).astype(np.int64)
        )

    @cached_property
    def fiscal_year(self) -> npt.NDArray[np.int64]:
        """Fiscal-year label of each plan month (the calendar year in which that FY ends)."""
        if self.fiscal_year_start_month == 1:
            return _frozen(self.calendar_year.copy())
        after_start = self.calendar_month >= self.fiscal_year_start_month
        return _frozen((self.calendar_year + after_start.astype(np.int64)).astype(np.int64))

    @cached_property
    def fiscal_years(self) -> tuple[int, ...]:
        """The fiscal years the horizon touches, in order."""
        return tuple(int(y) for y in np.unique(self.fiscal_year))

    @cached_property
    def fiscal_year_index(self) -> npt.NDArray[np.int64]:
        """Index into :attr:`fiscal_years` of each plan month."""
        first = self.fiscal_years[0]
        return _frozen((self.fiscal_year - first).astype(np.int64))

    @cached_property
    def quarter_index(self) -> npt.NDArray[np.int64]:
        """Index of each plan month's fiscal quarter, counted from the first quarter touched."""
        absolute = self.fiscal_year * 4 + self.fiscal_month // 3
        return _frozen(np.asarray(absolute - absolute[0], dtype=np.int64))

    @property
    def quarter_count(self) -> int:
        return int(self.quarter_index[-1]) + 1

    @cached_property
    def quarter_labels(self) -> tuple[str, ...]:
        labels: list[str] = []
        for q in range(self.quarter_count):
            first_month = int(np.argmax(self.quarter_index == q))
            fy = int(self.fiscal_year[first_month])
            labels.append(f"FY{fy % 100:02d} Q{int(self.fiscal_month[first_month]) // 3 + 1}")
        return tuple(labels)

    @cached_property
    def quarter_start_month(self) -> npt.NDArray[np.int64]:
        """Plan month on which each quarter starts (may be the first month of a partial one)."""
        return np.array(
            [int(np.argmax(self.quarter_index == q)) for q in range(self.quarter_count)],
            dtype=np.int64,
        )

    @cached_property
    def quarter_is_whole(self) -> npt.NDArray[np.bool_]:
        """True for quarters whose three months all lie inside the horizon."""
        counts = np.bincount(self.quarter_index, minlength=self.quarter_count)
        return np.asarray(counts == 3)

    def month_label(self, t: int) -> str:
        return (
            f"{MONTH_ABBREVIATIONS[int(self.calendar_month[t]) - 1]} {int(self.calendar_year[t])}"
        )

    @cached_property
    def month_labels(self) -> tuple[str, ...]:
        return tuple(self.month_label(t) for t in range(self.horizon_months))

    def quarter_matrix(self) -> npt.NDArray[np.float64]:
        """A (months × quarters) 0/1 matrix: ``monthly @ Q`` sums months into quarters."""
        m = np.zeros((self.horizon_months, self.quarter_count))
        m[np.arange(self.horizon_months), self.quarter_index] = 1.0
        return m

    def fiscal_year_matrix(self) -> npt.NDArray[np.float64]:
        """A (months × fiscal years) 0/1 matrix: ``monthly @ Y`` sums months into years."""
        m = np.zeros((self.horizon_months, len(self.fiscal_years)))
        m[np.arange(self.horizon_months), self.fiscal_year_index] = 1.0
        return m
