"""Export one or several scenarios as the workbook finance reads, edits and sends back (SPEC §5).

Sheets: Summary, Targets, Assumptions, Budget, Funnel, Capacity, Compare (several scenarios),
Definitions. Input sheets hold one block of rows per scenario, each row keyed by ids in a
hidden column (see ``workbook_layout``), so the workbook imports back unambiguously. Quarter,
fiscal-year and grand totals are live ``SUM`` formulas, written with the app's values cached
so a viewer that does not recalculate still shows them. The file is written atomically.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from gtm_planner.model.engine import ScenarioResult, compute_scenario
from gtm_planner.model.entities import Plan, Scenario
from gtm_planner.model.exchange import export_reports
from gtm_planner.model.exchange.errors import (
    Cancelled,
    ExchangeCancelledError,
    ExchangeError,
    Progress,
)
from gtm_planner.model.exchange.export_styles import ExportStyles
from gtm_planner.model.exchange.workbook_layout import (
    ASSUMPTIONS,
    BUDGET,
    CAPACITY,
    FIRST_DATA_ROW,
    KEY_MARK,
    TARGETS,
    TOTAL_LABEL,
    app_version,
    input_columns,
    label_columns,
    row_key,
    total_key,
)
from gtm_planner.model.exchange.xlsx_writer import (
    CellValue,
    Formula,
    SheetWriter,
    WorkbookWriter,
    column_letter,
)
from gtm_planner.model.validation import RULE_BY_FIELD, Kind


@dataclass(frozen=True)
class ExportContext:
    """What every sheet writer needs: the plan, the chosen scenarios and their results."""

    plan: Plan
    scenarios: tuple[Scenario, ...]
    results: tuple[ScenarioResult, ...]
    styles: ExportStyles
    exported_at: dt.datetime

    def title(self, sheet: str) -> str:
        return f"{self.plan.settings.name} — {sheet}"

    def subtitle(self) -> str:
        names = ", ".join(s.name for s in self.scenarios)
        label = "Scenario" if len(self.scenarios) == 1 else "Scenarios"
        return (
            f"{label}: {names} · exported {self.exported_at:%d %b %Y %H:%M} · "
            f"GTM Planner {app_version()} · amounts in {self.plan.settings.currency}"
        )

    def frame(self, sheet: SheetWriter, name: str, keys: Sequence[str],
              headers: Sequence[str]) -> None:  # fmt: skip
        """Title, subtitle (beside the hidden key column), the hidden key row, the headers."""
        st = self.styles
        sheet.add_row([None, self.title(name)], st.title, height=21)
        sheet.add_row([None, self.subtitle()], st.subtitle)
        sheet.add_row(list(keys), st.key, hidden=True)
        sheet.add_row(list(headers), st.header, height=32)


@dataclass(frozen=True)
class _Column:
    """One column of a per-region input sheet."""

    key: str
    header: str
    width: float
    style: int
    value: Callable[[int, int, int], CellValue]  # (scenario index, region index, row)
    total_style: int | None = None  # a SUM in each scenario's total row


def export_workbook(
    plan: Plan,
    path: Path,
    scenario_ids: Sequence[int] | None = None,
    *,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> list[str]:
    """Write the workbook for ``scenario_ids`` (all scenarios by default); returns its sheets."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise ExchangeError(f"{path.name}: an Excel workbook must end in .xlsx")
    if not path.parent.is_dir():
        raise ExchangeError(f"{path.parent}: no such folder")
    wanted = list(scenario_ids) if scenario_ids is not None else [s.id for s in plan.scenarios]
    by_id = {s.id: s for s in plan.scenarios}
    unknown = [i for i in wanted if i not in by_id]
    if unknown or not wanted:
        raise ExchangeError(f"no scenario with id {unknown[0]}" if unknown else "no scenario")
    scenarios = tuple(by_id[i] for i in dict.fromkeys(wanted))
    book = WorkbookWriter(plan.settings.name)
    context = ExportContext(
        plan=plan,
        scenarios=scenarios,
        results=tuple(compute_scenario(plan, s.inputs) for s in scenarios),
        styles=ExportStyles(book, plan.settings.currency),
        exported_at=dt.datetime.now().astimezone(),
    )
    steps: list[tuple[str, Callable[[WorkbookWriter, ExportContext], None]]] = [
        ("Summary", export_reports.write_summary),
        (TARGETS, _write_targets),
        (ASSUMPTIONS, _write_assumptions),
        (BUDGET, _write_budget),
        ("Funnel", export_reports.write_funnel),
        (CAPACITY, _write_capacity),
    ]
    if len(scenarios) > 1:
        steps.append(("Compare", export_reports.write_compare))
    steps.append(("Definitions", export_reports.write_definitions))
    with book.save_atomically(path):
        for done, (name, write) in enumerate(steps):
            if cancelled is not None and cancelled():
                raise ExchangeCancelledError()
            if progress is not None:
                progress(done, len(steps), f"Writing {name}")
            write(book, context)
    if progress is not None:
        progress(len(steps), len(steps), "Done")
    return [name for name, _ in steps]


def _region_sheet(book: WorkbookWriter, ctx: ExportContext, name: str,
                  columns: Sequence[_Column], with_totals: bool) -> None:  # fmt: skip
    """A sheet with one row per scenario × region (Targets, Assumptions, Capacity)."""
    plan, st = ctx.plan, ctx.styles
    labels = label_columns(name)
    first_value = len(labels) + 2
    widths = [10.0, *(w for _, _, w in labels), *(c.width for c in columns)]
    keys = [KEY_MARK, *(k for k, _, _ in labels), *(c.key for c in columns)]
    headers = ["Key", *(h for _, h, _ in labels), *(c.header for c in columns)]
    styles = [st.key, st.text, st.text, *(c.style for c in columns)]
    freeze = (FIRST_DATA_ROW, first_value)
    with book.sheet(name, widths=widths, hidden_columns=[1], freeze=freeze) as sheet:
        ctx.frame(sheet, name, keys, headers)
        for k, scenario in enumerate(ctx.scenarios):
            first_row = sheet.row_count + 1
            sums = [0.0] * len(columns)  # cached values of the total row's SUMs
            for r, region in enumerate(plan.regions):
                row = sheet.row_count + 1
                cells = [c.value(k, r, row) for c in columns]
                for i, cell in enumerate(cells):
                    sums[i] += _number(cell)
                sheet.add_row(
                    [row_key(scenario.id, region.id), scenario.name, region.name, *cells], styles
                )
            last_row = sheet.row_count
            if with_totals and last_row >= first_row:
                totals: list[CellValue] = [total_key(scenario.id), scenario.name, TOTAL_LABEL]
                total_styles = [st.key, st.total_label, st.total_label]
                for i, c in enumerate(columns):
                    letter = column_letter(first_value + i)
                    summed = c.total_style is not None
                    formula = Formula(f"SUM({letter}{first_row}:{letter}{last_row})", sums[i])
                    totals.append(formula if summed else None)
                    total_styles.append(c.total_style if c.total_style is not None else 0)
                sheet.add_row(totals, total_styles)
        sheet.autofilter(4, 1, sheet.row_count, len(keys))


def _number(cell: CellValue) -> float:
    """What a cell adds to a SUM: its number, or a formula's cached value."""
    if isinstance(cell, Formula):
        return cell.cached or 0.0
    return float(cell) if isinstance(cell, float | int) else 0.0


def _input(ctx: ExportContext, field: str, position: int | None,
           key: str, header: str, width: float, total: bool = False) -> _Column:  # fmt: skip
    kind = RULE_BY_FIELD[field].kind
    arrays = [getattr(s.inputs, field) for s in ctx.scenarios]
    if position is None:
        lists = [a.tolist() for a in arrays]

        def value(k: int, r: int, _row: int) -> CellValue:
            return float(lists[k][r])
    else:
        lists = [a[:, position].tolist() for a in arrays]

        def value(k: int, r: int, _row: int) -> CellValue:
            return float(lists[k][r])

    st = ctx.styles
    return _Column(key, header, width, st.input(kind), value, st.total(kind) if total else None)


def _sum_of(first: int, last: int, style: int, key: str, header: str,
            cached: Callable[[int, int], float], total: int | None = None) -> _Column:  # fmt: skip
    a, b = column_letter(first), column_letter(last)

    def value(k: int, r: int, row: int) -> CellValue:
        return Formula(f"SUM({a}{row}:{b}{row})", cached(k, r))

    return _Column(key, header, 12.0, style, value, total)


def _write_targets(book: WorkbookWriter, ctx: ExportContext) -> None:
    plan, st = ctx.plan, ctx.styles
    specs = input_columns(plan, TARGETS)
    years = [c for c in specs if c.field == "annual_target"]
    columns = [_input(ctx, c.field, c.position, c.key, c.header, c.width, True) for c in years]
    first_value = len(label_columns(TARGETS)) + 2
    if len(years) > 1:
        sums = [s.inputs.annual_target.sum(axis=1).tolist() for s in ctx.scenarios]
        columns.append(
            _sum_of(first_value, first_value + len(years) - 1, st.computed(Kind.MONEY),
                    "calc:target_total", "Target, all years", lambda k, r: sums[k][r],
                    st.total(Kind.MONEY))
        )  # fmt: skip
    columns += [
        _input(ctx, c.field, c.position, c.key, c.header, 10.0)
        for c in specs
        if c.field == "seasonality"
    ]
    _region_sheet(book, ctx, TARGETS, columns, with_totals=True)


def _write_assumptions(book: WorkbookWriter, ctx: ExportContext) -> None:
    plan, st = ctx.plan, ctx.styles
    columns: list[_Column] = []
    first_value = len(label_columns(ASSUMPTIONS)) + 2
    mix_sums = [s.inputs.source_mix.sum(axis=1).tolist() for s in ctx.scenarios]
    for c in input_columns(plan, ASSUMPTIONS):
        columns.append(_input(ctx, c.field, c.position, c.key, c.header, c.width))
        if c.field == "source_mix" and c.position == len(plan.sources) - 1:
            columns.append(
                _sum_of(first_value, first_value + len(plan.sources) - 1,
                        st.computed(Kind.RATE), "calc:mix_total",
                        "Source mix: total (must be 100%)", lambda k, r: mix_sums[k][r])
            )  # fmt: skip
    _region_sheet(book, ctx, ASSUMPTIONS, columns, with_totals=False)


def _write_capacity(book: WorkbookWriter, ctx: ExportContext) -> None:
    plan, st = ctx.plan, ctx.styles
    calendar = plan.calendar()
    specs = input_columns(plan, CAPACITY)
    counts = {"starting_aes", "sdr_count", "se_count", "ae_hires"}
    columns = [
        _input(ctx, c.field, c.position, c.key, c.header, c.width, c.field in counts)
        for c in specs
    ]
    first_hire = len(label_columns(CAPACITY)) + 2 + len(specs) - calendar.horizon_months
    hires = [s.inputs.ae_hires.sum(axis=1).tolist() for s in ctx.scenarios]
    columns.append(
        _sum_of(first_hire, first_hire + calendar.horizon_months - 1, st.computed(Kind.COUNT),
                "calc:hires_total", "Hires, all months", lambda k, r: hires[k][r],
                st.total(Kind.COUNT))
    )  # fmt: skip
    year_matrix = calendar.fiscal_year_matrix()
    computed: list[tuple[str, str, Kind, list[list[float]]]] = [
        ("calc:aes_end", "AEs at plan end", Kind.COUNT,
         [res.capacity.headcount[:, -1].tolist() for res in ctx.results]),
        ("calc:ramped_end", "Ramped AEs at plan end", Kind.COUNT,
         [res.capacity.ramped_aes[:, -1].tolist() for res in ctx.results]),
    ]  # fmt: skip
    for y, year in enumerate(calendar.fiscal_years):
        per_year = [(res.capacity.capacity @ year_matrix)[:, y].tolist() for res in ctx.results]
        computed.append((f"calc:capacity:FY{year}", f"Bookings capacity FY{year}", Kind.MONEY,
                         per_year))  # fmt: skip
    for key, header, kind, values in computed:
        columns.append(
            _Column(key, header, 14.0, st.computed(kind),
                    lambda k, r, _row, v=values: float(v[k][r]), st.total(kind))  # type: ignore[misc]
        )  # fmt: skip
    _region_sheet(book, ctx, CAPACITY, columns, with_totals=True)


def _write_budget(book: WorkbookWriter, ctx: ExportContext) -> None:
    """Rows = scenario × budget line × region; months, quarters, fiscal years, total."""
    plan, st = ctx.plan, ctx.styles
    calendar = plan.calendar()
    months = input_columns(plan, BUDGET)
    labels = label_columns(BUDGET)
    first_month = len(labels) + 2
    last_month = first_month + len(months) - 1
    letter = column_letter
    quarter_ranges = []
    for q, q_label in enumerate(calendar.quarter_labels):
        in_quarter = np.flatnonzero(calendar.quarter_index == q)
        quarter_ranges.append(
            (f"sum:{q_label}", q_label, first_month + int(in_quarter[0]),
             first_month + int(in_quarter[-1]))
        )  # fmt: skip
    year_ranges = []
    for y, year in enumerate(calendar.fiscal_years):
        in_year = np.flatnonzero(calendar.fiscal_year_index == y)
        year_ranges.append(
            (f"sum:FY{year}", f"FY{year}", first_month + int(in_year[0]),
             first_month + int(in_year[-1]))
        )  # fmt: skip
    sums = [*quarter_ranges, *year_ranges, ("sum:total", "Total", first_month, last_month)]
    templates = [f"SUM({letter(a)}{{0}}:{letter(b)}{{0}})" for _, _, a, b in sums]
    keys = [KEY_MARK, *(k for k, _, _ in labels), *(c.key for c in months),
            *(k for k, _, _, _ in sums)]  # fmt: skip
    headers = ["Key", *(h for _, h, _ in labels), *(c.header for c in months),
               *(h for _, h, _, _ in sums)]  # fmt: skip
    widths = [10.0, *(w for _, _, w in labels), *([12.0] * len(months)), *([13.0] * len(sums))]
    money_in, money_sum = st.input(Kind.MONEY), st.computed(Kind.MONEY)
    money_total = st.total(Kind.MONEY)
    styles = [st.key, *([st.text] * len(labels)), *([money_in] * len(months)),
              *([money_sum] * len(sums))]  # fmt: skip
    total_styles = [st.key, *([st.total_label] * len(labels)),
                    *([money_total] * (len(months) + len(sums)))]  # fmt: skip
    categories = {c.key: c.name for c in plan.categories}
    q_matrix, y_matrix = calendar.quarter_matrix(), calendar.fiscal_year_matrix()
    freeze = (FIRST_DATA_ROW, first_month)
    with book.sheet(BUDGET, widths=widths, hidden_columns=[1], freeze=freeze) as sheet:
        ctx.frame(sheet, BUDGET, keys, headers)
        for scenario in ctx.scenarios:
            budget = scenario.inputs.budget
            cached = np.concatenate(
                [budget @ q_matrix, budget @ y_matrix, budget.sum(axis=2, keepdims=True)],
                axis=2,
            ).tolist()
            values_by_cell = budget.tolist()
            first_row = sheet.row_count + 1
            for li, line in enumerate(plan.budget_lines):
                line_labels = [scenario.name, line.name, categories.get(line.category,
                               line.category), line.function.value.capitalize()]  # fmt: skip
                for ri, region in enumerate(plan.regions):
                    row = sheet.row_count + 1
                    formulas = [
                        Formula(t.format(row), c)
                        for t, c in zip(templates, cached[li][ri], strict=True)
                    ]
                    sheet.add_row(
                        [row_key(scenario.id, region.id, line.id), *line_labels, region.name,
                         *values_by_cell[li][ri], *formulas],
                        styles,
                    )  # fmt: skip
            last_row = sheet.row_count
            if last_row < first_row:
                continue  # no budget lines or no regions: nothing to total
            spans = [letter(c) for c in range(first_month, last_month + len(sums) + 1)]
            block_total = np.concatenate(
                [budget.sum(axis=(0, 1)), np.asarray(cached).sum(axis=(0, 1))]
            ).tolist()
            sheet.add_row(
                [total_key(scenario.id), scenario.name, TOTAL_LABEL, None, None, None,
                 *(Formula(f"SUM({c}{first_row}:{c}{last_row})", v)
                   for c, v in zip(spans, block_total, strict=True))],
                total_styles,
            )  # fmt: skip
        sheet.autofilter(4, 1, sheet.row_count, len(keys))
