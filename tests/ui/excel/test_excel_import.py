"""File › Import from Excel: the preview lists exactly finance's edits; Apply is one undo step;
a new scenario takes them instead; a workbook with problems or a non-workbook changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from gtm_planner.model.document import PlanDocument
from gtm_planner.model.exchange.workbook_layout import row_key
from gtm_planner.ui.excel_dialogs import ExcelController
from gtm_planner.ui.excel_preview import (
    ChangeTreeModel,
    ImportPreviewDialog,
    ImportProblemsDialog,
)
from gtm_planner.ui.main_window import MainWindow
from gtm_planner.ui.questions import Icon
from tests.ui.excel.conftest import (
    Answers,
    click,
    edit_cells,
    export_through_ui,
    scripted,
    wait_for_task,
)

MARCH = "m:2027-03"


def listed(model: ChangeTreeModel) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """The preview's table as the user reads it: each sheet row, and the change rows under it."""
    out = []
    for s in range(model.rowCount()):
        sheet = model.index(s, 0)
        rows = [
            tuple(str(model.index(r, c, sheet).data()) for c in range(3))
            for r in range(model.rowCount(sheet))
        ]
        out.append((str(sheet.data()), rows))
    return out  # type: ignore[return-value]


@pytest.fixture
def finance_edit(
    qtbot: QtBot, window: MainWindow, excel: ExcelController, answers: Answers, tmp_path: Path
) -> tuple[Path, list[str], float]:
    """The current scenario exported from the window, then a budget cell and a win rate edited
    by finance (openpyxl): (workbook, the two cell refs, the budget cell's old value)."""
    exported = export_through_ui(qtbot, excel, answers, tmp_path / "baseline.xlsx")
    plan = window.document.plan
    scenario = window.document.current_scenario
    emea = next(r for r in plan.regions if r.name == "EMEA")
    paid = next(b for b in plan.budget_lines if b.name == "Paid digital")
    li, ri = plan.budget_lines.index(paid), plan.regions.index(emea)
    old_budget = float(scenario.inputs.budget[li, ri, 2])
    refs = edit_cells(exported, tmp_path / "edited.xlsx", {
        ("Budget", row_key(scenario.id, emea.id, paid.id), MARCH): old_budget + 25_000,
        ("Assumptions", row_key(scenario.id, emea.id), "win_rate:1"): 0.31,
    })  # fmt: skip
    answers.messages.clear()
    return tmp_path / "edited.xlsx", refs, old_budget


def open_preview(qtbot: QtBot, excel: ExcelController, answers: Answers, path: Path) -> None:
    answers.open_path = path
    excel.import_from_excel()
    wait_for_task(qtbot, excel)


def test_the_preview_lists_exactly_the_two_edited_cells_grouped_by_sheet(
    qtbot: QtBot,
    excel: ExcelController,
    answers: Answers,
    finance_edit: tuple[Path, list[str], float],
) -> None:
    path, (budget_ref, rate_ref), old = finance_edit
    open_preview(qtbot, excel, answers, path)
    dialog = excel.dialog
    assert isinstance(dialog, ImportPreviewDialog), answers.told
    assert dialog.heading.text() == "2 changes to import"
    assert dialog.counts_label.text() == "Assumptions: 1 · Budget: 1"
    assert listed(dialog.model) == [
        ("Assumptions — 1 change", [(rate_ref, "Win rate (EMEA / Marketing)", "24% → 31%")]),
        ("Budget — 1 change", [(budget_ref, "Budget (Paid digital / EMEA / Mar 2027)",
                                f"${old:,.0f} → ${old + 25_000:,.0f}")]),
    ]  # fmt: skip
    assert dialog.apply_button.text() == "Apply to ‘Baseline’"
    assert dialog.apply_button.isVisible() and dialog.apply_button.isEnabled()


def test_apply_changes_the_engine_outputs_in_one_undo_step_and_undo_restores_them(
    qtbot: QtBot, window: MainWindow, excel: ExcelController, answers: Answers,
    finance_edit: tuple[Path, list[str], float],
) -> None:  # fmt: skip
    path, _, old = finance_edit
    document = window.document
    scenario = document.current_scenario
    before_inputs = scenario.inputs.copy()
    before_kpis = {k: v.value for k, v in document.kpis().items()}
    open_preview(qtbot, excel, answers, path)
    assert isinstance(excel.dialog, ImportPreviewDialog)
    click(excel.dialog.apply_button)
    assert excel.dialog is None  # the preview closed
    stack = window.undo.stack
    assert stack.count() == 1 and stack.undoText() == "Import from Excel (2 changes)"
    inputs = document.scenario_by_id(scenario.id).inputs
    changed = ~np.isclose(inputs.budget, before_inputs.budget)
    assert changed.sum() == 1 and inputs.budget[changed][0] == old + 25_000
    assert np.flatnonzero(inputs.win_rate != before_inputs.win_rate).size == 1
    after_kpis = {k: v.value for k, v in document.kpis().items()}
    assert after_kpis["sm_budget"] == pytest.approx(before_kpis["sm_budget"] + 25_000)
    assert after_kpis["forecast_bookings"] > before_kpis["forecast_bookings"]  # 24% → 31% wins
    assert answers.messages == ["Import from Excel (2 changes) into ‘Baseline’"]
    stack.undo()
    assert document.scenario_by_id(scenario.id).inputs.equals(before_inputs)
    assert {k: v.value for k, v in document.kpis().items()} == before_kpis


def test_new_scenario_takes_the_workbook_values_and_leaves_the_scenario_alone(
    qtbot: QtBot, window: MainWindow, excel: ExcelController, answers: Answers,
    finance_edit: tuple[Path, list[str], float],
) -> None:  # fmt: skip
    path, _, _ = finance_edit
    document = window.document
    baseline = document.current_scenario
    before = baseline.inputs.copy()
    names_before = [s.name for s in document.plan.scenarios]
    open_preview(qtbot, excel, answers, path)
    assert isinstance(excel.dialog, ImportPreviewDialog)
    answers.texts = ["Baseline", "Finance view"]  # the first name is taken
    click(excel.dialog.new_scenario_button)
    assert answers.asked[-2][2] == "Baseline (from Excel)"  # a unique name is suggested
    assert answers.told == [
        (Icon.Warning, "New scenario from Excel",
         "a scenario named 'Baseline' already exists; choose another name")
    ]  # fmt: skip
    assert [s.name for s in document.plan.scenarios] == [*names_before, "Finance view"]
    created = document.plan.scenarios[-1]
    assert document.current_scenario is created
    assert created.inputs.budget.sum() == pytest.approx(before.budget.sum() + 25_000)
    assert np.isclose(created.inputs.win_rate, 0.31).sum() == 1
    assert document.scenario_by_id(baseline.id).inputs.equals(before)
    assert window.undo.stack.undoText() == "Import from Excel as new scenario «Finance view»"
    window.undo.stack.undo()
    assert [s.name for s in document.plan.scenarios] == names_before


def test_text_in_a_money_cell_is_listed_with_sheet_and_cell_and_nothing_changes(
    qtbot: QtBot, window: MainWindow, excel: ExcelController, answers: Answers, tmp_path: Path
) -> None:
    exported = export_through_ui(qtbot, excel, answers, tmp_path / "baseline.xlsx")
    plan, scenario = window.document.plan, window.document.current_scenario
    emea, line = plan.regions[1], plan.budget_lines[3]
    before = [s.inputs.copy() for s in plan.scenarios]
    (ref,) = edit_cells(exported, tmp_path / "bad.xlsx", {
        ("Budget", row_key(scenario.id, emea.id, line.id), MARCH): "about 40k",
    })  # fmt: skip
    open_preview(qtbot, excel, answers, tmp_path / "bad.xlsx")
    dialog = excel.dialog
    assert isinstance(dialog, ImportProblemsDialog)
    assert dialog.heading.text() == "1 problem in the workbook; nothing was imported"
    model = dialog.model
    rows = [[model.index(r, c).data() for c in range(3)] for r in range(model.rowCount())]
    assert len(rows) == 1
    assert rows[0][:2] == ["Budget", ref]
    assert "'about 40k' is text, not a number" in rows[0][2]
    assert [b.text() for b in dialog.findChildren(QPushButton)] == ["Close"]
    assert window.undo.stack.count() == 0
    assert all(s.inputs.equals(b) for s, b in zip(plan.scenarios, before, strict=True))
    click(dialog.close_button)
    assert excel.dialog is None


def test_a_csv_named_xlsx_is_refused_with_its_message_and_nothing_changes(
    qtbot: QtBot, window: MainWindow, excel: ExcelController, answers: Answers, tmp_path: Path
) -> None:
    fake = tmp_path / "budget.xlsx"
    fake.write_text("region,month,budget\nEMEA,2027-03,40000\n", encoding="utf-8")
    before = [s.inputs.copy() for s in window.document.plan.scenarios]
    open_preview(qtbot, excel, answers, fake)
    assert excel.dialog is None
    assert len(answers.told) == 1
    icon, title, message = answers.told[0]
    assert (icon, title) == (Icon.Critical, "Cannot import this workbook")
    assert "budget.xlsx" in message
    assert "this looks like a CSV or text file, not an Excel workbook" in message
    assert window.undo.stack.count() == 0
    plan = window.document.plan
    assert all(s.inputs.equals(b) for s, b in zip(plan.scenarios, before, strict=True))


def test_a_workbook_of_several_scenarios_asks_which_one_to_import(
    qtbot: QtBot, window: MainWindow, excel: ExcelController, answers: Answers, tmp_path: Path
) -> None:
    path = export_through_ui(qtbot, excel, answers, tmp_path / "all.xlsx", scope=1)
    names = [s.name for s in window.document.plan.scenarios]
    answers.item = names[1]
    open_preview(qtbot, excel, answers, path)
    assert answers.items_offered == [names]
    dialog = excel.dialog
    assert isinstance(dialog, ImportPreviewDialog)
    assert dialog.heading.text() == "No changes: the workbook matches the plan"
    assert f"scenario ‘{names[1]}’, compared with ‘{names[1]}’" in dialog.workbook_label.text()
    assert not dialog.apply_button.isVisible()
    assert dialog.model.rowCount(QModelIndex()) == 0


def test_choosing_no_scenario_of_several_imports_nothing(
    qtbot: QtBot, window: MainWindow, excel: ExcelController, answers: Answers, tmp_path: Path
) -> None:
    path = export_through_ui(qtbot, excel, answers, tmp_path / "all.xlsx", scope=1)
    answers.messages.clear()
    answers.item = None
    open_preview(qtbot, excel, answers, path)
    assert excel.dialog is None
    assert answers.messages == ["Import cancelled; nothing was changed"]


def test_a_read_only_plan_shows_the_preview_but_cannot_apply_it(
    qtbot: QtBot, window: MainWindow, excel: ExcelController, answers: Answers,
    finance_edit: tuple[Path, list[str], float],
) -> None:  # fmt: skip
    window.document.read_only = True
    open_preview(qtbot, excel, answers, finance_edit[0])
    dialog = excel.dialog
    assert isinstance(dialog, ImportPreviewDialog)
    assert not dialog.apply_button.isEnabled()
    assert not dialog.new_scenario_button.isEnabled()


def test_the_change_and_problem_models_pass_the_model_tester(
    qtbot: QtBot, window: MainWindow, excel: ExcelController, answers: Answers,
    check_model: Callable[..., None], finance_edit: tuple[Path, list[str], float], tmp_path: Path,
) -> None:  # fmt: skip
    open_preview(qtbot, excel, answers, finance_edit[0])
    assert isinstance(excel.dialog, ImportPreviewDialog)
    check_model(excel.dialog.model)
    check_model(excel.dialog.model, force_py=True)
    excel.dialog.reject()
    plan, scenario = window.document.plan, window.document.current_scenario
    regions, line = plan.regions, plan.budget_lines[4]
    edit_cells(finance_edit[0], tmp_path / "worse.xlsx", {
        ("Budget", row_key(scenario.id, regions[0].id, line.id), MARCH): "n/a",
        ("Budget", row_key(scenario.id, regions[2].id, line.id), MARCH): -5.0,
        ("Assumptions", row_key(scenario.id, regions[3].id), "win_rate:2"): 1.5,
    })  # fmt: skip
    open_preview(qtbot, excel, answers, tmp_path / "worse.xlsx")
    assert isinstance(excel.dialog, ImportProblemsDialog)
    assert excel.dialog.model.rowCount() == 3
    check_model(excel.dialog.model)
    check_model(excel.dialog.model, force_py=True)


def test_a_workbook_of_several_scenarios_none_in_this_plan_is_refused_with_a_reason(
    qtbot: QtBot, window: MainWindow, excel: ExcelController, answers: Answers, tmp_path: Path
) -> None:
    path = export_through_ui(qtbot, excel, answers, tmp_path / "all.xlsx", scope=1)
    plan = window.document.plan.copy()
    plan.scenarios = [replace(s, id=s.id + 10, name=f"{s.name} v2") for s in plan.scenarios]
    other = MainWindow(PlanDocument(plan))
    qtbot.addWidget(other)
    other_answers = Answers(open_path=path)
    other_excel = scripted(ExcelController(other, other.undo), other_answers)
    other_excel.import_from_excel()
    wait_for_task(qtbot, other_excel)
    assert other_answers.items_offered == []
    assert other_excel.dialog is None
    ((icon, title, message),) = other_answers.told
    assert (icon, title) == (Icon.Warning, "Cannot import this workbook")
    assert (
        "holds 3 scenarios (‘Baseline’, " in message and "none of them is in this plan" in message
    )
    assert other.undo.stack.count() == 0
