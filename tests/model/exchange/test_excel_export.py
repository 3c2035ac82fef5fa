"""The exported workbook reads without training: sheets, titles, formats, frozen panes, hidden
keys, live SUM totals; and it is written atomically."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from openpyxl import load_workbook

from gtm_planner.model.entities import Plan
from gtm_planner.model.exchange.errors import ExchangeCancelledError, ExchangeError
from gtm_planner.model.exchange.excel_export import export_workbook
from gtm_planner.model.exchange.workbook_layout import app_version
from tests.model.exchange.workbooks import key_positions


def test_the_workbook_has_the_finance_sheets_in_order(demo_export: Path,
                                                      baseline_export: Path) -> None:  # fmt: skip
    assert load_workbook(demo_export).sheetnames == [
        "Summary", "Targets", "Assumptions", "Budget", "Funnel", "Capacity", "Compare",
        "Definitions",
    ]  # fmt: skip
    assert "Compare" not in load_workbook(baseline_export).sheetnames


def test_each_sheet_names_plan_scenario_date_and_version(demo_export: Path) -> None:
    workbook = load_workbook(demo_export)
    for ws in workbook.worksheets:
        # In the first visible column: input sheets hide their key column A.
        column = "B" if ws.column_dimensions["A"].hidden else "A"
        assert ws[f"{column}1"].value == f"Northwind Analytics — FY2027 GTM plan — {ws.title}"
        assert ws[f"{column}1"].font.b
        subtitle = ws[f"{column}2"].value
        assert "Scenarios: Baseline, Aggressive EMEA push, Efficiency plan" in subtitle
        assert f"GTM Planner {app_version()}" in subtitle
        assert "exported " in subtitle and "amounts in USD" in subtitle


def test_budget_cells_have_real_formats_frozen_panes_and_hidden_keys(demo_export: Path) -> None:
    ws = load_workbook(demo_export)["Budget"]
    _, columns = key_positions(ws)
    assert ws.freeze_panes == "G5"  # labels and headers stay in view
    assert ws.column_dimensions["A"].hidden
    assert ws.row_dimensions[3].hidden
    assert ws["G4"].value == "Jan 2027" and ws["G4"].font.b
    assert ws.cell(5, columns["m:2027-01"]).number_format == '"$"#,##0;-"$"#,##0'
    assert isinstance(ws.cell(5, columns["m:2027-01"]).value, float)
    assert ws.column_dimensions["C"].width == 28
    rates = load_workbook(demo_export)["Assumptions"]
    _, rate_columns = key_positions(rates)
    assert rates.cell(5, rate_columns["win_rate:1"]).number_format == "0.0%"
    assert rates.cell(5, rate_columns["win_rate:1"]).value == 0.24


def test_budget_quarter_year_and_grand_totals_are_live_sum_formulas(demo_export: Path) -> None:
    ws = load_workbook(demo_export)["Budget"]
    rows, columns = key_positions(ws)
    first = rows["S1|L1|R1"]
    assert ws.cell(first, columns["sum:FY27 Q1"]).value == f"=SUM(G{first}:I{first})"
    assert ws.cell(first, columns["sum:FY27 Q4"]).value == f"=SUM(P{first}:R{first})"
    assert ws.cell(first, columns["sum:FY2027"]).value == f"=SUM(G{first}:R{first})"
    assert ws.cell(first, columns["sum:total"]).value == f"=SUM(G{first}:R{first})"
    total = rows["S1|TOTAL"]
    assert ws.cell(total, columns["m:2027-01"]).value == f"=SUM(G{first}:G{total - 1})"
    assert ws.cell(total, 3).value == "Total" and ws.cell(total, 3).font.b
    # A viewer that never recalculates still shows the totals: the app's values are cached.
    cached = load_workbook(demo_export, data_only=True)["Budget"]
    assert cached.cell(first, columns["sum:FY2027"]).value == pytest.approx(
        sum(cached.cell(first, c).value for c in range(7, 19))
    )


def test_a_failed_export_leaves_the_old_file_and_no_temporary_file(
    tmp_path: Path, demo_plan: Plan
) -> None:
    target = tmp_path / "plan.xlsx"
    target.write_bytes(b"the workbook finance has")
    steps: list[str] = []

    def cancel_after_budget() -> bool:
        return "Writing Budget" in steps

    with pytest.raises(ExchangeCancelledError):
        export_workbook(
            demo_plan,
            target,
            progress=lambda done, total, what: steps.append(what),
            cancelled=cancel_after_budget,
        )
    assert target.read_bytes() == b"the workbook finance has"
    assert os.listdir(tmp_path) == ["plan.xlsx"]
    assert steps[:4] == ["Writing Summary", "Writing Targets", "Writing Assumptions",
                         "Writing Budget"]  # fmt: skip


def test_a_successful_export_replaces_the_old_file_readable_by_others(
    tmp_path: Path, demo_plan: Plan
) -> None:
    target = tmp_path / "plan.xlsx"
    target.write_bytes(b"old")
    export_workbook(demo_plan, target)
    assert load_workbook(target).sheetnames[0] == "Summary"
    assert os.listdir(tmp_path) == ["plan.xlsx"]
    assert target.stat().st_mode & 0o044 == 0o044


def test_export_refuses_a_bad_target_with_a_reason(tmp_path: Path, demo_plan: Plan) -> None:
    with pytest.raises(ExchangeError, match=r"plan\.csv: an Excel workbook must end in \.xlsx"):
        export_workbook(demo_plan, tmp_path / "plan.csv")
    with pytest.raises(ExchangeError, match="no such folder"):
        export_workbook(demo_plan, tmp_path / "missing" / "plan.xlsx")
