"""Finance edits the re-saved workbook and re-sorts a sheet; the import lists exactly those
changes, applying them moves the engine's outputs, and undo restores the plan."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gtm_planner.model.commands import run
from gtm_planner.model.demo import build_demo_plan
from gtm_planner.model.document import PlanDocument
from gtm_planner.model.entities import Plan
from gtm_planner.model.exchange.excel_import import read_workbook
from gtm_planner.model.exchange.import_report import format_report
from gtm_planner.model.exchange.workbook_layout import parse_row_key, row_key
from tests.model.exchange.workbooks import LibreOffice, edit_workbook, key_positions, sort_rows

MARCH, JULY = "m:2027-03", "m:2027-07"


def _ids(plan: Plan, region: str, line: str | None = None) -> tuple[int, int, int | None]:
    r = next(i for i, g in enumerate(plan.regions) if g.name == region)
    if line is None:
        return r, plan.regions[r].id, None
    li = next(i for i, b in enumerate(plan.budget_lines) if b.name == line)
    return r, plan.regions[r].id, plan.budget_lines[li].id


@pytest.fixture
def finance_edit(
    tmp_path: Path, demo_plan: Plan, baseline_export: Path, libreoffice: LibreOffice
) -> tuple[Path, dict[str, Any]]:
    """The Baseline workbook after finance's edits, re-sorted, re-saved by LibreOffice."""
    plan = demo_plan
    first = libreoffice.resave(baseline_export, tmp_path / "first")
    _, emea, _ = _ids(plan, "EMEA")
    _, north_america, _ = _ids(plan, "North America")
    _, _, paid = _ids(plan, "EMEA", "Paid digital")
    _, apac, brand = _ids(plan, "APAC", "Brand & PR")
    edits = {
        ("Budget", row_key(1, emea, paid), MARCH): None,  # filled in below: old + 25,000
        ("Budget", row_key(1, apac, brand), JULY): 0.0,
        ("Assumptions", row_key(1, emea), "win_rate:1"): 0.27,
        ("Targets", row_key(1, north_america), "target:FY2027"): 25_000_000.0,
    }
    moved: dict[int, int] = {}

    def edit(workbook: Any) -> None:
        nonlocal moved
        for (sheet, key, column), wanted in edits.items():
            rows, columns = key_positions(workbook[sheet])
            cell = workbook[sheet].cell(rows[key], columns[column])
            value = float(cell.value) + 25_000.0 if wanted is None else wanted
            edits[(sheet, key, column)] = value
            cell.value = value
        budget = workbook["Budget"]
        rows, _ = key_positions(budget)
        data = [r for k, r in rows.items() if parse_row_key(k)]
        moved = sort_rows(budget, min(data), max(data), key=lambda v: (v[5], v[2]))

    edited = edit_workbook(first, tmp_path / "edited.xlsx", edit)
    resaved = libreoffice.resave(edited, tmp_path / "second")
    return resaved, {"edits": edits, "moved": moved}


def test_import_lists_exactly_finances_edits_even_after_a_re_sort(
    demo_plan: Plan, finance_edit: tuple[Path, dict[str, Any]]
) -> None:
    workbook, info = finance_edit
    assert any(old != new for old, new in info["moved"].items())  # rows really moved
    result = read_workbook(workbook, demo_plan)
    assert result.ok, [str(p) for p in result.problems]
    inputs = demo_plan.scenario("Baseline").inputs
    r_emea, _, _ = _ids(demo_plan, "EMEA")
    r_na, _, _ = _ids(demo_plan, "North America")
    r_apac, _, _ = _ids(demo_plan, "APAC")
    l_paid = [b.name for b in demo_plan.budget_lines].index("Paid digital")
    l_brand = [b.name for b in demo_plan.budget_lines].index("Brand & PR")
    expected = {
        ("Budget", "Budget (Paid digital / EMEA / Mar 2027)",
         inputs.budget[l_paid, r_emea, 2], inputs.budget[l_paid, r_emea, 2] + 25_000),
        ("Budget", "Budget (Brand & PR / APAC / Jul 2027)", inputs.budget[l_brand, r_apac, 6],
         0.0),
        ("Assumptions", "Win rate (EMEA / Marketing)", inputs.win_rate[r_emea, 0], 0.27),
        ("Targets", "Bookings target (North America / FY2027)", inputs.annual_target[r_na, 0],
         25_000_000.0),
    }  # fmt: skip
    changes = result.changes()
    assert {(c.sheet, c.what, c.old, c.new) for c in changes} == expected
    assert [c.sheet for c in changes] == ["Targets", "Assumptions", "Budget", "Budget"]
    report = format_report(result, "USD")
    assert "4 changes:" in report
    assert "Win rate (EMEA / Marketing): 24% → 27%" in report
    brand_july = f"${inputs.budget[l_brand, r_apac, 6]:,.0f}"
    assert f"Budget (Brand & PR / APAC / Jul 2027): {brand_july} → $0" in report


def test_the_change_cells_point_at_the_re_sorted_rows(
    tmp_path: Path, demo_plan: Plan, finance_edit: tuple[Path, dict[str, Any]]
) -> None:
    from openpyxl import load_workbook

    workbook, _ = finance_edit
    result = read_workbook(workbook, demo_plan)
    sheets = load_workbook(workbook, data_only=True)
    for change in result.changes():
        assert sheets[change.sheet][change.cell].value == pytest.approx(change.new)


def test_applying_the_import_moves_the_forecast_and_undo_restores_the_plan(
    demo_plan: Plan, finance_edit: tuple[Path, dict[str, Any]]
) -> None:
    workbook, _ = finance_edit
    result = read_workbook(workbook, demo_plan)
    document = PlanDocument(demo_plan)
    baseline = demo_plan.scenario("Baseline")
    before = document.kpis(baseline.id)
    macro = result.to_command(document)
    assert macro.label == "Import from Excel (4 changes)"
    undo = run(document, macro)  # what the undo stack's redo() does
    after = document.kpis(baseline.id)
    l_brand = [b.name for b in demo_plan.budget_lines].index("Brand & PR")
    r_apac, _, _ = _ids(demo_plan, "APAC")
    brand_july = build_demo_plan().scenario("Baseline").inputs.budget[l_brand, r_apac, 6]
    assert after["bookings_target"].value - before["bookings_target"].value == pytest.approx(
        25_000_000 - 24_000_000
    )
    assert after["sm_budget"].value - before["sm_budget"].value == pytest.approx(
        25_000 - brand_july
    )
    assert after["forecast_bookings"].value > before["forecast_bookings"].value
    assert after["gap"].value != pytest.approx(before["gap"].value)
    run(document, undo)
    restored = document.kpis(baseline.id)
    assert baseline.inputs.equals(build_demo_plan().scenario("Baseline").inputs)
    assert restored["forecast_bookings"].value == pytest.approx(before["forecast_bookings"].value)


def test_the_edits_can_become_a_new_scenario_instead(
    demo_plan: Plan, finance_edit: tuple[Path, dict[str, Any]]
) -> None:
    workbook, _ = finance_edit
    result = read_workbook(workbook, demo_plan)
    document = PlanDocument(demo_plan)
    insert = result.to_new_scenario(document, "Finance v2")
    undo = run(document, insert)
    created = demo_plan.scenario("Finance v2")
    r_emea, _, _ = _ids(demo_plan, "EMEA")
    assert created.inputs.win_rate[r_emea, 0] == 0.27
    assert not created.is_plan_of_record
    assert demo_plan.scenario("Baseline").inputs.equals(
        build_demo_plan().scenario("Baseline").inputs
    )
    run(document, undo)
    assert [s.name for s in demo_plan.scenarios] == [s.name for s in build_demo_plan().scenarios]
