"""Independent expectations: the engine's arrays summed month by month, the slow obvious way."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import numpy.typing as npt

from gtm_planner.model.dashboard_data import Period, PeriodKind
from gtm_planner.model.document import PlanDocument
from gtm_planner.model.engine import KPI_BY_KEY, compute_kpis
from gtm_planner.model.formatting import format_value

FloatArray = npt.NDArray[np.float64]


def selected_months(document: PlanDocument, period: Period | None) -> list[int]:
    calendar = document.plan.calendar()
    months = range(calendar.horizon_months)
    if period is None or period.kind is PeriodKind.PLAN:
        return list(months)
    if period.kind is PeriodKind.FISCAL_YEAR:
        year = calendar.fiscal_years[period.index]
        return [t for t in months if calendar.fiscal_year[t] == year]
    return [
        t for t in months if calendar.quarter_labels[calendar.quarter_index[t]] == period.label
    ]


def selected_regions(document: PlanDocument, regions: tuple[int, ...] | None) -> list[int]:
    return list(range(len(document.plan.regions))) if regions is None else list(regions)


def quarter_sums(
    document: PlanDocument,
    monthly: FloatArray,
    regions: tuple[int, ...] | None = None,
    period: Period | None = None,
) -> dict[str, float]:
    calendar = document.plan.calendar()
    sums: dict[str, float] = defaultdict(float)
    for t in selected_months(document, period):
        for r in selected_regions(document, regions):
            sums[calendar.quarter_labels[calendar.quarter_index[t]]] += float(monthly[r, t])
    return dict(sums)


def kpi_texts(
    document: PlanDocument,
    regions: tuple[int, ...] | None = None,
    period: Period | None = None,
    *,
    short: bool = False,
) -> dict[str, str]:
    """Every KPI as a tile should read it: compute_kpis over masks built from the lists above."""
    plan = document.plan
    region_mask = np.zeros(len(plan.regions), dtype=bool)
    region_mask[selected_regions(document, regions)] = True
    month_mask = np.zeros(plan.settings.horizon_months, dtype=bool)
    month_mask[selected_months(document, period)] = True
    kpis = compute_kpis(
        plan,
        document.current_scenario.inputs,
        document.result(),
        regions=region_mask,
        months=month_mask,
    )
    currency = plan.settings.currency
    return {
        key: format_value(kpi.value, KPI_BY_KEY[key].unit, currency, short=short)
        for key, kpi in kpis.items()
    }
