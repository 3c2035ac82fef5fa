"""Targets: the bookings target per region and fiscal year, and how seasonality spreads it.

Inputs (white cells): the annual target per region × fiscal year, and twelve seasonality
weights per region. Derived (grey cells): the quarterly and monthly targets the engine spreads
from them, the same numbers the funnel and capacity screens work back from.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QInputDialog, QMessageBox, QPushButton, QWidget

from gtm_planner.model.calendar import MONTH_ABBREVIATIONS
from gtm_planner.model.commands import InsertRegion, RemoveRegion, SetAttribute
from gtm_planner.model.document import PlanDocument, RecordKind
from gtm_planner.model.entities import Region
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
        self.add_button = QPushButton("&Add region…", self)
        self.rename_button = QPushButton("Re&name region…", self)
        self.remove_button = QPushButton("Re&move region…", self)
        for button in (self.add_button, self.rename_button, self.remove_button):
            self.controls.addWidget(button)
        self.add_button.clicked.connect(self.ask_add_region)
        self.rename_button.clicked.connect(self.ask_rename_region)
        self.remove_button.clicked.connect(self.ask_remove_region)
        for button in (self.add_button, self.rename_button, self.remove_button):
            button.setEnabled(not document.read_only)  # a read-only plan: nothing to change
        self.finish()

    # --- regions: every change one undoable step ------------------------------------------

    def current_region(self) -> Region | None:
        """The region of the current row of the annual-target grid."""
        current = self.annual_grid.currentIndex()
        if not current.isValid():
            return None
        key = self.annual_grid.grid_model.row_spec(current.row()).key
        regions = self.document.plan.regions
        return regions[key[0]] if key and key[0] < len(regions) else None

    def _name_problem(self, name: str, region_id: int | None = None) -> str | None:
        if not name.strip():
            return "A region needs a name."
        taken = any(
            r.name.casefold() == name.strip().casefold() and r.id != region_id
            for r in self.document.plan.regions
        )
        return f"There is already a region named '{name.strip()}'." if taken else None

    def add_region(self, name: str) -> bool:
        """Add a region at the end, with neutral inputs in every scenario."""
        problem = self._name_problem(name)
        if problem is not None:
            self.message.emit(f"No region added: {problem}")
            return False
        region = Region(self.document.next_id(RecordKind.REGION), name.strip())
        position = len(self.document.plan.regions)
        self.undo.push(InsertRegion(f"Add region '{region.name}'", position, region))
        return True

    def rename_region(self, region_id: int, name: str) -> bool:
        region = self.document.record(RecordKind.REGION, region_id)
        problem = self._name_problem(name, region_id)
        if problem is not None:
            self.message.emit(f"Not renamed: {problem}")
            return False
        if name.strip() != region.name:
            label = f"Rename region '{region.name}' to '{name.strip()}'"
            self.undo.push(SetAttribute(label, RecordKind.REGION, region_id, "name", name.strip()))
        return True

    def remove_region(self, region_id: int, confirm: bool = True) -> bool:
        """Ask, then remove the region and its numbers from every scenario."""
        region = self.document.record(RecordKind.REGION, region_id)
        if len(self.document.plan.regions) == 1:
            self.message.emit("Not removed: a plan keeps at least one region.")
            return False
        if confirm:
            answer = QMessageBox.question(
                self,
                "Remove region",
                f"Remove the region '{region.name}' with its targets, funnel, capacity and "
                "budget in every scenario?\n\nEdit › Undo brings it back with its numbers.",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return False
        self.undo.push(RemoveRegion(f"Remove region '{region.name}'", region_id))
        return True

    def ask_add_region(self) -> None:
        name, ok = QInputDialog.getText(self, "Add region", "Name of the new region:")
        if ok:
            self.add_region(name)

    def ask_rename_region(self) -> None:
        region = self.current_region()
        if region is None:
            self.message.emit("Rename: click the region's row in the bookings target first.")
            return
        name, ok = QInputDialog.getText(self, "Rename region", "New name:", text=region.name)
        if ok:
            self.rename_region(region.id, name)

    def ask_remove_region(self) -> None:
        region = self.current_region()
        if region is None:
            self.message.emit("Remove: click the region's row in the bookings target first.")
            return
        self.remove_region(region.id)
