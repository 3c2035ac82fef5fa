"""Export → LibreOffice opens, recalculates and re-saves → import: nothing changes, sums agree."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
from openpyxl import load_workbook

from gtm_planner.model.commands import run
from gtm_planner.model.demo import build_demo_plan
from gtm_planner.model.document import PlanDocument
from gtm_planner.model.engine import compute_kpis, compute_scenario
from gtm_planner.model.entities import Plan
from gtm_planner.model.exchange.excel_import import read_workbook
from gtm_planner.model.exchange.tables import SUMMARY_KPIS, waterfall_table
from gtm_planner.model.exchange.workbook_layout import parse_row_key
from gtm_planner.model.exchange.xlsx_writer import Formula, WorkbookWriter
from tests.model.exchange.workbooks import LibreOffice, key_positions


def test_libreoffice_really_recalculates_in_these_tests(
    tmp_path: Path, libreoffice: LibreOffice
) -> None:
    """Guard: a wrong cached value must come back corrected, or the SUM checks prove nothing."""
    source = tmp_path / "guard.xlsx"
    book = WorkbookWriter("guard")
    with book.save_atomically(source), book.sheet("S") as sheet:
        sheet.add_row([1.25, 2.5, Formula("SUM(A1:B1)", cached=999.0)])
    resaved = libreoffice.resave(source, tmp_path / "lo")
    assert load_workbook(resaved, data_only=True)["S"]["C1"].value == 3.75


def test_export_resaved_by_libreoffice_imports_back_with_no_change(
    tmp_path: Path, demo_plan: Plan, demo_export: Path, libreoffice: LibreOffice
) -> None:
    resaved = libreoffice.resave(demo_export, tmp_path / "lo")
    with zipfile.ZipFile(resaved) as archive:  # LibreOffice's own XML, not ours
        assert b'appName="Calc"' in archive.read("xl/workbook.xml")
    document = PlanDocument(demo_plan)
    for scenario in demo_plan.scenarios:
        result = read_workbook(resaved, demo_plan, scenario.id)
        assert result.ok, [str(p) for p in result.problems]
        assert result.workbook_scenario == scenario.name
        assert result.change_count == 0
        assert result.changes() == []
        macro = result.to_command(document, scenario.id)
        assert macro.commands == ()
        run(document, macro)
    fresh = build_demo_plan()
    for mine, original in zip(demo_plan.scenarios, fresh.scenarios, strict=True):
        assert mine.inputs.equals(original.inputs)


def _budget_expected(plan: Plan, row_key: str, column_key: str) -> float:
    """A Budget total from the plan's arrays. The demo's fiscal year starts in January, so
    plan month t is in quarter t // 3 — worked out here, not taken from the app's calendar."""
    parsed = parse_row_key(row_key)
    scenario_id = int(re.match(r"S(\d+)", row_key).group(1))  # type: ignore[union-attr]
    budget = next(s for s in plan.scenarios if s.id == scenario_id).inputs.budget
    if parsed is not None:
        _, line_id, region_id = parsed
        line = next(i for i, b in enumerate(plan.budget_lines) if b.id == line_id)
        region = next(i for i, r in enumerate(plan.regions) if r.id == region_id)
        months = budget[line, region][None, None, :]
    else:  # the scenario's total row
        months = budget
    if column_key.startswith("m:"):
        month = int(column_key[-2:]) - 1
        return float(months[..., month].sum())
    quarter = re.fullmatch(r"sum:FY\d\d Q(\d)", column_key)
    if quarter:
        q = int(quarter.group(1)) - 1
        return float(months[..., 3 * q : 3 * q + 3].sum())
    assert column_key in ("sum:FY2027", "sum:total"), column_key
    return float(months.sum())


def _formula_cells(formulas: Any, sheet: str) -> list[tuple[int, int]]:
    ws = formulas[sheet]
    return [(c.row, c.column) for row in ws.iter_rows() for c in row if c.data_type == "f"]


def test_every_sum_libreoffice_recalculates_equals_the_apps_total_to_the_cent(
    tmp_path: Path, demo_plan: Plan, demo_export: Path, libreoffice: LibreOffice
) -> None:
    resaved = libreoffice.resave(demo_export, tmp_path / "lo")
    values = load_workbook(resaved, data_only=True)
    formulas = load_workbook(resaved)
    checked = 0

    def check(sheet: str, row: int, column: int, expected: float) -> None:
        nonlocal checked
        value = values[sheet].cell(row, column).value
        assert isinstance(value, int | float), (sheet, row, column, value)
        assert abs(value - expected) < 0.005, (sheet, row, column, value, expected)
        checked += 1

    rows, columns = key_positions(values["Budget"])
    row_keys = {r: k for k, r in rows.items()}
    column_keys = {c: k for k, c in columns.items()}
    budget_formulas = _formula_cells(formulas, "Budget")
    for row, column in budget_formulas:
        expected = _budget_expected(demo_plan, row_keys[row], column_keys[column])
        check("Budget", row, column, expected)
    lines, regions = len(demo_plan.budget_lines), len(demo_plan.regions)
    # Per row: 4 quarters, FY, total; per scenario's total row: 12 months + those 6.
    assert len(budget_formulas) == 3 * (lines * regions * 6 + 18)

    by_id = {s.id: s for s in demo_plan.scenarios}
    for sheet in ("Targets", "Assumptions", "Capacity"):
        rows, columns = key_positions(values[sheet])
        row_keys = {r: k for k, r in rows.items()}
        column_keys = {c: k for k, c in columns.items()}
        for row, column in _formula_cells(formulas, sheet):
            key, column_key = row_keys[row], column_keys[column]
            scenario = by_id[int(key[1 : key.index("|")])]
            inputs = scenario.inputs
            parsed = parse_row_key(key)
            r = (
                slice(None)
                if parsed is None
                else [g.id for g in demo_plan.regions].index(parsed[2])
            )
            if column_key == "target:FY2027":
                expected = inputs.annual_target[r, 0].sum()
            elif column_key == "calc:mix_total":
                expected = inputs.source_mix[r].sum()
            elif column_key in ("starting_aes", "sdr_count", "se_count"):
                expected = getattr(inputs, column_key)[r].sum()
            elif column_key.startswith("hires:"):
                expected = inputs.ae_hires[r, int(column_key[-2:]) - 1].sum()
            elif column_key == "calc:hires_total":
                expected = inputs.ae_hires[r].sum()
            elif column_key == "calc:aes_end":  # start + every hire
                expected = (inputs.starting_aes[r] + inputs.ae_hires[r].sum(axis=-1)).sum()
            else:
                result = compute_scenario(demo_plan, inputs)
                assert column_key in ("calc:ramped_end", "calc:capacity:FY2027"), column_key
                if column_key == "calc:ramped_end":
                    expected = result.capacity.ramped_aes[:, -1].sum()
                else:
                    expected = result.capacity.capacity.sum()
            check(sheet, row, column, float(expected))

    funnel = values["Funnel"]
    for row, column in _formula_cells(formulas, "Funnel"):
        scenario = demo_plan.scenario(funnel.cell(row, 1).value)
        result = compute_scenario(demo_plan, scenario.inputs)
        table = waterfall_table(demo_plan, scenario.inputs, result)
        extra = [
            result.forward.forecast.sum(),
            table.values[-1, 0] - result.forward.forecast.sum(),
        ]
        expected_row = [*table.values[-1], *extra]
        check("Funnel", row, column, float(expected_row[column - 3]))

    kpis = [
        compute_kpis(demo_plan, s.inputs, compute_scenario(demo_plan, s.inputs))
        for s in demo_plan.scenarios
    ]
    compare = values["Compare"]
    for row, column in _formula_cells(formulas, "Compare"):
        key = SUMMARY_KPIS[row - 5]
        other = column - 2 - len(kpis) + 1
        expected = kpis[other][key].value - kpis[0][key].value
        if np.isfinite(expected):
            check("Compare", row, column, float(expected))
    assert compare.cell(5, 1).value == "Bookings target"
    assert checked > len(budget_formulas) + 50
