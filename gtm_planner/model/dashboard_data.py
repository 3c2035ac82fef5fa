"""The Dashboard's numbers: every tile and every chart series, for a region and period filter.

Pure Python and NumPy, no Qt: the page only draws what this module returns, so a test can
check each number against the engine without a window. Everything is a sum or a ratio of the
engine's own arrays (``ScenarioResult``) over the selected regions and plan months; the KPI
tiles are ``compute_kpis`` with the same masks, never a second calculation.

Dating follows the engine: bookings and won deals by close month, opportunities and pipeline by
creation month, SQLs, MQLs, inquiries and spend by the month they happen. A filter to a quarter
therefore shows what happens *in* that quarter at each stage of the funnel.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from gtm_planner.model.calendar import FiscalCalendar
from gtm_planner.model.engine import KPI_BY_KEY, ScenarioResult, Unit, compute_kpis
from gtm_planner.model.entities import Function, Plan, ScenarioInputs

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

# The tiles, headline first (SPEC §3.4, issue 4): target, forecast, gap, coverage vs required,
# CAC, payback, marketing-sourced pipeline and share, S&M budget and its split, Magic Number.
HEADLINE_TILES: tuple[str, ...] = (
    "bookings_target", "forecast_bookings", "gap", "pipeline_coverage", "required_coverage",
    "blended_cac", "cac_payback_months", "marketing_sourced_pipeline", "marketing_sourced_share",
    "sm_budget", "sales_share", "marketing_share", "magic_number",
)  # fmt: skip
MORE_TILES: tuple[str, ...] = (
    "pipeline_roi", "cost_per_opportunity", "gtm_efficiency", "inquiries_per_month",
    "mqls_per_month", "end_to_end_conversion", "cost_of_misalignment", "capacity_vs_target",
)  # fmt: skip
DASHBOARD_TILES = HEADLINE_TILES + MORE_TILES

FUNNEL_STAGES: tuple[str, ...] = ("Inquiries", "MQLs", "SQLs", "Opportunities", "Won deals")


class PeriodKind(StrEnum):
    PLAN = "plan"
    FISCAL_YEAR = "fiscal_year"
    QUARTER = "quarter"


@dataclass(frozen=True)
class Period:
    """The whole plan, one fiscal year (``index`` into ``fiscal_years``) or one quarter."""

    kind: PeriodKind
    index: int = 0
    label: str = "Whole plan"


WHOLE_PLAN = Period(PeriodKind.PLAN)


@dataclass(frozen=True)
class Selection:
    """Which regions (indices; ``None`` is all of them) and which period the dashboard shows."""

    regions: tuple[int, ...] | None = None
    period: Period = WHOLE_PLAN


@dataclass(frozen=True)
class Tile:
    key: str
    label: str
    unit: Unit
    value: float  # NaN when undefined (nothing won, nothing spent)
    formula: str

    @property
    def definition(self) -> str:
        return f"{self.label} = {self.formula}"


@dataclass(frozen=True)
class QuarterlyBookings:
    """Target and forecast bookings per fiscal quarter of the period; gap = target − forecast."""

    labels: tuple[str, ...]
    target: FloatArray
    forecast: FloatArray

    @property
    def gap(self) -> FloatArray:
        return np.asarray(self.target - self.forecast)


@dataclass(frozen=True)
class Funnel:
    """The reverse waterfall's stage totals (``FUNNEL_STAGES``): marketing and all sources."""

    stages: tuple[str, ...]
    marketing: FloatArray  # (5,)
    all_sources: FloatArray  # (5,)


@dataclass(frozen=True)
class BudgetSplit:
    """S&M spend per quarter: sales vs marketing, and marketing by category (program family)."""

    labels: tuple[str, ...]
    sales: FloatArray  # (Q,)
    marketing: FloatArray  # (Q,)
    family_names: tuple[str, ...]
    by_family: FloatArray  # (F, Q) the plan's marketing categories, in their order


@dataclass(frozen=True)
class RegionalReturn:
    """Per selected region: demand-creation spend and the marketing-sourced results it buys."""

    regions: tuple[str, ...]
    demand_creation_spend: FloatArray
    marketing_pipeline: FloatArray
    marketing_bookings: FloatArray  # after the capacity cap, opening pipeline included


@dataclass(frozen=True)
class DashboardData:
    currency: str
    selection_text: str  # "All regions · FY2027"
    tiles: tuple[Tile, ...]
    quarterly: QuarterlyBookings
    funnel: Funnel
    budget: BudgetSplit
    regional: RegionalReturn

    def tile(self, key: str) -> Tile:
        return next(t for t in self.tiles if t.key == key)


# --- filters -----------------------------------------------------------------------------------


def period_choices(calendar: FiscalCalendar) -> tuple[Period, ...]:
    """The whole plan, then each fiscal year, then each quarter the horizon touches."""
    years = tuple(
        Period(PeriodKind.FISCAL_YEAR, i, f"FY{year}")
        for i, year in enumerate(calendar.fiscal_years)
    )
    quarters = tuple(
        Period(PeriodKind.QUARTER, q, label) for q, label in enumerate(calendar.quarter_labels)
    )
    return (WHOLE_PLAN, *years, *quarters)


def month_mask(calendar: FiscalCalendar, period: Period) -> BoolArray:
    """(T,) True for the plan months inside ``period``."""
    if period.kind is PeriodKind.FISCAL_YEAR:
        return np.asarray(calendar.fiscal_year_index == period.index)
    if period.kind is PeriodKind.QUARTER:
        return np.asarray(calendar.quarter_index == period.index)
    return np.ones(calendar.horizon_months, dtype=bool)


def region_mask(region_count: int, regions: Sequence[int] | None) -> BoolArray:
    """(R,) True for the selected regions; ``None`` selects every region."""
    mask = np.zeros(region_count, dtype=bool)
    if regions is None:
        mask[:] = True
    else:
        mask[[r for r in regions if 0 <= r < region_count]] = True
    return mask


def selection_text(plan: Plan, selection: Selection) -> str:
    names = [plan.regions[r].name for r in selection.regions or () if r < len(plan.regions)]
    if selection.regions is None or len(names) == len(plan.regions):
        where = "All regions"
    elif len(names) <= 2:
        where = " + ".join(names)
    else:
        where = f"{len(names)} regions"
    return f"{where} · {selection.period.label}"


# --- the numbers -------------------------------------------------------------------------------


def dashboard_data(
    plan: Plan, inputs: ScenarioInputs, result: ScenarioResult, selection: Selection
) -> DashboardData:
    """Every number the Dashboard shows, for one scenario's inputs and engine results."""
    calendar = plan.calendar()
    regions = region_mask(len(plan.regions), selection.regions)
    months = month_mask(calendar, selection.period)
    return DashboardData(
        currency=plan.settings.currency,
        selection_text=selection_text(plan, selection),
        tiles=tiles(plan, inputs, result, regions, months),
        quarterly=quarterly_bookings(calendar, result, regions, months),
        funnel=funnel(plan, result, regions, months),
        budget=budget_split(plan, result, regions, months),
        regional=regional_return(plan, result, regions, months),
    )


def tiles(
    plan: Plan,
    inputs: ScenarioInputs,
    result: ScenarioResult,
    regions: BoolArray,
    months: BoolArray,
) -> tuple[Tile, ...]:
    kpis = compute_kpis(plan, inputs, result, regions=regions, months=months)
    return tuple(
        Tile(key, KPI_BY_KEY[key].label, KPI_BY_KEY[key].unit, kpis[key].value,
             KPI_BY_KEY[key].formula)
        for key in DASHBOARD_TILES
    )  # fmt: skip


def _selected_quarters(calendar: FiscalCalendar, months: BoolArray) -> BoolArray:
    counts = np.bincount(calendar.quarter_index[months], minlength=calendar.quarter_count)
    return np.asarray(counts > 0)


def _by_quarter(
    calendar: FiscalCalendar, monthly: FloatArray, regions: BoolArray, months: BoolArray
) -> FloatArray:
    """(…, R, T) → (…, Q_selected): summed over the selected regions and months."""
    masked = np.where(months, monthly[..., regions, :].sum(axis=-2), 0.0)
    quarters = masked @ calendar.quarter_matrix()
    return np.asarray(quarters[..., _selected_quarters(calendar, months)])


def _quarter_labels(calendar: FiscalCalendar, months: BoolArray) -> tuple[str, ...]:
    chosen = _selected_quarters(calendar, months)
    return tuple(
        label for label, keep in zip(calendar.quarter_labels, chosen, strict=True) if keep
    )


def quarterly_bookings(
    calendar: FiscalCalendar, result: ScenarioResult, regions: BoolArray, months: BoolArray
) -> QuarterlyBookings:
    return QuarterlyBookings(
        labels=_quarter_labels(calendar, months),
        target=_by_quarter(calendar, result.reverse.target, regions, months),
        forecast=_by_quarter(calendar, result.forward.forecast, regions, months),
    )


def funnel(plan: Plan, result: ScenarioResult, regions: BoolArray, months: BoolArray) -> Funnel:
    """Stage totals of the reverse waterfall (what the target needs) inside the selection."""
    rev = result.reverse
    m = plan.marketing_source_index()
    stages = (rev.inquiries, rev.mqls, rev.sqls, rev.opportunities, rev.won)  # (R, S, T) each
    by_source = np.array([a[regions][:, :, months].sum(axis=(0, 2)) for a in stages])  # (5, S)
    return Funnel(FUNNEL_STAGES, by_source[:, m].copy(), by_source.sum(axis=1))


def budget_split(
    plan: Plan, result: ScenarioResult, regions: BoolArray, months: BoolArray
) -> BudgetSplit:
    calendar = plan.calendar()
    marketing_categories = [
        i for i, c in enumerate(plan.categories) if c.function is Function.MARKETING
    ]
    by_family = _by_quarter(
        calendar, result.spend_by_category[marketing_categories], regions, months
    )
    return BudgetSplit(
        labels=_quarter_labels(calendar, months),
        sales=_by_quarter(calendar, result.sales_spend, regions, months),
        marketing=_by_quarter(calendar, result.marketing_spend, regions, months),
        family_names=tuple(plan.categories[i].name for i in marketing_categories),
        by_family=by_family.reshape(len(marketing_categories), -1),
    )


def regional_return(
    plan: Plan, result: ScenarioResult, regions: BoolArray, months: BoolArray
) -> RegionalReturn:
    fwd = result.forward

    def per_region(monthly: FloatArray) -> FloatArray:
        return np.asarray(monthly[regions][:, months].sum(axis=1))

    return RegionalReturn(
        regions=tuple(r.name for r, keep in zip(plan.regions, regions, strict=True) if keep),
        demand_creation_spend=per_region(fwd.demand_creation_spend),
        marketing_pipeline=per_region(fwd.marketing_pipeline),
        marketing_bookings=per_region(fwd.marketing_sourced_bookings),
    )
