"""Targets: the bookings target per region and fiscal year, and how seasonality spreads it.

Inputs (white cells): the annual target per region × fiscal year, and twelve seasonality
weights per region. Derived (grey cells): the quarterly and monthly targets the engine spreads
from them, the same numbers the funnel and capacity screens work back from.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QWidget

from gtm_planner.model.calendar import MONTH_ABBREVIATIONS
from gtm_planner.model.document import PlanDocument
from gtm_planner.ui.grid import K0, Column, Fmt, GridScreen, GridSpec, region_rows
from gtm_planner.ui.grid.spec import FloatArray
from gtm_planner.ui.undo import UndoController

QUARTER_FORMULA = "annual target × the quarter's seasonality weights ÷ the year's weights"
MONTH_FORMULA = "annual target × the month's seasonality weight ÷ the year's weights"
SHARE_FORMULA = "the quarter's three weights ÷ the twelve weights of the year"


def quarter_targets(document: PlanDocument) -> FloatArray:
    """(R, Q) bookings target per region and fiscal quarter, from the engine."""
    calendar = document.plan.calendar()
    return np.asarray(document.result().reverse.target @ calendar.quarter_matrix())


def monthly_targets(document: PlanDocument) -> FloatArray:
    """(R, T) bookings target per region and plan month, from the engine."""
    return document.result().reverse.target


def seasonality_shares(document: PlanDocument) -> FloatArray:
    """(R, 4) share of the year each fiscal quarter carries, from the weights."""
    weights = document.current_scenario.inputs.seasonality
    per_quarter = weights.reshape(weights.shape[0], 4, 3).sum(axis=2)
    total = per_quarter.sum(axis=1, keepdims=True)
    shares = np.divide(per_quarter, total, out=np.full_like(per_quarter, np.nan), where=total > 0)
    return np.asarray(shares, dtype=np.float64)


def annual_target_spec(document: PlanDocument) -> GridSpec:
    calendar = document.plan.calendar()
    columns = [
        Column(f"FY{year}\ntarget", (K0, y), field="annual_target")
        for y, year in enumerate(calendar.fiscal_years)
    ]
    columns += [
        Column(
            label.replace(" ", "\n"),
            (K0, q),
            source="quarters",
            fmt=Fmt.MONEY,
            formula=QUARTER_FORMULA,
        )
        for q, label in enumerate(calendar.quarter_labels)
    ]
    return GridSpec(region_rows(document), tuple(columns), {"quarters": quarter_targets})


def fiscal_month_names(document: PlanDocument) -> list[str]:
    """The calendar month of each fiscal month, e.g. Feb … Jan for a February start."""
    start = document.plan.settings.fiscal_year_start_month - 1
    return [MONTH_ABBREVIATIONS[(start + m) % 12] for m in range(12)]


def seasonality_spec(document: PlanDocument) -> GridSpec:
    columns = [
        Column(name, (K0, m), field="seasonality")
        for m, name in enumerate(fiscal_month_names(document))
    ]
    columns += [
        Column(
            f"Q{q + 1}\nshare",
            (K0, q),
            source="shares",
            fmt=Fmt.PERCENT,
            formula=SHARE_FORMULA,
            summable=False,
        )
        for q in range(4)
    ]
    rows = region_rows(document, total=None)
    return GridSpec(rows, tuple(columns), {"shares": seasonality_shares})


def monthly_target_spec(document: PlanDocument) -> GridSpec:
    calendar = document.plan.calendar()
    columns = tuple(
        Column(
            label.replace(" ", "\n"),
            (K0, t),
            source="months",
            fmt=Fmt.MONEY,
            formula=MONTH_FORMULA,
        )
        for t, label in enumerate(calendar.month_labels)
    )
    return GridSpec(region_rows(document), columns, {"months": monthly_targets})


class TargetsScreen(GridScreen):
    """Annual targets and seasonality (typed in), quarterly and monthly targets (derived)."""

    TITLE = "Targets"
    WARNED_PREFIXES = ("Seasonality",)

    def __init__(
        self, document: PlanDocument, undo: UndoController, parent: QWidget | None = None
    ) -> None:
        super().__init__(document, undo, parent)
        self.annual_grid = self.add_grid(
            "Bookings target by region",
            annual_target_spec,
            "New-business bookings per fiscal year (white cells: type; grey: calculated). "
            "Quarters follow from the seasonality below.",
        )
        self.seasonality_grid = self.add_grid(
            "Seasonality: weight of each fiscal month",
            seasonality_spec,
            "Weights are relative: only their shares of the year count (e.g. 1 … 1.3).",
        )
        self.monthly_grid = self.add_grid(
            "Monthly bookings target",
            monthly_target_spec,
            "What each month must close: the target the funnel and capacity work back from.",
        )
        self.finish()
