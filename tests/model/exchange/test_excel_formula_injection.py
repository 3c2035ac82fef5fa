"""Names that a spreadsheet would run as formulas are exported as text cells and come back as
the same text, through LibreOffice too (formula injection)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from gtm_planner.model.entities import Plan
from gtm_planner.model.exchange.excel_export import export_workbook
from gtm_planner.model.exchange.excel_import import read_workbook
from tests.model.exchange.workbooks import LibreOffice, edit_workbook, key_positions

HOSTILE = {
    "region": "=cmd|' /C calc'!A0",
    "line": "@SUM(1)",
    "region2": '+HYPERLINK("http://evil.example","x")',
    "line2": "-2+3",
    "region3": "\tTabbed",
    "line3": "\rCR first",
}


@pytest.fixture
def hostile_plan(demo_plan: Plan) -> Plan:
    demo_plan.regions[0].name = HOSTILE["region"]
    demo_plan.regions[1].name = HOSTILE["region2"]
    demo_plan.regions[2].name = HOSTILE["region3"]
    demo_plan.budget_lines[0].name = HOSTILE["line"]
    demo_plan.budget_lines[1].name = HOSTILE["line2"]
    demo_plan.budget_lines[2].name = HOSTILE["line3"]
    demo_plan.definitions[0].term = "=1+1"
    return demo_plan


def _text_cells(path: Path) -> dict[str, list[Any]]:
    """Every cell holding one of the hostile names, by name."""
    found: dict[str, list[Any]] = {name: [] for name in HOSTILE.values()}
    for ws in load_workbook(path).worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value in found:
                    found[cell.value].append(cell)
    return found


def _assert_all_text(path: Path) -> None:
    for name, cells in _text_cells(path).items():
        assert cells, f"{name!r} not found as a cell value"
        assert all(c.data_type == "s" for c in cells), name
    workbook = load_workbook(path)
    assert not any(
        c.data_type == "f" and "cmd" in str(c.value)
        for ws in workbook.worksheets
        for row in ws.iter_rows()
        for c in row
    )


def test_hostile_names_are_exported_as_text_and_marked_to_stay_text(
    tmp_path: Path, hostile_plan: Plan
) -> None:
    path = tmp_path / "hostile.xlsx"
    export_workbook(hostile_plan, path)
    _assert_all_text(path)
    cells = _text_cells(path)
    assert all(c.quotePrefix for c in cells[HOSTILE["region"]])  # Excel keeps it text on edit
    terms = [c for row in load_workbook(path)["Definitions"].iter_rows() for c in row
             if c.value == "=1+1"]  # fmt: skip
    assert len(terms) == 1 and terms[0].data_type == "s"


def test_hostile_names_come_back_as_the_same_text_through_libreoffice(
    tmp_path: Path, hostile_plan: Plan, libreoffice: LibreOffice
) -> None:
    path = tmp_path / "hostile.xlsx"
    baseline = hostile_plan.scenario("Baseline")
    export_workbook(hostile_plan, path, [baseline.id])
    resaved = libreoffice.resave(path, tmp_path / "lo")
    _assert_all_text(resaved)
    result = read_workbook(resaved, hostile_plan)
    assert result.ok, [str(p) for p in result.problems]
    assert result.change_count == 0

    def drop_keys(workbook: Any) -> None:
        """Finance's own rows carry no key: they are matched by these very names."""
        budget = workbook["Budget"]
        rows, _ = key_positions(budget)
        for key in ("S1|L1|R1", "S1|L2|R2", "S1|L3|R3"):
            budget.cell(rows[key], 1).value = None

    unkeyed = edit_workbook(resaved, tmp_path / "unkeyed.xlsx", drop_keys)
    result = read_workbook(unkeyed, hostile_plan)
    assert result.ok, [str(p) for p in result.problems]
    assert result.change_count == 0
