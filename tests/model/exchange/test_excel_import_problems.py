"""Every problem in a returned workbook is listed at once, with sheet, cell and reason, and
nothing is applied; harmless edits (extra sheets and columns, a cleared cell) are accepted."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gtm_planner.model.demo import build_demo_plan
from gtm_planner.model.document import PlanDocument
from gtm_planner.model.entities import Plan
from gtm_planner.model.exchange.errors import ExchangeError
from gtm_planner.model.exchange.excel_import import ImportResult, read_workbook
from gtm_planner.model.exchange.workbook_layout import row_key
from tests.model.exchange.workbooks import edit_workbook, key_positions

Edit = Callable[[Any], None]


def _import(tmp_path: Path, plan: Plan, source: Path, edit: Edit) -> ImportResult:
    edited = edit_workbook(source, tmp_path / "edited.xlsx", edit)
    return read_workbook(edited, plan)


def _refused(result: ImportResult, plan: Plan) -> list[str]:
    """The problems, after checking that nothing can be applied and the plan is untouched."""
    assert not result.ok
    assert result.change_count == 0
    with pytest.raises(ExchangeError, match="nothing can be applied"):
        result.to_command(PlanDocument(plan))
    for mine, original in zip(plan.scenarios, build_demo_plan().scenarios, strict=True):
        assert mine.inputs.equals(original.inputs)
    return [str(p) for p in result.problems]


def _cell(ws: Any, key: str, column: str) -> Any:
    rows, columns = key_positions(ws)
    return ws.cell(rows[key], columns[column])


def _add_budget_row(ws: Any, line: str, region: str) -> int:
    row = int(ws.max_row) + 2
    for column, value in enumerate(["", "Baseline", line, "Demand creation", "Marketing",
                                    region, *([1000.0] * 12)], start=1):  # fmt: skip
        ws.cell(row, column).value = value
    return row


def test_unknown_region_and_line_are_named_at_their_cells(
    tmp_path: Path, demo_plan: Plan, baseline_export: Path
) -> None:
    rows: list[int] = []

    def edit(wb: Any) -> None:
        rows.append(_add_budget_row(wb["Budget"], "Paid digital", "Benelux"))
        rows.append(_add_budget_row(wb["Budget"], "Podcasts", "EMEA"))

    problems = _refused(_import(tmp_path, demo_plan, baseline_export, edit), demo_plan)
    assert problems == [
        f"Budget!F{rows[0]}: unknown region 'Benelux'; add it in the app first, then export again",
        f"Budget!C{rows[1]}: unknown budget line 'Podcasts'; add it in the app first, then "
        "export again",
    ]


def test_text_in_a_number_cell_is_refused(
    tmp_path: Path, demo_plan: Plan, baseline_export: Path
) -> None:
    def edit(wb: Any) -> None:
        wb["Budget"]["G5"] = "n/a"

    problems = _refused(_import(tmp_path, demo_plan, baseline_export, edit), demo_plan)
    assert problems == [
        "Budget!G5: 'n/a' is text, not a number; Budget needs an amount of 0 or more"
    ]


def test_negative_money_is_refused(tmp_path: Path, demo_plan: Plan, baseline_export: Path) -> None:
    def edit(wb: Any) -> None:
        wb["Budget"]["H6"] = -500

    problems = _refused(_import(tmp_path, demo_plan, baseline_export, edit), demo_plan)
    assert problems == ["Budget!H6: -500 is not an amount of 0 or more (Budget)"]


def test_a_share_over_100_percent_is_refused(
    tmp_path: Path, demo_plan: Plan, baseline_export: Path
) -> None:
    emea = demo_plan.regions[1].id
    refs: list[str] = []

    def edit(wb: Any) -> None:
        cell = _cell(wb["Assumptions"], row_key(1, emea), "win_rate:1")
        cell.value = 1.5  # finance typed 150%
        refs.append(cell.coordinate)

    problems = _refused(_import(tmp_path, demo_plan, baseline_export, edit), demo_plan)
    assert problems == [
        f"Assumptions!{refs[0]}: 150% is not a percentage above 0% and at most 100% (Win rate)"
    ]


def test_a_duplicated_key_is_refused(
    tmp_path: Path, demo_plan: Plan, baseline_export: Path
) -> None:
    copied: list[int] = []

    def edit(wb: Any) -> None:
        ws = wb["Budget"]
        row = ws.max_row + 1
        for column in range(1, ws.max_column + 1):
            ws.cell(row, column).value = ws.cell(5, column).value
        copied.append(row)

    problems = _refused(_import(tmp_path, demo_plan, baseline_export, edit), demo_plan)
    assert problems == [f"Budget!A{copied[0]}: duplicated key: this row repeats row 5; keep one"]


def test_a_missing_required_column_is_refused(
    tmp_path: Path, demo_plan: Plan, baseline_export: Path
) -> None:
    def edit(wb: Any) -> None:
        ws = wb["Budget"]
        _, columns = key_positions(ws)
        ws.delete_cols(columns["m:2027-03"])

    problems = _refused(_import(tmp_path, demo_plan, baseline_export, edit), demo_plan)
    assert problems == [
        "Budget: required column 'Mar 2027' is missing; restore it from the exported workbook"
    ]


def test_a_formula_without_a_saved_result_asks_to_save_in_excel_first(
    tmp_path: Path, demo_plan: Plan, baseline_export: Path
) -> None:
    def edit(wb: Any) -> None:
        wb["Budget"]["G5"] = "=H5*2"  # openpyxl saves formulas without a result

    problems = _refused(_import(tmp_path, demo_plan, baseline_export, edit), demo_plan)
    assert problems == [
        "Budget!G5: a formula without a saved result; open and save it in Excel first"
    ]


def test_every_problem_is_listed_at_once(
    tmp_path: Path, demo_plan: Plan, baseline_export: Path
) -> None:
    def edit(wb: Any) -> None:
        wb["Budget"]["G5"] = "tbd"
        wb["Budget"]["H6"] = -1
        wb["Budget"]["I7"] = "=1/0"
        _cell(wb["Capacity"], row_key(1, demo_plan.regions[0].id), "attainment").value = 2.0
        wb["Targets"].delete_cols(4)

    result = _import(tmp_path, demo_plan, baseline_export, edit)
    problems = _refused(result, demo_plan)
    assert len(problems) == 5
    assert [p.split(":")[0] for p in problems] == [
        "Targets", "Budget!G5", "Budget!I7", "Budget!H6", "Capacity!G5",
    ]  # fmt: skip
    assert "200% is not a percentage from 0% to 100% (Quota attainment)" in problems[-1]


def test_a_source_mix_that_does_not_add_up_to_100_percent_is_refused(
    tmp_path: Path, demo_plan: Plan, baseline_export: Path
) -> None:
    def edit(wb: Any) -> None:
        _cell(wb["Assumptions"], row_key(1, demo_plan.regions[0].id), "source_mix:1").value = 0.55

    problems = _refused(_import(tmp_path, demo_plan, baseline_export, edit), demo_plan)
    assert problems == [
        "Assumptions!D5:G5: the source mix of North America adds up to 110.0%; it must add up "
        "to 100%"
    ]


def test_a_deleted_row_or_key_row_or_sheet_is_named(
    tmp_path: Path, demo_plan: Plan, baseline_export: Path
) -> None:
    def edit(wb: Any) -> None:
        wb["Budget"].delete_rows(5)
        wb["Capacity"].delete_rows(3)
        del wb["Targets"]

    problems = _refused(_import(tmp_path, demo_plan, baseline_export, edit), demo_plan)
    assert problems == [
        "Targets: the sheet is missing; export the workbook again",
        "Budget: no row for Account executives / North America (scenario 'Baseline'); restore "
        "it from the export",
        "Capacity: the hidden key row ('#key' in row 3) is missing; export the workbook again "
        "and copy your changes into it",
    ]


def test_a_workbook_of_several_scenarios_asks_which_one(
    demo_plan: Plan, demo_export: Path
) -> None:
    result = read_workbook(demo_export, demo_plan)
    assert _refused(result, demo_plan) == [
        "the workbook holds 3 scenarios ('Baseline', 'Aggressive EMEA push', 'Efficiency "
        "plan'); choose the one to import"
    ]
    chosen = read_workbook(demo_export, demo_plan, demo_plan.scenario("Efficiency plan").id)
    assert chosen.ok and chosen.change_count == 0
    assert chosen.workbook_scenario == "Efficiency plan"


def test_extra_sheets_columns_notes_and_a_cleared_cell_are_fine(
    tmp_path: Path, demo_plan: Plan, baseline_export: Path
) -> None:
    def edit(wb: Any) -> None:
        wb.create_sheet("Finance notes")["A1"] = "Q3 under review"
        budget = wb["Budget"]
        budget.insert_cols(3)
        budget["C4"] = "Comment"
        budget["C5"] = "check with CFO"
        budget.cell(budget.max_row + 2, 2).value = "Prepared by FP&A"
        budget.cell(5, 8).value = None  # the first month of row 5, cleared

    result = _import(tmp_path, demo_plan, baseline_export, edit)
    assert result.ok, [str(p) for p in result.problems]
    assert [(c.cell, c.what, c.new) for c in result.changes()] == [
        ("H5", "Budget (Account executives / North America / Jan 2027)", 0.0)
    ]
