"""Pieces shared by goal seek, allocation and what-if: periods, regions, demand-creation spend.

Demand-creation spend is changed the way a planner would: a region's spend over a period keeps
its shape (the split across demand-creation lines and months) and only its total moves. A
region with no such spend in the period gets a flat shape: the same amount on every
demand-creation line in every month of the period.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from gtm_planner.model.engine.kpis import Kpi, Unit
from gtm_planner.model.entities import Plan, ScenarioInputs

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]


class SolveError(ValueError):
    """A request the plan cannot answer as asked; the message says what to change."""


def fiscal_year_months(plan: Plan, fiscal_year: int) -> BoolArray:
    """(T,) True for the plan months of ``fiscal_year``; a year outside the plan is an error."""
    calendar = plan.calendar()
    years = calendar.fiscal_years
    if fiscal_year not in years:
        raise SolveError(
            f"FY{fiscal_year} is not in this plan; it covers FY{years[0]}–FY{years[-1]}."
        )
    return np.asarray(calendar.fiscal_year == fiscal_year, dtype=bool)


def period_months(plan: Plan, fiscal_year: int | None) -> BoolArray:
    """The months of ``fiscal_year``, or every plan month for ``None``."""
    if fiscal_year is None:
        return np.ones(plan.settings.horizon_months, dtype=bool)
    return fiscal_year_months(plan, fiscal_year)


def region_index(plan: Plan, region_id: int) -> int:
    for i, region in enumerate(plan.regions):
        if region.id == region_id:
            return i
    raise SolveError(f"There is no region with id {region_id} in this plan.")


def region_mask(plan: Plan, region_id: int | None) -> BoolArray:
    """(R,) the one region ``region_id``, or every region for ``None``."""
    mask = np.zeros(len(plan.regions), dtype=bool)
    if region_id is None:
        mask[:] = True
    else:
        mask[region_index(plan, region_id)] = True
    return mask


def region_label(plan: Plan, region_id: int | None) -> str:
    return "all regions" if region_id is None else plan.regions[region_index(plan, region_id)].name


def demand_creation_lines(plan: Plan) -> IntArray:
    """Indices of the budget lines whose spend drives inquiries."""
    return np.flatnonzero(plan.demand_creation_mask()).astype(np.int64)


@dataclass(frozen=True)
class SpendBlock:
    """The demand-creation cells of a period: lines × every region × the period's months."""

    lines: IntArray
    months: IntArray

    @classmethod
    def of(cls, plan: Plan, months: BoolArray) -> SpendBlock:
        return cls(demand_creation_lines(plan), np.flatnonzero(months).astype(np.int64))

    @property
    def empty(self) -> bool:
        return self.lines.size == 0 or self.months.size == 0

    def index(self, regions: int) -> tuple[IntArray, IntArray, IntArray]:
        r = np.arange(regions, dtype=np.int64)
        return np.ix_(self.lines, r, self.months)  # type: ignore[return-value]

    def read(self, budget: FloatArray) -> FloatArray:
        """(Ldc, R, Tp) a copy of the block's spend."""
        return np.asarray(budget[self.index(budget.shape[1])], dtype=np.float64)

    def totals(self, budget: FloatArray) -> FloatArray:
        """(R,) each region's demand-creation spend over the period."""
        return np.asarray(self.read(budget).sum(axis=(0, 2)))

    def shape(self, budget: FloatArray) -> FloatArray:
        """(Ldc, R, Tp) each region's split of its spend; sums to 1 per region (flat if none)."""
        return self.shape_of(self.read(budget))

    @staticmethod
    def shape_of(block: FloatArray) -> FloatArray:
        """The split of a (Ldc, R, Tp) block of spend, per region (flat where it is all 0)."""
        totals = block.sum(axis=(0, 2))
        cells = max(block.shape[0] * block.shape[2], 1)
        flat = np.full_like(block, 1.0 / cells)
        with np.errstate(divide="ignore", invalid="ignore"):
            scaled = block / np.where(totals > 0, totals, 1.0)[None, :, None]
        return np.asarray(np.where((totals > 0)[None, :, None], scaled, flat))

    def with_totals(
        self, budget: FloatArray, shape: FloatArray, totals: FloatArray, regions: BoolArray
    ) -> FloatArray:
        """A copy of ``budget`` where each selected region's period spend is ``totals × shape``."""
        new = budget.copy()
        block = self.read(budget)
        block[:, regions, :] = shape[:, regions, :] * totals[regions][None, :, None]
        new[self.index(budget.shape[1])] = block
        return new

    def cells(self, region_indices: IntArray) -> IntArray:
        """(N, 3) positions (line, region, month) of the block's cells for some regions."""
        grid = np.stack(
            np.meshgrid(self.lines, region_indices, self.months, indexing="ij"), axis=-1
        )
        return np.asarray(grid.reshape(-1, 3), dtype=np.int64)


@dataclass(frozen=True)
class KpiChange:
    """A KPI that an answer moves, before and after, so the answer can be explained."""

    key: str
    label: str
    unit: Unit
    before: float
    after: float

    @property
    def delta(self) -> float:
        return self.after - self.before


def kpi_changes(before: dict[str, Kpi], after: dict[str, Kpi]) -> tuple[KpiChange, ...]:
    """The KPIs whose value differs (beyond rounding noise), in catalogue order."""
    changes: list[KpiChange] = []
    for key, kpi in before.items():
        a, b = kpi.value, after[key].value
        if math.isnan(a) and math.isnan(b):
            continue
        if math.isnan(a) != math.isnan(b) or not math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9):
            d = kpi.definition
            changes.append(KpiChange(key, d.label, d.unit, a, b))
    return tuple(changes)


def replace_field(inputs: ScenarioInputs, field: str, array: FloatArray) -> ScenarioInputs:
    """``inputs`` with one array swapped; the other arrays are shared (the engine never writes)."""
    trial = copy.copy(inputs)
    setattr(trial, field, array)
    return trial
