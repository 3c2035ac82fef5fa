"""What goes on the printed pages (SPEC §6): a scenario summary and a comparison of two.

Pure Python, no Qt: a report is a flat sequence of blocks (headings, key facts, tables with a
header row, charts as series, sign-off lines) plus the footer text. The renderer in
``gtm_planner.ui.report`` decides where each block lands on which page; every number here is
the engine's own (``compute_kpis``, ``dashboard_data``, ``compare``, ``track_goals``) formatted
the way the window shows it, never a second calculation.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from gtm_planner.model.compare import compare
from gtm_planner.model.dashboard_data import WHOLE_PLAN, Selection, dashboard_data
from gtm_planner.model.engine import KPI_BY_KEY, KPI_CATALOGUE, compute_kpis, compute_scenario
from gtm_planner.model.engine.kpis import Unit
from gtm_planner.model.engine.results import ScenarioResult
from gtm_planner.model.entities import Plan, Scenario, ScenarioInputs, Snapshot
from gtm_planner.model.formatting import count, format_value, money, percent
from gtm_planner.model.goals import GoalStatus, format_goal_value, format_shortfall, track_goals
from gtm_planner.model.snapshots import shape_problems
from gtm_planner.model.validation import RULE_BY_FIELD, Kind

# The board's KPIs on page 1 (SPEC §6); the sales/marketing split is one extra row.
PAGE_ONE_KPIS: tuple[str, ...] = (
    "bookings_target", "forecast_bookings", "gap", "pipeline_coverage", "required_coverage",
    "blended_cac", "cac_payback_months", "marketing_sourced_pipeline", "marketing_sourced_share",
    "sm_budget",
)  # fmt: skip
SIGN_OFF_ROLES = ("Chief Revenue Officer (CRO)", "Chief Marketing Officer (CMO)")
INPUT_DIFFERENCE_LIMIT = 200


class ReportError(ValueError):
    """A report that cannot be made as asked (unknown scenario, snapshot that no longer fits)."""


class Align(StrEnum):
    LEFT = "left"
    RIGHT = "right"


class SeriesKind(StrEnum):
    BAR = "bar"
    LINE = "line"


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Facts:
    """Label–value pairs under the title of page 1 (plan, scenario, status, date)."""

    pairs: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Table:
    """A table whose header row repeats on every page it runs onto; rows never split."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]  # relative column widths
    align: tuple[Align, ...]
    emphasis: frozenset[int] = frozenset()  # rows printed bold (totals)


@dataclass(frozen=True)
class ChartSeries:
    name: str
    values: tuple[float, ...]
    kind: SeriesKind
    style: int  # 0, 1, 2…: a fill pattern (bars) or a dash and marker (lines), never colour


@dataclass(frozen=True)
class Chart:
    title: str
    categories: tuple[str, ...]
    series: tuple[ChartSeries, ...]
    currency: str
    stacked: bool = False  # bars stacked per category instead of side by side


@dataclass(frozen=True)
class ChartRow:
    """Charts printed side by side, sharing the width of the page."""

    charts: tuple[Chart, ...]


@dataclass(frozen=True)
class SignOff:
    roles: tuple[str, ...]


@dataclass(frozen=True)
class PageBreak:
    pass


Block = Heading | Paragraph | Facts | Table | ChartRow | SignOff | PageBreak


@dataclass(frozen=True)
class ReportData:
    title: str
    subtitle: str
    blocks: tuple[Block, ...]
    footer: str  # plan file name and printed date; the page number goes next to it


# --- helpers -----------------------------------------------------------------------------------


def find_item(plan: Plan, name: str) -> Scenario | Snapshot:
    """The scenario (or else the snapshot) called ``name``; a ``ReportError`` says the choices."""
    for scenario in plan.scenarios:
        if scenario.name == name:
            return scenario
    for snapshot in plan.snapshots:
        if snapshot.name == name:
            if shape_problems(plan, snapshot.inputs):
                raise ReportError(f"snapshot {name!r} no longer fits the plan's dimensions")
            return snapshot
    known = ", ".join([s.name for s in plan.scenarios] + [s.name for s in plan.snapshots])
    raise ReportError(f"no scenario or snapshot named {name!r} (this plan has: {known})")


def _status(plan: Plan, item: Scenario | Snapshot) -> str:
    if isinstance(item, Snapshot):
        return f"Snapshot “{item.name}” of {item.scenario_name}, taken {item.created_at:%d %b %Y}"
    status = "Plan of record" if item.is_plan_of_record else "Scenario (not the plan of record)"
    taken = [s for s in plan.snapshots if s.scenario_name == item.name]
    if taken:
        last = max(taken, key=lambda s: s.created_at)
        status += f"; last snapshot “{last.name}”, {last.created_at:%d %b %Y}"
    return status


def _footer(file_name: str, printed: dt.date) -> str:
    return f"{file_name} · printed {printed:%d %b %Y}"


def _period(plan: Plan) -> str:
    labels = plan.calendar().month_labels
    return f"{labels[0]} – {labels[-1]} ({plan.settings.horizon_months} months)"


def _table(
    header: tuple[str, ...],
    rows: Sequence[tuple[str, ...]],
    widths: tuple[float, ...],
    emphasis: frozenset[int] = frozenset(),
    align: str = "",
) -> Table:
    """``align`` is one letter per column, L or R; by default the first column L, the rest R."""
    letters = align or "L" + "R" * (len(header) - 1)
    aligns = tuple(Align.RIGHT if a == "R" else Align.LEFT for a in letters)
    return Table(header, tuple(rows), widths, aligns, emphasis)


def signed(value: float, unit: Unit, currency: str) -> str:
    """A delta with its sign: +$1,200, −3.1 pts, +0.25x."""
    if not math.isfinite(value):
        return "–"
    sign = "+" if value > 0 else "−" if value < 0 else "±"
    size = abs(value)
    if unit is Unit.PERCENT:
        return f"{sign}{size * 100:.1f} pts"
    return sign + format_value(size, unit, currency)


def _input_value(field: str, value: float, currency: str) -> str:
    kind = RULE_BY_FIELD[field].kind if field in RULE_BY_FIELD else Kind.RATE
    if kind in (Kind.MONEY, Kind.POSITIVE_MONEY):
        return money(value, currency)
    if kind in (Kind.RATE, Kind.POSITIVE_RATE):
        return percent(value)
    if kind is Kind.MONTHS:
        return f"{count(value)} months"
    return count(value, 2 if value != round(value) else 0)


# --- the scenario summary ----------------------------------------------------------------------


def _kpi_table(plan: Plan, inputs: ScenarioInputs, result: ScenarioResult) -> Table:
    """Page 1's KPIs for the whole plan, plus a column per fiscal year in multi-year plans."""
    calendar, currency = plan.calendar(), plan.settings.currency
    columns = [("Whole plan", compute_kpis(plan, inputs, result))]
    if len(calendar.fiscal_years) > 1:
        for i, year in enumerate(calendar.fiscal_years[:4]):
            months = np.asarray(calendar.fiscal_year_index == i)
            columns.append((f"FY{year}", compute_kpis(plan, inputs, result, months=months)))
    rows = [
        (KPI_BY_KEY[k].label, *(format_value(v[k].value, KPI_BY_KEY[k].unit, currency)
                                for _, v in columns))
        for k in PAGE_ONE_KPIS
    ]  # fmt: skip
    rows.append((
        "Sales / marketing split",
        *(f"{percent(v['sales_share'].value)} / {percent(v['marketing_share'].value)}"
          for _, v in columns),
    ))  # fmt: skip
    header = ("KPI", *(name for name, _ in columns))
    return _table(header, rows, (2.2, *([1.0] * len(columns))))


def _regional_table(plan: Plan, result: ScenarioResult) -> Table:
    currency, fwd = plan.settings.currency, result.forward
    per_region = np.column_stack([
        result.reverse.target.sum(axis=1), fwd.forecast.sum(axis=1),
        result.reverse.target.sum(axis=1) - fwd.forecast.sum(axis=1),
        fwd.demand_creation_spend.sum(axis=1), fwd.marketing_pipeline.sum(axis=1),
    ])  # fmt: skip
    names = [r.name for r in plan.regions]
    table = np.vstack([per_region, per_region.sum(axis=0)])
    rows = [
        (name, *(money(float(v), currency) for v in values))
        for name, values in zip([*names, "All regions"], table, strict=True)
    ]
    header = ("Region", "Target", "Forecast", "Gap", "Demand-creation spend", "Mkt pipeline")
    return _table(header, rows, (1.6, 1, 1, 1, 1.1, 1), frozenset({len(names)}))


def _funnel_table(plan: Plan, result: ScenarioResult) -> Table:
    """What the target needs, per region and fiscal quarter (needs before start kept)."""
    rev, currency = result.reverse, plan.settings.currency
    m = plan.marketing_source_index()
    calendar = plan.calendar()
    q = calendar.quarter_matrix()
    stages = np.stack([
        rev.target, rev.won.sum(axis=1), rev.opportunities.sum(axis=1),
        rev.pipeline_value.sum(axis=1), rev.sqls.sum(axis=1), rev.mqls[:, m, :],
        rev.inquiries[:, m, :], rev.demand_creation_needed,
    ])  # fmt: skip
    by_quarter = stages @ q  # (8 stages, R, Q)
    zero = np.zeros(len(plan.regions))
    before = np.stack([
        zero, zero, rev.opportunities_before_start.sum(axis=1),
        rev.pipeline_before_start.sum(axis=1), rev.sqls_before_start.sum(axis=1),
        rev.mqls_before_start[:, m], rev.inquiries_before_start[:, m],
        rev.demand_creation_before_start,
    ])  # fmt: skip
    money_stage = (True, False, False, True, False, False, False, True)

    def cells(values: np.ndarray) -> tuple[str, ...]:
        return tuple(money(float(v), currency) if is_money else count(float(v))
                     for v, is_money in zip(values, money_stage, strict=True))  # fmt: skip

    rows: list[tuple[str, ...]] = []
    emphasis: set[int] = set()
    for r, region in enumerate(plan.regions):
        if np.any(before[:, r] > 0.5):
            rows.append((region.name, "Before start", *cells(before[:, r])))
        for k, label in enumerate(calendar.quarter_labels):
            rows.append((region.name, label, *cells(by_quarter[:, r, k])))
        emphasis.add(len(rows))
        rows.append((region.name, "Total", *cells(by_quarter[:, r, :].sum(axis=1) + before[:, r])))
    header = ("Region", "Quarter", "Target", "Won deals", "Opps", "Pipeline", "SQLs",
              "Mkt MQLs", "Mkt inquiries", "Demand-creation budget")  # fmt: skip
    return _table(header, rows, (1.45, 1.2, 1.3, 0.75, 0.75, 1.3, 0.75, 0.85, 1.0, 1.3),
                  frozenset(emphasis), "LL" + "R" * 8)  # fmt: skip


def _assumptions_table(plan: Plan, inputs: ScenarioInputs, result: ScenarioResult) -> Table:
    currency, m = plan.settings.currency, plan.marketing_source_index()
    rows = []
    for r, region in enumerate(plan.regions):
        aes = f"{count(float(inputs.starting_aes[r]))} + {count(float(inputs.ae_hires[r].sum()))}"
        rows.append((
            region.name, money(float(inputs.annual_target[r].sum()), currency),
            percent(float(inputs.source_mix[r, m])), money(float(result.asp_blended[r]), currency),
            percent(float(inputs.win_rate[r, m])),
            f"{count(float(inputs.sales_cycle_months[r, m]))} mo",
            money(float(inputs.cost_per_inquiry[r]), currency, 2),
            percent(float(inputs.follow_up_rate[r])), aes,
            money(float(inputs.annual_quota[r]), currency), percent(float(inputs.attainment[r])),
        ))  # fmt: skip
    header = ("Region", "Annual targets", "Mkt share of bookings", "Avg deal", "Mkt win rate",
              "Mkt cycle", "Cost per inquiry", "MQL follow-up", "AEs start + hires",
              "Quota per AE", "Attainment")  # fmt: skip
    return _table(header, rows, (1.5, 1.3, 0.9, 1.0, 0.8, 0.7, 0.9, 0.8, 0.9, 1.1, 1.0))


def _goal_tables(plan: Plan, inputs: ScenarioInputs, result: ScenarioResult) -> list[Block]:
    currency = plan.settings.currency
    tracking = track_goals(plan, inputs, result)
    goal_rows = []
    for goal in plan.goals:
        unit, t, label = KPI_BY_KEY[goal.metric].unit, tracking[goal.id], goal.name
        if KPI_BY_KEY[goal.metric].label.casefold() != goal.name.casefold():
            label += f" ({KPI_BY_KEY[goal.metric].label})"
        status = "No data" if t.status is GoalStatus.NO_DATA else t.status.value.capitalize()
        goal_rows.append((
            label, goal.owner.value,
            f"FY{goal.fiscal_year}", format_goal_value(goal.value, unit, currency),
            format_goal_value(t.actual, unit, currency),
            f"{status}: {format_shortfall(t, unit, currency)}",
        ))  # fmt: skip
    sla_rows = []
    for line in plan.sla:
        if line.unit.startswith("share of"):
            value = f"{percent(line.value)} {line.unit.removeprefix('share ')}"
        else:
            value = f"{count(line.value, 0 if line.value == round(line.value) else 1)} {line.unit}"
        sla_rows.append((line.name, line.commitment, line.owner.value, value))
    blocks: list[Block] = [Heading("Shared goals and SLA")]
    if goal_rows:
        goal_header = ("Shared goal", "Owner", "Year", "Target", "This plan", "Status")
        blocks.append(_table(goal_header, goal_rows, (2.6, 0.7, 0.7, 1, 1, 1.6), align="LLLRRL"))
    else:
        blocks.append(Paragraph("This plan has no shared goals yet."))
    if sla_rows:
        sla_header = ("SLA line", "Commitment", "Owner", "Value")
        blocks.append(_table(sla_header, sla_rows, (1.3, 3.0, 0.7, 1.4), align="LLLL"))
    return blocks


def _glossaries(plan: Plan, kpis: dict[str, float]) -> list[Block]:
    currency = plan.settings.currency
    definitions = [(d.term, d.owner.value, d.definition) for d in plan.definitions]
    formulas = [
        (d.label, format_value(kpis[d.key], d.unit, currency), d.formula) for d in KPI_CATALOGUE
    ]
    blocks: list[Block] = [Heading("Definitions")]
    if definitions:
        blocks.append(
            _table(("Term", "Owner", "Definition"), definitions, (1.2, 0.6, 5.0), align="LLL")
        )
    else:
        blocks.append(Paragraph("This plan has no glossary yet."))
    blocks += [
        Heading("KPI formulas"),
        _table(("KPI", "This plan", "Formula"), formulas, (1.6, 1.1, 4.1), align="LRL"),
    ]
    return blocks


def scenario_summary(
    plan: Plan, item: Scenario | Snapshot, *, file_name: str, printed: dt.date
) -> ReportData:
    """The board's summary of one scenario (or snapshot): page 1, then the detail pages."""
    if shape_problems(plan, item.inputs):
        raise ReportError(f"snapshot {item.name!r} no longer fits the plan's dimensions")
    inputs, currency = item.inputs, plan.settings.currency
    result = compute_scenario(plan, inputs)
    data = dashboard_data(plan, inputs, result, Selection(None, WHOLE_PLAN))
    kpis = {k: v.value for k, v in compute_kpis(plan, inputs, result).items()}
    quarterly, budget = data.quarterly, data.budget
    charts = ChartRow((
        Chart("Bookings target vs forecast by quarter", quarterly.labels, (
            ChartSeries("Target", tuple(map(float, quarterly.target)), SeriesKind.BAR, 1),
            ChartSeries("Forecast", tuple(map(float, quarterly.forecast)), SeriesKind.BAR, 0),
        ), currency),
        Chart("S&M budget by quarter: sales and marketing", budget.labels, (
            ChartSeries("Sales", tuple(map(float, budget.sales)), SeriesKind.BAR, 0),
            ChartSeries("Marketing", tuple(map(float, budget.marketing)), SeriesKind.BAR, 2),
        ), currency, stacked=True),
    ))  # fmt: skip
    facts = Facts((
        ("Plan", plan.settings.name), ("Scenario", item.name if isinstance(item, Scenario)
                                        else item.scenario_name),
        ("Status", _status(plan, item)), ("Period", _period(plan)),
        ("Currency", currency), ("Printed", f"{printed:%d %B %Y}"),
    ))  # fmt: skip
    blocks: list[Block] = [
        facts, Heading("Key figures"), _kpi_table(plan, inputs, result), charts,
        Heading("By region"), _regional_table(plan, result), PageBreak(),
        Heading("Funnel needs by region and quarter — what the target needs"),
        Paragraph("Bookings and won deals by close month; opportunities and pipeline by "
                  "creation month; SQLs, MQLs, inquiries and budget by lead month. Needs that "
                  "fall before plan start are listed, never dropped."),
        _funnel_table(plan, result),
        Heading("Key assumptions by region"),
        Paragraph(f"Marketing-source rates. Gross margin {percent(inputs.gross_margin)}."),
        _assumptions_table(plan, inputs, result),
        *_goal_tables(plan, inputs, result), *_glossaries(plan, kpis),
        Heading("Sign-off"),
        Paragraph(f"We agree this plan (“{item.name}”) as the joint go-to-market plan."),
        SignOff(SIGN_OFF_ROLES),
    ]  # fmt: skip
    return ReportData(
        f"Scenario summary — {item.name}", plan.settings.name, tuple(blocks),
        _footer(file_name, printed),
    )  # fmt: skip


# --- the comparison summary --------------------------------------------------------------------


def comparison_summary(
    plan: Plan,
    first: Scenario | Snapshot,
    second: Scenario | Snapshot,
    *,
    file_name: str,
    printed: dt.date,
) -> ReportData:
    """Two scenarios side by side: KPIs with deltas, both forecasts, the inputs that differ."""
    currency = plan.settings.currency
    result = compare(plan, [first, second], limit=INPUT_DIFFERENCE_LIMIT)
    a, b = result.names
    kpi_rows = [
        (row.label, *(format_value(v, row.unit, currency) for v in row.values),
         signed(row.deltas[1], row.unit, currency),
         "–" if not math.isfinite(row.delta_percents[1]) else f"{row.delta_percents[1]:+.1%}")
        for row in result.kpi_rows
    ]  # fmt: skip
    series: list[ChartSeries] = []
    quarter_rows: list[tuple[str, ...]] = []
    first_series, second_series = result.series
    if first_series is not None:
        series.append(ChartSeries(f"Target ({a})", tuple(map(float, first_series.target)),
                                  SeriesKind.BAR, 1))  # fmt: skip
    for style, s in enumerate(result.series):
        if s is not None:
            series.append(ChartSeries(f"Forecast ({s.name})", tuple(map(float, s.forecast)),
                                      SeriesKind.LINE, style))  # fmt: skip
    if first_series is not None and second_series is not None:
        columns = np.column_stack([
            first_series.target, first_series.forecast, second_series.target,
            second_series.forecast, second_series.forecast - first_series.forecast,
        ])  # fmt: skip
        quarter_rows = [
            (label, *(money(float(v), currency) for v in values))
            for label, values in zip(result.quarter_labels, columns, strict=True)
        ]
    differences = result.input_differences[0]
    diff_rows = [
        (d.label, _input_value(d.field, d.old, currency), _input_value(d.field, d.new, currency),
         count(d.cells))
        for d in differences.differences
    ]  # fmt: skip
    facts = Facts((
        ("Plan", plan.settings.name), ("Reference (A)", f"{a} — {_status(plan, first)}"),
        ("Compared (B)", f"{b} — {_status(plan, second)}"), ("Period", _period(plan)),
        ("Currency", currency), ("Printed", f"{printed:%d %B %Y}"),
    ))  # fmt: skip
    blocks: list[Block] = [
        facts,
        Heading("KPIs side by side (Δ = B − A)"),
        _table(("KPI", f"A: {a}", f"B: {b}", "Δ", "Δ %"), kpi_rows, (2.0, 1.2, 1.2, 1.1, 0.6)),
    ]
    if series:
        chart = Chart("Target and both forecasts by quarter", result.quarter_labels,
                      tuple(series), currency)  # fmt: skip
        blocks.append(ChartRow((chart,)))
    if quarter_rows:
        header = ("Quarter", "Target A", "Forecast A", "Target B", "Forecast B", "Δ forecast")
        blocks.append(_table(header, quarter_rows, (1.0, 1, 1, 1, 1, 1)))
    blocks.append(Heading(f"Inputs that differ ({b} vs {a})"))
    if differences.dimension_problems:
        blocks.append(
            Paragraph("Not comparable cell by cell: " + "; ".join(differences.dimension_problems))
        )
    elif not diff_rows:
        blocks.append(Paragraph("The two have the same inputs."))
    else:
        per_field = ", ".join(
            f"{RULE_BY_FIELD[f].label if f in RULE_BY_FIELD else 'Gross margin'} ({n} cells)"
            for f, n in differences.cells_by_field.items()
        )
        note = f"Cells that differ: {per_field}. Budget and AE hires as fiscal-year totals."
        if differences.truncated:
            note += f" The first {len(diff_rows)} of {differences.total} are listed."
        blocks += [Paragraph(note), _table(("Input", f"A: {a}", f"B: {b}", "Cells"), diff_rows,
                                           (3.2, 1.2, 1.2, 0.5))]  # fmt: skip
    return ReportData(
        f"Comparison — {a} vs {b}", plan.settings.name, tuple(blocks),
        _footer(file_name, printed),
    )  # fmt: skip
