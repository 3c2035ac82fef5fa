"""Capacity: the sales team per region, AE hiring by month, and capacity against the target.

Inputs: AEs at plan start, ramp, quota, attainment, the SDR and SE teams and everyone's fully
loaded cost per region; AE hires per region and month. Derived (SPEC §3.1, §3.3): AEs on
payroll, ramped AEs and the bookings the team can close (ramped AEs × quota ÷ 12 ×
attainment) per region and quarter, next to the bookings target and the gap between them.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QWidget

from gtm_planner.model.calendar import FiscalCalendar
from gtm_planner.model.document import PlanDocument
from gtm_planner.ui.grid import K0, K1, Column, Fmt, GridScreen, GridSpec, Row, region_rows
from gtm_planner.ui.grid.spec import FloatArray
from gtm_planner.ui.undo import UndoController

TEAM_FIELDS = (
    ("starting_aes", "AEs at\nplan start", True),
    ("ramp_months", "Ramp\n(months)", False),
    ("annual_quota", "Annual quota\nper AE", False),
    ("attainment", "Quota\nattainment", False),
    ("ae_cost", "AE cost\n(per year)", False),
    ("sdr_count", "SDRs", True),
    ("sdr_cost", "SDR cost\n(per year)", False),
    ("se_count", "SEs", True),
    ("se_cost", "SE cost\n(per year)", False),
)
# The capacity plan's measures as rows: label, format, how the engine gets them.
MEASURES = (
    ("AEs on payroll (end)", Fmt.NUMBER, "AEs at plan start + AEs hired so far, at period end"),
    (
        "Ramped AEs (average)",
        Fmt.NUMBER,
        "full-productivity AEs: a hire ramps linearly over the ramp months; period average",
    ),
    ("Capacity", Fmt.MONEY, "ramped AEs × annual quota ÷ 12 × attainment, summed over months"),
    ("Bookings target", Fmt.MONEY, "the target of the Targets screen for the period"),
    ("Capacity − target", Fmt.MONEY, "capacity minus target; below 0 the team cannot close it"),
)


def _period_ends(calendar: FiscalCalendar, matrix: FloatArray) -> list[int]:
    """The last plan month of each period (column) of a months × periods 0/1 matrix."""
    months = np.arange(calendar.horizon_months)
    return [int(months[matrix[:, p] > 0].max()) for p in range(matrix.shape[1])]


def capacity_by_period(document: PlanDocument) -> FloatArray:
    """(R, measure, quarters + fiscal years) from the engine's capacity plan and target."""
    result = document.result()
    calendar = document.plan.calendar()
    periods = np.hstack([calendar.quarter_matrix(), calendar.fiscal_year_matrix()])
    months_in = periods.sum(axis=0)
    capacity = result.capacity
    headcount = capacity.headcount[:, _period_ends(calendar, periods)]
    ramped = (capacity.ramped_aes @ periods) / months_in
    bookable = capacity.capacity @ periods
    target = result.reverse.target @ periods
    return np.stack([headcount, ramped, bookable, target, bookable - target], axis=1)


def hires_by_year(document: PlanDocument) -> FloatArray:
    """(R, Y) AEs hired per region and fiscal year."""
    hires = document.current_scenario.inputs.ae_hires
    return np.asarray(hires @ document.plan.calendar().fiscal_year_matrix())


def team_spec(document: PlanDocument) -> GridSpec:
    columns = tuple(
        Column(header, (K0,), field=field, summable=summable)
        for field, header, summable in TEAM_FIELDS
    )
    return GridSpec(region_rows(document), columns)


def hires_spec(document: PlanDocument) -> GridSpec:
    calendar = document.plan.calendar()
    columns = [
        Column(label.replace(" ", "\n"), (K0, t), field="ae_hires")
        for t, label in enumerate(calendar.month_labels)
    ]
    columns += [
        Column(
            f"FY{year}\nhires",
            (K0, y),
            source="years",
            fmt=Fmt.NUMBER,
            formula="Σ of the fiscal year's monthly hires",
        )
        for y, year in enumerate(calendar.fiscal_years)
    ]
    return GridSpec(region_rows(document), tuple(columns), {"years": hires_by_year})


def capacity_spec(document: PlanDocument) -> GridSpec:
    plan = document.plan
    calendar = plan.calendar()
    regions, measures = len(plan.regions), len(MEASURES)
    rows = [
        Row(
            f"All regions · {label}",
            total_of=tuple(measures + r * measures + m for r in range(regions)),
            fmt=fmt,
            formula=f"Σ of the regions' {label.lower()}",
        )
        for m, (label, fmt, _) in enumerate(MEASURES)
    ]
    rows += [
        Row(f"{region.name} · {label}", (r, m), fmt=fmt, formula=formula)
        for r, region in enumerate(plan.regions)
        for m, (label, fmt, formula) in enumerate(MEASURES)
    ]
    periods = [label.replace(" ", "\n") for label in calendar.quarter_labels]
    periods += [f"FY{year}" for year in calendar.fiscal_years]
    columns = tuple(
        Column(label, (K0, K1, p), source="capacity") for p, label in enumerate(periods)
    )
    return GridSpec(tuple(rows), columns, {"capacity": capacity_by_period})


class CapacityScreen(GridScreen):
    """The sales team and AE hiring (typed in), capacity against the target (derived)."""

    TITLE = "Capacity"

    def __init__(
        self, document: PlanDocument, undo: UndoController, parent: QWidget | None = None
    ) -> None:
        super().__init__(document, undo, parent)
        self.team_grid = self.add_grid(
            "Sales team by region",
            team_spec,
            "Costs are fully loaded, per person and year. Attainment: the share of quota a "
            "ramped AE is expected to close.",
        )
        self.hires_grid = self.add_grid(
            "AE hires by month", hires_spec, "New AEs starting in each month; they ramp up."
        )
        self.capacity_grid = self.add_grid(
            "Capacity vs target",
            capacity_spec,
            "What the sales team can close per quarter and fiscal year, next to the target.",
        )
        self.finish()
