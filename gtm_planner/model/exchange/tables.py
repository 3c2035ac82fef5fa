"""The plan's summary tables as plain rows: what the CLI prints and the window shows.

One source for both, so the terminal and the screen can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gtm_planner.model.engine import KPI_CATALOGUE, ScenarioResult, compute_kpis
from gtm_planner.model.engine.kpis import Unit
from gtm_planner.model.entities import Plan, ScenarioInputs


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    unit: Unit


@dataclass(frozen=True)
class Table:
    title: str
    columns: tuple[Column, ...]
    row_labels: tuple[str, ...]
    values: np.ndarray  # (rows, columns) floats
    tooltips: tuple[str, ...] = ()  # per row, e.g. a KPI's formula


SUMMARY_KPIS = (
    "bookings_target", "forecast_bookings", "gap", "pipeline_coverage", "required_coverage",
    "blended_cac", "cac_payback_months", "marketing_sourced_pipeline", "marketing_sourced_share",
    "pipeline_roi", "cost_per_opportunity", "sm_budget", "sales_share", "marketing_share",
    "gtm_efficiency", "magic_number", "inquiries_per_month", "mqls_per_month",
    "end_to_end_conversion", "cost_of_misalignment", "capacity_vs_target",
)  # fmt: skip

WATERFALL_COLUMNS = (
    Column("target", "Bookings target", Unit.MONEY),
    Column("won", "Won deals", Unit.COUNT),
    Column("opportunities", "Opps", Unit.COUNT),
    Column("pipeline", "Pipeline", Unit.MONEY),
    Column("sqls", "SQLs", Unit.COUNT),
    Column("mqls", "Mkt MQLs", Unit.COUNT),
    Column("inquiries", "Mkt inquiries", Unit.COUNT),
    Column("demand_creation", "Demand-creation budget", Unit.MONEY),
    Column("coverage", "Required coverage", Unit.RATIO),
    Column("opportunities_before_start", "Opps needed before start", Unit.COUNT),
    Column("marketing_pipeline_before_start", "Mkt pipeline needed before start", Unit.MONEY),
    Column("opening_pipeline", "Opening mkt pipeline", Unit.MONEY),
)


def kpi_table(plan: Plan, inputs: ScenarioInputs, result: ScenarioResult) -> Table:
    kpis = compute_kpis(plan, inputs, result)
    definitions = {d.key: d for d in KPI_CATALOGUE}
    return Table(
        title="Key figures",
        columns=(Column("value", "Value", Unit.COUNT),),
        row_labels=tuple(definitions[k].label for k in SUMMARY_KPIS),
        values=np.array([[kpis[k].value] for k in SUMMARY_KPIS]),
        tooltips=tuple(f"{definitions[k].label} = {definitions[k].formula}" for k in SUMMARY_KPIS),
    )


def kpi_units() -> tuple[Unit, ...]:
    definitions = {d.key: d for d in KPI_CATALOGUE}
    return tuple(definitions[k].unit for k in SUMMARY_KPIS)


def waterfall_table(plan: Plan, inputs: ScenarioInputs, result: ScenarioResult) -> Table:
    """The reverse waterfall per region, needs inside the horizon, plus a Total.

    Bookings, deals, opportunities, pipeline and SQLs count every source; MQLs and inquiries
    are marketing's (the other sources do not run through inquiries).

    Needs that fall before plan start are not dropped: they are in their own column, next to
    the marketing-sourced pipeline that is open at plan start.
    """
    rev = result.reverse
    marketing = plan.marketing_source_index()
    per_region = np.column_stack(
        [
            rev.target.sum(axis=1),
            rev.won.sum(axis=(1, 2)),
            rev.opportunities.sum(axis=(1, 2)),
            rev.pipeline_value.sum(axis=(1, 2)),
            rev.sqls.sum(axis=(1, 2)),
            rev.mqls[:, marketing, :].sum(axis=1),
            rev.inquiries[:, marketing, :].sum(axis=1),
            rev.demand_creation_needed.sum(axis=1),
            np.zeros(len(plan.regions)),
            rev.opportunities_before_start.sum(axis=1),
            rev.marketing_pipeline_before_start,
            inputs.opening_pipeline,
        ]
    )
    total = per_region.sum(axis=0)
    # Coverage: the pipeline the target needs per currency unit of bookings (1 / win rate).
    needed_pipeline = (rev.target_by_source.sum(axis=2) / inputs.win_rate).sum(axis=1)
    per_region[:, 8] = np.divide(
        needed_pipeline,
        per_region[:, 0],
        out=np.full(len(plan.regions), np.nan),
        where=per_region[:, 0] > 0,
    )
    total[8] = needed_pipeline.sum() / total[0] if total[0] > 0 else np.nan
    return Table(
        title="Reverse waterfall — what the target needs",
        columns=WATERFALL_COLUMNS,
        row_labels=(*(r.name for r in plan.regions), "Total"),
        values=np.vstack([per_region, total]),
    )
