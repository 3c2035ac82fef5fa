"""The export's read-only sheets: Summary (KPIs), Funnel (needs), Compare, Definitions.

These hold the app's results for finance to read; the import never reads them back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from gtm_planner.model.engine import KPI_BY_KEY, compute_kpis
from gtm_planner.model.engine.kpis import Unit
from gtm_planner.model.exchange.tables import SUMMARY_KPIS, waterfall_table
from gtm_planner.model.exchange.workbook_layout import (
    DEFINITIONS,
    FUNNEL,
    INPUT_SHEETS,
    SUMMARY,
    sheet_for_field,
)
from gtm_planner.model.exchange.xlsx_writer import (
    CellValue,
    Formula,
    WorkbookWriter,
    column_letter,
)
from gtm_planner.model.validation import FIELD_RULES

if TYPE_CHECKING:
    from gtm_planner.model.exchange.excel_export import ExportContext

FIRST_ROW = 5  # after title, subtitle, a blank row and the header


def _kpi_values(ctx: ExportContext) -> list[dict[str, float]]:
    return [
        {k: v.value for k, v in compute_kpis(ctx.plan, s.inputs, res).items()}
        for s, res in zip(ctx.scenarios, ctx.results, strict=True)
    ]


def _heading(ctx: ExportContext, sheet_name: str, sheet: object, headers: list[str]) -> None:
    st = ctx.styles
    add = sheet.add_row  # type: ignore[attr-defined]
    add([ctx.title(sheet_name)], st.title, height=21)
    add([ctx.subtitle()], st.subtitle)
    add([])
    add(headers, st.header, height=32)


def write_summary(book: WorkbookWriter, ctx: ExportContext) -> None:
    """Headline KPIs per scenario, with each KPI's formula in words."""
    st = ctx.styles
    names = [s.name + (" (plan of record)" if s.is_plan_of_record else "") for s in ctx.scenarios]
    widths = [30.0, *([18.0] * len(names)), 110.0]
    with book.sheet(SUMMARY, widths=widths, freeze=(FIRST_ROW, 2), fit_width=True) as sheet:
        _heading(ctx, SUMMARY, sheet, ["Key figure", *names, "How it is calculated"])
        kpis = _kpi_values(ctx)
        for key in SUMMARY_KPIS:
            definition = KPI_BY_KEY[key]
            style = st.unit(definition.unit, computed=False)
            sheet.add_row(
                [definition.label, *(k[key] for k in kpis), definition.formula],
                [st.text, *([style] * len(kpis)), st.text],
            )
        sheet.add_row(
            ["Gross margin (set in the app)", *(s.inputs.gross_margin for s in ctx.scenarios),
             "used for CAC payback"],
            [st.text, *([st.unit(Unit.PERCENT, computed=False)] * len(kpis)), st.text],
        )  # fmt: skip
        sheet.add_row([])
        sheet.add_row(
            ["Edit the white cells of the Targets, Assumptions, Budget and Capacity sheets and "
             "import the workbook back into GTM Planner. Grey cells are computed."],
            st.subtitle,
        )  # fmt: skip


def write_funnel(book: WorkbookWriter, ctx: ExportContext) -> None:
    """The reverse waterfall (what the target needs) and the forecast, per region."""
    plan, st = ctx.plan, ctx.styles
    first = waterfall_table(plan, ctx.scenarios[0].inputs, ctx.results[0])
    headers = ["Scenario", "Region", *(c.header for c in first.columns), "Forecast bookings",
               "Gap to target"]  # fmt: skip
    units = [*(c.unit for c in first.columns), Unit.MONEY, Unit.MONEY]
    widths = [22.0, 20.0, *([15.0] * len(units))]
    value_styles = [st.unit(u) for u in units]
    total_styles = [st.unit(u, total=True) for u in units]
    with book.sheet(FUNNEL, widths=widths, freeze=(FIRST_ROW, 3), fit_width=True) as sheet:
        _heading(ctx, FUNNEL, sheet, headers)
        for scenario, result in zip(ctx.scenarios, ctx.results, strict=True):
            table = waterfall_table(plan, scenario.inputs, result)
            forecast = result.forward.forecast.sum(axis=1)
            values = np.column_stack(
                [table.values[:-1], forecast, table.values[:-1, 0] - forecast]
            )
            first_row = sheet.row_count + 1
            for r, region in enumerate(plan.regions):
                sheet.add_row(
                    [scenario.name, region.name, *values[r].tolist()],
                    [st.text, st.text, *value_styles],
                )
            last_row = sheet.row_count
            totals: list[CellValue] = [scenario.name, "Total"]
            for i, unit in enumerate(units):
                letter = column_letter(3 + i)
                if unit is Unit.RATIO:
                    totals.append(float(table.values[-1, i]))
                else:
                    cached = float(values[:, i].sum())
                    totals.append(Formula(f"SUM({letter}{first_row}:{letter}{last_row})", cached))
            sheet.add_row(totals, [st.total_label, st.total_label, *total_styles])
        sheet.add_row([])
        sheet.add_row(
            ["Needs are dated the way the plan dates them: won deals by close month, "
             "opportunities by creation month, leads and demand-creation budget by lead month. "
             "Needs that fall before plan start are shown on their own, next to the opening "
             "pipeline."],
            st.subtitle,
        )  # fmt: skip


def write_compare(book: WorkbookWriter, ctx: ExportContext) -> None:
    """KPIs side by side, with each scenario's difference to the first as a live formula."""
    st = ctx.styles
    names = [s.name for s in ctx.scenarios]
    headers = ["Key figure", *names, *(f"{n} − {names[0]}" for n in names[1:])]
    widths = [30.0, *([18.0] * (2 * len(names) - 1))]
    with book.sheet("Compare", widths=widths, freeze=(FIRST_ROW, 2), fit_width=True) as sheet:
        _heading(ctx, "Compare", sheet, headers)
        kpis = _kpi_values(ctx)
        for key in SUMMARY_KPIS:
            definition = KPI_BY_KEY[key]
            row = sheet.row_count + 1
            style = st.unit(definition.unit, computed=False)
            delta_style = st.unit(definition.unit)
            base = kpis[0][key]
            deltas: list[CellValue] = [
                Formula(f"{column_letter(3 + i)}{row}-B{row}", k[key] - base)
                for i, k in enumerate(kpis[1:])
            ]
            sheet.add_row(
                [definition.label, *(k[key] for k in kpis), *deltas],
                [st.text, *([style] * len(kpis)), *([delta_style] * len(deltas))],
            )


def write_definitions(book: WorkbookWriter, ctx: ExportContext) -> None:
    """How to use the workbook, the shared glossary, the KPIs' formulas, the inputs' rules."""
    plan, st = ctx.plan, ctx.styles
    with book.sheet(DEFINITIONS, widths=[30.0, 90.0, 14.0], fit_width=True) as sheet:
        sheet.add_row([ctx.title(DEFINITIONS)], st.title, height=21)
        sheet.add_row([ctx.subtitle()], st.subtitle)
        sheet.add_row([])
        sheet.add_row(["How to use this workbook"], st.section)
        for text in (
            f"Edit the white cells of the {', '.join(INPUT_SHEETS)} sheets; grey cells are "
            "computed and are not read back.",
            "Rates are percentages (25% is a quarter); amounts are in "
            f"{plan.settings.currency}. Totals are live SUM formulas.",
            "Keep the hidden column A and the hidden row 3: they match each cell to the plan. "
            "You may sort rows, add columns and add sheets.",
            "Then import the workbook in GTM Planner (File → Import from Excel): you see every "
            "change before anything is applied.",
        ):
            sheet.add_row(["", text], [st.text, st.wrapped])
        sheet.add_row([])
        sheet.add_row(["Term", "Definition", "Owner"], st.header)
        for d in plan.definitions:
            sheet.add_row([d.term, d.definition, d.owner.value], [st.text, st.wrapped, st.text])
        sheet.add_row([])
        sheet.add_row(["Key figure", "How it is calculated"], st.header)
        for key in SUMMARY_KPIS:
            definition = KPI_BY_KEY[key]
            sheet.add_row([definition.label, definition.formula], [st.text, st.wrapped])
        sheet.add_row([])
        sheet.add_row(["Input", "Allowed values", "Sheet"], st.header)
        for rule in FIELD_RULES:
            sheet.add_row([rule.label, rule.allowed(), sheet_for_field(rule.name)], st.text)
